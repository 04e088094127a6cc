// The binary's life: options, config files, CLI commands, graceful shutdown, restart keeps data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, seededDb, tempDir, cleanup, Client, runMoa, signedIn } from '../lib/moa.mjs';

test('--help lists the options and commands; --version prints the version', async () => {
  const h = await runMoa(['--help']);
  assert.equal(h.code, 0);
  for (const s of ['--listen', '--db', '--static', '--config', '--tls-cert', '--tls-key', '--log-level', '--attach-dir',
    '--attach-max-mb', '--attach-quota-mb', 'user add', 'org import', 'consortium list'])
    assert.ok(h.stdout.includes(s), `help mentions ${s}`);
  const v = await runMoa(['--version']);
  assert.match(v.stdout, /^moa \d+\.\d+\.\d+/);
});

test('an unknown option or config key, or a bad value, stops start-up naming it', async () => {
  const dir = tempDir();
  try {
    let r = await runMoa(['--bogus', '1', '--db', join(dir, 'a.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option 'bogus'/);
    r = await runMoa(['--listen', 'nowhere', '--db', join(dir, 'a.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /listen/);
    const cfg = join(dir, 'moa.conf');
    writeFileSync(cfg, '# test\nlog-level = info\nlisten_addr = 1.2.3.4:5\n');
    r = await runMoa(['--config', cfg, '--db', join(dir, 'a.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /moa.conf:3: unknown option 'listen_addr'/);
    writeFileSync(cfg, 'rate = many\n');
    r = await runMoa(['--config', cfg]);
    assert.match(r.stderr, /moa.conf:1: invalid value for rate: 'many'/);
  } finally { cleanup(dir); }
});

test('config file values are used, and flags override them', async () => {
  const db = seededDb();
  const cfg = join(db.dir, 'moa.conf');
  writeFileSync(cfg, `db = ${db.path}\nmax-message = 2048\nlisten = 127.0.0.1:1\n`);
  const srv = await startServer({ db: db.path, args: ['--config', cfg] }); // harness adds --listen 127.0.0.1:0 after
  try {
    assert.notEqual(srv.port, 1, 'the flag --listen overrode the file');
    const c = await Client.connect(srv);
    c.sendRaw(JSON.stringify({ id: 1, type: 'system.ping', pad: 'x'.repeat(3000) }));
    const e = await c.waitEvent((m) => m.ok === false);
    assert.equal(e.error.code, 'too_large', 'max-message from the file applies');
  } finally { await srv.stop(); cleanup(db.dir); }
});

test('operator commands: user add/list/disable/passwd, consortium list, org import', async () => {
  const db = seededDb();
  try {
    const args = ['--db', db.path];
    let r = await runMoa(['user', 'add', '--email', 'kim@example.kr', '--name', '김하늘', '--consortium', '3', '--role', 'coordinator', ...args], { input: 'a-good-password\n' });
    assert.equal(r.code, 0, r.stderr);
    r = await runMoa(['user', 'add', '--email', 'kim@example.kr', '--name', 'dup', ...args], { input: 'a-good-password\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    r = await runMoa(['user', 'add', '--email', 'short@example.kr', '--name', 'x', ...args], { input: 'short\n' });
    assert.match(r.stderr, /at least 8/);
    r = await runMoa(['user', 'list', ...args]);
    assert.match(r.stdout, /kim@example\.kr\s+김하늘.*coordinator:3/);
    r = await runMoa(['consortium', 'list', ...args]);
    assert.equal(r.stdout.trim().split('\n').length, 26);
    assert.match(r.stdout, /수소 융복합에너지 연계산업/);

    const srv = await startServer({ db: db.path });
    try {
      const c = await signedIn(srv, 'kim@example.kr', 'a-good-password');
      assert.deepEqual(c.me.consortia.map((x) => [x.id, x.role]), [[3, 'coordinator']]);
      await c.close();
    } finally { await srv.stop(); }

    r = await runMoa(['user', 'passwd', 'kim@example.kr', ...args], { input: 'another-password\n' });
    assert.equal(r.code, 0, r.stderr);
    r = await runMoa(['user', 'disable', 'kim@example.kr', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const srv2 = await startServer({ db: db.path });
    try {
      const c = await Client.connect(srv2);
      assert.equal((await c.request('auth.login', { email: 'kim@example.kr', password: 'another-password' })).error.code, 'invalid_credentials');
      await c.close();
    } finally { await srv2.stop(); }

    const tsv = join(db.dir, 'orgs.tsv');
    writeFileSync(tsv, 'name\tname_en\tkind\tconsortium_ids\tregion_ko\tcomplex_ko\tsize\trevenue_band\texports\tcapabilities\tkeywords\tdescription\n' +
      '(주)테스트수소\tTest Hydrogen\tcompany\t25\t강원\t북평국가\tsmall\t1b_10b\t1\t수소연료전지 스택\t수소,연료전지\t수소 연료전지 부품을 만듭니다.\n');
    r = await runMoa(['org', 'import', tsv, ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Imported 1 organization/);
    writeFileSync(tsv, 'name\tname_en\tkind\tconsortium_ids\tregion_ko\tcomplex_ko\tsize\trevenue_band\texports\tcapabilities\tkeywords\tdescription\n' +
      '좋은회사\tGood\tcompany\t25\t강원\t\tsmall\tunknown\t0\t\t\t\n나쁜회사\tBad\tspaceship\t25\t강원\t\tsmall\tunknown\t0\t\t\t\n');
    r = await runMoa(['org', 'import', tsv, ...args]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 3/);
    assert.match(r.stderr, /nothing imported/);
  } finally { cleanup(db.dir); }
});

test('SIGTERM: clients are told, closed with 1001, the WAL is checkpointed, exit 0; a restart keeps data', async () => {
  const db = seededDb();
  try {
    const srv = await startServer({ db: db.path });
    const c = await Client.connect(srv);
    const { token } = await c.login('member06a@moa.example');
    const shutdownEvent = c.waitEvent('server.shutdown');
    const exit = srv.stop('SIGTERM');
    const ev = await shutdownEvent;
    assert.ok(ev.reason);
    const closed = await c.closed;
    assert.equal(closed.code, 1001);
    const { code, signal } = await exit;
    assert.equal(code, 0, `exit ${code} ${signal}`);
    const wal = `${db.path}-wal`;
    assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'WAL checkpointed and truncated');

    const srv2 = await startServer({ db: db.path });
    try {
      const c2 = await Client.connect(srv2);
      const r = await c2.call('auth.resume', { token });
      assert.equal(r.user.email, 'member06a@moa.example', 'the session survived the restart');
      await c2.close();
    } finally {
      const r2 = await srv2.stop('SIGINT');
      assert.equal(r2.code, 0);
    }
  } finally { cleanup(db.dir); }
});
