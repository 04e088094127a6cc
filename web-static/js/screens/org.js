// An organization's profile (partner.get): what it does, where, its consortia and contact people;
// a cooperation inquiry form (inquiry.send) for other organizations' people; partners suggested
// for it; for those allowed (can_edit), editing the profile (partner.update); and, for its own
// people and admins, the company profile used for support-programme matching (company_profile.js).
import { h, field, statusLine } from '../dom.js';
import { companyProfileSection } from '../company_profile.js';
import { pick, t as tr, regionName } from '../i18n.js';
import { orgCard } from './partners.js';

const TOPICS = ['joint_rnd', 'supply', 'investment', 'commercialization', 'other'];

export async function render(ctx) {
  const { rpc, t } = ctx;
  const id = Number(ctx.params.id);
  const o = await rpc.request('partner.get', { org_id: id });
  if (!ctx.alive) return;
  ctx.setTitle(o.name);
  const own = rpc.user.organization && rpc.user.organization.id === o.id;

  const dl = h('dl', { class: 'facts' });
  const fact = (key, value) => { if (value !== null && value !== undefined && value !== '') dl.append(h('dt', { i18n: key }), h('dd', {}, value)); };
  fact('org.kind', tr(`kind.${o.kind}`));
  fact('org.sector', o.sector ? pick(o.sector) : null);
  fact('org.region', [o.region ? regionName(o.region) : '', o.complex ? pick(o.complex) : ''].join(' ').trim());
  fact('org.size', o.size ? tr(`size.${o.size}`) : null);
  fact('org.revenue', o.revenue_band && o.revenue_band !== 'unknown' ? tr(`revenue.${o.revenue_band}`) : null);
  fact('org.exports', o.exports ? t('partners.exportsYes') : t('partners.exportsNo'));
  fact('org.keywords', o.keywords);

  const profile = h('section', { class: 'panel', 'aria-labelledby': 'h-profile' },
    h('h2', { id: 'h-profile', i18n: 'org.profile' }),
    dl,
    o.capabilities ? [h('h3', { i18n: 'org.capabilities' }), h('p', { class: 'prose' }, o.capabilities)] : null,
    o.description ? [h('h3', { i18n: 'org.description' }), h('p', { class: 'prose' }, o.description)] : null,
    (o.consortia || []).length ? [h('h3', { i18n: 'org.consortia' }),
      h('ul', { class: 'plain-list' }, o.consortia.map((c) => h('li', {}, h('a', { href: `#/consortium/${c.id}` }, pick(c)))))] : null);

  const contacts = h('section', { class: 'panel', 'aria-labelledby': 'h-contacts' },
    h('h2', { id: 'h-contacts', i18n: 'org.contacts' }),
    (o.contacts || []).length
      ? h('ul', { class: 'plain-list contacts' }, o.contacts.map((p) => h('li', {},
        h('span', { class: 'name' }, p.name), ' ',
        p.email ? h('a', { href: `mailto:${p.email}`, class: 'muted' }, p.email) : null,
        p.user_id !== rpc.user.id ? h('button', { type: 'button', class: 'linkish', i18n: 'org.message',
          on: { click: () => directMessage(ctx, p.user_id) } }) : null)))
      : h('p', { class: 'empty', i18n: 'org.noContacts' }));

  const side = [];
  const inquiry = own ? null : inquiryForm(ctx, o);
  if (inquiry) side.push(inquiry);
  if (o.can_edit) side.push(editForm(ctx, o));
  const suggest = h('section', { class: 'panel', 'aria-labelledby': 'h-sugg', hidden: true },
    h('h2', { id: 'h-sugg', i18n: 'org.suggestions' }));
  side.push(suggest);

  const companyHolder = h('div', { class: 'company-holder' });
  ctx.root.append(h('div', { class: 'page org' },
    h('header', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/partners', i18n: 'nav.partners' }), ' / ', t('org.label')),
      h('h1', { id: 'org-name' }, o.name),
      o.name_en ? h('p', { class: 'sub' }, o.name_en) : null,
      // On a phone the form is below the profile: this takes one there.
      inquiry ? h('button', { type: 'button', class: 'primary small to-inquiry', i18n: 'inquiry.title', on: { click: () => {
        inquiry.scrollIntoView({ block: 'start' });
        inquiry.querySelector('#inq-subject').focus({ preventScroll: true });
      } } }) : null),
    h('div', { class: 'grid-2' }, h('div', { class: 'col' }, profile, contacts), h('div', { class: 'col' }, side)),
    companyHolder));

  if (own || rpc.user.is_admin) {
    const cp = await companyProfileSection(ctx, o.id);
    if (cp && ctx.alive) companyHolder.append(cp);
  }

  try {
    const s = await rpc.request('partner.suggest', { org_id: o.id, limit: 4 });
    if (ctx.alive && (s.suggestions || []).length) {
      suggest.hidden = false;
      suggest.append(h('ul', { class: 'cards' }, s.suggestions.map((x) => orgCard(x.org, h('p', { class: 'reason' }, pick(x, 'reason'))))));
    }
  } catch { /* optional */ }
}

async function directMessage(ctx, userId) {
  try {
    const r = await ctx.rpc.request('chat.direct', { user_ids: [userId] });
    ctx.go(`#/inbox/${r.conversation_id}`);
  } catch (e) { ctx.toast(ctx.errorText(e), 'error'); }
}

function inquiryForm(ctx, o) {
  const { rpc, t } = ctx;
  const topic = h('select', { id: 'inq-topic', name: 'topic' }, TOPICS.map((x) => h('option', { value: x }, tr(`topic.${x}`))));
  const subject = h('input', { type: 'text', id: 'inq-subject', name: 'subject', maxlength: 200, required: true });
  const body = h('textarea', { id: 'inq-body', name: 'body', rows: 6, maxlength: 4000, required: true });
  const status = statusLine('form-status');
  const submit = h('button', { type: 'submit', class: 'primary', id: 'inq-send', i18n: 'inquiry.send' });
  const form = h('form', { class: 'inquiry-form', novalidate: true, on: { submit: onSubmit } },
    field('inquiry.topic', topic).wrap,
    field('inquiry.subject', subject).wrap,
    field('inquiry.body', body, 'inquiry.bodyHint').wrap,
    status, submit);

  async function onSubmit(e) {
    e.preventDefault();
    status.className = 'form-status';
    if (!subject.value.trim()) { status.textContent = t('inquiry.subjectMissing'); subject.focus(); return; }
    if (!body.value.trim()) { status.textContent = t('inquiry.bodyMissing'); body.focus(); return; }
    submit.disabled = true;
    try {
      const r = await rpc.request('inquiry.send', { to_org_id: o.id, topic: topic.value, subject: subject.value.trim(), body: body.value.trim() });
      status.className = 'form-status ok';
      status.replaceChildren(t('inquiry.sent'), ' ',
        h('a', { href: `#/inbox/${r.inquiry.conversation_id}`, i18n: 'inquiry.openConversation' }));
      subject.value = '';
      body.value = '';
    } catch (err) {
      status.className = 'form-status error';
      if (err.code === 'rate_limited') status.textContent = t('inquiry.rateLimited', { m: Math.ceil((err.retryAfter || 60) / 60) });
      else if (err.code === 'forbidden') status.textContent = t('inquiry.blocked');
      else if (err.code === 'conflict') status.textContent = t('inquiry.noContacts');
      else status.textContent = ctx.errorText(err);
    } finally {
      submit.disabled = false;
    }
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'h-inquiry' },
    h('h2', { id: 'h-inquiry', i18n: 'inquiry.title' }),
    h('p', { class: 'muted' }, t('inquiry.lead', { org: o.name })),
    form);
}

function editForm(ctx, o) {
  const { rpc, t } = ctx;
  const caps = h('textarea', { rows: 3, maxlength: 2000, value: o.capabilities || '' });
  const keywords = h('input', { type: 'text', maxlength: 1000, value: o.keywords || '' });
  const desc = h('textarea', { rows: 4, maxlength: 4000, value: o.description || '' });
  const hidden = h('input', { type: 'checkbox', checked: !!o.hidden_outside });
  const status = statusLine('form-status');
  const form = h('form', { on: { submit: async (e) => {
    e.preventDefault();
    try {
      await rpc.request('partner.update', { org_id: o.id, fields: {
        capabilities: caps.value, keywords: keywords.value, description: desc.value, hidden_outside: hidden.checked,
      } });
      status.textContent = t('org.saved');
    } catch (err) { status.textContent = ctx.errorText(err); }
  } } },
  field('org.capabilities', caps).wrap, field('org.keywords', keywords).wrap, field('org.description', desc).wrap,
  h('div', { class: 'field check' }, hidden, h('label', { for: hidden.id || (hidden.id = 'org-hidden'), i18n: 'org.hiddenOutside' })),
  status, h('button', { type: 'submit', class: 'primary', i18n: 'org.save' }));
  return h('section', { class: 'panel' }, h('details', {}, h('summary', { i18n: 'org.edit' }), form));
}
