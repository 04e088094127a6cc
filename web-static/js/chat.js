// A chat panel for one conversation (a consortium's channel, a room's chat, a direct or inquiry
// conversation): history with "older" paging, live messages, edits and deletions, typing, read
// markers, a composer whose sends carry a client_key so a resend after a dropped connection
// cannot duplicate, and catch-up (chat.history after_id) when the connection comes back; files
// attached from the composer (attachments.js) go with the next message.
// Message bodies are rendered with textContent only.
import { h } from './dom.js';
import { t, fmtShort, fmtDateTime } from './i18n.js';
import { noteMessage, noteRead } from './unread.js';
import { attachMentions, mentionBody, mentionsMe } from './mentions.js';
import { createThreadPane } from './thread.js';
import { createTray, attachButton, attachmentList } from './attachments.js';

// The reactions a message may get (the server accepts exactly these: chat.react).
const EMOJI = ['👍', '❤️', '😄', '🎉', '👀', '🙏', '✅', '😮'];

// The app's own pages named in a message (a programme a coordinator shared: "#/programmes/12")
// become links; other text stays text (no outside links are made from what people type).
function appLinks(parts) {
  return parts.flatMap((p) => (typeof p !== 'string' ? [p] : p.split(/(#\/programmes\/\d{1,12})/).map((x, i) => (
    i % 2 ? h('a', { href: x, class: 'app-link' }, x) : x))));
}

export function conversationTitle(c) {
  if (c.kind === 'channel') return t('chat.channelTitle', { name: c.title || '' });
  if (c.title) return c.title;
  return t(`chat.kind.${c.kind}`);
}

function clientKey() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

// createChat(ctx, {conversationId, title?, className?, autofocus?, onRead?}) -> HTMLElement
// (onRead: called after this panel marked the conversation read). Its listeners are
// removed when the screen is left (ctx.cleanup). panel.addMessage(message) shows a message this
// session caused elsewhere (e.g. the system message of inquiry.decide's reply: the server sends
// chat.message to everyone else but not to the session that acted).
export function createChat(ctx, { conversationId, title, className = '', autofocus = false, onRead }) {
  const { rpc } = ctx;
  const me = rpc.user;
  const byId = new Map(); // message id -> {msg, el}
  let oldestId = 0;
  let newestId = 0;
  let hasMore = false;
  let alive = true;
  ctx.cleanup(() => { alive = false; });

  const log = h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', tabindex: '0', i18nAttr: { 'aria-label': 'chat.messages' } });
  const older = h('button', { type: 'button', class: 'linkish older', hidden: true, i18n: 'chat.older', on: { click: loadOlder } });
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const input = h('textarea', { rows: 2, maxlength: 4000, class: 'chat-input', i18nAttr: { 'aria-label': 'chat.inputLabel', placeholder: 'chat.placeholder' } });
  const sendBtn = h('button', { type: 'submit', class: 'primary', i18n: 'chat.send' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const mentionPicker = attachMentions(ctx, input, conversationId); // before the Enter-sends listener
  const tray = createTray(ctx, conversationId); // files to send (attachments.js)
  const form = h('form', { class: 'chat-compose', on: { submit: (e) => { e.preventDefault(); send(); } } },
    attachButton(tray), input, sendBtn, mentionPicker.el);
  const thumbs = new Map(); // attachment id -> its preview <img>, kept across redraws
  const thread = createThreadPane(ctx, { conversationId, render: (m, o) => renderMessage(m, false, o), clientKey });
  thread.el.addEventListener('replied', (e) => upsert(e.detail));
  const panel = h('section', { class: `chat ${className}`, dataset: { conversation: String(conversationId) } },
    title ? h('h2', { class: 'chat-title' }, title) : null,
    older, log, typing, error, tray.el, form); // the thread pane joins when a thread is opened
  panel.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); });
  panel.addEventListener('drop', (e) => {
    if (!e.dataTransfer?.files.length) return;
    e.preventDefault();
    tray.addFiles(e.dataTransfer.files);
  });

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  let lastTyping = 0;
  input.addEventListener('input', () => {
    const now = Date.now();
    if (now - lastTyping > 3000 && input.value.trim()) {
      lastTyping = now;
      rpc.request('chat.typing', { conversation_id: conversationId }).catch(() => {});
    }
  });

  function authorName(m) {
    if (m.kind === 'system') return t('chat.system');
    return m.author_name || t('chat.unknownAuthor');
  }

  // A message's reactions (a toggle per emoji given, pressed when one of them is mine) and the
  // picker of the eight emoji.
  function reactionBar(m) {
    const bar = h('div', { class: 'reactions' }, ...(m.reactions || []).map((r) => {
      const mineR = me && r.user_ids.includes(me.id);
      return h('button', { type: 'button', class: ['reaction', mineR && 'mine'], 'aria-pressed': mineR ? 'true' : 'false',
        dataset: { emoji: r.emoji }, title: t('chat.reactedBy', { n: r.count }), on: { click: () => react(m, r.emoji, !mineR) } },
      `${r.emoji} ${r.count}`);
    }));
    const picker = h('details', { class: 'react-picker' },
      h('summary', { i18nAttr: { 'aria-label': 'chat.addReaction', title: 'chat.addReaction' } }, '☺︎+'),
      h('div', { class: 'react-choices' }, ...EMOJI.map((e) => h('button', { type: 'button', class: 'react-choice', dataset: { emoji: e },
        on: { click: (ev) => { ev.target.closest('details').open = false; react(m, e, true); } } }, e))));
    bar.append(picker);
    return bar;
  }
  async function react(m, emoji, on) {
    try {
      const r = await rpc.request('chat.react', { message_id: m.id, emoji, on });
      applyReactions(m.id, r.reactions);
    } catch (e) { error.textContent = ctx.errorText(e); }
  }
  function applyReactions(id, reactions) {
    const known = byId.get(id) || replies.get(id) || (thread.rootId === id ? { msg: rootMsg } : null);
    if (known?.msg) {
      known.msg.reactions = reactions;
      upsert(known.msg);
    }
  }
  let rootMsg = null;

  function renderMessage(m, pending = false, { inThread = false, root = false } = {}) {
    const mine = me && m.author_id === me.id;
    const files = attachmentList(m, thumbs);
    const body = m.deleted ? h('p', { class: 'body deleted', i18n: 'chat.deleted' })
      : m.body || !files ? h('p', { class: 'body' }, appLinks(mentionBody(m, me))) : null;
    const li = h('li', {
      class: ['msg', mine && 'mine', m.kind === 'system' && 'system', pending && 'pending', !m.deleted && mentionsMe(m, me) && 'mentions-me'],
      dataset: { id: String(m.id ?? '') },
    },
    h('div', { class: 'meta' },
      h('span', { class: 'author' }, authorName(m)),
      m.created_at ? h('time', { datetime: new Date(m.created_at * 1000).toISOString(), title: fmtDateTime(m.created_at) }, fmtShort(m.created_at)) : null,
      m.edited_at && !m.deleted ? h('span', { class: 'edited', i18n: 'chat.edited' }) : null,
      pending ? h('span', { class: 'sending', i18n: 'chat.sending' }) : null),
    body, files);
    if (!m.deleted && m.kind !== 'system' && m.id && !pending) {
      li.append(reactionBar(m));
      if (!inThread && m.reply_count > 0) {
        li.append(h('button', { type: 'button', class: 'linkish thread-link', on: { click: () => openThread(m) } }, t('chat.replies', { n: m.reply_count })));
      }
    }
    if (!m.deleted && m.kind !== 'system' && m.id && !pending) {
      li.append(h('div', { class: 'msg-actions' },
        !inThread ? h('button', { type: 'button', class: 'linkish reply', i18n: 'chat.replyInThread', on: { click: () => openThread(m) } }) : null,
        mine && !root ? h('button', { type: 'button', class: 'linkish', i18n: 'chat.edit', on: { click: () => startEdit(m) } }) : null,
        mine && !root ? h('button', { type: 'button', class: 'linkish', i18n: 'chat.delete', on: { click: () => remove(m) } }) : null));
    }
    return li;
  }

  function atBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 40; }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function openThread(m) {
    rootMsg = m;
    if (!thread.el.isConnected) panel.append(thread.el);
    thread.open(m.id);
  }
  const replies = new Map(); // reply id -> {msg}: shown in the thread pane, counted on the parent

  // Adds or replaces a message, keeping id order. A reply goes to its thread (the pane when it
  // is open) and counts on its parent.
  function upsert(m) {
    if (!m || !m.id) return;
    if (m.parent_id) {
      const isNew = !replies.has(m.id);
      replies.set(m.id, { msg: m });
      if (m.id > newestId) newestId = m.id;
      thread.add(m);
      const parent = byId.get(m.parent_id);
      if (parent && isNew && !m.deleted) { parent.msg.reply_count = (parent.msg.reply_count || 0) + 1; upsert(parent.msg); }
      return;
    }
    if (thread.rootId === m.id) { rootMsg = m; thread.setParent(m); }
    const stick = atBottom();
    const el = renderMessage(m);
    const old = byId.get(m.id);
    if (old) old.el.replaceWith(el);
    else {
      let next = null;
      for (const child of log.children) {
        const id = Number(child.dataset.id);
        if (id && id > m.id) { next = child; break; }
      }
      log.insertBefore(el, next && next.parentNode === log ? next : log.querySelector('.pending'));
    }
    byId.set(m.id, { msg: m, el });
    if (m.id > newestId) newestId = m.id;
    if (!oldestId || m.id < oldestId) oldestId = m.id;
    if (stick) scrollDown();
  }

  async function loadInitial() {
    try {
      const r = await rpc.request('chat.history', { conversation_id: conversationId, limit: 50 });
      if (!alive) return;
      hasMore = r.has_more;
      (r.messages || []).slice().reverse().forEach(upsert);
      older.hidden = !hasMore;
      if (!(r.messages || []).length) log.append(h('li', { class: 'empty', i18n: 'chat.empty' }));
      scrollDown();
      markRead();
    } catch (e) {
      if (alive) error.textContent = ctx.errorText(e);
    }
  }

  async function loadOlder() {
    try {
      const top = log.scrollHeight - log.scrollTop;
      const r = await rpc.request('chat.history', { conversation_id: conversationId, before_id: oldestId, limit: 50 });
      (r.messages || []).forEach(upsert);
      hasMore = r.has_more;
      older.hidden = !hasMore;
      log.scrollTop = log.scrollHeight - top;
    } catch (e) { error.textContent = ctx.errorText(e); }
  }

  // After a reconnect: exactly the gap since the newest message we have.
  async function catchUp() {
    try {
      let more = true;
      while (more && alive) {
        const r = await rpc.request('chat.history', { conversation_id: conversationId, after_id: newestId, limit: 100 });
        (r.messages || []).forEach(upsert);
        more = r.has_more && (r.messages || []).length > 0;
      }
      markRead();
      retryPending();
    } catch { /* next reconnect tries again */ }
  }

  let readTimer = null;
  let readSent = 0;
  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (!alive || !newestId || newestId <= readSent || document.hidden) return;
      readSent = newestId;
      // The server tells only this user's other connections: the counts kept here (unread.js:
      // the top bar's badge, the inbox's list) take the reply's.
      rpc.request('chat.read', { conversation_id: conversationId, message_id: newestId }).then((r) => {
        noteRead(r);
        if (alive && onRead) onRead();
      }, () => { readSent = 0; });
    }, 300);
  }
  const onVisible = () => { if (!document.hidden) markRead(); };
  document.addEventListener('visibilitychange', onVisible);
  ctx.cleanup(() => document.removeEventListener('visibilitychange', onVisible));

  const pendings = new Map(); // client_key -> {body, files, el}
  async function send(body = input.value, key = clientKey(), files = null) {
    error.textContent = '';
    if (!files && tray.busy()) { error.textContent = t('files.wait'); return; }
    files ??= tray.ready();
    if (!body.trim() && !files.length) return;
    if (new TextEncoder().encode(body).length > 4000) { error.textContent = t('chat.tooLong'); return; }
    input.value = '';
    log.querySelector('.empty')?.remove();
    let p = pendings.get(key);
    if (!p) {
      const el = renderMessage({ id: 0, author_id: me?.id, author_name: me?.name, body, kind: 'text', attachments: files }, true);
      log.append(el);
      scrollDown();
      p = { body, files, el };
      pendings.set(key, p);
    }
    try {
      const params = { conversation_id: conversationId, body, client_key: key };
      if (files.length) params.attachments = files.map((a) => a.id);
      const r = await rpc.request('chat.send', params);
      if (files.length) tray.clear(files.map((a) => a.id));
      pendings.delete(key);
      p.el.remove();
      upsert(r.message);
      scrollDown();
      markRead();
    } catch (e) {
      if (e.code === 'disconnected' || e.code === 'timeout') {
        p.el.querySelector('.sending').textContent = t('chat.willRetry');
        return; // resent with the same key after the reconnect
      }
      pendings.delete(key);
      p.el.remove();
      if (!input.value) input.value = body;
      error.textContent = e.code === 'rate_limited' ? t('chat.slowDown') : ctx.errorText(e);
    }
  }
  function retryPending() {
    for (const [key, p] of pendings) send(p.body, key, p.files);
  }

  function startEdit(m) {
    const entry = byId.get(m.id);
    if (!entry) return;
    const box = h('textarea', { rows: 2, class: 'chat-input', value: m.body, i18nAttr: { 'aria-label': 'chat.editLabel' } });
    const save = h('button', { type: 'submit', class: 'primary small', i18n: 'chat.save' });
    const cancel = h('button', { type: 'button', class: 'ghost small', i18n: 'chat.cancel', on: { click: () => upsert(byId.get(m.id).msg) } });
    const f = h('form', { class: 'edit-form', on: { submit: async (e) => {
      e.preventDefault();
      try {
        const r = await rpc.request('chat.edit', { message_id: m.id, body: box.value });
        upsert(r.message);
      } catch (err) { error.textContent = ctx.errorText(err); }
    } } }, box, h('div', { class: 'row' }, save, cancel));
    entry.el.querySelector('.body').replaceWith(f);
    entry.el.querySelector('.msg-actions')?.remove();
    box.focus();
  }

  async function remove(m) {
    if (!window.confirm(t('chat.confirmDelete'))) return;
    try {
      const r = await rpc.request('chat.delete', { message_id: m.id });
      upsert(r.message);
    } catch (e) { error.textContent = ctx.errorText(e); }
  }

  const typers = new Map();
  function renderTyping() {
    const names = [...typers.keys()];
    typing.textContent = names.length ? t('chat.typing', { names: names.join(', ') }) : '';
  }

  ctx.on('chat.message', (ev) => {
    if (ev.conversation_id !== conversationId) return;
    log.querySelector('.empty')?.remove();
    const name = ev.message.author_name;
    if (name && typers.has(name)) { clearTimeout(typers.get(name)); typers.delete(name); renderTyping(); }
    upsert(ev.message);
    markRead();
  });
  ctx.on('chat.message_edited', (ev) => { if (ev.conversation_id === conversationId) upsert(ev.message); });
  ctx.on('chat.reaction', (ev) => { if (ev.conversation_id === conversationId) applyReactions(ev.message_id, ev.reactions); });
  ctx.on('chat.message_deleted', (ev) => { if (ev.conversation_id === conversationId) upsert(ev.message); });
  ctx.on('chat.typing', (ev) => {
    if (ev.conversation_id !== conversationId || !ev.user_name) return;
    clearTimeout(typers.get(ev.user_name));
    typers.set(ev.user_name, setTimeout(() => { typers.delete(ev.user_name); renderTyping(); }, ev.expires_in_ms || 5000));
    renderTyping();
  });
  const onReconnect = () => catchUp();
  rpc.addEventListener('reconnected', onReconnect);
  ctx.cleanup(() => rpc.removeEventListener('reconnected', onReconnect));

  panel.addMessage = (m) => {
    log.querySelector('.empty')?.remove();
    noteMessage({ conversation_id: conversationId, message: m });
    upsert(m);
    markRead();
  };
  loadInitial();
  if (autofocus) setTimeout(() => input.focus(), 0);
  return panel;
}
