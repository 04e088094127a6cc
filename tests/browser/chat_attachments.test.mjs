// File attachments in chat, through real Chromium and the real server (issue 15: "회의 자료는
// 채널에 올려두었습니다"). In consortium 1's channel A attaches meeting materials (a PDF with a
// Korean name) and a PNG with the composer's attach button and sends them; B, of the same
// consortium, sees both live, the image as an inline preview, and downloads the PDF: the same
// bytes under the original name. Over HTTP the files are refused to a member of another
// consortium (404, as for a file that does not exist) and to a client that is not signed in
// (401), before and after B signs out. An oversized file and a type not on the allow-list (and a
// file whose content is not what its name says) are refused with a message in the page's language (the server's code, name and limit)
// under the composer. A deletes the message: the files are gone (404) and their blob is removed
// from the disk. The server runs with --attach-max-mb 1 so that "oversized" is small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { startServer, seededDb, cleanup, Client, DEMO_PASSWORD } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, until } from './ui_helpers.mjs';

const PDF_NAME = '2025 협의체 회의 자료 (최종).pdf';
const PNG_NAME = '공정 흐름도.png';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% 수소연료전지 스택 공동개발\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// A real PNG (RGB, 8 bits) of w x h: a blue band over a light background, so the preview shows.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(w, h) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + 3 * w);
    for (let x = 0; x < w; x++) {
      const band = y > h / 3 && y < (2 * h) / 3;
      row.set(band ? [31, 94, 255] : [232, 239, 255 - (x % 32)], 1 + 3 * x);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = png(240, 120);

let srv, db, browser, a, b, channel, tokens = {}, files = {};

async function tokenOf(email) {
  const c = await Client.connect(srv);
  const r = await c.call('auth.login', { email, password: DEMO_PASSWORD });
  await c.close();
  return r.token;
}
// The blobs in the server's attachment directory (files/ beside the database): <2 hex>/<sha256>.
function blobs() {
  const dir = join(dirname(db.path), 'files');
  return readdirSync(dir).filter((d) => d !== 'tmp' && statSync(join(dir, d)).isDirectory())
    .flatMap((d) => readdirSync(join(dir, d)));
}
const get = (id, headers = {}) => fetch(`${srv.url}/files/${id}`, { headers });
const bearer = (who) => ({ Authorization: `Bearer ${tokens[who]}` });

before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path, args: ['--attach-max-mb', '1'] });
  browser = await launch();
  a = await newPage(browser, { label: 'A' });
  b = await newPage(browser, { label: 'B' });
  await signIn(a, srv.url, 'member01a@moa.example');
  await signIn(b, srv.url, 'member01b@moa.example');
  channel = await a.evaluate(async () => (await window.moa.rpc.request('chat.conversations', {}))
    .conversations.find((c) => c.kind === 'channel' && c.consortium_id === 1).id);
  tokens.b = await b.evaluate(() => window.moa.rpc.token);
  tokens.other = await tokenOf('member02a@moa.example'); // consortium 2
  a.on('dialog', (d) => d.accept()); // "delete this message?"
});
after(async () => {
  const errors = [...(a?.errors || []), ...(b?.errors || [])];
  await browser?.close();
  await srv?.stop();
  cleanup(db?.dir);
  assert.deepEqual(errors, [], 'no page errors');
});

test('A attaches a PDF and a PNG in the channel and sends them; B sees both live, the image previewed', async () => {
  await a.goto(`${srv.url}/#/inbox/${channel}`);
  await b.goto(`${srv.url}/#/inbox/${channel}`);
  const box = a.locator('#inbox-detail textarea.chat-input');
  await box.waitFor();
  assert.equal(await a.locator('#inbox-detail .att-button').getAttribute('aria-label'), '파일 첨부');
  await a.locator('#inbox-detail input.att-input').setInputFiles([
    { name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF },
    { name: PNG_NAME, mimeType: 'image/png', buffer: PNG },
  ]);
  const chips = a.locator('#inbox-detail .att-tray .att-chip');
  await until(async () => (await chips.count()) === 2 && (await a.locator('#inbox-detail .att-chip.ready').count()) === 2,
    'both files uploaded');
  assert.deepEqual(await chips.locator('.att-status').allTextContents(), ['첨부됨', '첨부됨']);
  await box.fill('회의 자료는 채널에 올려두었습니다');
  await box.press('Enter');
  const mine = a.locator('#inbox-detail .msg.mine', { hasText: '회의 자료는 채널에 올려두었습니다' });
  await mine.locator('.attachments li').nth(1).waitFor();
  // the tray empties when the server has answered chat.send, which may come after the message
  await until(async () => (await chips.count()) === 0, 'the tray empty once sent');

  const onB = b.locator('#inbox-detail .msg', { hasText: '회의 자료는 채널에 올려두었습니다' });
  await onB.waitFor();
  assert.equal(await onB.locator('.att-file .att-name').textContent(), PDF_NAME);
  assert.match(await onB.locator('.att-file .att-size').textContent(), /B$/);
  const thumb = onB.locator('.att-image img.att-thumb');
  await until(() => thumb.evaluate((img) => img.complete && img.naturalWidth === 240 && img.naturalHeight === 120),
    'the preview loaded (240x120)');
  assert.equal(await thumb.getAttribute('alt'), `${PNG_NAME} 미리보기`);
  assert.equal(await onB.locator('.att-image .att-name').textContent(), PNG_NAME);
  files.pdf = await onB.locator('.att-file').getAttribute('data-id');
  files.png = await onB.locator('.att-image').getAttribute('data-id');
  assert.match(files.pdf, /^[0-9a-f]{32}$/);
  assert.match(files.png, /^[0-9a-f]{32}$/);
  await screenshots(b, 'chat-attachments', { prepare: () => onB.scrollIntoViewIfNeeded() });
});

test('B downloads the PDF: the same bytes, under its original name', async () => {
  const [download] = await Promise.all([b.waitForEvent('download'),
    b.locator('#inbox-detail .att-file a.att-download').click()]);
  assert.equal(download.suggestedFilename(), PDF_NAME);
  assert.deepEqual(readFileSync(await download.path()), PDF);
  // over HTTP, with B's session
  const r = await get(files.pdf, bearer('b'));
  assert.equal(r.status, 200);
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), PDF);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(r.headers.get('content-disposition'),
    `attachment; filename="2025 ___ __ __ (__).pdf"; filename*=UTF-8''${encodeURIComponent(PDF_NAME).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  assert.match(r.headers.get('x-content-type-options'), /nosniff/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const img = await get(files.png, bearer('b'));
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.match(img.headers.get('content-disposition'), /^inline; /);
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);
  const dl = await fetch(`${srv.url}/files/${files.png}?download=1`, { headers: bearer('b') });
  assert.match(dl.headers.get('content-disposition'), /^attachment; /);
  await dl.arrayBuffer();
});

test('refused over HTTP to a member of another consortium (404) and to a signed-out client (401)', async () => {
  for (const id of [files.pdf, files.png]) {
    const other = await get(id, bearer('other'));
    assert.equal(other.status, 404, 'another consortium: as if there were no such file');
    assert.equal((await other.json()).error.code, 'not_found');
    assert.equal((await get(id, { Cookie: `moa_session=${tokens.other}` })).status, 404);
    const anon = await get(id);
    assert.equal(anon.status, 401);
    assert.equal((await anon.json()).error.code, 'unauthenticated');
    assert.equal((await get(id, { Authorization: 'Bearer not-a-session' })).status, 401);
  }
  assert.equal((await get('0123456789abcdef0123456789abcdef', bearer('b'))).status, 404);
  assert.equal((await get('../../etc/passwd', bearer('b'))).status, 404);
  // nor may they put files into a channel they do not read, or anyone signed out
  const up = (headers) => fetch(`${srv.url}/files?conversation_id=${channel}&name=x.pdf`, { method: 'POST', headers, body: PDF });
  const other = await up(bearer('other'));
  assert.equal(other.status, 403);
  assert.equal((await other.json()).error.code, 'forbidden');
  assert.equal((await up({})).status, 401);
  // once B signs out in the app, B's browser is a signed-out client too
  assert.equal(await b.evaluate((id) => fetch(`/files/${id}`).then((r) => r.status), files.pdf), 200);
  await b.locator('#signout').click();
  await b.locator('input[name=email]').waitFor();
  assert.equal(await b.evaluate((id) => fetch(`/files/${id}`).then((r) => r.status), files.pdf), 401);
  assert.equal((await get(files.pdf, bearer('b'))).status, 401, 'the session ended');
});

test('an oversized file and disallowed types are refused with a clear message in Korean', async () => {
  await a.goto(`${srv.url}/#/inbox/${channel}`);
  const input = a.locator('#inbox-detail input.att-input');
  await input.waitFor({ state: 'attached' });
  const big = Buffer.concat([PDF, Buffer.alloc(1536 * 1024, 0x20)]);
  await input.setInputFiles([{ name: '발표 영상 캡처.pdf', mimeType: 'application/pdf', buffer: big }]);
  const refused = a.locator('#inbox-detail .att-chip.refused');
  await refused.waitFor();
  assert.equal(await refused.locator('.att-status').getAttribute('role'), 'alert');
  assert.equal(await refused.locator('.att-status').textContent(),
    '올리지 못했습니다: "발표 영상 캡처.pdf"은(는) 1.5 MB입니다. 파일 하나는 1 MB까지 올릴 수 있습니다.');
  await input.setInputFiles([{ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00') }]);
  await until(async () => (await refused.count()) === 2, 'the second refusal');
  assert.match(await refused.nth(1).locator('.att-status').textContent(),
    /^올리지 못했습니다: "setup\.exe"은\(는\) 첨부할 수 없는 형식입니다\. 문서\(PDF, 한글 HWP·HWPX.*\)만 올릴 수 있습니다\.$/);
  await input.setInputFiles([{ name: '사진.png', mimeType: 'image/png', buffer: PDF }]);
  await until(async () => (await refused.count()) === 3, 'the third refusal');
  assert.equal(await refused.nth(2).locator('.att-status').textContent(),
    '올리지 못했습니다: "사진.png"의 내용이 이름의 형식과 다릅니다. 내용과 이름이 맞는 파일만 올릴 수 있습니다.');
  await screenshots(a, 'chat-attachments-refused');
  // the refusals are dismissed; nothing was stored
  for (let i = 0; i < 3; i++) await refused.first().locator('.att-remove').click();
  assert.equal(await a.locator('#inbox-detail .att-chip').count(), 0);
  assert.equal(blobs().length, 2, 'only the two files sent');
  assert.deepEqual(readdirSync(join(dirname(db.path), 'files', 'tmp')), [], 'no temporary file left');
});

test('deleting the message removes its files: the download is 404 and the blobs are gone', async () => {
  const msg = a.locator('#inbox-detail .msg.mine', { hasText: '회의 자료는 채널에 올려두었습니다' });
  await msg.locator('.msg-actions button', { hasText: '삭제' }).click();
  await a.locator('#inbox-detail .msg.mine .body.deleted').waitFor();
  await until(async () => (await a.locator('#inbox-detail .attachments').count()) === 0, 'the deleted message without files');
  const tokenA = await a.evaluate(() => window.moa.rpc.token);
  for (const id of [files.pdf, files.png]) {
    const r = await get(id, { Authorization: `Bearer ${tokenA}` });
    assert.equal(r.status, 404);
  }
  await until(() => blobs().length === 0, 'no blob left on disk');
});
