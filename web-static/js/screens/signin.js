// Sign-in: email and password (auth.login), and the way to a company's own sign-up (#/signup)
// where the server offers it. Signing in fires the rpc 'session' event, and the
// router then goes to the page the person wanted (?next=), or home.
import { h, field, statusLine } from '../dom.js';

export function render(ctx) {
  const { rpc, t, query } = ctx;
  ctx.setTitle(t('signin.title'));
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, inputmode: 'email', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = statusLine('form-error');
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'signin.submit' });
  const reason = query.get('reason');

  const form = h('form', { class: 'panel signin', novalidate: true, on: { submit: onSubmit } },
    h('h1', { i18n: 'signin.title' }),
    h('p', { class: 'lead', i18n: 'signin.lead' }),
    reason === 'expired' ? h('p', { class: 'notice', role: 'alert', i18n: 'signin.expired' }) : null,
    field('signin.email', email).wrap,
    field('signin.password', password).wrap,
    status,
    submit,
    h('p', { class: 'hint', i18n: 'signin.demo' }));
  const signup = h('p', { class: 'signup-prompt', id: 'signup-prompt', hidden: true },
    h('span', { i18n: 'signin.signupPrompt' }), ' ', h('a', { href: '#/signup', id: 'signup-link', i18n: 'signin.signupLink' }));
  form.append(signup);
  // Offered only where the server takes sign-ups (it has a mail server): no link to a dead end.
  rpc.optional('signup.options').then((o) => { if (o?.enabled && ctx.alive) signup.hidden = false; }).catch(() => {});

  async function onSubmit(ev) {
    ev.preventDefault();
    status.textContent = '';
    if (!email.value.trim() || !password.value) {
      status.textContent = t('signin.missing');
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin.busy');
    try {
      await rpc.login(email.value.trim(), password.value);
      // the router navigates on the session event
    } catch (e) {
      if (!ctx.alive) return;
      submit.disabled = false;
      submit.textContent = t('signin.submit');
      if (e.code === 'locked') status.textContent = t('signin.locked', { s: e.retryAfter ?? 60 });
      else if (e.code === 'conflict') { await rpc.logout(); status.textContent = t('error.generic'); }
      else status.textContent = ctx.errorText(e);
      password.select();
      password.focus();
    }
  }

  ctx.root.append(h('div', { class: 'center' }, form));
  email.focus();
}
