// Shared helpers of the browser-app tests: launching Debian's Chromium (optionally inside a test
// network namespace, for media), signing in through the app's own sign-in screen, and writing
// screenshots under build/screenshots/ (not committed).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer, seededDb, signedIn, cleanup } from '../lib/moa.mjs';

import { CHROMIUM, CHROMIUM_ENV } from '../lib/browser.mjs';
import { startSmtpSink } from '../lib/smtp_sink.mjs';

export { CHROMIUM };
export const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SCREENSHOTS = resolve(process.env.MOA_BUILD || 'build', '..', 'screenshots');
export const PASSWORD = 'moa-demo-2025';

// launch({netns}) runs Chromium inside that network namespace (tests/lib/netns.mjs).
// launch({askMedia: true}) leaves out the fake permission UI: camera and microphone are then
// refused unless the context is made with newPage(browser, {media: true}) (a real refusal, as
// when a person clicks "Block").
export function launch({ netns, askMedia = false } = {}) {
  if (!CHROMIUM) throw new Error('Debian chromium is not installed (make installs it)');
  const args = askMedia ? ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream') : ARGS;
  return chromium.launch({ executablePath: netns ? netns.wrapper(CHROMIUM) : CHROMIUM, args, env: CHROMIUM_ENV });
}

// A fresh context (its own localStorage) and page; page errors and failed requests fail loudly.
// media: grant camera and microphone (needed only with launch({askMedia: true})).
export async function newPage(browser, { width = 1280, height = 800, label = 'page', media = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  if (media) await context.grantPermissions(['camera', 'microphone']);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => { page.errors.push(e.message); console.error(`[${label}] page error:`, e.message); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`[${label}] console:`, m.text()); });
  return page;
}

export async function signIn(page, url, email, { hash = '' } = {}) {
  await page.goto(`${url}/${hash}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#signout').waitFor();
}

// Screenshots at the two widths the app is designed for; returns the paths written.
export async function screenshots(page, name, { prepare } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const out = [];
  const original = page.viewportSize();
  for (const [w, hgt] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    if (prepare) await prepare(w);
    await page.waitForTimeout(400);
    const path = join(SCREENSHOTS, `${name}-${w}x${hgt}.png`);
    await page.screenshot({ path, fullPage: true });
    out.push(path);
  }
  await page.setViewportSize(original);
  return out;
}

// Polls fn until it returns something truthy (returned); throws after timeout ms with what.
export async function until(fn, what, timeout = 20000, step = 250) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

// Whether the <video> matched by locator is really playing: it has a size, and both its
// currentTime and its count of presented frames advance over about a second.
export async function videoPlays(locator) {
  return locator.evaluate(async (v) => {
    const frames = () => v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    const t1 = v.currentTime, f1 = frames();
    await new Promise((r) => setTimeout(r, 1000));
    return v.videoWidth > 0 && v.videoHeight > 0 && v.currentTime > t1 && frames() > f1 && !v.paused;
  });
}

// The usual suite: a server on its own copy of the seeded DB and one headless Chromium, started
// before the tests and stopped after them, with protocol clients the tests open (closed after).
// Returns {srv, browser, clients, user(email)} filled in once before() has run.
export function serverAndBrowser() {
  const s = { srv: null, browser: null, db: null, clients: [] };
  s.user = async (email) => {
    const c = await signedIn(s.srv, email);
    s.clients.push(c);
    return c;
  };
  before(async () => {
    s.db = seededDb();
    s.srv = await startServer({ db: s.db.path });
    s.browser = await launch();
  });
  after(async () => {
    for (const c of s.clients) await c.close().catch(() => {});
    await s.browser?.close();
    await s.srv?.stop();
    cleanup(s.db?.dir);
  });
  return s;
}

// A server that sends mail to a test SMTP sink (tests/lib/smtp_sink.mjs), on a port chosen first
// so that its public URL (the links in the mails) is known: for the company sign-up tests.
// Returns {srv, db, sink, base}; stop with stopServerWithMail.
export async function serverWithMail() {
  const sink = await startSmtpSink();
  const db = seededDb();
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  const base = `http://127.0.0.1:${port}`;
  const srv = await startServer({
    db: db.path,
    args: ['--listen', `127.0.0.1:${port}`, '--smtp-url', sink.url, '--smtp-from', 'noreply@moa.example', '--public-url', base],
  });
  return { srv, db, sink, base };
}

export async function stopServerWithMail(m) {
  await m?.srv?.stop();
  await m?.sink?.close();
  cleanup(m?.db?.dir);
}
