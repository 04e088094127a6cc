// A guest link (#/guest/<token>, made by meeting.guest_link): an outsider (an expert, the press)
// enters the name the others will see, the app redeems the link with auth.guest and goes to the
// meeting's room (pre-join, then the lobby when the meeting has one). The session token is kept
// like a member's, so a reload stays in (auth.resume returns the guest block again), and the
// link leaves the address bar. A link that is unknown, expired (or its meeting over) or used up
// says so plainly. Someone already signed in chooses between that session and the link.
// #/guest without a token is where a guest lands after ending the guest session.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';

const LINK_ERRORS = { not_found: 'guest.invalid', expired: 'guest.expired', guest_link_used_up: 'guest.usedUp' };

export async function render(ctx) {
  const { rpc } = ctx;
  const token = ctx.params.token;
  ctx.setTitle(t('guest.title'));
  if (!token) { show(panel('guest.doneTitle', h('p', { i18n: 'guest.done' }), memberLink())); return; }
  if (!rpc.ready && rpc.token) { // a stored session is being resumed: the app routes again after it
    show(h('p', { class: 'loading', i18n: 'app.loading' }));
    return;
  }
  if (rpc.user) { signedIn(rpc.user); return; }
  form();

  function show(...children) { ctx.root.replaceChildren(h('div', { class: 'page center' }, ...children)); }

  function panel(titleKey, ...children) {
    return h('section', { class: 'panel guest-panel', id: 'guest-panel', 'aria-labelledby': 'guest-title' },
      h('h1', { id: 'guest-title', i18n: titleKey }), ...children);
  }

  function memberLink() {
    return h('p', { class: 'hint' }, h('a', { href: '#/signin', i18n: 'guest.memberSignin' }));
  }

  // Already signed in (as a member, or as a guest of some meeting): keep that, or use this link.
  function signedIn(user) {
    const g = user.guest;
    const useLink = h('button', { type: 'button', class: 'button', id: 'guest-switch', i18n: 'guest.useLink' });
    useLink.addEventListener('click', async () => {
      useLink.disabled = true;
      await rpc.logout(); // the app routes this hash again, signed out: the form
    });
    show(panel('guest.signedInTitle',
      h('p', { id: 'guest-signed-in' }, g ? t('guest.alreadyGuest', { name: user.name, title: g.title }) : t('guest.alreadyMember', { name: user.name })),
      h('div', { class: 'row' },
        g ? h('a', { class: 'button primary', href: `#/room/${g.room_id}`, i18n: 'guest.toMeeting' })
          : h('a', { class: 'button primary', href: '#/home', i18n: 'nav.home' }),
        useLink)));
  }

  function form() {
    const name = h('input', { type: 'text', name: 'name', id: 'guest-name', maxlength: 100, required: true, autocomplete: 'name' });
    const submit = h('button', { type: 'submit', class: 'primary big', id: 'guest-submit', i18n: 'guest.continue' });
    const error = h('p', { class: 'form-error', id: 'guest-error', role: 'alert' });
    const f = h('form', { class: 'guest-form', on: { submit: (e) => { e.preventDefault(); redeem(); } } },
      field('guest.name', name, 'guest.nameHint').wrap, error, submit);
    show(panel('guest.title', h('p', { i18n: 'guest.intro' }), f, memberLink()));
    name.focus();

    async function redeem() {
      const display = name.value.trim();
      error.textContent = '';
      if (!display) { error.dataset.i18n = 'guest.badName'; error.textContent = t('guest.badName'); return; }
      submit.disabled = true;
      let r;
      try {
        r = await rpc.request('auth.guest', { token, name: display });
      } catch (e) {
        if (!ctx.alive) return;
        submit.disabled = false;
        if (LINK_ERRORS[e.code]) { // the link itself cannot be used: no form to retry
          show(panel('guest.cannotTitle', h('p', { id: 'guest-error', role: 'alert', i18n: LINK_ERRORS[e.code] }), memberLink()));
          return;
        }
        const key = e.code === 'invalid_params' ? 'guest.badName' : e.code === 'conflict' ? 'guest.conflict' : null;
        error.dataset.i18n = key || '';
        error.textContent = key ? t(key) : ctx.errorText(e);
        return;
      }
      const guest = r.user?.guest || r.guest;
      rpc.token = r.token;
      rpc.user = { ...r.user, guest };
      const room = `#/room/${guest.room_id}`;
      history.replaceState(null, '', room); // the link is spent: keep it out of the address bar
      rpc.dispatchEvent(new CustomEvent('session', { detail: { user: rpc.user } })); // the app routes to the room
      if (ctx.alive) ctx.go(room, { replace: true });
    }
  }
}
