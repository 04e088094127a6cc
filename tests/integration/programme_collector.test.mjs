// The support-programme collector (`moa programme fetch`, libcurl) against a loopback HTTP server
// serving the shipped sample feeds (data/programmes): the first snapshots of the four sources,
// then the 기업마당 snapshot a week later, reported exactly as planted (data/programmes/PLANTED.json:
// new, changed, closed, withdrawn, and the cross-feed duplicates merged); a failing feed (HTTP
// 500, broken JSON, an error result code, a body over the size cap is not tried: 64 MiB) changes
// nothing, which the next fetch of the same snapshot proves by reporting it unchanged. The key of
// a source comes from a file and is sent in the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOA_SRC, runMoa, tempDir, cleanup } from '../lib/moa.mjs';

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
