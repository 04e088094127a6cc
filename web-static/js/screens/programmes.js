// 지원사업 (#/programmes): my organization's support programmes by bucket (programme.matches): tabs
// 신청 가능 / 확인 필요 / 신청 불가 with counts, filters (field, agency, deadline, text), "새 공고" marks
// for programmes first matched since our previous visit, the deadline reminder of saved ones
// closing soon, my saved programmes (programme.list_saved), an empty state that says what to do (fill
// in the company profile), and for coordinators the programmes that fit many members of their
// consortium with "채널에 공유" (programme.consortium_fits, programme.post). Admins get the feed
// upload panel (programme_admin.js). The filters refresh without marking a new visit, so the
// "new" marks stay while the screen is open.
import { h, field, statusLine } from '../dom.js';
import { pick } from '../i18n.js';
import { BUCKETS, bucketChip, deadlineText } from '../programme_ui.js';
import { importPanel } from '../programme_admin.js';

export async function render(ctx) {
  const { rpc, t } = ctx;
  ctx.setTitle(t('pg.title'));
  const main = document.getElementById('main');
  const user = rpc.user;
  let tab = 'eligible';
  let data = null;
  const filters = { field: '', agency: '', deadline_before: '', q: '' };

  const notice = h('div', { class: 'notice', id: 'pg-notice', role: 'status' });
  const tabs = h('div', { class: 'pg-tabs', role: 'tablist', 'aria-label': t('pg.tabs') });
  const list = h('ul', { class: 'pg-list', id: 'pg-list', role: 'tabpanel' });
  const fieldSel = h('select', { id: 'pg-field' });
  const agencySel = h('select', { id: 'pg-agency' });
  const before = h('input', { id: 'pg-before', type: 'date' });
  const q = h('input', { id: 'pg-q', type: 'search', maxlength: 100, autocomplete: 'off' });
  const filterForm = h('form', { class: 'pg-filters', id: 'pg-filters', on: { submit: (e) => { e.preventDefault(); applyFilters(); } } },
    field('pg.field', fieldSel).wrap, field('pg.agency', agencySel).wrap, field('pg.deadlineBefore', before).wrap,
    field('pg.q', q).wrap,
    h('div', { class: 'pg-filter-actions' },
      h('button', { type: 'submit', class: 'primary small', i18n: 'pg.apply' }),
      h('button', { type: 'button', class: 'small', id: 'pg-clear', i18n: 'pg.clear', on: { click: clearFilters } })));
  const savedList = h('ul', { class: 'pg-saved', id: 'pg-saved' });

  const top = h('section', { class: 'panel', id: 'pg-matches' }, h('h1', { i18n: 'pg.title' }),
    h('p', { class: 'muted', i18n: 'pg.lead' }), notice);
  main.append(top);

  let hasOrg = true;
  try {
    data = await rpc.request('programme.matches', { include_ineligible: true });
  } catch (e) {
    if (e.code !== 'not_found') throw e;
    hasOrg = false;
    top.append(h('p', { class: 'empty', id: 'pg-no-org', i18n: 'pg.noOrg' }));
  }
  if (hasOrg) {
    top.append(h('details', { class: 'pg-find', open: true }, h('summary', { i18n: 'pg.filters' }), filterForm), tabs, list);
    fillFacets();
    show();
    main.append(h('section', { class: 'panel' }, h('h2', { i18n: 'pg.savedTitle' }), savedList));
    loadSaved();
  }
  const coordinated = (user.consortia || []).filter((c) => c.role === 'coordinator');
  if (coordinated.length || user.is_admin) main.append(await fitsPanel(ctx, coordinated));
  if (user.is_admin) main.append(importPanel(ctx));

  function fillFacets() {
    const opts = (sel, values) => sel.replaceChildren(h('option', { value: '', i18n: 'pg.any' }),
      ...values.map((v) => h('option', { value: v }, v)));
    opts(fieldSel, data.facets.fields);
    opts(agencySel, data.facets.agencies);
  }

  async function applyFilters() {
    Object.assign(filters, { field: fieldSel.value, agency: agencySel.value, deadline_before: before.value, q: q.value.trim() });
    const params = { include_ineligible: true, mark_visit: false };
    for (const [k, v] of Object.entries(filters)) if (v) params[k] = v;
    try {
      const next = await rpc.request('programme.matches', params);
      // the marks of this visit stay: the first answer knew which programmes were new
      const wasNew = new Set(data.programmes.filter((p) => p.new).map((p) => p.id));
      for (const p of next.programmes) p.new = p.new || wasNew.has(p.id);
      data = { ...next, facets: data.facets };
      if (ctx.alive) show();
    } catch (e) { ctx.toast(ctx.errorText(e), 'error'); }
  }
  function clearFilters() {
    fieldSel.value = agencySel.value = before.value = q.value = '';
    applyFilters();
  }

  function show() {
    tabs.replaceChildren(...BUCKETS.map((b) => h('button', {
      type: 'button', role: 'tab', class: 'pg-tab', id: `pg-tab-${b}`, dataset: { bucket: b },
      'aria-selected': String(b === tab), on: { click: () => { tab = b; show(); } },
    }, t(`pg.bucket.${b}`), ' ', h('span', { class: 'count' }, String(data.counts[b])))));
    const shown = data.programmes.filter((p) => p.bucket === tab);
    list.replaceChildren(...shown.map(item));
    if (!shown.length) {
      const filtered = Object.values(filters).some(Boolean);
      list.append(h('li', { class: 'empty', id: 'pg-empty', i18n: filtered ? 'pg.none.filtered' : `pg.none.${tab}` }));
    }
    notice.replaceChildren();
    if (data.deadline_soon.length) {
      notice.append(h('p', { id: 'pg-soon' }, t('pg.soon', { list: '' }),
        ...data.deadline_soon.map((p, i) => [i ? ', ' : '', h('a', { href: `#/programmes/${p.id}` }, p.title), ` (${deadlineText(p.deadline)})`])));
    }
    if (data.blank_attributes > 0 && user.organization) {
      notice.append(h('p', { id: 'pg-fill' }, t('pg.fillProfile', { n: data.blank_attributes }), ' ',
        h('a', { href: `#/org/${user.organization.id}`, i18n: 'pg.fillProfileLink' })));
    }
  }

  function item(p) {
    return h('li', { class: 'pg-item', dataset: { programme: String(p.id), bucket: p.bucket } },
      h('div', { class: 'pg-head' },
        p.new ? h('span', { class: 'chip new', i18n: 'pg.new' }) : null,
        bucketChip(p.bucket),
        h('a', { class: 'pg-title', href: `#/programmes/${p.id}` }, p.title),
        p.saved ? h('span', { class: 'chip', i18n: 'pg.saved' }) : null),
      h('p', { class: 'muted' }, `${p.agency} · ${deadlineText(p.deadline)}`,
        p.fields.length ? ` · ${p.fields.join(', ')}` : ''),
      h('p', { class: 'muted small', title: t('pg.scoreParts', { k: p.score_parts.keywords, f: p.score_parts.field,
        p: p.score_parts.preferred, r: p.score_parts.region }) }, t('pg.score', { n: p.score })));
  }

  async function loadSaved() {
    try {
      const r = await rpc.request('programme.list_saved', {});
      if (!ctx.alive) return;
      savedList.replaceChildren(...r.programmes.map((p) => h('li', { dataset: { programme: String(p.id) } },
        h('a', { href: `#/programmes/${p.id}` }, p.title), h('span', { class: 'muted' }, ` · ${p.agency} · ${deadlineText(p.deadline)}`))));
      if (!r.programmes.length) savedList.append(h('li', { class: 'empty', i18n: 'pg.savedNone' }));
    } catch (e) { savedList.replaceChildren(h('li', { class: 'error' }, ctx.errorText(e))); }
  }
}

// Coordinators (and admins): the programmes that fit many members of a consortium, each with a
// "post to channel" button.
async function fitsPanel(ctx, coordinated) {
  const { rpc, t } = ctx;
  let choices = coordinated;
  if (!choices.length) choices = ((await rpc.request('consortium.list', {})).consortia || []).map((c) => ({ id: c.id, name_ko: c.name_ko, name_en: c.name_en }));
  const sel = h('select', { id: 'pg-fits-consortium' }, ...choices.map((c) => h('option', { value: String(c.id) }, pick(c))));
  const list = h('ul', { class: 'pg-list', id: 'pg-fits' });
  const status = statusLine('form-status');
  const panel = h('section', { class: 'panel', id: 'pg-fits-panel' }, h('h2', { i18n: 'pg.fits' }),
    h('p', { class: 'muted', i18n: 'pg.fitsLead' }), field('pg.consortium', sel).wrap, status, list);
  sel.addEventListener('change', load);
  await load();
  return panel;

  async function load() {
    const cid = Number(sel.value);
    try {
      const r = await rpc.request('programme.consortium_fits', { consortium_id: cid });
      list.replaceChildren(...r.programmes.map((p) => h('li', { class: 'pg-item', dataset: { programme: String(p.id) } },
        h('div', { class: 'pg-head' }, h('a', { class: 'pg-title', href: `#/programmes/${p.id}` }, p.title)),
        h('p', { class: 'muted' }, `${p.agency} · ${deadlineText(p.deadline)} · ${t('pg.fitsCount', { e: p.eligible, c: p.to_check })}`),
        h('button', { type: 'button', class: 'small primary pg-post', i18n: 'pg.post', on: { click: (e) => post(e.target, cid, p) } }))));
      if (!r.programmes.length) list.append(h('li', { class: 'empty', i18n: 'pg.fitsNone' }));
    } catch (e) { list.replaceChildren(h('li', { class: 'error' }, ctx.errorText(e))); }
  }

  async function post(btn, cid, p) {
    btn.disabled = true;
    status.className = 'form-status';
    try {
      const r = await rpc.request('programme.post', { consortium_id: cid, programme_id: p.id });
      status.className = 'form-status ok';
      status.replaceChildren(t('pg.posted'), ' ', h('a', { href: `#/inbox/${r.conversation_id}`, i18n: 'pg.goChannel' }));
    } catch (e) {
      status.className = 'form-status error';
      status.textContent = ctx.errorText(e);
    } finally { btn.disabled = false; }
  }
}
