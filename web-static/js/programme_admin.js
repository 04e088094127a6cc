// Admins' panels of the 지원사업 screens: a programme's eligibility rules with their origin and
// source sentence, edited as text, one rule per line (programme.rules_get / programme.rules_update;
// the server checks every rule and names the one at fault), and the upload of a feed file
// (programme.import) with the same result line as `moa programme import` and the rejects listed.
import { h, field, statusLine } from './dom.js';
import { t } from './i18n.js';

const FORMATS = ['csv', 'bizinfo_json', 'bizinfo_rss', 'kstartup', 'smes24'];
const SEP = ' | ';

const ruleLine = (r) => [r.attr, r.op, r.value, r.strength, r.grp, r.evidence].join(SEP);

function parseRules(text) {
  return text.split('\n').map((s) => s.trim()).filter(Boolean).map((line) => {
    const [attr = '', op = '', value = '', strength = 'required', grp = '0', ...rest] = line.split('|').map((s) => s.trim());
    return { attr, op, value, strength, grp: /^\d+$/.test(grp) ? Number(grp) : -1, evidence: rest.join('|').trim() };
  });
}

// The rules panel of programme id; onChange() re-renders the page after a change.
export async function rulesPanel(ctx, id, onChange) {
  const { rpc } = ctx;
  const list = h('ul', { class: 'pg-rules', id: 'pg-rules' });
  const text = h('textarea', { id: 'pg-rules-text', rows: 6, spellcheck: 'false' });
  const status = statusLine('form-status');
  const saveBtn = h('button', { type: 'submit', class: 'primary small', i18n: 'pg.rulesSave' });
  const resetBtn = h('button', { type: 'button', class: 'small', id: 'pg-rules-reset', i18n: 'pg.rulesReset' });
  const form = h('form', { id: 'pg-rules-form', novalidate: true }, field('pg.rulesLead', text).wrap,
    h('div', { class: 'cp-actions' }, saveBtn, resetBtn, status));
  const panel = h('section', { class: 'panel', id: 'pg-rules-panel' }, h('h2', { i18n: 'pg.rulesTitle' }), list, form);

  function show(r) {
    list.replaceChildren(...r.rules.map((x) => h('li', { class: x.active ? 'active' : 'inactive muted' },
      h('code', {}, `${x.attr} ${x.op} ${x.value}`), ` · ${x.strength} · ${x.origin} · `,
      h('span', { i18n: x.active ? 'pg.rulesActive' : 'pg.rulesInactive' }), ' — ', h('q', {}, x.evidence))));
    const used = r.rules.filter((x) => x.active);
    text.value = used.map(ruleLine).join('\n');
  }
  async function run(params) {
    status.className = 'form-status';
    saveBtn.disabled = resetBtn.disabled = true;
    try {
      show(await rpc.request('programme.rules_update', { programme_id: id, ...params }));
      status.className = 'form-status ok';
      status.textContent = t('pg.rulesSaved');
      await onChange();
    } catch (e) {
      status.className = 'form-status error';
      status.textContent = e.code === 'invalid_params' ? e.message : ctx.errorText(e);
    } finally { saveBtn.disabled = resetBtn.disabled = false; }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); run({ rules: parseRules(text.value) }); });
  resetBtn.addEventListener('click', () => run({ reset: true }));
  show(await rpc.request('programme.rules_get', { programme_id: id }));
  return panel;
}

// The feed upload panel.
export function importPanel(ctx) {
  const { rpc } = ctx;
  const source = h('input', { id: 'pg-import-source', type: 'text', maxlength: 40, autocomplete: 'off', pattern: '[a-z0-9_-]+' });
  const format = h('select', { id: 'pg-import-format' }, ...FORMATS.map((f) => h('option', { value: f }, f)));
  const file = h('input', { id: 'pg-import-file', type: 'file', accept: '.csv,.json,.xml,.rss,text/*' });
  const partial = h('input', { id: 'pg-import-partial', type: 'checkbox' });
  const status = statusLine('form-status');
  const rejects = h('ul', { id: 'pg-import-rejects', class: 'muted' });
  const btn = h('button', { type: 'submit', class: 'primary small', i18n: 'pg.importRun' });
  const form = h('form', { id: 'pg-import', novalidate: true },
    field('pg.importSource', source).wrap, field('pg.importFormat', format).wrap, field('pg.importFile', file).wrap,
    h('label', { class: 'check' }, partial, ' ', h('span', { i18n: 'pg.importPartial' })),
    h('div', { class: 'cp-actions' }, btn, status), rejects);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    if (!f || !source.value.trim()) { (f ? source : file).focus(); return; }
    btn.disabled = true;
    status.className = 'form-status';
    rejects.replaceChildren();
    try {
      const r = await rpc.request('programme.import', { source: source.value.trim(), format: format.value, file_name: f.name,
        partial: partial.checked, content: await f.text() }, { timeout: 120000 });
      status.className = 'form-status ok';
      status.textContent = r.line;
      if (r.rejects.length) rejects.append(h('li', { i18n: 'pg.importRejects' }),
        ...r.rejects.map((x) => h('li', {}, `${x.index}${x.item_id ? ` (${x.item_id})` : ''}: ${x.reason}`)));
    } catch (err) {
      status.className = 'form-status error';
      status.textContent = err.message || ctx.errorText(err);
    } finally { btn.disabled = false; }
  });
  return h('section', { class: 'panel', id: 'pg-import-panel' }, h('h2', { i18n: 'pg.importTitle' }), form);
}
