// Browser notifications (the Notification API) for a mention or a direct message that arrives
// while the tab is hidden: one per message (tagged by its id), saying who wrote and the start of
// the text; a click brings the tab forward on that conversation. Nothing is shown while the tab
// is visible (the app shows it there), nor before the person allowed notifications (asked from
// a button: browsers allow the question only after a click).
import { t } from './i18n.js';

const kinds = new Map(); // conversation id -> kind ('direct', 'channel', ...)

export function notificationsState() {
  if (!('Notification' in window)) return 'unsupported';
  return window.Notification.permission; // 'default' | 'granted' | 'denied'
}

export async function askNotifications() {
  if (notificationsState() !== 'default') return notificationsState();
  try { return await window.Notification.requestPermission(); } catch { return notificationsState(); }
}

function show(title, body, conversationId, messageId) {
  if (!document.hidden || notificationsState() !== 'granted') return;
  try {
    const n = new window.Notification(title, { body: body.slice(0, 140), tag: `moa-msg-${messageId}` });
    n.onclick = () => { window.focus(); location.hash = `#/inbox/${conversationId}`; n.close?.(); };
  } catch { /* some browsers allow notifications only from a service worker: nothing shown */ }
}

// Wires the notifications to rpc's events for the signed-in user.
export function wireNotifications(rpc) {
  const notified = new Set();
  // chat.message says what its conversation is (`conversation`); without it (the server could not
  // read it) the list is asked once
  const kindOf = async (ev) => {
    const id = ev.conversation_id;
    if (ev.conversation?.kind) kinds.set(id, ev.conversation.kind);
    if (!kinds.has(id)) {
      try {
        const r = await rpc.request('chat.conversations', {});
        for (const c of r.conversations || []) kinds.set(c.id, c.kind);
      } catch { /* unknown: no notification */ }
    }
    return kinds.get(id);
  };
  rpc.on('chat.mention', (ev) => {
    const m = ev.message;
    if (!m || notified.has(m.id)) return;
    notified.add(m.id);
    show(t('notify.mention', { name: m.author_name || '' }), m.body || '', ev.conversation_id, m.id);
  });
  rpc.on('chat.message', async (ev) => {
    const m = ev.message;
    if (!m || !document.hidden || m.author_id === rpc.user?.id || m.kind === 'system') return;
    if ((await kindOf(ev)) !== 'direct' || notified.has(m.id)) return;
    notified.add(m.id);
    show(t('notify.direct', { name: m.author_name || '' }), m.body || '', ev.conversation_id, m.id);
  });
}
