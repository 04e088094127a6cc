// The lobby's waiting screen (docs/PROTOCOL.md, "Running a meeting"): shown while room.join
// answered `lobby: true` and no host has admitted the person yet. The camera preview chosen at
// the door stays on screen (seen by the person only: nothing is sent while waiting), with the
// meeting's name and a button to stop waiting. room.js swaps it for the meeting when
// room.admitted arrives, or for a clear message when a host declines or ends the meeting.
import { h } from './dom.js';

// stream: the pre-join MediaStream (or null); roomName: the meeting's room name; onLeave: the
// leave button's action. Returns the element.
export function lobbyView({ stream, roomName, onLeave }) {
  const hasVideo = !!stream?.getVideoTracks().some((tr) => tr.readyState === 'live' && tr.enabled);
  const video = h('video', { class: 'preview-video', autoplay: true, playsInline: true, muted: true, 'aria-hidden': 'true', hidden: !hasVideo });
  if (hasVideo) {
    video.srcObject = new MediaStream(stream.getVideoTracks());
    video.play().catch(() => {});
  }
  const leave = h('button', { type: 'button', class: 'big', id: 'lobby-leave', i18n: 'lobby.leave' });
  leave.addEventListener('click', () => { leave.disabled = true; onLeave(); });
  return h('div', { class: 'page room-page' },
    h('section', { class: 'panel lobby-wait', id: 'lobby-wait', 'aria-labelledby': 'lobby-title' },
      h('h1', { id: 'lobby-title', i18n: 'lobby.title' }),
      roomName ? h('p', { class: 'lobby-room' }, roomName) : null,
      h('p', { class: 'lobby-message', id: 'lobby-message', role: 'status', 'aria-live': 'polite' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { i18n: 'lobby.wait' })),
      h('div', { class: 'preview' }, video,
        hasVideo ? null : h('div', { class: 'preview-empty', i18n: 'room.noPreview' })),
      h('p', { class: 'hint', i18n: hasVideo ? 'lobby.previewHint' : 'lobby.noSendHint' }),
      h('div', { class: 'row' }, leave)));
}
