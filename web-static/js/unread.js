// The signed-in person's conversations as chat.conversations lists them (with their unread
// counts), listed once and then kept current from events, so that a message arriving does not make
// the app list every conversation again: chat.message carries the message and `conversation` (what
// the conversation is, the same for every reader), so a message of someone else counts one more
// unread in its conversation (one more unread mention when it names me) and moves it first;
// chat.read (the reply to this app's own chat.read, and the event from the person's other
// connections) sets a conversation's counts. A conversation not listed yet, a new sign-in and a
// reconnection (events may have been missed) list once more. The top bar's badge, the home
// screen's unread list and the inbox read it here and redraw on change (onChange).
const listeners = new Set();
let rpc = null;
let list = null; // conversations, most recent activity first; null until listed
let listing = null; // the chat.conversations under way
let again = false; // list once more when it ends (something changed meanwhile)
let listedFor = null; // the user id the list is of

function changed() {
  for (const fn of listeners) fn();
}

// Lists the conversations (again when asked meanwhile); resolves when done. One at a time.
function load() {
  if (listing) { again = true; return listing; }
  let done;
  listing = new Promise((resolve) => { done = resolve; });
  (async () => {
    do {
      again = false;
      const user = rpc.user;
      if (!user || user.guest) { list = null; break; } // a guest has the room's chat only
      try {
        const r = await rpc.optional('chat.conversations', {});
        if (r && rpc.user?.id === user.id && listedFor === user.id) list = r.conversations || [];
      } catch { /* the counts are a hint: kept as they were, listed again at the next message */ }
    } while (again);
    const finished = done;
    listing = null;
    changed();
    finished();
  })();
  return listing;
}

// A message in a conversation, as chat.message brings it ({conversation_id, message}); also for a
// message this connection caused and got in a reply (no event comes to it).
export function noteMessage(ev) {
  const m = ev.message;
  if (!m) return;
  if (!list) { load(); return; } // not listed yet (or the listing failed): the listing counts it
  const i = list.findIndex((c) => c.id === ev.conversation_id);
  if (i < 0) { load(); return; } // new to this person: its row and counts come from the server
  const c = list[i];
  const me = rpc.user?.id;
  if (m.author_id !== me && m.id > (c.last_read_id || 0)) {
    c.unread = (c.unread || 0) + 1;
    if ((m.mentions || []).includes(me)) c.mentions_unread = (c.mentions_unread || 0) + 1;
  }
  if (!c.last_message || m.id >= c.last_message.id) c.last_message = m;
  list.splice(i, 1);
  list.unshift(c);
  changed();
}

// A conversation read up to last_read_id with unread messages left (chat.read's reply or event).
export function noteRead({ conversation_id: id, last_read_id: last, unread }) {
  const c = list?.find((x) => x.id === id);
  if (!c) return;
  if (last >= (c.last_read_id || 0)) c.last_read_id = last;
  c.unread = unread;
  if (!unread) c.mentions_unread = 0;
  changed();
}

// Wires the counts to rpc's session and events (once, from app.js).
export function wireUnread(r) {
  rpc = r;
  // on every connection and sign-in: after a reconnection the events missed meanwhile are counted
  rpc.addEventListener('session', () => {
    const id = rpc.user ? rpc.user.id : null;
    if (id !== listedFor) { listedFor = id; list = null; changed(); }
    load();
  });
  rpc.on('chat.message', noteMessage);
  rpc.on('chat.read', noteRead);
  rpc.on('inquiry.received', () => load()); // a new conversation
}

// The conversations (an empty list before the first listing).
export function conversations() { return list || []; }
// Whether the first listing came.
export function listed() { return list !== null; }
// Unread messages in every conversation.
export function unreadTotal() { return (list || []).reduce((a, c) => a + (c.unread || 0), 0); }
// Lists again (e.g. after the inbox learned of a decision); resolves when done.
export function refreshConversations() { return load(); }
// Calls fn after every change; returns the function that stops it.
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
