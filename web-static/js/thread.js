// A chat message's thread, beside the conversation (chat.thread): the first message, its replies
// oldest first, live as they come (chat.message with parent_id), and a composer that replies in
// the thread (chat.send parent_id). Closed with its button or Escape. Messages are drawn by the
// chat panel's own renderer, so edits, reactions and mentions look the same as in the log. The
// pane is in the page only while a thread is open.
import { h } from './dom.js';
import { t } from './i18n.js';

export function createThreadPane(ctx, { conversationId, render, clientKey }) {
  const list = h('ol', { class: 'chat-log thread-log', role: 'log', 'aria-live': 'polite', i18nAttr: { 'aria-label': 'chat.threadReplies' } });
  const head = h('ol', { class: 'thread-parent' });
  const input = h('textarea', { rows: 2, maxlength: 4000, class: 'chat-input thread-input', i18nAttr: { 'aria-label': 'chat.replyLabel', placeholder: 'chat.replyPlaceholder' } });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const closeBtn = h('button', { type: 'button', class: 'ghost small thread-close', i18n: 'chat.threadClose' });
  const form = h('form', { class: 'chat-compose' }, input, h('button', { type: 'submit', class: 'primary', i18n: 'chat.reply' }));
  const el = h('section', { class: 'thread', hidden: true, i18nAttr: { 'aria-label': 'chat.thread' } },
    h('div', { class: 'thread-head' }, h('h3', { i18n: 'chat.thread' }), closeBtn), head, list, error, form);
  const shown = new Map(); // reply id -> element
  let rootId = 0;

  const close = () => { el.hidden = true; rootId = 0; el.remove(); }; // out of the page until opened again
  closeBtn.addEventListener('click', close);
  el.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } });

  function add(m) {
    if (!rootId || m.parent_id !== rootId) return;
    const node = render(m, { inThread: true });
    const old = shown.get(m.id);
    if (old) old.replaceWith(node);
    else list.append(node);
    shown.set(m.id, node);
    list.scrollTop = list.scrollHeight;
  }
  function setParent(m) { if (rootId && m.id === rootId) head.replaceChildren(render(m, { inThread: true, root: true })); }

  async function open(id) {
    rootId = id;
    el.hidden = false;
    error.textContent = '';
    shown.clear();
    list.replaceChildren();
    try {
      const r = await ctx.rpc.request('chat.thread', { message_id: id });
      if (rootId !== id) return;
      rootId = r.parent.id;
      setParent(r.parent);
      r.replies.forEach(add);
      input.focus();
    } catch (e) { error.textContent = ctx.errorText(e); }
  }

  async function send() {
    const body = input.value;
    if (!body.trim() || !rootId) return;
    error.textContent = '';
    try {
      const r = await ctx.rpc.request('chat.send', { conversation_id: conversationId, body, parent_id: rootId, client_key: clientKey() });
      input.value = '';
      add(r.message);
      return r.message;
    } catch (e) { error.textContent = e.code === 'rate_limited' ? t('chat.slowDown') : ctx.errorText(e); }
    return null;
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); send().then((m) => m && el.dispatchEvent(new CustomEvent('replied', { detail: m }))); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  return { el, open, add, setParent, get rootId() { return rootId; } };
}
