// The company profile for support-programme matching ("기업 정보 (지원사업 매칭용)") on an
// organization's page: org.profile_get's attributes in five groups, each with its value, the date it
// is true as of and its source (entered / imported), editable by the organization's own people
// (and admins; the server decides: anyone else gets forbidden and sees no section). Each group
// saves its changed rows with one org.profile_update; the server's validation message is shown
// next to the field it names (error.field), word for word.
import { h, statusLine, nextId } from './dom.js';
import { t, regionName, fmtNumber, SIDO as REGIONS } from './i18n.js';

const GROUPS = ['basic', 'scale', 'industry', 'cert', 'other'];
const LISTS = new Set(['ksic_list', 'region_list', 'country_list']);

// The section for organization orgId, or null when the caller may not see its profile.
export async function companyProfileSection(ctx, orgId) {
  let p;
  try {
    p = await ctx.rpc.request('org.profile_get', { org_id: orgId });
  } catch (e) {
    if (e.code === 'forbidden' || e.code === 'not_found') return null;
    return h('section', { class: 'panel company-profile', id: 'company-profile' },
      h('h2', { i18n: 'cp.title' }), h('p', { class: 'error' }, ctx.errorText(e)));
  }
  const section = h('section', { class: 'panel company-profile', id: 'company-profile', 'aria-labelledby': 'h-cp' },
    h('h2', { id: 'h-cp', i18n: 'cp.title' }),
    h('p', { class: 'muted', i18n: 'cp.lead' }));
  for (const g of GROUPS) section.append(groupForm(ctx, orgId, p, g));
  return section;
}

function groupForm(ctx, orgId, profile, group) {
  const rows = profile.attributes.filter((a) => a.group === group).map((a) => row(a, profile.editable));
  const status = statusLine('form-status');
  const save = h('button', { type: 'submit', class: 'primary small', i18n: 'cp.save', disabled: !profile.editable });
  const form = h('form', { class: 'cp-group', novalidate: true, dataset: { group }, on: { submit: onSubmit } },
    h('fieldset', {}, h('legend', { i18n: `cp.group.${group}` }),
      h('div', { class: 'cp-rows' }, rows.map((r) => r.el))),
    h('div', { class: 'cp-actions' }, save, status));

  async function onSubmit(e) {
    e.preventDefault();
    status.className = 'form-status';
    for (const r of rows) r.setError('');
    const changes = {};
    for (const r of rows) if (r.dirty()) changes[r.attr.key] = r.change();
    if (!Object.keys(changes).length) { status.textContent = t('cp.noChanges'); return; }
    save.disabled = true;
    try {
      const next = await ctx.rpc.request('org.profile_update', { org_id: orgId, changes });
      for (const r of rows) r.update(next.attributes.find((a) => a.key === r.attr.key));
      status.className = 'form-status ok';
      status.textContent = t('cp.saved');
    } catch (err) {
      const r = rows.find((x) => x.attr.key === err.field);
      status.className = 'form-status error';
      if (r) {
        r.setError(err.message);
        status.textContent = t('cp.fixErrors');
      } else {
        status.textContent = ctx.errorText(err);
      }
    } finally {
      save.disabled = false;
    }
  }
  return form;
}

// The text an input shows for a value of attribute a.
function shown(a) {
  const v = a.value;
  if (v === null || v === undefined) return '';
  if (a.type === 'bool' || a.type === 'cert') return v ? '1' : '0';
  if (a.type === 'history') return v.join('\n');
  if (LISTS.has(a.type)) return v.join(', ');
  return String(v);
}

function select(id, options, labelled) {
  return h('select', { id, 'aria-labelledby': labelled },
    h('option', { value: '', i18n: 'cp.unset' }),
    options.map(([value, key, text]) => h('option', key ? { value, i18n: key } : { value }, text)));
}

// One attribute: its label, input(s), as-of date, source and error line.
function row(attr, editable) {
  let a = attr;
  const id = `cp-${a.key}`;
  const labelId = nextId('cpl');
  let input;
  if (a.type === 'bool') input = select(id, [['1', 'cp.yes'], ['0', 'cp.no']], labelId);
  else if (a.type === 'cert') input = select(id, [['1', 'cp.held'], ['0', 'cp.notHeld']], labelId);
  else if (a.type === 'enum') input = select(id, a.options.map((o) => [o, `cp.o.${o}`]), labelId);
  else if (a.type === 'region') input = select(id, REGIONS.map((r) => [r, null, regionName(r)]), labelId);
  else if (a.type === 'history') input = h('textarea', { id, rows: 3, maxlength: 1000, 'aria-labelledby': labelId });
  else if (a.type === 'date') input = h('input', { id, type: 'date', 'aria-labelledby': labelId });
  else input = h('input', { id, type: 'text', inputmode: a.type === 'int' ? 'numeric' : null, 'aria-labelledby': labelId,
    autocomplete: 'off', maxlength: 1000 });
  const asOf = h('input', { id: `${id}-asof`, type: 'date', class: 'cp-asof', 'aria-labelledby': `${labelId} ${id}-asof-l` });
  const from = a.type === 'cert' ? h('input', { id: `${id}-from`, type: 'date', i18nAttr: { 'aria-label': 'cp.validFrom' } }) : null;
  const to = a.type === 'cert' ? h('input', { id: `${id}-to`, type: 'date', i18nAttr: { 'aria-label': 'cp.validTo' } }) : null;
  const meta = h('span', { class: 'cp-meta', id: `${id}-meta` });
  const error = h('p', { class: 'field-error cp-error', id: `${id}-error`, role: 'alert' });
  const unit = a.unit && t(`cp.unit.${a.unit}`) ? h('span', { class: 'cp-unit', i18n: `cp.unit.${a.unit}` }) : null;
  const hint = LISTS.has(a.type) ? 'cp.listHint' : a.type === 'history' ? 'cp.historyHint' : null;
  input.setAttribute('aria-describedby', `${id}-meta ${id}-error`);
  for (const el of [input, asOf, from, to]) if (el) el.disabled = !editable;

  // A certification's validity window, shown while it is held.
  const win = from ? h('span', { class: 'cp-window' }, h('span', { class: 'cp-unit', i18n: 'cp.validity' }), from, '~', to) : null;
  const showWindow = () => { if (win) win.hidden = input.value !== '1'; };
  if (win) input.addEventListener('change', showWindow);

  let initial = '';
  function fill() {
    input.value = shown(a);
    asOf.value = a.as_of || '';
    if (from) { from.value = a.valid_from || ''; to.value = a.valid_to || ''; }
    showWindow();
    initial = state();
    if (a.value === null) meta.replaceChildren(h('span', { class: 'cp-blank', i18n: 'cp.blank' }));
    else {
      const value = a.type === 'int' ? [fmtNumber(a.value), unit ? ` ${unit.textContent}` : ''].join('') : null;
      meta.replaceChildren(value ? h('span', { class: 'cp-value' }, value, ' · ') : '',
        h('span', { class: 'cp-source', i18n: `cp.source.${a.source}` }));
      meta.dataset.source = a.source;
    }
  }
  function state() { return JSON.stringify([input.value, asOf.value, from?.value, to?.value]); }
  fill();

  const el = h('div', { class: 'cp-row', dataset: { key: a.key } },
    h('label', { id: labelId, for: id, class: 'cp-label', i18n: `cp.a.${a.key}` }),
    h('div', { class: 'cp-input' }, input, unit, win,
      hint ? h('small', { class: 'hint', i18n: hint }) : null),
    h('div', { class: 'cp-when' }, h('span', { id: `${id}-asof-l`, i18n: 'cp.asOf' }), asOf, meta),
    error);

  return {
    attr: a,
    el,
    dirty: () => state() !== initial,
    setError(message) {
      error.textContent = message;
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
    // The change for org.profile_update: null clears; numbers typed as whole numbers are sent as
    // numbers, anything else as text for the server to judge.
    change() {
      const raw = input.value.trim();
      if (raw === '') return null;
      let value = raw;
      if (a.type === 'int' && /^-?\d{1,15}$/.test(raw.replace(/,/g, ''))) value = Number(raw.replace(/,/g, ''));
      else if (a.type === 'bool' || a.type === 'cert') value = raw === '1';
      else if (a.type === 'history') value = raw.split('\n').map((s) => s.trim()).filter(Boolean);
      else if (LISTS.has(a.type)) value = raw.split(',').map((s) => s.trim()).filter(Boolean);
      const c = { value };
      if (asOf.value) c.as_of = asOf.value; // as shown; blank: the server takes today
      if (from && value === true) { c.valid_from = from.value; c.valid_to = to.value; }
      return c;
    },
    update(next) {
      if (!next) return;
      a = next;
      this.attr = next;
      fill();
    },
  };
}
