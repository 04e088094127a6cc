// One support programme (#/programmes/<id>, programme.get): summary, period (as written and as
// read), agency and executor, the official notice's link, my company's bucket with the why /
// why-not lines quoting each rule's source sentence, and for every UNKNOWN rule a prompt ("매출액을
// 입력하면 확인할 수 있습니다") with an inline input: it saves to the company profile
// (org.profile_update; the server re-matches at once) and the page re-renders with the new bucket.
// Save / unsave, the deadline's .ics, the notices it amends or that amend it; admins review the
// rules below (programme_admin.js).
import { h, statusLine } from '../dom.js';
import { t, fmtNumber, regionName, SIDO } from '../i18n.js';
import { bucketChip, deadlineText, lineItem, promptText } from '../programme_ui.js';
import { rulesPanel } from '../programme_admin.js';

export async function render(ctx) {
  const { rpc } = ctx;
  const id = Number(ctx.params.id);
  const main = document.getElementById('main');
  let profile = null; // org.profile_get: the attribute definitions for the prompts' inputs
  const page = h('div', { id: 'pg-page' });
  main.append(h('p', {}, h('a', { href: '#/programmes', i18n: 'pg.back' })), page);
  if (rpc.user.organization) profile = await rpc.request('org.profile_get', {}).catch(() => null);
  await draw();
  if (rpc.user.is_admin) main.append(await rulesPanel(ctx, id, draw));

  async function draw() {
    const g = await rpc.request('programme.get', { programme_id: id });
    if (!ctx.alive) return;
    const p = g.programme;
    ctx.setTitle(p.title);
    const dl = (label, ...value) => [h('dt', { i18n: label }), h('dd', {}, ...value)];
    const period = p.period.end
      ? [p.period.text, h('br'), h('small', { class: 'muted' }, t('pg.periodParsed', { start: p.period.start || '…', end: p.period.end }))]
      : [p.period.text || t('pg.openEnded')];
    const amount = p.amount_max !== null ? `${p.amount_min ? `${fmtNumber(p.amount_min)} – ` : ''}${fmtNumber(p.amount_max)} ${t('cp.unit.won')}` : null;
    page.replaceChildren(
      h('section', { class: 'panel pg-programme', dataset: { programme: String(p.id) } },
        h('h1', { id: 'pg-title' }, p.title),
        h('p', { class: 'pg-status' }, h('span', { class: 'chip', dataset: { status: p.status }, i18n: `pg.status.${p.status}` }), ' ',
          h('span', { class: 'muted', id: 'pg-deadline' }, deadlineText(g.match?.deadline ?? null))),
        h('dl', { class: 'pg-facts' },
          dl('pg.summary', p.summary || '—'),
          p.target ? dl('pg.target', p.target) : null,
          dl('pg.period', ...period),
          dl('pg.agencyExec', p.agency, p.executor ? ` / ${p.executor}` : ''),
          dl('pg.fieldsRegions', [p.fields.join(', ') || '—', ' / ', p.regions.map(regionName).join(', ') || '—']),
          amount ? dl('pg.amount', amount) : null),
        h('p', {}, p.url ? h('a', { href: p.url, target: '_blank', rel: 'noopener noreferrer', id: 'pg-notice-link', class: 'button small', i18n: 'pg.notice' })
          : h('span', { class: 'muted', i18n: 'pg.noNotice' })),
        h('div', { class: 'pg-actions' }, saveButton(g),
          p.period.end ? h('a', { class: 'button small', id: 'pg-ics', href: `${g.ics_path}?t=${encodeURIComponent(rpc.token || '')}`,
            download: `programme-${p.id}.ics`, i18n: 'pg.ics' }) : null),
        links(p)),
      verdict(g));
  }

  function saveButton(g) {
    const btn = h('button', { type: 'button', class: g.saved ? 'small' : 'small primary', id: 'pg-save',
      i18n: g.saved ? 'pg.unsave' : 'pg.save', 'aria-pressed': String(g.saved) });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await rpc.request(g.saved ? 'programme.unsave' : 'programme.save', { programme_id: id });
        await draw();
      } catch (e) { ctx.toast(ctx.errorText(e), 'error'); btn.disabled = false; }
    });
    return btn;
  }

  function links(p) {
    const link = (l) => h('a', { href: `#/programmes/${l.id}` }, l.title);
    return h('div', { class: 'pg-links' },
      p.amends ? h('p', {}, t('pg.amends'), link(p.amends)) : null,
      p.amended_by.length ? h('p', {}, t('pg.amendedBy'), ...p.amended_by.map((l, i) => [i ? ', ' : '', link(l)])) : null,
      p.changes.some((c) => c.kind === 'changed') ? h('details', {}, h('summary', { i18n: 'pg.changes' }),
        h('ul', {}, ...p.changes.filter((c) => c.kind === 'changed').map((c) => h('li', {}, `${c.at.slice(0, 10)} ${c.field}: ${c.old} → ${c.new}`)))) : null);
  }

  function verdict(g) {
    const sec = h('section', { class: 'panel', id: 'pg-verdict', 'aria-labelledby': 'pg-verdict-h' },
      h('h2', { id: 'pg-verdict-h', i18n: 'pg.myBucket' }));
    if (!g.match) { sec.append(h('p', { class: 'muted', i18n: g.no_organization ? 'pg.noOrgVerdict' : 'pg.closedNoMatch' })); return sec; }
    sec.append(h('p', { id: 'pg-bucket' }, bucketChip(g.match.bucket)));
    for (const pr of g.prompts) sec.append(promptForm(pr));
    sec.append(h('h3', { i18n: 'pg.why' }));
    sec.append(g.lines.length ? h('ul', { class: 'pg-lines', id: 'pg-lines' }, ...g.lines.map(lineItem))
      : h('p', { class: 'muted', i18n: 'pg.noLines' }));
    return sec;
  }

  // "매출액을 입력하면 확인할 수 있습니다" with the attribute's input and a save button.
  function promptForm(pr) {
    const def = profile?.attributes.find((a) => a.key === pr.attr) || { key: pr.attr, type: pr.unit ? 'int' : 'text', unit: pr.unit };
    const inputId = `pg-prompt-${pr.attr}`;
    let input;
    const opt = (value, text) => h('option', { value }, text);
    const unset = () => opt('', t('cp.unset'));
    if (def.type === 'bool' || def.type === 'cert') input = h('select', { id: inputId }, unset(), opt('1', t('cp.yes')), opt('0', t('cp.no')));
    else if (def.type === 'enum') input = h('select', { id: inputId }, unset(), ...def.options.map((o) => opt(o, t(`cp.o.${o}`))));
    else if (def.type === 'region') input = h('select', { id: inputId }, unset(), ...SIDO.map((r) => opt(r, regionName(r))));
    else if (def.type === 'date') input = h('input', { id: inputId, type: 'date' });
    else input = h('input', { id: inputId, type: 'text', inputmode: def.type === 'int' ? 'numeric' : null, autocomplete: 'off', maxlength: 200 });
    const status = statusLine('form-status');
    const btn = h('button', { type: 'submit', class: 'primary small', i18n: 'pg.promptSave' });
    const form = h('form', { class: 'pg-prompt', dataset: { attr: pr.attr }, novalidate: true, on: { submit } },
      h('label', { for: inputId, class: 'pg-prompt-label' }, promptText(pr.attr)),
      h('div', { class: 'pg-prompt-row' }, input, def.unit ? h('span', { class: 'cp-unit' }, t(`cp.unit.${def.unit}`)) : null, btn),
      status);
    async function submit(e) {
      e.preventDefault();
      const raw = input.value.trim();
      if (!raw) { input.focus(); return; }
      let value = raw;
      if (def.type === 'int' && /^\d[\d,]*$/.test(raw)) value = Number(raw.replace(/,/g, ''));
      else if (def.type === 'bool' || def.type === 'cert') value = raw === '1';
      else if (/_list$/.test(def.type)) value = raw.split(',').map((s) => s.trim()).filter(Boolean);
      btn.disabled = true;
      try {
        await rpc.request('org.profile_update', { changes: { [pr.attr]: { value } } });
        await draw();
        ctx.toast(t('pg.promptSaved'));
      } catch (err) {
        status.className = 'form-status error';
        status.textContent = err.message && err.field ? err.message : ctx.errorText(err);
        btn.disabled = false;
      }
    }
    return form;
  }
}
