// The support-programme collector (`moa programme fetch`, libcurl) against a loopback HTTP server
// serving the shipped sample feeds (data/programmes): the first snapshots of the four sources,
// then the 기업마당 snapshot a week later, reported exactly as planted (data/programmes/PLANTED.json:
// new, changed, closed, withdrawn, and the cross-feed duplicates merged); a failing feed (HTTP
// 500, broken JSON, an error result code, a body over the size cap is not tried: 64 MiB) changes
// nothing, which the next fetch of the same snapshot proves by reporting it unchanged. The key of
// a source comes from a file and is sent in the URL. The server collects on its own too
// (--programme-sources): every source each round, a failing one reported without stopping the
// others, and a sources file with a mistake stops the server with the line at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOA_SRC, runMoa, startServer, tempDir, cleanup } from '../lib/moa.mjs';

const dataDir = join(MOA_SRC, 'data', 'programmes');
const planted = JSON.parse(readFileSync(join(dataDir, 'PLANTED.json'), 'utf8'));

function feedServer() {
  const keys = [];
  const routes = {
    '/bizinfo/week1': ['application/json', readFileSync(join(dataDir, 'bizinfo-2026-11-23.json'))],
    '/bizinfo/week2': ['application/json', readFileSync(join(dataDir, 'bizinfo-2026-11-30.json'))],
    '/kstartup': ['application/json', readFileSync(join(dataDir, 'kstartup-2026-11-23.json'))],
    '/smes24': ['application/json', readFileSync(join(dataDir, 'smes24-2026-11-23.json'))],
    '/local.csv': ['text/csv', readFileSync(join(dataDir, 'agencies-local-2026-11-23.csv'))],
    '/broken': ['application/json', readFileSync(join(dataDir, 'bizinfo-2026-11-30.json')).subarray(0, 5000)],
    '/error-code': ['application/json', Buffer.from('{"response":{"header":{"resultCode":"30","resultMsg":"SERVICE_KEY_IS_NOT_REGISTERED_ERROR"}}}')],
  };
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    keys.push(u.searchParams.get('serviceKey'));
    const r = routes[u.pathname];
    if (!r) { res.writeHead(500); res.end('internal error'); return; }
    res.writeHead(200, { 'content-type': r[0] });
    res.end(r[1]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, keys, base: `http://127.0.0.1:${server.address().port}` })));
}

function report(stdout) {
  const m = stdout.match(/(\d+) items: (\d+) new, (\d+) changed, (\d+) unchanged, (\d+) merged with another feed, (\d+) amendments, (\d+) withdrawn, (\d+) closed, (\d+) rejected/);
  assert.ok(m, `no report in: ${stdout}`);
  const [items, fresh, changed, same, merged, amended, withdrawn, closed, rejected] = m.slice(1).map(Number);
  return { items, new: fresh, changed, same, merged, amended, withdrawn, closed, rejected };
}

test('the collector reports exactly the planted changes; a failing feed changes nothing', async () => {
  const dir = tempDir('moa-programmes-');
  const { server, keys, base } = await feedServer();
  try {
    const db = join(dir, 'moa.db');
    const keyFile = join(dir, 'bizinfo.key');
    writeFileSync(keyFile, 'test-key-123\n');
    let r = await runMoa(['db', 'init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const fetch = (source, format, path, now, extra = []) =>
      runMoa(['programme', 'fetch', '--db', db, '--source', source, '--format', format, '--url', `${base}${path}`,
        '--now', now, ...extra]);
    const w1 = planted.week1_at, w2 = planted.week2_at;

    r = await fetch('bizinfo', 'bizinfo_json', '/bizinfo/week1?serviceKey={key}&dataType=json', w1, ['--key-file', keyFile]);
    assert.equal(r.code, 0, r.stderr);
    let rep = report(r.stdout);
    assert.equal(rep.items, planted.bizinfo_week1_items);
    assert.equal(rep.amended, planted.amendments.length);
    assert.equal(rep.new + rep.amended, rep.items);
    assert.equal(keys.at(-1), 'test-key-123');

    let merged = 0;
    for (const [source, format, path] of [['kstartup', 'kstartup', '/kstartup'], ['smes24', 'smes24', '/smes24'], ['local', 'csv', '/local.csv']]) {
      r = await fetch(source, format, path, w1);
      assert.equal(r.code, 0, r.stderr);
      rep = report(r.stdout);
      assert.equal(rep.rejected, 0);
      merged += rep.merged;
    }
    assert.equal(merged, planted.duplicates.length, 'every planted duplicate merges, and nothing else');

    // a week later
    r = await fetch('bizinfo', 'bizinfo_json', '/bizinfo/week2?serviceKey={key}', w2, ['--key-file', keyFile]);
    assert.equal(r.code, 0, r.stderr);
    rep = report(r.stdout);
    assert.deepEqual(
      { new: rep.new, changed: rep.changed, same: rep.same, closed: rep.closed, withdrawn: rep.withdrawn },
      { new: planted.week2.new, changed: planted.week2.changed, same: planted.week2.unchanged,
        closed: planted.week2.closed, withdrawn: planted.week2.withdrawn });

    // failing feeds: each is reported and changes nothing
    for (const [path, want] of [['/missing', /HTTP 500/], ['/broken', /not JSON/], ['/error-code', /feed error 30/]]) {
      r = await fetch('bizinfo', 'bizinfo_json', path, w2);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /nothing changed/);
    }
    r = await fetch('bizinfo', 'bizinfo_json', '/bizinfo/week2?serviceKey={key}', w2, ['--key-file', keyFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /the same file as the last import of bizinfo: nothing changed/);

    // a refused port (nothing listens) is a failure too
    r = await runMoa(['programme', 'fetch', '--db', db, '--source', 'bizinfo', '--format', 'bizinfo_json', '--url', 'http://127.0.0.1:1/x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fetch failed/);
    // {key} without a key file is refused before any request
    r = await runMoa(['programme', 'fetch', '--db', db, '--source', 'bizinfo', '--format', 'bizinfo_json', '--url', `${base}/bizinfo/week2?serviceKey={key}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--key-file/);
  } finally {
    server.close();
    cleanup(dir);
  }
});

async function waitFor(check, what, ms = 30000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the server fetches its configured sources every interval; a failing one does not stop the others', async () => {
  const dir = tempDir('moa-collector-');
  const { server, keys, base } = await feedServer();
  const hits = {};
  server.on('request', (req) => { const p = new URL(req.url, 'http://x').pathname; hits[p] = (hits[p] || 0) + 1; });
  let srv;
  try {
    const db = join(dir, 'moa.db');
    const keyFile = join(dir, 'bizinfo.key');
    writeFileSync(keyFile, 'server-key-456\n');
    const sources = join(dir, 'sources.conf');
    writeFileSync(sources, [
      '# the feeds of this test',
      `bizinfo bizinfo_json ${base}/bizinfo/week1?serviceKey={key}&dataType=json ${keyFile}`,
      `broken  bizinfo_json ${base}/broken`,
      `kstartup kstartup ${base}/kstartup   # after the broken one: still fetched`,
      '',
    ].join('\n'));
    let r = await runMoa(['db', 'init', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    srv = await startServer({ db, args: ['--programme-sources', sources, '--programme-fetch-interval', '1'] });
    // two rounds: every source fetched twice, the broken one included
    await waitFor(() => hits['/bizinfo/week1'] >= 2 && hits['/broken'] >= 2 && hits['/kstartup'] >= 2, 'two rounds of fetches');
    await waitFor(() => (srv.output().stderr.match(/programme collector: kstartup: the same feed/g) || []).length >= 1, 'the second round logged');
    const log = srv.output().stderr;
    const first = log.match(/programme collector: bizinfo: (\d+) items: (\d+) new, \d+ changed, \d+ unchanged, \d+ merged with another feed, (\d+) amendments, \d+ withdrawn, \d+ closed, (\d+) rejected/);
    assert.ok(first, log);
    assert.equal(Number(first[1]), planted.bizinfo_week1_items);
    assert.equal(Number(first[2]) + Number(first[3]), planted.bizinfo_week1_items);
    assert.equal(Number(first[4]), 0);
    assert.match(log, /programme collector: bizinfo: the same feed as its last import: nothing changed/);
    assert.match(log, /programme collector: broken: .*not JSON.*\(nothing changed\)/);
    assert.match(log, /programme collector: kstartup: \d+ items: \d+ new/);
    assert.ok(keys.includes('server-key-456'), 'the key from the key file is sent');
    assert.ok(!log.includes('server-key-456'), 'the key is never logged');
    await srv.stop();
    // what the server imported is in the database: the same file again changes nothing
    r = await runMoa(['programme', 'import', '--db', db, '--source', 'bizinfo', '--format', 'bizinfo_json', join(dataDir, 'bizinfo-2026-11-23.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /the same file as the last import of bizinfo: nothing changed/);
  } finally {
    await srv?.stop();
    server.close();
    cleanup(dir);
  }
});

test('a sources file with a mistake stops the server with the line at fault', async () => {
  const dir = tempDir('moa-collector-');
  try {
    const db = join(dir, 'moa.db');
    const sources = join(dir, 'sources.conf');
    writeFileSync(sources, 'bizinfo bizinfo_json https://x.example/a\nlocal xml https://x.example/b\n');
    let r = await runMoa(['--listen', '127.0.0.1:0', '--db', db, '--programme-sources', sources]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /sources\.conf: line 2: unknown format/);
    r = await runMoa(['--listen', '127.0.0.1:0', '--db', db, '--programme-sources', join(dir, 'missing.conf')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read .*missing\.conf/);
    r = await runMoa(['--help']);
    assert.match(r.stdout + r.stderr, /--programme-sources FILE/);
  } finally {
    cleanup(dir);
  }
});
