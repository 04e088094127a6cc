// The app shell: the top bar (navigation, connection state, language switch, user), the hash
// router (#/home, #/consortium/3, #/room/<id>, #/partners, #/org/<id>, #/programmes, #/programmes/<id>, #/meetings, #/inbox, #/activity (admins), #/signin?next=...,
// #/guest/<token> for a guest link, #/signup and #/signup/confirm/<token> for a company's own sign-up) and the
// screen lifecycle. A guest session (user.guest) is
// kept to its meeting's room: other screens route there. Screens live in js/screens/, one module each, and export
// render(ctx); see makeContext() for what ctx offers.
import { Rpc } from './rpc.js';
import { t, getLang, setLang, onLangChange } from './i18n.js';
import { h, retranslate } from './dom.js';
import { wireNotifications } from './notify.js';
import { wireUnread, unreadTotal as countUnread, onChange as onUnreadChange } from './unread.js';

const ROUTES = [
  { re: /^\/signin$/, screen: 'signin', auth: false },
  { re: /^\/signup$/, screen: 'signup', auth: false },
  { re: /^\/signup\/confirm\/([A-Za-z0-9_-]{16,128})$/, screen: 'signup', auth: false, keys: ['token'] },
  { re: /^\/home$/, screen: 'home', auth: true },
  { re: /^\/consortium\/(\d+)$/, screen: 'consortium', auth: true, keys: ['id'] },
  { re: /^\/room\/([A-Za-z0-9_-]{1,64})$/, screen: 'room', auth: true, keys: ['id'] },
  { re: /^\/partners$/, screen: 'partners', auth: true },
  { re: /^\/meetings$/, screen: 'meetings', auth: true },
  { re: /^\/programmes$/, screen: 'programmes', auth: true },
  { re: /^\/programmes\/(\d+)$/, screen: 'programme', auth: true, keys: ['id'] },
  { re: /^\/activity$/, screen: 'activity', auth: true },
  { re: /^\/org\/(\d+)$/, screen: 'org', auth: true, keys: ['id'] },
  { re: /^\/inbox(?:\/(\d+))?$/, screen: 'inbox', auth: true, keys: ['conversation'] },
  { re: /^\/guest(?:\/([A-Za-z0-9_-]{16,128}))?$/, screen: 'guest', auth: false, keys: ['token'] },
];

// js/boot.js's once-only automatic reload (without it: no automatic retry, the button only).
const boot = window.moaBoot || { retried: () => true, done() {} };
const rpc = new Rpc();
window.moa = { rpc }; // for debugging and tests
const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const toasts = document.getElementById('toasts');

let current = null; // {cleanups: [], langHandlers: [], key}
let lastUserId = rpc.token ? undefined : null;

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/home';
  const [path, qs] = raw.split('?');
  return { path, query: new URLSearchParams(qs || '') };
}

export function go(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', hash);
    route();
  } else if (location.hash === hash) route();
  else location.hash = hash;
}

export function toast(text, kind = 'info') {
  const el = h('div', { class: `toast ${kind}` }, text);
  toasts.append(el);
  setTimeout(() => el.remove(), 6000);
}

function currentHash() { return location.hash || '#/home'; }

function signinHash(reason) {
  const { path } = parseHash();
  const next = path === '/signin' ? parseHash().query.get('next') : currentHash();
  const q = new URLSearchParams();
  if (next && next !== '#/signin') q.set('next', next);
  if (reason) q.set('reason', reason);
  const qs = q.toString();
  return `#/signin${qs ? `?${qs}` : ''}`;
}

function teardown() {
  if (!current) return;
  for (const fn of current.cleanups) {
    try { fn(); } catch (e) { console.error(e); }
  }
  current = null;
}

function makeContext(entry, params, query) {
  const state = { cleanups: [], langHandlers: [], key: currentHash(), alive: true };
  state.cleanups.push(() => { state.alive = false; });
  const ctx = {
    rpc, params, query, t, go, toast,
    user: rpc.user,
    root: main,
    // Runs fn when the screen is left.
    cleanup(fn) { state.cleanups.push(fn); },
    // Server events for this screen only.
    on(type, fn) { state.cleanups.push(rpc.on(type, fn)); },
    // A screen that handles a language switch itself (instead of being re-rendered).
    onLang(fn) { state.langHandlers.push(fn); },
    // Whether the screen is still the one shown (async work checks before touching the DOM).
    get alive() { return state.alive; },
    setTitle(text) { document.title = text ? `${text} · ${t('app.name')}` : t('app.name'); },
    // Shows an error of an RpcError in el (or a toast).
    errorText(e) {
      const key = `error.${e?.code}`;
      const s = t(key);
      return s === key ? t('error.generic') : s;
    },
  };
  return { ctx, state };
}

let routeSeq = 0;
async function route() {
  const seq = ++routeSeq;
  const { path, query } = parseHash();
  const entry = ROUTES.find((r) => r.re.test(path));
  if (!entry) { go('#/home', { replace: true }); return; }
  if (entry.auth && !rpc.user) {
    if (!rpc.ready && rpc.token) { showLoading(); return; } // resume pending: route again on 'session'
    go(signinHash(), { replace: true });
    return;
  }
  if (entry.screen === 'signin' && rpc.user) {
    go(safeNext(query.get('next')), { replace: true });
    return;
  }
  const guestRoom = rpc.user?.guest ? `#/room/${rpc.user.guest.room_id}` : null;
  if (guestRoom && entry.screen !== 'guest' && path !== guestRoom.slice(1)) {
    go(guestRoom, { replace: true }); // a guest link admits to its meeting only
    return;
  }
  const m = entry.re.exec(path);
  const params = {};
  (entry.keys || []).forEach((k, i) => { params[k] = m[i + 1]; });
  teardown();
  renderTopbar(entry.screen);
  const { ctx, state } = makeContext(entry, params, query);
  current = state;
  main.replaceChildren();
  main.className = `screen-${entry.screen}`;
  ctx.setTitle('');
  let mod;
  try {
    mod = await import(`./screens/${entry.screen}.js`);
  } catch (e) {
    // The screen's code could not be fetched (a network that changed mid-load, a server
    // restarting): a failed module stays failed until the page reloads, so reload once by
    // itself (as js/boot.js does for the app's own code), then offer a button.
    console.error(e);
    if (seq !== routeSeq || !state.alive) return;
    if (!boot.retried()) { location.reload(); return; }
    main.replaceChildren(h('div', { class: 'panel error-panel', id: 'load-error' },
      h('h1', { i18n: 'error.title' }), h('p', { i18n: 'error.load' }),
      h('p', {}, h('button', { type: 'button', class: 'primary', i18n: 'error.retry', on: { click: () => location.reload() } }))));
  }
  if (mod) try {
    if (seq !== routeSeq) return;
    await mod.render(ctx);
    boot.done();
  } catch (e) {
    console.error(e);
    if (seq !== routeSeq || !state.alive) return;
    main.replaceChildren(h('div', { class: 'panel error-panel' },
      h('h1', { i18n: 'error.title' }), h('p', {}, ctx.errorText(e)),
      h('p', {}, h('a', { href: '#/home', i18n: 'nav.home' }))));
  }
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    if (routed) main.focus({ preventScroll: true });
  }
  routed = true;
}
let routed = false;

function safeNext(next) {
  return next && /^#\/[A-Za-z0-9/_?=&%.-]*$/.test(next) && !next.startsWith('#/signin') ? next : '#/home';
}

function showLoading() {
  main.replaceChildren(h('p', { class: 'loading', i18n: 'app.loading' }));
}

// ---- top bar ----------------------------------------------------------------------------------

// Screens that belong to a section of the top navigation: an organization's profile is found
// through the partner search.
const NAV_SECTIONS = { org: 'partners', programme: 'programmes' };

const connEl = h('span', { class: 'conn', role: 'status', 'aria-live': 'polite' });
let unreadTotal = 0;

function renderTopbar(screen) {
  const user = rpc.user;
  // A nav link is current on its own screen and on the screens under it (NAV_SECTIONS).
  const link = (href, key, name) => h('a', {
    href, class: 'nav-link', 'aria-current': (NAV_SECTIONS[screen] || screen) === name ? 'page' : null,
  }, t(key), name === 'inbox' && unreadTotal > 0 ? h('span', { class: 'badge', 'aria-label': t('inbox.unreadCount', { n: unreadTotal }) }, String(unreadTotal)) : null);
  const langBtn = h('button', {
    type: 'button', class: 'lang-switch', id: 'lang-switch', lang: getLang() === 'ko' ? 'en' : 'ko',
    'aria-label': t('app.switchLanguage'),
    on: { click: () => setLang(getLang() === 'ko' ? 'en' : 'ko') },
  }, getLang() === 'ko' ? 'English' : '한국어');
  topbar.replaceChildren(
    h('a', { class: 'brand', href: user?.guest ? `#/room/${user.guest.room_id}` : user ? '#/home' : '#/signin' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), t('app.name')),
    user && !user.guest ? h('nav', { class: 'nav', 'aria-label': t('nav.label') },
      link('#/home', 'nav.home', 'home'),
      link('#/partners', 'nav.partners', 'partners'),
      link('#/programmes', 'nav.programmes', 'programmes'),
      link('#/meetings', 'nav.meetings', 'meetings'),
      link('#/inbox', 'nav.inbox', 'inbox'),
      user.is_admin ? link('#/activity', 'nav.activity', 'activity') : null) : h('span', { class: 'nav' }),
    h('div', { class: 'tools' },
      connEl,
      langBtn,
      user ? h('span', { class: 'who', title: user.email }, user.name) : null,
      user ? h('button', { type: 'button', class: 'ghost', id: 'signout', on: { click: signOut } }, t('nav.signout')) : null),
  );
  renderConn();
}

function renderConn() {
  const s = rpc.state;
  connEl.dataset.state = s;
  connEl.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-text' }, t(`conn.${s}`)));
  if (s === 'offline') {
    connEl.append(h('button', { type: 'button', class: 'linkish', on: { click: () => rpc.reconnectNow() } }, t('conn.retry')));
  }
}

async function signOut() {
  const guest = !!rpc.user?.guest;
  await rpc.logout();
  go(guest ? '#/guest' : '#/signin'); // a guest's session ends on the guest page's goodbye
}

// The badge follows the unread counts kept by unread.js (listed once, then from events).
function showUnread() {
  const n = countUnread();
  if (n !== unreadTotal) {
    unreadTotal = n;
    if (current) renderTopbar(parseHash().path.split('/')[1] || 'home');
  }
}

// ---- wiring -----------------------------------------------------------------------------------

rpc.addEventListener('state', renderConn);
rpc.addEventListener('session', () => {
  const id = rpc.user ? rpc.user.id : null;
  if (id !== lastUserId || !current) {
    lastUserId = id;
    unreadTotal = 0;
    route();
  }
});
rpc.addEventListener('expired', () => {
  lastUserId = null;
  teardown();
  go(signinHash('expired'), { replace: true });
});
wireUnread(rpc);
onUnreadChange(showUnread);
wireNotifications(rpc); // mentions and direct messages while the tab is hidden (notify.js)

window.addEventListener('hashchange', route);
onLangChange(() => {
  document.documentElement.lang = getLang();
  if (!current) { route(); return; }
  renderTopbar(parseHash().path.split('/')[1] || 'home');
  retranslate(document.body);
  if (current.langHandlers.length) current.langHandlers.forEach((fn) => fn(getLang()));
  else route();
});
document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

document.documentElement.lang = getLang();
retranslate(document.body);
renderTopbar('');
showLoading();
rpc.start();
if (!rpc.token) route(); // nothing to resume: sign-in can show before the socket is up
