// Recording in the app (docs/PROTOCOL.md, "Recording"). In a meeting: the "녹화 중 / Recording"
// badge everyone sees while the room is recorded (from the join result's `recording`, then
// room.recording: people who join later see it too), with who started it, and for hosts and
// cohosts a record button (meeting.record start / stop) and a warning when the recording lost
// media (degraded). On the meetings screen: the meeting's recordings (meeting.recordings) with
// their state, Seoul start time, duration and size, a <video> player per file (the server answers
// range requests, so it seeks), a download link, and for hosts a delete button
// (meeting.recording_delete). The server decides who may do what; this only asks.
import { h } from './dom.js';
import { t, fmtNumber, onLangChange } from './i18n.js';
import { fmtSize } from './attachments.js';

// ctx: the room screen's context; meeting: the joined Meeting (meeting.js). Returns {badge,
// button (null for non-moderators), destroy}.
export function createRecordingControls(ctx, meeting) {
  const badge = h('span', { class: 'rec-badge', id: 'rec-badge', role: 'status', 'aria-live': 'polite', hidden: true });
  const button = meeting.moderator
    ? h('button', { type: 'button', class: 'ctl rec', id: 'ctl-record', 'aria-pressed': 'false', i18n: 'rec.start' })
    : null;
  let state = meeting.recording || { recording: false };
  function render() {
    const on = !!state.recording;
    badge.hidden = !on;
    badge.replaceChildren(h('span', { class: 'rec-dot', 'aria-hidden': 'true' }), h('span', { i18n: 'rec.badge' }));
    badge.title = on ? t('rec.since', { name: state.by_name || '', time: (state.since_local || '').slice(11, 16) }) : '';
    if (on && state.degraded && meeting.moderator) badge.append(' ', h('span', { class: 'rec-degraded' }, t('rec.degraded')));
    if (!button) return;
    button.dataset.i18n = on ? 'rec.stop' : 'rec.start';
    button.textContent = t(button.dataset.i18n);
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.classList.toggle('on', on);
  }
  button?.addEventListener('click', async () => {
    button.disabled = true;
    try {
      state = await ctx.rpc.request('meeting.record', { room_id: meeting.roomId, action: state.recording ? 'stop' : 'start' });
      render();
    } catch (e) {
      ctx.toast(ctx.errorText(e), 'error');
    } finally {
      button.disabled = false;
    }
  });
  const off = ctx.rpc.on('room.recording', (m) => {
    if (m.room_id !== meeting.roomId) return;
    const was = !!state.recording;
    state = m;
    render();
    if (was !== !!m.recording) ctx.toast(t(m.recording ? 'rec.startedBy' : 'rec.stopped', { name: m.by_name || '' }));
  });
  const offLang = onLangChange(render); // the badge's title and warning are built with t()
  render();
  return { badge, button, destroy: () => { off(); offLang(); } };
}

// 1:02:03 or 2:03 from milliseconds.
function fmtDuration(ms) {
  const s = Math.round(ms / 1000), two = (n) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

// The recordings of meeting m (the meetings screen): a button that loads and shows them.
export function recordingsButton(ctx, m) {
  const box = h('div', { class: 'recordings', dataset: { meeting: String(m.id) } });
  const status = h('p', { class: 'form-error', role: 'alert' });
  const show = h('button', { type: 'button', class: 'small rec-show', i18n: 'rec.show' });
  async function load() {
    status.textContent = '';
    show.disabled = true;
    try {
      const r = await ctx.rpc.request('meeting.recordings', { meeting_id: m.id });
      if (ctx.alive) box.replaceChildren(list(ctx, r, load), status);
    } catch (e) {
      status.textContent = ctx.errorText(e);
      show.disabled = false;
    }
  }
  show.addEventListener('click', load);
  box.append(show, status);
  return box;
}

function list(ctx, r, reload) {
  if (!r.recordings.length) return h('p', { class: 'empty', i18n: 'rec.none' });
  return h('ul', { class: 'recording-list' }, ...r.recordings.map((rec) => {
    const del = r.can_delete && rec.state !== 'recording' && rec.state !== 'finalizing'
      ? h('button', { type: 'button', class: 'small danger rec-delete', i18n: 'rec.delete' }) : null;
    del?.addEventListener('click', async () => {
      if (!confirm(t('rec.confirmDelete'))) return;
      del.disabled = true;
      try {
        await ctx.rpc.request('meeting.recording_delete', { recording_id: rec.id });
        ctx.toast(t('rec.deleted'));
        reload();
      } catch (e) {
        ctx.toast(ctx.errorText(e), 'error');
        del.disabled = false;
      }
    });
    const facts = [rec.started_local, rec.duration_ms ? fmtDuration(rec.duration_ms) : null,
      rec.bytes ? fmtSize(rec.bytes) : null].filter(Boolean).join(' · ');
    return h('li', { class: 'recording-item', dataset: { recording: String(rec.id), state: rec.state } },
      h('p', {}, h('strong', {}, t('rec.item', { time: rec.started_local })), ' ',
        h('span', { class: `rec-state ${rec.state}` }, t(`rec.state.${rec.state}`)),
        rec.degraded ? h('span', { class: 'rec-degraded' }, ' ', t('rec.degraded')) : null),
      h('p', { class: 'muted' }, facts, ` (${t('meetings.seoul')})`),
      rec.error && r.can_delete ? h('p', { class: 'muted rec-error' }, rec.error) : null,
      ...rec.files.map((f) => h('figure', { class: 'rec-file', dataset: { name: f.name } },
        h('video', { controls: true, preload: 'metadata', src: f.url, class: 'rec-video' }),
        h('figcaption', {}, f.composite ? t('rec.composite') : f.user_name || t('rec.participant', { id: fmtNumber(f.user_id) }),
          ` · ${fmtDuration(f.duration_ms)} · ${fmtSize(f.bytes)} `,
          h('a', { href: `${f.url}?download=1`, class: 'button small rec-download', download: '' }, t('rec.download'))))),
      del);
  }));
}
