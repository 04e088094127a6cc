// The moa.v1 WebSocket client: one connection to /ws, requests answered by id, server events
// dispatched by type, automatic reconnect with exponential backoff and jitter, and the session
// resumed on every (re)connect with the token kept in localStorage. The server closes a
// connection that has not signed in within --auth-timeout (close code 4408): the client then
// stays quietly closed and reconnects when the page next needs the server (a sign-in form filled
// slowly is sent on a fresh connection).
//
// Usage (also by meeting.js):
//   const rpc = new Rpc(); rpc.start();
//   const result = await rpc.request('consortium.get', {consortium_id: 3});  // throws RpcError
//   const off = rpc.on('chat.message', (msg) => ...);                        // server events
//   rpc.addEventListener('state', (e) => e.detail.state);  // 'connecting'|'open'|'reconnecting'|'offline'
//   rpc.addEventListener('session', ...)   signed in / out changed (rpc.user)
//   rpc.addEventListener('expired', ...)   the stored session no longer works: sign in again
//   rpc.addEventListener('reconnected', ...) a dropped connection is back and resumed: catch up
// Every server event is also dispatched as a CustomEvent named by its type (detail: the message).

const TOKEN_KEY = 'moa.token';
const OPEN_TYPES = new Set(['auth.login', 'auth.resume', 'system.ping']);

// Chat attachments are fetched by the browser itself (<img> previews, download links) from
// /files/<id> (and /recordings/), which take the session from this cookie: only for those paths, never sent by another
// site's page (SameSite=Strict), gone when the browser closes or the user signs out. Uploads send
// the token as a Bearer header instead (attachments.js).
export const FILE_COOKIE = 'moa_session';
function fileCookie(token) {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // also for /recordings/: a <video> plays a meeting's recording with it (recording.js)
  for (const path of ['/files/', '/recordings/'])
    document.cookie = token ? `${FILE_COOKIE}=${token}; Path=${path}; SameSite=Strict${secure}`
      : `${FILE_COOKIE}=; Path=${path}; Max-Age=0; SameSite=Strict${secure}`;
}

export class RpcError extends Error {
  constructor(code, message = code, extra = {}) {
    super(message);
    this.code = code;
    this.retryAfter = extra.retry_after;
    this.field = extra.field; // invalid_params of org.profile_update: the attribute at fault
  }
}

export function defaultUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export class Rpc extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer, type}
    this.state = 'idle';
    this.user = null;
    this.ready = false; // socket open and the resume attempt finished
    this.readyWaiters = [];
    this.attempt = 0;
    this.everOpened = false;
    this.retryTimer = null;
    this.retryAt = 0;
    this.handlers = new Map(); // type -> Set(fn)
    this.dormant = false; // closed by the server for not signing in: reopen on the next request
  }

  get token() {
    try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
  }

  set token(v) {
    try {
      if (v) localStorage.setItem(TOKEN_KEY, v);
      else localStorage.removeItem(TOKEN_KEY);
    } catch { /* storage unavailable: the session lasts this page */ }
    fileCookie(v);
  }

  get signedIn() { return this.user !== null; }

  start() {
    fileCookie(this.token); // a new browser session keeps localStorage, not the session cookie
    window.addEventListener('online', () => this.reconnectNow());
    this.#open();
  }

  // Skips the backoff wait (e.g. the "retry now" button).
  reconnectNow() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.dormant = false;
    clearTimeout(this.retryTimer);
    this.#open();
  }

  #setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryAt: this.retryAt } }));
  }

  #open({ quiet = false } = {}) {
    this.retryTimer = null;
    this.waking = quiet;
    if (!quiet) this.#setState(this.everOpened ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url, 'moa.v1');
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.#onOpen(ws);
    ws.onmessage = (ev) => this.#onMessage(ev);
    ws.onclose = (ev) => this.#onClose(ws, ev);
  }

  async #onOpen(ws) {
    const reconnect = this.everOpened && !this.waking; // waking from dormant: nothing was missed
    this.waking = false;
    this.everOpened = true;
    this.attempt = 0;
    const token = this.token;
    if (token) {
      try {
        const r = await this.#send('auth.resume', { token });
        this.user = r.user;
      } catch (e) {
        if (ws !== this.ws) return;
        if (e.code === 'unauthenticated') {
          const had = this.user !== null || !reconnect;
          this.token = null;
          this.user = null;
          if (had) this.dispatchEvent(new CustomEvent('expired'));
        } else if (e.code === 'disconnected') {
          return;
        }
      }
    } else {
      this.user = null;
    }
    if (ws !== this.ws) return;
    this.ready = true;
    this.#setState('open');
    this.dispatchEvent(new CustomEvent('session', { detail: { user: this.user } }));
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    waiters.forEach((w) => w());
    if (reconnect) this.dispatchEvent(new CustomEvent('reconnected'));
  }

  #onMessage(ev) {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result ?? {});
      else {
        const err = msg.error || {};
        p.reject(new RpcError(err.code || 'internal', err.message, err));
      }
      return;
    }
    if (!msg.type) return;
    if (msg.type === 'server.shutdown') this.#setState('reconnecting');
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    const set = this.handlers.get(msg.type);
    if (set) for (const fn of [...set]) {
      try { fn(msg); } catch (e) { console.error(e); }
    }
    const any = this.handlers.get('*');
    if (any) for (const fn of [...any]) {
      try { fn(msg); } catch (e) { console.error(e); }
    }
  }

  #onClose(ws, ev) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ready = false;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RpcError('disconnected', 'connection lost'));
    }
    this.pending.clear();
    if (ev?.code === 4408 && !this.user) {
      this.dormant = true; // not signed in for --auth-timeout: reconnect when next needed
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry() {
    // 0.5 s, 1 s, 2 s ... capped at 15 s, with jitter so a restarted server is not stampeded.
    const base = Math.min(15000, 500 * 2 ** this.attempt);
    const delay = Math.round(base * (0.6 + Math.random() * 0.4));
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.#setState('offline');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.#open(), delay);
  }

  #send(type, params, timeout = 15000) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new RpcError('disconnected', 'not connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError('timeout', `no reply to ${type}`));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer, type });
      ws.send(JSON.stringify({ ...params, id, type }));
    });
  }

  #whenReady() {
    if (this.ready) return Promise.resolve();
    const p = new Promise((resolve) => this.readyWaiters.push(resolve));
    if (this.dormant) {
      this.dormant = false;
      this.#open({ quiet: true });
    }
    return p;
  }

  // Sends a request once the connection is up (and the session resumed); resolves with the
  // result or rejects with an RpcError. A rate-limited request is retried once after retry_after.
  async request(type, params = {}, { timeout = 15000 } = {}) {
    if (!OPEN_TYPES.has(type) || this.dormant) await this.#whenReady();
    try {
      return await this.#send(type, params, timeout);
    } catch (e) {
      if (e.code === 'rate_limited' && e.retryAfter && e.retryAfter <= 5) {
        await new Promise((r) => setTimeout(r, e.retryAfter * 1000));
        return this.#send(type, params, timeout);
      }
      if (e.code === 'unauthenticated' && this.user) {
        this.user = null;
        this.token = null;
        this.dispatchEvent(new CustomEvent('expired'));
      }
      throw e;
    }
  }

  // Like request(), but resolves undefined when the server does not know the type (a feature
  // not deployed yet): screens then leave that section out instead of showing an error.
  async optional(type, params = {}, opts) {
    if (this.unknown?.has(type)) return undefined;
    try {
      return await this.request(type, params, opts);
    } catch (e) {
      if (e.code === 'unknown_type') {
        (this.unknown ??= new Set()).add(type);
        return undefined;
      }
      throw e;
    }
  }

  // Registers fn for server events of a type ('*' for all); returns a function that removes it.
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type)?.delete(fn);
  }

  async login(email, password) {
    await this.#whenReady();
    const r = await this.#send('auth.login', { email, password }, 30000);
    return this.adopt(r);
  }

  // Takes the session of a sign-in result ({token, user}: auth.login, signup.confirm).
  adopt(r) {
    this.token = r.token;
    this.user = r.user;
    this.dispatchEvent(new CustomEvent('session', { detail: { user: this.user } }));
    return r.user;
  }

  async logout() {
    try { await this.request('auth.logout', {}, { timeout: 5000 }); } catch { /* the token is dropped anyway */ }
    this.token = null;
    this.user = null;
    this.dispatchEvent(new CustomEvent('session', { detail: { user: null } }));
  }

  async refreshMe() {
    this.user = await this.request('me.get');
    return this.user;
  }
}
