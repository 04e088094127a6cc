// Headless Chromium (Debian's) driven by playwright-core, with fake camera and microphone, the
// recipe of DESIGN.md. launchBrowser({netns}) runs it inside a test network namespace.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

// Chromium names downloads (Content-Disposition, <a download>) in the locale's encoding: under
// the C locale of a bare machine or CI a Korean file name became "download". Every person's
// desktop runs a UTF-8 locale, and so does the browser of every test; C.UTF-8 is always there.
export const CHROMIUM_ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

export async function launchBrowser({ netns, extraArgs = [] } = {}) {
  if (!CHROMIUM) throw new Error('Debian chromium is not installed (make installs it)');
  return chromium.launch({
    executablePath: netns ? netns.wrapper(CHROMIUM) : CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      ...extraArgs], // playwright gives every launch a fresh, empty user data dir
    env: CHROMIUM_ENV,
  });
}

// A page signed in as email with the app's own modules loaded: window.moa = {rpc, Meeting}.
// It opens /healthz (same origin, no app running) so the test drives the modules directly.
export async function modulePage(browser, server, email, password = 'moa-demo-2025') {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${email}] page error:`, e.message));
  // The app's own warnings and errors (a refused offer, a failed answer) in the test's output.
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[${email}] console ${m.type()}:`, m.text());
  });
  await page.goto(`${server.url}/healthz`);
  await page.evaluate(async ({ email, password }) => {
    const { Rpc } = await import('/js/rpc.js');
    const { Meeting } = await import('/js/meeting.js');
    const rpc = new Rpc();
    rpc.start();
    await rpc.login(email, password);
    window.moa = { rpc, Meeting };
  }, { email, password });
  return page;
}
