// Host controls in the meeting room (docs/PROTOCOL.md, "Running a meeting"): the agenda with the
// current segment and its remaining time (everyone), a raise-hand button (room.js puts it in the
// control bar), and for hosts and cohosts the lobby (admit/deny, with a notice when someone starts
// waiting), hands (give the floor), per-participant mute / stop camera / take the floor / remove,
// lock/unlock and end, and for the consortium's coordinators the room's adaptive quality switch
// (room.adaptation; off gives everyone full quality, for a LAN event). The server enforces every rule; this panel only asks. What has no content
// or no meaning in the room is left out: an ordinary room (a lounge) has no agenda, no lobby and
// no hands (so no raise-hand button); a meeting shows its lobby when it has one (or someone
// waits), the agenda and its buttons when it has an agenda; someone who does not moderate sees
// the panel only for the agenda.
import { h } from './dom.js';
import { t } from './i18n.js';

export function createHostControls(ctx, meeting) {
  const rpc = ctx.rpc;
  const roomId = meeting.roomId;
  const selfId = () => meeting.self?.participant_id;
  const agendaBox = h('div', { class: 'agenda', id: 'agenda', 'aria-live': 'polite' });
  const scheduled = meeting.mode === 'meeting' || meeting.mode === 'event'; // not an ordinary room
  const handBtn = scheduled ? h('button', { type: 'button', class: 'ctl hand', id: 'ctl-hand', 'aria-pressed': 'false', i18n: 'host.raiseHand' }) : null;
  const lobbyList = h('ul', { class: 'lobby-list', id: 'lobby-list' });
  const handsList = h('ul', { class: 'hands-list', id: 'hands-list' });
  const peopleList = h('ul', { class: 'moderate-list', id: 'moderate-list' });
  const lockBtn = h('button', { type: 'button', class: 'small', id: 'ctl-lock', i18n: 'host.lock' });
  const endBtn = h('button', { type: 'button', class: 'small danger', id: 'ctl-end', i18n: 'host.end' });
  // shown once room.stats (coordinators and admins only, as room.adaptation) tells its state
  const adaptBtn = h('button', { type: 'button', class: 'small', id: 'ctl-adapt', 'aria-pressed': 'true', hidden: true, i18n: 'host.adaptOn' });
  const nextBtn = h('button', { type: 'button', class: 'small', id: 'ctl-agenda-next', i18n: 'host.agendaNext' });
  const clockBtn = h('button', { type: 'button', class: 'small', id: 'ctl-agenda-clock', i18n: 'host.agendaClock' });
  const lobbyBox = h('div', { class: 'host-lobby', id: 'host-lobby', hidden: true }, h('h3', { i18n: 'host.lobby' }), lobbyList);
  const handsBox = h('div', { class: 'host-hands', id: 'host-hands', hidden: !scheduled }, h('h3', { i18n: 'host.hands' }), handsList);
  const hostBox = h('div', { class: 'host-tools', id: 'host-tools', hidden: true }, lobbyBox, handsBox,
    h('h3', { i18n: 'host.people' }), peopleList, h('div', { class: 'row' }, lockBtn, endBtn, nextBtn, clockBtn, adaptBtn));
  const root = h('section', { class: 'panel host-controls', id: 'host-controls', hidden: true },
    h('h2', { i18n: 'host.title' }), agendaBox, hostBox);
  let lobbyOn = false; // the meeting has its lobby on (meeting.lobby)

  let agenda = null, skew = 0, locked = !!meeting.locked, raised = false, waitingIds = new Set();
  const hands = new Map(); // participant id -> {participant_id, name}
  for (const p of meeting.participants.values()) if (p.handRaised) hands.set(p.participantId, { participant_id: p.participantId, name: p.name });
  const act = (type, params = {}) => rpc.request(type, { room_id: roomId, ...params }).catch((e) => { ctx.toast(ctx.errorText(e), 'error'); });

  function setAgenda(m) {
    agenda = m;
    skew = m?.now ? m.now - Math.floor(Date.now() / 1000) : 0;
    const hasAgenda = !!agenda?.count;
    agendaBox.hidden = nextBtn.hidden = clockBtn.hidden = !hasAgenda;
    root.hidden = !meeting.moderator && !hasAgenda;
    renderAgenda();
  }
  function renderAgenda() {
    if (!agenda || !agenda.count) { agendaBox.replaceChildren(); return; }
    const now = Math.floor(Date.now() / 1000) + skew;
    const left = agenda.ends_at ? Math.max(0, agenda.ends_at - now) : null;
    const two = (n) => String(n).padStart(2, '0');
    const mmss = left === null ? '' : left >= 3600 ? `${Math.floor(left / 3600)}:${two(Math.floor(left / 60) % 60)}:${two(left % 60)}`
      : `${Math.floor(left / 60)}:${two(left % 60)}`;
    agendaBox.replaceChildren(agenda.state === 'running'
      ? h('p', {}, t('host.segment', { position: agenda.position, count: agenda.count, item: agenda.item }),
        ' ', h('span', { class: 'remaining' }, t('host.remaining', { time: mmss })))
      : h('p', {}, t(agenda.state === 'finished' ? 'host.agendaDone' : 'host.agendaNotStarted')));
  }
  const timer = setInterval(renderAgenda, 1000);

  function setRaised(v) {
    raised = v;
    if (!handBtn) return;
    handBtn.dataset.i18n = raised ? 'host.lowerHand' : 'host.raiseHand';
    handBtn.textContent = t(handBtn.dataset.i18n);
    handBtn.setAttribute('aria-pressed', raised ? 'true' : 'false');
    handBtn.classList.toggle('raised', raised);
  }

  function renderHands() {
    handsList.replaceChildren(...[...hands.values()].map((p) => h('li', { dataset: { participant: String(p.participant_id) } }, p.name, ' ',
      h('button', { type: 'button', class: 'small primary give-floor', i18n: 'host.giveFloor', on: { click: () => act('meeting.give_floor', { participant_id: p.participant_id }) } }),
      h('button', { type: 'button', class: 'small', i18n: 'host.lowerHand', on: { click: () => act('meeting.lower_hand', { participant_id: p.participant_id }) } }))));
    if (!hands.size) handsList.append(h('li', { class: 'empty', i18n: 'host.noHands' }));
  }

  function renderPeople() {
    peopleList.replaceChildren(...[...meeting.participants.values()].map((p) => h('li', { dataset: { participant: String(p.participantId), name: p.name } },
      h('span', { class: 'name' }, p.name), p.floor ? h('span', { class: 'state floor', i18n: 'room.floorBadge' }) : null, ' ',
      h('button', { type: 'button', class: 'small mute', i18n: 'host.mute', on: { click: () => act('meeting.mute', { participant_id: p.participantId }) } }),
      h('button', { type: 'button', class: 'small stop-video', i18n: 'host.stopVideo', on: { click: () => act('meeting.stop_video', { participant_id: p.participantId }) } }),
      p.floor ? h('button', { type: 'button', class: 'small take-floor', i18n: 'host.takeFloor', on: { click: () => act('meeting.take_floor', { participant_id: p.participantId }) } }) : null,
      h('button', { type: 'button', class: 'small danger remove', i18n: 'host.remove', on: { click: () => { if (confirm(t('host.removeConfirm', { name: p.name }))) act('meeting.remove', { participant_id: p.participantId }); } } }))));
    if (!meeting.participants.size) peopleList.append(h('li', { class: 'empty', i18n: 'host.nobody' }));
  }

  function renderLobby(waiting) {
    const fresh = waiting.filter((w) => !waitingIds.has(w.user_id));
    waitingIds = new Set(waiting.map((w) => w.user_id));
    lobbyBox.hidden = !scheduled || (!lobbyOn && !waiting.length);
    if (fresh.length) ctx.toast(t('host.waitingNotice', { name: fresh.map((w) => w.name).join(', ') }));
    lobbyList.replaceChildren(...waiting.map((w) => h('li', { dataset: { user: String(w.user_id), name: w.name } }, w.name,
      w.role !== 'attendee' ? h('span', { class: 'state' }, ` (${t(`host.role.${w.role}`)})`) : null, ' ',
      h('button', { type: 'button', class: 'small primary admit', i18n: 'host.admit', on: { click: () => act('meeting.admit', { user_id: w.user_id }) } }),
      h('button', { type: 'button', class: 'small deny', i18n: 'host.deny', on: { click: () => act('meeting.deny', { user_id: w.user_id }) } }))));
    if (!waiting.length) lobbyList.append(h('li', { class: 'empty', i18n: 'host.lobbyEmpty' }));
  }

  const onChanged = () => renderPeople();
  meeting.addEventListener('participant-changed', onChanged);
  const offs = [
    () => meeting.removeEventListener('participant-changed', onChanged),
    rpc.on('room.agenda', (m) => { if (m.room_id === roomId) setAgenda(m); }),
    rpc.on('room.lobby_waiting', (m) => { if (m.room_id === roomId) renderLobby(m.waiting); }),
    rpc.on('room.hand_raised', (m) => {
      if (m.room_id !== roomId) return;
      if (m.participant_id === selfId()) setRaised(m.raised);
      if (m.raised) hands.set(m.participant_id, m); else hands.delete(m.participant_id);
      renderHands();
    }),
    rpc.on('room.floor_given', (m) => {
      if (m.room_id !== roomId) return;
      hands.delete(m.participant_id); // the server lowers the hand with the floor
      renderHands();
      if (m.participant_id === selfId()) setRaised(false);
      else ctx.toast(t('host.floorGiven', { name: m.name }));
    }),
    rpc.on('room.floor_taken', (m) => { if (m.room_id === roomId && m.participant_id !== selfId()) ctx.toast(t('host.floorTaken', { name: m.name })); }),
    rpc.on('room.locked', (m) => {
      if (m.room_id !== roomId) return;
      locked = m.locked;
      renderLock();
    }),
    // room.removed and room.ended are shown by room.js (the meeting view ends with the message)
    rpc.on('room.moderated', (m) => { if (m.room_id === roomId && m.participant_id === selfId() && m.action !== 'remove') ctx.toast(t(`host.you.${m.action}`)); }),
    rpc.on('room.participant_joined', () => renderPeople()),
    rpc.on('room.adaptation', (m) => { if (m.room_id === roomId) renderAdapt(m.on); }),
    rpc.on('room.participant_left', (m) => { hands.delete(m.participant_id); renderHands(); renderPeople(); }),
  ];
  let adaptOn = null; // the room's adaptation switch, null until known
  function renderAdapt(on) {
    adaptOn = !!on;
    adaptBtn.dataset.i18n = adaptOn ? 'host.adaptOn' : 'host.adaptOff';
    adaptBtn.textContent = t(adaptBtn.dataset.i18n);
    adaptBtn.setAttribute('aria-pressed', String(adaptOn));
    adaptBtn.hidden = false;
  }
  function renderLock() {
    lockBtn.dataset.i18n = locked ? 'host.unlock' : 'host.lock';
    lockBtn.textContent = t(lockBtn.dataset.i18n);
  }

  handBtn?.addEventListener('click', () => act(raised ? 'meeting.lower_hand' : 'meeting.raise_hand'));
  lockBtn.addEventListener('click', () => act(locked ? 'meeting.unlock' : 'meeting.lock'));
  endBtn.addEventListener('click', () => { if (confirm(t('host.endConfirm'))) act('meeting.end'); });
  nextBtn.addEventListener('click', () => act('meeting.agenda_next'));
  clockBtn.addEventListener('click', () => act('meeting.agenda_follow_clock'));
  adaptBtn.addEventListener('click', () => { if (adaptOn !== null) act('room.adaptation', { on: !adaptOn }); });

  setAgenda(meeting.agenda);
  renderLock();
  renderHands();
  if (meeting.moderator) {
    hostBox.hidden = false;
    renderPeople();
    renderLobby([]);
    rpc.request('meeting.lobby', { room_id: roomId }).then((r) => { lobbyOn = !!r.lobby; renderLobby(r.waiting || []); }, () => {});
    rpc.request('room.stats', { room_id: roomId }).then((r) => renderAdapt(r.adaptation), () => {}); // forbidden: not a coordinator
  }

  return {
    el: root,
    handBtn,
    destroy() { clearInterval(timer); for (const off of offs) off?.(); handBtn?.remove(); },
  };
}
