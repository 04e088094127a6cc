// Guest links of one meeting (docs/PROTOCOL.md, "meeting.guest_link"), for its hosts and
// co-hosts on the meetings screen: a form (role guest / press / expert, label, expiry in Seoul
// time, how many times it may be used, and for the press the last agenda segment they may
// follow), then the new link's full address, shown this once (the server keeps only its hash),
// with a copy button; and the links made so far (never their addresses). A refused link says
// which field was wrong, in the page's language.
import { h, field } from './dom.js';
import { t } from './i18n.js';

const ROLES = ['guest', 'press', 'expert'];
// Unix seconds as "YYYY-MM-DDTHH:MM" in Seoul (UTC+9, no daylight saving): a datetime-local value.
const seoulLocal = (sec) => new Date((sec + 9 * 3600) * 1000).toISOString().slice(0, 16);

// The segment a press link ends with by default: the last of the first run of press-open segments
// (the press follows the opening, then leaves), or 0 (the whole meeting) when none is open.
function defaultUntil(agenda) {
  const first = agenda.findIndex((s) => s.press_open);
  if (first < 0) return 0;
  let last = first;
  while (agenda[last + 1]?.press_open) last++;
  return agenda[last].position ?? last + 1;
}

// ctx: the screen's context; m: the meeting object; onCreated(): called after a link is made (the
// screen reloads its list, and calls update() with the fresh meeting; also after a language
// switch, to say everything again in the new language). Returns {el, update(m)}.
export function createGuestLinks(ctx, m, onCreated) {
  const { rpc } = ctx;
  let meeting = m;
  const role = h('select', { class: 'gl-role' }, ...ROLES.map((r) => h('option', { value: r, i18n: `guestLinks.role.${r}` })));
  const label = h('input', { type: 'text', class: 'gl-label', maxlength: 200 });
  const expires = h('input', { type: 'datetime-local', class: 'gl-expires', required: true });
  const uses = h('input', { type: 'number', class: 'gl-uses', min: 1, max: 1000, value: '1', required: true });
  const until = h('select', { class: 'gl-until' });
  const untilField = field('guestLinks.until', until, 'guestLinks.untilHint').wrap;
  const error = h('p', { class: 'form-error gl-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'guestLinks.create' });
  const result = h('div', { class: 'gl-result', role: 'status', hidden: true });
  const list = h('ul', { class: 'gl-list' });

  function fillUntil() {
    const agenda = meeting.agenda || [];
    const chosen = until.value;
    until.replaceChildren(h('option', { value: '0', i18n: 'guestLinks.untilAll' }),
      ...agenda.map((s, i) => h('option', { value: String(s.position ?? i + 1) },
        t('guestLinks.untilSeg', { n: s.position ?? i + 1, item: s.item, start: s.start }),
        s.press_open ? ` · ${t('guestLinks.pressOpen')}` : '')));
    until.value = chosen && until.querySelector(`option[value="${chosen}"]`) ? chosen : String(defaultUntil(agenda));
    untilField.hidden = role.value !== 'press' || !agenda.length;
  }
  role.addEventListener('change', fillUntil);

  function renderList() {
    const links = meeting.guest_links || [];
    list.replaceChildren(...links.map((l) => h('li', { dataset: { link: String(l.id) } },
      h('strong', {}, t(`guestLinks.role.${l.role}`)), l.label ? ` · ${l.label}` : '',
      ` · ${t('guestLinks.uses', { uses: l.uses, max: l.max_uses })}`,
      ` · ${t('guestLinks.expiresAt', { time: seoulLocal(l.expires_at).replace('T', ' ') })}`,
      l.until_segment ? ` · ${t('guestLinks.untilShort', { n: l.until_segment })}` : '')));
    if (!links.length) list.append(h('li', { class: 'empty', i18n: 'guestLinks.none' }));
  }

  // The server names the field it refused in its (English) message: say it in the page's language.
  function refusal(e) {
    const msg = e.message || '';
    if (e.code === 'invalid_params') {
      if (msg.includes('expires_at')) return t(msg.includes('future') ? 'guestLinks.errPast' : 'guestLinks.errExpiry');
      if (msg.includes('until_segment')) return t('guestLinks.errSegment');
      if (msg.includes('max_uses')) return t('guestLinks.errUses');
      if (msg.includes('label')) return t('guestLinks.errLabel');
    }
    if (e.code === 'conflict') return t('guestLinks.errCancelled');
    return ctx.errorText(e);
  }

  // What the link just made is, in the current language (a language switch calls update()).
  const made = h('p', { class: 'gl-made' });
  let shown = null;
  function describeShown() {
    if (!shown) return;
    const what = [t(`guestLinks.role.${shown.role}`), shown.label,
      t('guestLinks.expiresAt', { time: shown.expires_local.slice(0, 16).replace('T', ' ') }),
      t('guestLinks.uses', { uses: 0, max: shown.max_uses }),
      shown.until_segment ? t('guestLinks.untilShort', { n: shown.until_segment }) : ''].filter(Boolean).join(' · ');
    made.textContent = t('guestLinks.made', { what });
  }

  function showLink(link) {
    const url = location.origin + link.path;
    const address = h('code', { class: 'gl-url', tabindex: '0', 'aria-label': t('guestLinks.urlLabel') }, url);
    const selectAddress = () => {
      const range = document.createRange();
      range.selectNodeContents(address);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    };
    address.addEventListener('focus', selectAddress);
    const copied = h('span', { class: 'gl-copied', 'aria-live': 'polite' });
    const copy = h('button', { type: 'button', class: 'small gl-copy', i18n: 'guestLinks.copy' });
    copy.addEventListener('click', async () => {
      selectAddress();
      let ok = false;
      try { await navigator.clipboard.writeText(url); ok = true; } catch {
        try { ok = document.execCommand('copy'); } catch { /* not copied */ }
      }
      copied.dataset.i18n = ok ? 'guestLinks.copied' : 'guestLinks.copyFailed';
      copied.textContent = t(copied.dataset.i18n);
    });
    shown = link;
    result.replaceChildren(made, h('div', { class: 'gl-address' }, address, copy), copied,
      h('p', { class: 'notice gl-once', i18n: 'guestLinks.onceNote' }));
    describeShown();
    result.hidden = false;
    address.focus();
  }

  const form = h('form', { class: 'gl-form', on: { submit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    const spec = {
      meeting_id: meeting.id, role: role.value, label: label.value.trim(), expires_at: `${expires.value}:00+09:00`,
      max_uses: Number(uses.value), until_segment: untilField.hidden ? 0 : Number(until.value),
    };
    try {
      const link = await rpc.request('meeting.guest_link', spec);
      if (!ctx.alive) return;
      showLink(link);
      label.value = '';
      onCreated?.();
    } catch (err) {
      if (ctx.alive) error.textContent = refusal(err);
    } finally { submit.disabled = false; }
  } } },
  h('div', { class: 'gl-fields' },
    field('guestLinks.role', role).wrap, field('guestLinks.label', label).wrap,
    field('guestLinks.expires', expires, 'guestLinks.expiresHint').wrap,
    field('guestLinks.maxUses', uses, 'guestLinks.maxUsesHint').wrap, untilField),
  error, submit);

  const el = h('details', { class: 'guest-links', dataset: { meeting: String(m.id) } },
    h('summary', { i18n: 'guestLinks.summary' }),
    h('p', { class: 'hint', i18n: 'guestLinks.intro' }), form, result,
    h('h3', { i18n: 'guestLinks.existing' }), list);

  function update(next) {
    const first = !expires.value;
    meeting = next;
    if (first) {
      const start = next.next_starts_at || next.starts_at;
      expires.value = seoulLocal(start + (next.ends_at - next.starts_at)); // the end of its next occurrence
    }
    fillUntil();
    renderList();
    describeShown();
  }
  update(m);
  return { el, update };
}
