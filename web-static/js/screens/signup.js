// Company self sign-up (#/signup) and its confirmation link (#/signup/confirm/<token>, the link
// mailed by signup.create). The form checks what a person can see at once (required fields, the
// business registration number's check digit, the password's length and repetition) and shows
// the server's refusals next to the field at fault (field in invalid_params) or above the button
// (e-mail or number taken, limits, mail not sent). Once the mail is sent the page says where and
// until when. The link's page confirms (signup.confirm signs in) and goes home; a link that is
// unknown, expired, superseded or used says so, with the way on. Someone signed in already on
// this browser is asked to sign out first.
import { h, field } from '../dom.js';
import { t, regionName, fmtDateTime, SIDO } from '../i18n.js';

// The check digit of a 사업자등록번호 (the server's cp_bizno_valid, storage/company_profile.c).
export function biznoValid(s) {
  const v = String(s).trim();
  if (!/^(\d{10}|\d{3}-\d{2}-\d{5})$/.test(v)) return false;
  const d = v.replace(/-/g, '').split('').map(Number);
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  let sum = w.reduce((a, x, i) => a + x * d[i], 0) + Math.floor((d[8] * 5) / 10);
  sum %= 10;
  return (10 - sum) % 10 === d[9];
}

export async function render(ctx) {
  if (ctx.params.token) return confirm(ctx, ctx.params.token);
  return form(ctx);
}

function page(ctx, ...children) {
  ctx.root.replaceChildren(h('div', { class: 'center' }, h('section', { class: 'panel signin signup', id: 'signup-panel', 'aria-labelledby': 'signup-title' }, ...children)));
}

async function form(ctx) {
  const { rpc } = ctx;
  ctx.setTitle(t('signup.title'));
  if (rpc.user) { ctx.go('#/home', { replace: true }); return; }
  let opts;
  try { opts = await rpc.request('signup.options'); } catch (e) { opts = { enabled: false, error: e }; }
  if (!ctx.alive) return;
  const signinLink = h('p', { class: 'hint' }, h('span', { i18n: 'signup.haveAccount' }), ' ', h('a', { href: '#/signin', i18n: 'signup.signin' }));
  if (!opts.enabled) {
    page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.title' }),
      h('p', { class: 'notice', id: 'signup-unavailable', role: 'alert' }, opts.error ? ctx.errorText(opts.error) : t('signup.unavailable')),
      signinLink);
    return;
  }
  const min = opts.password_min_length || 8;
  const inputs = {
    company: h('input', { type: 'text', name: 'company', id: 'su-company', maxlength: 100, required: true, autocomplete: 'organization' }),
    bizno: h('input', { type: 'text', name: 'bizno', id: 'su-bizno', maxlength: 12, required: true, inputmode: 'numeric', placeholder: '123-45-67890', autocomplete: 'off' }),
    region: h('select', { name: 'region', id: 'su-region', required: true },
      h('option', { value: '' }, t('signup.regionPick')), SIDO.map((r) => h('option', { value: r }, regionName(r)))),
    name: h('input', { type: 'text', name: 'name', id: 'su-name', maxlength: 100, required: true, autocomplete: 'name' }),
    email: h('input', { type: 'email', name: 'email', id: 'su-email', maxlength: 254, required: true, autocomplete: 'email', spellcheck: 'false' }),
    password: h('input', { type: 'password', name: 'password', id: 'su-password', required: true, autocomplete: 'new-password', minlength: min }),
    password2: h('input', { type: 'password', name: 'password2', id: 'su-password2', required: true, autocomplete: 'new-password' }),
  };
  const errors = {};
  const wrap = (key, labelKey, hint) => {
    const f = field(labelKey, inputs[key]);
    if (hint) f.wrap.append(h('small', { class: 'hint', id: `su-${key}-hint` }, hint));
    errors[key] = h('p', { class: 'field-error', id: `su-${key}-error`, role: 'alert' });
    inputs[key].setAttribute('aria-describedby', `su-${key}-error${hint ? ` su-${key}-hint` : ''}`);
    f.wrap.append(errors[key]);
    return f.wrap;
  };
  const status = h('p', { class: 'form-error', id: 'signup-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'signup-submit', i18n: 'signup.submit' });
  const f = h('form', { class: 'signup-form', novalidate: true, on: { submit: onSubmit } },
    wrap('company', 'signup.company'),
    wrap('bizno', 'signup.bizno', t('signup.biznoHint')),
    wrap('region', 'signup.region'),
    wrap('name', 'signup.name'),
    wrap('email', 'signup.email', t('signup.emailHint')),
    wrap('password', 'signup.password', t('signup.passwordHint', { n: min })),
    wrap('password2', 'signup.password2'),
    status, submit);
  page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.title' }), h('p', { class: 'lead', i18n: 'signup.lead' }), f, signinLink);
  inputs.company.focus();

  function setError(key, text) {
    errors[key].textContent = text || '';
    if (text) inputs[key].setAttribute('aria-invalid', 'true');
    else inputs[key].removeAttribute('aria-invalid');
  }

  function check() {
    const v = (k) => inputs[k].value.trim();
    const bad = {};
    for (const k of ['company', 'bizno', 'region', 'name', 'email', 'password', 'password2']) if (!v(k)) bad[k] = t(k === 'region' ? 'signup.err.region' : 'signup.err.required');
    if (!bad.bizno && !biznoValid(v('bizno'))) bad.bizno = t('signup.err.bizno');
    if (!bad.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v('email'))) bad.email = t('signup.err.email');
    if (!bad.password && inputs.password.value.length < min) bad.password = t('signup.err.password', { n: min });
    if (!bad.password2 && inputs.password2.value !== inputs.password.value) bad.password2 = t('signup.err.password2');
    for (const k of Object.keys(inputs)) setError(k, bad[k]);
    return Object.keys(bad);
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    status.textContent = '';
    const bad = check();
    if (bad.length) {
      status.textContent = t('signup.check');
      inputs[bad[0]].focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signup.busy');
    try {
      const r = await rpc.request('signup.create', {
        company: inputs.company.value.trim(), bizno: inputs.bizno.value.trim(), region: inputs.region.value,
        name: inputs.name.value.trim(), email: inputs.email.value.trim(), password: inputs.password.value,
        lang: document.documentElement.lang === 'en' ? 'en' : 'ko',
      }, { timeout: 60000 });
      if (!ctx.alive) return;
      sent(r);
    } catch (e) {
      if (!ctx.alive) return;
      submit.disabled = false;
      submit.textContent = t('signup.submit');
      if (e.code === 'invalid_params' && e.field && errors[e.field]) {
        setError(e.field, e.field === 'bizno' ? t('signup.err.bizno') : e.field === 'email' ? t('signup.err.email')
          : e.field === 'password' ? t('signup.err.password', { n: min }) : e.field === 'region' ? t('signup.err.region') : t('signup.err.text'));
        status.textContent = t('signup.check');
        inputs[e.field].focus();
      } else if (e.code === 'email_taken') {
        setError('email', t('signup.err.email_taken'));
        inputs.email.focus();
      } else if (e.code === 'bizno_taken') {
        setError('bizno', t('signup.err.bizno_taken'));
        inputs.bizno.focus();
      } else if (e.code === 'rate_limited') {
        status.textContent = t('signup.err.rate_limited', { m: Math.max(1, Math.ceil((e.retryAfter || 60) / 60)) });
      } else if (e.code === 'mail_failed') {
        status.textContent = t('signup.err.mail_failed');
      } else if (e.code === 'unavailable') {
        status.textContent = t('signup.unavailable');
      } else status.textContent = ctx.errorText(e);
    }
  }

  function sent(r) {
    ctx.setTitle(t('signup.sentTitle'));
    page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.sentTitle' }),
      h('p', { id: 'signup-sent' }, t('signup.sent', { email: r.email })),
      h('p', {}, t('signup.sentUntil', { when: fmtDateTime(r.expires_at) })),
      h('p', { class: 'hint', i18n: 'signup.sentAgain' }),
      h('p', {}, h('a', { href: '#/signin', i18n: 'signup.signin' })));
    document.getElementById('signup-title')?.focus?.();
  }
}

async function confirm(ctx, token) {
  const { rpc } = ctx;
  ctx.setTitle(t('signup.confirmTitle'));
  page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.confirmTitle' }), h('p', { class: 'loading', i18n: 'signup.confirming' }));
  if (!rpc.ready && rpc.token) return; // a stored session is being resumed: the app routes here again
  if (rpc.user) { // someone is signed in on this browser: confirming signs in as the company instead
    const out = h('button', { type: 'button', class: 'primary', id: 'signup-signout', i18n: 'nav.signout' });
    out.addEventListener('click', async () => { out.disabled = true; await rpc.logout(); }); // routes here again
    page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.confirmTitle' }),
      h('p', {}, t('signup.signedIn', { name: rpc.user.name })), h('p', { class: 'row' }, out));
    return;
  }
  let r;
  try {
    r = await rpc.request('signup.confirm', { token });
  } catch (e) {
    if (!ctx.alive) return;
    const key = `signup.err.${e.code}`;
    const text = t(key) === key ? ctx.errorText(e) : t(key);
    page(ctx, h('h1', { id: 'signup-title', i18n: 'signup.confirmFailed' }),
      h('p', { class: 'notice', id: 'signup-confirm-error', role: 'alert' }, text),
      h('p', { class: 'row' },
        e.code === 'link_used' ? h('a', { class: 'button primary', href: '#/signin', i18n: 'signup.signin' })
          : h('a', { class: 'button primary', href: '#/signup', i18n: 'signup.again' }),
        ' ', e.code === 'link_used' ? null : h('a', { href: '#/signin', i18n: 'signup.signin' })));
    return;
  }
  history.replaceState(null, '', '#/home'); // the used link leaves the address bar and history
  rpc.adopt(r); // signed in: the app routes to home
}
