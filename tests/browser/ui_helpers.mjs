// Shared helpers of the browser-app tests: launching Debian's Chromium, signing in through the
// app's own sign-in screen, and writing screenshots under build/screenshots/ (not committed).
import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
export const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SCREENSHOTS = resolve(process.env.MOA_BUILD || 'build', '..', 'screenshots');
export const PASSWORD = 'moa-demo-2025';

export function launch({ executablePath = CHROMIUM } = {}) {
  if (!CHROMIUM) throw new Error('Debian chromium is not installed (make installs it)');
  return chromium.launch({ executablePath, args: ARGS });
}

// A fresh context (its own localStorage) and page; page errors and failed requests fail loudly.
export async function newPage(browser, { width = 1280, height = 800, label = 'page' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => { page.errors.push(e.message); console.error(`[${label}] page error:`, e.message); });
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[${label}] console:`, m.text()); });
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
