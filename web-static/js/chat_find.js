// Two panels of the inbox: the messages that mention me (chat.mentions), newest first with the
// unread ones marked and their count in the heading, kept current by chat.mention / chat.read;
// and message search over every conversation I may read (chat.search), results with their
// matches marked, each leading to its conversation.
import { h, highlighted, debounce } from './dom.js';
import { t, fmtShort } from './i18n.js';
import { conversationTitle } from './chat.js';
import { notificationsState, askNotifications } from './notify.js';

export function mentionsPanel(ctx) {
  const count = h('span', { class: 'badge', id: 'mentions-unread', hidden: true });
  const list = h('ul', { class: 'list mentions', id: 'mention-list' });
  // browser notifications for mentions and direct messages while the tab is hidden: asked here
  const ask = h('button', { type: 'button', class: 'small', id: 'notify-ask', i18n: 'notify.ask',
    hidden: notificationsState() !== 'default',
    on: { click: async () => { await askNotifications(); ask.hidden = notificationsState() !== 'default'; } } });
  const sec = h('section', { class: 'panel', 'aria-labelledby': 'h-mentions' },
    h('h2', { id: 'h-mentions' }, h('span', { i18n: 'inbox.mentions' }), ' ', count), ask, list);
  async function load() {
    let r;
    try { r = await ctx.rpc.request('chat.mentions', { limit: 20 }); } catch { return; }
    if (!ctx.alive) return;
    count.hidden = !r.unread;
    count.textContent = String(r.unread);
    count.setAttribute('aria-label', t('inbox.mentionsUnread', { n: r.unread }));
    list.replaceChildren(...(r.messages || []).map((m) => h('li', {
      class: ['list-item', 'mention-item', m.unread && 'unread'], dataset: { message: String(m.id), conversation: String(m.conversation_id) },
    },
    h('a', { href: `#/inbox/${m.conversation_id}` }, conversationTitle({ kind: m.conversation_kind, title: m.conversation_title })),
    m.unread ? h('span', { class: 'dot', i18nAttr: { title: 'inbox.unreadMention' } }, '●') : null,
    h('p', { class: 'preview' }, `${m.author_name || ''}: `, m.body, h('span', { class: 'muted' }, ` · ${fmtShort(m.created_at)}`)))));
    if (!(r.messages || []).length) list.append(h('li', { class: 'empty', i18n: 'inbox.noMentions' }));
  }
  const soon = debounce(load, 250);
  ctx.on('chat.mention', soon);
  ctx.on('chat.read', soon);
  ctx.on('chat.message_deleted', soon);
  load();
  return { el: sec, refresh: soon };
}

export function searchPanel(ctx) {
  const input = h('input', { type: 'search', id: 'chat-search', maxlength: 200, i18nAttr: { placeholder: 'inbox.searchPlaceholder', 'aria-label': 'inbox.search' } });
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { class: 'list search-results', id: 'chat-search-results' });
  let asked = 0;
  async function run() {
    const q = input.value.trim();
    const mine = ++asked;
    if (!q) { results.replaceChildren(); status.textContent = ''; return; }
    try {
      const r = await ctx.rpc.request('chat.search', { query: q, limit: 20 });
      if (mine !== asked || !ctx.alive) return;
      const found = r.results || [];
      status.textContent = found.length ? t('inbox.searchCount', { n: found.length }) : t('inbox.searchNone', { q });
      results.replaceChildren(...found.map((x) => h('li', { class: 'list-item search-hit', dataset: { message: String(x.message.id) } },
        h('a', { href: `#/inbox/${x.message.conversation_id}` }, x.message.author_name || t('chat.system')),
        h('span', { class: 'muted' }, ` · ${fmtShort(x.message.created_at)}`),
        h('p', { class: 'preview' }, highlighted(x.highlight || x.message.body)))));
    } catch (e) { if (mine === asked) status.textContent = ctx.errorText(e); }
  }
  input.addEventListener('input', debounce(run, 250));
  const form = h('form', { class: 'chat-search', role: 'search', on: { submit: (e) => { e.preventDefault(); run(); } } }, input);
  return h('section', { class: 'panel', 'aria-labelledby': 'h-search' }, h('h2', { id: 'h-search', i18n: 'inbox.search' }), form, status, results);
}
