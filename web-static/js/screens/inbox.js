// The inbox: cooperation inquiries (received and sent, with their status; recipients accept or
// decline) and every conversation with its unread count, updated live (the conversations as
// unread.js keeps them from chat.message and chat.read; inquiries from inquiry.received and
// inquiry.updated events); #/inbox/<conversation id> opens one beside the list.
// Above them, message search and the messages that mention me (chat_find.js).
import { h } from '../dom.js';
import { fmtShort, fmtDateTime, t as tr } from '../i18n.js';
import { createChat, conversationTitle } from '../chat.js';
import { mentionsPanel, searchPanel } from '../chat_find.js';
import { conversations as keptConversations, refreshConversations, onChange as onUnreadChange } from '../unread.js';

export async function render(ctx) {
  const { rpc, t } = ctx;
  ctx.setTitle(t('nav.inbox'));
  const selected = ctx.params.conversation ? Number(ctx.params.conversation) : null;

  const inqList = h('ul', { class: 'list inquiries', id: 'inquiry-list' });
  const convList = h('ul', { class: 'list conversations', id: 'conversation-list' });
  const detail = h('div', { class: 'inbox-detail', id: 'inbox-detail' });
  const mentions = mentionsPanel(ctx);
  const listPane = h('div', { class: 'inbox-list' }, searchPanel(ctx), mentions.el,
    h('section', { class: 'panel', 'aria-labelledby': 'h-inq' }, h('h2', { id: 'h-inq', i18n: 'inbox.inquiries' }), inqList),
    h('section', { class: 'panel', 'aria-labelledby': 'h-conv' }, h('h2', { id: 'h-conv', i18n: 'inbox.conversations' }), convList));
  ctx.root.append(h('div', { class: ['page inbox', selected && 'has-selection'] },
    h('header', { class: 'page-head' }, h('h1', { i18n: 'inbox.title' })),
    h('div', { class: 'inbox-layout' }, listPane, detail)));

  let inquiries = []; // received and sent, newest first, each with .box
  let conversations = [];
  let chat = null; // the open conversation's panel

  async function loadInquiries() {
    const [rec, sent] = await Promise.all([
      rpc.request('inquiry.list', { box: 'received', limit: 50 }),
      rpc.request('inquiry.list', { box: 'sent', limit: 50 }),
    ]);
    inquiries = [
      ...(rec.inquiries || []).map((x) => ({ ...x, box: 'received' })),
      ...(sent.inquiries || []).map((x) => ({ ...x, box: 'sent' })),
    ].sort((a, b) => b.created_at - a.created_at);
  }
  async function loadConversations() {
    await refreshConversations();
    conversations = keptConversations();
  }

  function showInquiries() {
    inqList.replaceChildren(...inquiries.map((q) => h('li', {
      class: ['list-item', 'inquiry', q.conversation_id === selected && 'selected'], dataset: { inquiry: String(q.id) },
    },
    h('a', { href: `#/inbox/${q.conversation_id}`, 'aria-current': q.conversation_id === selected ? 'true' : null }, q.subject),
    h('span', { class: `status status-${q.status}` }, t(`inquiry.status.${q.status}`)),
    h('p', { class: 'preview' },
      q.box === 'received'
        ? t('inquiry.from', { who: q.from_user?.name ?? '', org: q.from_org?.name ?? '' })
        : t('inquiry.to', { org: q.to_org?.name ?? '' }),
      ' · ', tr(`topic.${q.topic}`),
      h('span', { class: 'muted' }, ` · ${fmtShort(q.created_at)}`)))));
    if (!inquiries.length) inqList.append(h('li', { class: 'empty', i18n: 'inbox.noInquiries' }));
  }

  function showConversations() {
    convList.replaceChildren(...conversations.map((c) => h('li', {
      class: ['list-item', c.id === selected && 'selected', c.unread > 0 && 'unread'], dataset: { conversation: String(c.id) },
    },
    h('a', { href: `#/inbox/${c.id}`, 'aria-current': c.id === selected ? 'true' : null }, conversationTitle(c)),
    c.unread > 0 ? h('span', { class: 'badge', 'aria-label': t('inbox.unreadCount', { n: c.unread }) }, String(c.unread)) : null,
    c.last_message ? h('p', { class: 'preview' },
      c.last_message.author_name ? `${c.last_message.author_name}: ` : '',
      c.last_message.deleted ? t('chat.deleted') : c.last_message.body,
      h('span', { class: 'muted' }, ` · ${fmtShort(c.last_message.created_at)}`)) : null)));
    if (!conversations.length) convList.append(h('li', { class: 'empty', i18n: 'inbox.noConversations' }));
  }

  function showDetail() {
    if (!selected) {
      detail.replaceChildren(h('div', { class: 'panel empty-detail' }, h('p', { class: 'empty', i18n: 'inbox.pick' })));
      return;
    }
    const conv = conversations.find((c) => c.id === selected);
    const inq = inquiries.find((q) => q.conversation_id === selected);
    const title = inq ? inq.subject : conv ? conversationTitle(conv) : t('chat.kind.direct');
    chat = createChat(ctx, { conversationId: selected, className: 'full', autofocus: true, onRead: () => mentions.refresh() });
    detail.replaceChildren(h('div', { class: 'panel conversation' },
      h('p', { class: 'back' }, h('a', { href: '#/inbox', i18n: 'inbox.back' })),
      h('h2', {}, title),
      inq ? inquiryCard(inq) : null,
      chat));
  }

  function inquiryCard(q) {
    const card = h('div', { class: 'inquiry-card', id: 'inquiry-card' },
      h('p', {},
        h('span', { class: `status status-${q.status}` }, t(`inquiry.status.${q.status}`)), ' ',
        tr(`topic.${q.topic}`), ' · ',
        q.box === 'received'
          ? t('inquiry.from', { who: q.from_user?.name ?? '', org: q.from_org?.name ?? '' })
          : t('inquiry.to', { org: q.to_org?.name ?? '' }),
        h('span', { class: 'muted' }, ` · ${fmtDateTime(q.created_at)}`)));
    if (q.box === 'received' && q.status === 'pending') {
      const decide = async (accept) => {
        try {
          const r = await rpc.request('inquiry.decide', { inquiry_id: q.id, accept });
          Object.assign(q, r.inquiry);
          if (r.message && chat) chat.addMessage(r.message);
          showInquiries();
          card.replaceWith(inquiryCard(q));
        } catch (e) { ctx.toast(ctx.errorText(e), 'error'); }
      };
      card.append(h('div', { class: 'row' },
        h('button', { type: 'button', class: 'primary', i18n: 'inquiry.accept', on: { click: () => decide(true) } }),
        h('button', { type: 'button', class: 'ghost', i18n: 'inquiry.decline', on: { click: () => decide(false) } }),
        q.from_user ? h('button', { type: 'button', class: 'linkish danger', i18n: 'inquiry.block', on: { click: async () => {
          if (!window.confirm(t('inquiry.confirmBlock'))) return;
          try {
            await rpc.request('inquiry.block', { org_id: q.to_org.id, user_id: q.from_user.id, block: true });
            ctx.toast(t('inquiry.blockedDone'));
          } catch (e) { ctx.toast(ctx.errorText(e), 'error'); }
        } } }) : null));
    }
    return card;
  }

  await Promise.all([loadInquiries(), loadConversations()]);
  if (!ctx.alive) return;
  showInquiries();
  showConversations();
  showDetail();

  const refresh = async () => {
    try {
      await loadInquiries();
      if (!ctx.alive) return;
      showInquiries();
    } catch { /* keep what is shown */ }
  };
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 200); };
  ctx.cleanup(() => clearTimeout(timer));
  // messages and read markers change the conversations' counts and order (unread.js), no listing
  ctx.cleanup(onUnreadChange(() => {
    if (!ctx.alive) return;
    conversations = keptConversations();
    showConversations();
  }));
  ctx.on('inquiry.received', (ev) => {
    ctx.toast(t('inquiry.arrived', { subject: ev.inquiry?.subject ?? '' }));
    soon();
  });
  ctx.on('inquiry.updated', (ev) => {
    soon();
    const card = document.getElementById('inquiry-card');
    if (card && ev.inquiry && ev.inquiry.conversation_id === selected) {
      const q = inquiries.find((x) => x.id === ev.inquiry.id);
      if (q) { Object.assign(q, ev.inquiry); card.replaceWith(inquiryCard(q)); }
    }
  });
  const onReconnect = () => refresh();
  rpc.addEventListener('reconnected', onReconnect);
  ctx.cleanup(() => rpc.removeEventListener('reconnected', onReconnect));
}
