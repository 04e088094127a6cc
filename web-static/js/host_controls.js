// Host controls in the meeting room (docs/PROTOCOL.md, "Running a meeting"): the agenda with the
// current segment and its remaining time (everyone), a raise-hand button, and for hosts and
// cohosts the lobby (admit/deny), hands (give/take the floor), per-participant mute / stop camera /
// remove, lock/unlock and end. The server enforces every rule; this panel only asks.
import { h } from './dom.js';
import { t, getLang } from './i18n.js';

export function createHostControls(ctx, meeting) {
  const rpc = ctx.rpc;
  const roomId = meeting.roomId;
  const agendaBox = h('div', { class: 'agenda', id: 'agenda', 'aria-live': 'polite' });
  const handBtn = h('button', { type: 'button', class: 'small', id: 'ctl-hand', i18n: 'host.raiseHand' });
  const lobbyList = h('ul', { class: 'lobby-list', id: 'lobby-list' });
  const handsList = h('ul', { class: 'hands-list', id: 'hands-list' });
  const peopleList = h('ul', { class: 'moderate-list', id: 'moderate-list' });
  const lockBtn = h('button', { type: 'button', class: 'small', id: 'ctl-lock', i18n: 'host.lock' });
  const endBtn = h('button', { type: 'button', class: 'small danger', id: 'ctl-end', i18n: 'host.end' });
  const nextBtn = h('button', { type: 'button', class: 'small', id: 'ctl-agenda-next', i18n: 'host.agendaNext' });
  const clockBtn = h('button', { type: 'button', class: 'small', id: 'ctl-agenda-clock', i18n: 'host.agendaClock' });
  const hostBox = h('div', { class: 'host-tools', hidden: true },
    h('h3', { i18n: 'host.lobby' }), lobbyList, h('h3', { i18n: 'host.hands' }), handsList,
    h('h3', { i18n: 'host.people' }), peopleList, h('div', { class: 'row' }, lockBtn, endBtn, nextBtn, clockBtn));
  const root = h('section', { class: 'panel host-controls', id: 'host-controls' },
    h('h2', { i18n: 'host.title' }), agendaBox, handBtn, hostBox);

  let agenda = null, skew = 0, locked = false, raised = false;
  const hands = new Map();
  const act = (type, params = {}) => rpc.request(type, { room_id: roomId, ...params }).catch((e) => ctx.toast(ctx.errorText(e), 'error'));

  function renderAgenda() {
    if (!agenda || !agenda.count) { agendaBox.replaceChildren(); return; }
    const now = Math.floor(Date.now() / 1000) + skew;
    const left = agenda.ends_at ? Math.max(0, agenda.ends_at - now) : null;
    const mmss = left === null ? '' : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    agendaBox.replaceChildren(agenda.state === 'running'
      ? h('p', {}, t('host.segment', { position: agenda.position, count: agenda.count, item: agenda.item }),
        ' ', h('span', { class: 'remaining' }, t('host.remaining', { time: mmss })))
      : h('p', {}, t(agenda.state === 'finished' ? 'host.agendaDone' : 'host.agendaNotStarted')));
  }
  const timer = setInterval(renderAgenda, 1000);

  function renderHands() {
    handsList.replaceChildren(...[...hands.values()].map((p) => h('li', {}, p.name, ' ',
      h('button', { type: 'button', class: 'small', i18n: 'host.giveFloor', on: { click: () => act('meeting.give_floor', { participant_id: p.participant_id }) } }),
      h('button', { type: 'button', class: 'small', i18n: 'host.lowerHand', on: { click: () => act('meeting.lower_hand', { participant_id: p.participant_id }) } }))));
  }

  function renderPeople() {
    peopleList.replaceChildren(...[...meeting.participants.values()].map((p) => h('li', {}, p.name, ' ',
      h('button', { type: 'button', class: 'small', i18n: 'host.mute', on: { click: () => act('meeting.mute', { participant_id: p.participantId }) } }),
      h('button', { type: 'button', class: 'small', i18n: 'host.stopVideo', on: { click: () => act('meeting.stop_video', { participant_id: p.participantId }) } }),
      h('button', { type: 'button', class: 'small', i18n: 'host.takeFloor', on: { click: () => act('meeting.take_floor', { participant_id: p.participantId }) } }),
      h('button', { type: 'button', class: 'small danger', i18n: 'host.remove', on: { click: () => { if (confirm(t('host.removeConfirm', { name: p.name }))) act('meeting.remove', { participant_id: p.participantId }); } } }))));
  }

  function renderLobby(waiting) {
    lobbyList.replaceChildren(...waiting.map((w) => h('li', {}, w.name, ' ',
      h('button', { type: 'button', class: 'small primary', i18n: 'host.admit', on: { click: () => act('meeting.admit', { user_id: w.user_id }) } }),
      h('button', { type: 'button', class: 'small', i18n: 'host.deny', on: { click: () => act('meeting.deny', { user_id: w.user_id }) } }))));
  }

  const offs = [
    rpc.on('room.agenda', (m) => { if (m.room_id === roomId) { agenda = m; skew = m.now - Math.floor(Date.now() / 1000); renderAgenda(); } }),
    rpc.on('room.lobby_waiting', (m) => { if (m.room_id === roomId) renderLobby(m.waiting); }),
    rpc.on('room.hand_raised', (m) => {
      if (m.room_id !== roomId) return;
      if (m.participant_id === meeting.self?.participant_id) { raised = m.raised; handBtn.textContent = t(raised ? 'host.lowerHand' : 'host.raiseHand'); }
      if (m.raised) hands.set(m.participant_id, m); else hands.delete(m.participant_id);
      renderHands();
    }),
    rpc.on('room.floor_given', (m) => { if (m.room_id === roomId) { hands.delete(m.participant_id); renderHands(); ctx.toast(t('host.floorGiven', { name: m.name })); } }),
    rpc.on('room.floor_taken', (m) => { if (m.room_id === roomId) ctx.toast(t('host.floorTaken', { name: m.name })); }),
    rpc.on('room.locked', (m) => { if (m.room_id === roomId) { locked = m.locked; lockBtn.textContent = t(locked ? 'host.unlock' : 'host.lock'); } }),
    rpc.on('room.moderated', (m) => { if (m.room_id === roomId && m.participant_id === meeting.self?.participant_id) ctx.toast(t(`host.you.${m.action}`)); }),
    rpc.on('room.removed', (m) => { if (m.room_id === roomId) ctx.toast(getLang() === 'en' ? m.message_en : m.message, 'error'); }),
    rpc.on('room.ended', (m) => { if (m.room_id === roomId) ctx.toast(getLang() === 'en' ? m.message_en : m.message); }),
    rpc.on('room.participant_joined', () => renderPeople()),
    rpc.on('room.participant_left', (m) => { hands.delete(m.participant_id); renderHands(); renderPeople(); }),
  ];

  handBtn.addEventListener('click', () => act(raised ? 'meeting.lower_hand' : 'meeting.raise_hand').then(() => {}));
  lockBtn.addEventListener('click', () => act(locked ? 'meeting.unlock' : 'meeting.lock'));
  endBtn.addEventListener('click', () => { if (confirm(t('host.endConfirm'))) act('meeting.end'); });
  nextBtn.addEventListener('click', () => act('meeting.agenda_next'));
  clockBtn.addEventListener('click', () => act('meeting.agenda_follow_clock'));

  // Moderator or not: the server answers meeting.lobby only for hosts and cohosts.
  rpc.request('meeting.lobby', { room_id: roomId }).then((r) => {
    hostBox.hidden = false;
    renderLobby(r.waiting);
    renderPeople();
  }, () => { hostBox.hidden = true; });

  return {
    el: root,
    destroy() { clearInterval(timer); for (const off of offs) off?.(); },
  };
}
