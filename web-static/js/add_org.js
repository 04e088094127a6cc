// The coordinator's "add an organization" panel on a consortium's page: find a company or
// institution outside the consortium by name (partner.search) and add it
// (consortium.add_organization), after which its people are members and reach the rooms and the
// channel. Shown to the consortium's coordinators and to admins only (the server checks too).
import { h, field } from './dom.js';
import { t, regionName } from './i18n.js';

export function addOrgSection(ctx, c, onAdded) {
  const { rpc } = ctx;
  if (c.my_role !== 'coordinator' && !rpc.user.is_admin) return null;
  const input = h('input', { type: 'search', id: 'add-org-query', maxlength: 100, autocomplete: 'off' });
  const list = h('ul', { class: 'plain-list add-org-results', id: 'add-org-results' });
  const status = h('p', { class: 'form-status', id: 'add-org-status', role: 'status', 'aria-live': 'polite' });

  async function find(ev) {
    ev.preventDefault();
    status.textContent = '';
    const query = input.value.trim();
    if (!query) { input.focus(); return; }
    try {
      const r = await rpc.request('partner.search', { query, limit: 10 });
      if (!ctx.alive) return;
      show(r.results || []);
    } catch (e) { status.textContent = ctx.errorText(e); }
  }

  function show(results) {
    list.replaceChildren(...results.map((o) => {
      const member = (o.consortia || []).some((k) => (k?.id ?? k) === c.id);
      const add = h('button', { type: 'button', class: 'small', dataset: { org: String(o.id) }, disabled: member || null },
        member ? t('addOrg.member') : t('addOrg.add'));
      add.addEventListener('click', async () => {
        add.disabled = true;
        try {
          await rpc.request('consortium.add_organization', { consortium_id: c.id, org_id: o.id });
          if (!ctx.alive) return;
          add.textContent = t('addOrg.member');
          status.textContent = t('addOrg.done', { name: o.name });
          onAdded?.();
        } catch (e) {
          add.disabled = false;
          status.textContent = ctx.errorText(e);
        }
      });
      return h('li', { class: 'add-org-item' }, h('a', { href: `#/org/${o.id}` }, o.name),
        h('span', { class: 'muted' }, ` · ${t(`kind.${o.kind}`)} · ${regionName(o.region)} `), add);
    }));
    if (!results.length) list.append(h('li', { class: 'empty', i18n: 'addOrg.none' }));
  }

  return h('section', { class: 'panel add-org', id: 'add-org', 'aria-labelledby': 'h-add-org' },
    h('details', {},
      h('summary', {}, h('h2', { id: 'h-add-org', class: 'inline', i18n: 'addOrg.title' })),
      h('p', { class: 'hint', i18n: 'addOrg.lead' }),
      h('form', { class: 'row', role: 'search', on: { submit: find } },
        field('addOrg.search', input).wrap, h('button', { type: 'submit', class: 'primary', i18n: 'addOrg.find' })),
      list, status));
}
