// @-mentions in a chat composer and in messages: typing @ and part of a name lists the
// conversation's readers who match (chat.members), as a listbox under the composer (arrows move,
// Enter or Tab picks, Escape closes, a click picks); the pick writes "@name ". In a message,
// @name of someone mentioned is highlighted, and a message that mentions me is marked.
import { h } from './dom.js';

let seq = 0;

// attachMentions(ctx, textarea, conversationId) -> {el (the listbox, to place after the
// composer), open() (whether it is shown)}. Its keydown listener must be added before the
// composer's own (Enter then picks a name instead of sending).
export function attachMentions(ctx, input, conversationId) {
  const listId = `mention-list-${++seq}`;
  const list = h('ul', { class: 'mention-list', id: listId, role: 'listbox', hidden: true, i18nAttr: { 'aria-label': 'chat.mentionPick' } });
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', listId);
  let items = [];
  let active = 0;
  let at = -1; // index of the '@' being completed
  let asked = 0;

  const close = () => { list.hidden = true; items = []; at = -1; input.removeAttribute('aria-activedescendant'); };
  const render = () => {
    list.replaceChildren(...items.map((m, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', class: ['mention-option', i === active && 'active'],
      'aria-selected': i === active ? 'true' : 'false', dataset: { user: String(m.user_id) },
      on: { mousedown: (e) => { e.preventDefault(); pick(i); } },
    }, h('span', { class: 'at', 'aria-hidden': 'true' }, '@'), m.name)));
    list.hidden = !items.length;
    if (items.length) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
  };
  function pick(i) {
    const m = items[i];
    if (!m || at < 0) return;
    const caret = input.selectionStart;
    const before = input.value.slice(0, at);
    const after = input.value.slice(caret);
    input.value = `${before}@${m.name} ${after}`;
    const pos = before.length + m.name.length + 2;
    input.setSelectionRange(pos, pos);
    close();
    input.focus();
  }
  async function lookup() {
    const caret = input.selectionStart;
    const text = input.value.slice(0, caret);
    const m = /(^|\s)@([^\s@]{0,30})$/.exec(text);
    if (!m) { close(); return; }
    at = caret - m[2].length - 1;
    const mine = ++asked;
    try {
      const r = await ctx.rpc.request('chat.members', { conversation_id: conversationId, query: m[2], limit: 8 });
      if (mine !== asked || !ctx.alive) return;
      items = r.members || [];
      active = 0;
      render();
    } catch { close(); }
  }
  input.addEventListener('input', lookup);
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !items.length || e.isComposing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      e.stopImmediatePropagation(); // not a send
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  return { el: list, open: () => !list.hidden };
}

// The body of message m as nodes: "@name" of each person it mentions (names from names, a Map of
// user id -> name, plus me) in a <span class="mention">, "me" too when it is me.
export function mentionBody(m, me) {
  const text = String(m.body ?? '');
  const ids = Array.isArray(m.mentions) ? m.mentions : [];
  if (!ids.length || !text.includes('@')) return [text];
  const out = [];
  // every "@" followed by a run of non-space characters is a candidate; the server resolved which
  // are people, so highlight only when the message has mentions at all
  const parts = text.split(/(@[^\s@]+)/);
  for (const p of parts) {
    if (!p) continue;
    if (p.startsWith('@') && p.length > 1) {
      const mineHere = me && me.name && p.slice(1).startsWith(me.name) && ids.includes(me.id);
      out.push(h('span', { class: ['mention', mineHere && 'me'] }, p));
    } else out.push(p);
  }
  return out;
}

export const mentionsMe = (m, me) => !!me && Array.isArray(m.mentions) && m.mentions.includes(me.id);
