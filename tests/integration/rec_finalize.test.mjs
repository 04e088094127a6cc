// `moa rec finalize` (issue 17 item 3, docs/RECORDING.md): spools written now with real VP8 and
// Opus (tests/lib/rec_spool_gen.py: aiortc's encoders, a flash and a beep every 2 s, a simulated
// network) become per-participant WebM files and a composite that ffprobe reads as VP8 + Opus of
// the generated duration and that ffmpeg decodes without a word; a participant's flash and beep
// line up within 80 ms though its video arrived 250 ms after its audio; loss, reordering, an SSRC
// change, a resolution change, garbage, audio only, no key frame, an empty directory and spools
// cut at many offsets give a clear state and never a crash or a file that does not decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, cleanup, runMoa } from '../lib/moa.mjs';

const SRC = process.env.MOA_SRC || process.cwd();
const PY = '/usr/bin/python3'; // Debian's, with python3-aiortc and python3-av

function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args);
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function gen(dir, user, args = []) {
  const r = await run(PY, [join(SRC, 'tests/lib/rec_spool_gen.py'), '--out', dir, '--user', String(user), ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function probe(file) {
  const r = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,codec_type',
    '-of', 'json', file]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  return { duration: Number(j.format.duration), codecs: j.streams.map((s) => s.codec_name).sort() };
}

// ffmpeg's own decoder over the whole file: any complaint fails the test.
async function decodesClean(file) {
  const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-']);
  assert.equal(r.code, 0, `${file}: ${r.stderr}`);
  assert.equal(r.stderr, '', `ffmpeg -v error printed for ${file}`);
}

async function avCheck(file) {
  const r = await run(PY, [join(SRC, 'tests/lib/rec_av_check.py'), file]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function noSanitizerReport(r) {
  assert.ok(!/AddressSanitizer|runtime error:|LeakSanitizer/.test(r.stderr), r.stderr);
  assert.equal(r.signal, null);
}

// Every flash has a beep within 80 ms, and there are as many as were generated (but the first
// `skip` ones, which may fall before a late track's start).
function assertAligned(av, flashes, label) {
  assert.ok(av.flashes.length >= flashes.length - 1, `${label}: flashes ${av.flashes} of ${flashes}`);
  for (const f of av.flashes) {
    const d = Math.min(...av.beeps.map((b) => Math.abs(b - f)));
    assert.ok(d <= 0.08, `${label}: flash at ${f} s, nearest beep ${d.toFixed(3)} s away (beeps ${av.beeps})`);
  }
  for (const f of av.flashes) {
    const g = Math.min(...flashes.map((x) => Math.abs(x - f)));
    assert.ok(g <= 0.3, `${label}: flash at ${f} s is not where one was generated (${flashes})`);
  }
}

test('two participants: per-participant files and the composite are VP8 + Opus, 20 ± 1 s, decode cleanly, and line up', async () => {
  const dir = tempDir();
  try {
    const spools = join(dir, 'spool'), out = join(dir, 'out');
    // 1001: its video arrives 250 ms after its audio (the sender reports line them up);
    // 1002: its camera starts 2 s and its microphone 0.4 s into the recording. (Not 0.5 s: a video
    // start 22.5 frames after the file's first packet makes `ffmpeg -f null` itself, which rounds
    // each frame's millisecond time to 1/15 s units, give two frames one dts every third frame.)
    const g1 = await gen(spools, 1001, ['--duration', '20', '--video-delay-ms', '250']);
    const g2 = await gen(spools, 1002, ['--duration', '20', '--video-start', '2', '--audio-start', '0.4', '--seed', '2']);
    const r = await runMoa(['rec', 'finalize', spools, '--out', out]);
    noSanitizerReport(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1001\.webm +20\.\d+ s +\d+ bytes +video\+audio/);
    assert.match(r.stdout, /1002\.webm +\d+\.\d+ s +\d+ bytes +video\+audio/);
    assert.match(r.stdout, /meeting\.webm +\d+\.\d+ s +\d+ bytes +video\+audio/);
    assert.match(r.stdout, /^complete: 3 files/m);
    assert.deepEqual(readdirSync(out).sort(), ['1001.webm', '1002.webm', 'meeting.webm']);
    for (const f of ['1001.webm', '1002.webm', 'meeting.webm']) {
      const p = await probe(join(out, f));
      assert.deepEqual(p.codecs, ['opus', 'vp8'], f);
      assert.ok(Math.abs(p.duration - 20) <= 1, `${f}: duration ${p.duration}`);
      await decodesClean(join(out, f));
    }
    const a1 = await avCheck(join(out, '1001.webm'));
    assertAligned(a1, g1.flashes, '1001');
    const a2 = await avCheck(join(out, '1002.webm'));
    assertAligned(a2, g2.flashes.filter((t) => t >= 2), '1002');
    // on the recording's timeline: 1002's video starts 2 s in
    assert.ok(Math.abs(a2.video_first - 2) < 0.2, `1002 video starts at ${a2.video_first}`);
    // the composite keeps them lined up too (its grid has the flash; the mix has both beeps)
    const m = await avCheck(join(out, 'meeting.webm'));
    assert.ok(m.flashes.length >= 8, `composite flashes ${m.flashes}`);
    for (const f of m.flashes) {
      const d = Math.min(...m.beeps.map((b) => Math.abs(b - f)));
      assert.ok(d <= 0.1, `composite: flash at ${f}, nearest beep ${d} s away`);
    }
  } finally { cleanup(dir); }
});

test('5% packet loss and reordering: the file decodes end to end and keeps its length', async () => {
  const dir = tempDir();
  try {
    const spools = join(dir, 'spool'), out = join(dir, 'out');
    await gen(spools, 7, ['--duration', '15', '--loss', '5', '--reorder', '3', '--seed', '5']);
    const r = await runMoa(['rec', 'finalize', spools, '--out', out, '--no-composite']);
    noSanitizerReport(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const p = await probe(join(out, '7.webm'));
    assert.deepEqual(p.codecs, ['opus', 'vp8']);
    assert.ok(Math.abs(p.duration - 15) <= 1, `duration ${p.duration}`);
    await decodesClean(join(out, '7.webm'));
    assert.ok(!existsSync(join(out, 'meeting.webm')), '--no-composite');
  } finally { cleanup(dir); }
});

// Reads the arrival time (s) of each record ending at the given offsets.
function recordTimes(buf, offsets) {
  const t = new Map();
  for (let i = 0; i + 1 < offsets.length; i++) t.set(offsets[i + 1], Number(buf.readBigUInt64LE(offsets[i] + 8)) / 1e6);
  return t;
}

test('a spool cut at 30 random offsets and at the boundaries: no crash, the output decodes and covers all but the last second', async () => {
  const dir = tempDir();
  try {
    const spools = join(dir, 'spool');
    const g = await gen(spools, 5, ['--duration', '8', '--no-audio', '--seed', '9']);
    const full = readFileSync(g.files.video.path);
    const offsets = g.files.video.offsets;
    const times = recordTimes(full, offsets);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cuts = [0, 1, 95, 96, 97, offsets[1], offsets[1] + 1, offsets[10] - 1, offsets[10], full.length - 1,
      full.length - 4, full.length - 23];
    for (let i = 0; i < 30; i++) cuts.push(96 + Math.floor(rnd() * (full.length - 96)));
    const boundaries = new Set(offsets);
    for (const cut of cuts) {
      const d = join(dir, `cut${cut}`);
      mkdirSync(d);
      writeFileSync(join(d, '5-video.moarec'), full.subarray(0, cut));
      const r = await runMoa(['rec', 'finalize', d, '--out', join(d, 'out'), '--no-composite']);
      noSanitizerReport(r);
      // the time of the last complete record before the cut
      let last = 0;
      for (const o of offsets) if (o <= cut && times.has(o)) last = times.get(o);
      if (cut < 96) {
        assert.equal(r.code, 2, `cut ${cut}: ${r.stderr}`);
        assert.match(r.stderr, /not a recording spool/);
        continue;
      }
      if (r.code === 2) {
        // nothing playable is possible only before the first complete key frame
        assert.ok(last < 0.5, `cut ${cut} (last record at ${last} s) failed: ${r.stderr}`);
        assert.ok(!existsSync(join(d, 'out', '5.webm')));
        continue;
      }
      assert.equal(r.code, boundaries.has(cut) ? 0 : 1, `cut ${cut}: ${r.stdout} ${r.stderr}`);
      if (r.code === 1) assert.match(r.stderr, /5-video\.moarec: cut short after \d+ records/);
      const f = join(d, 'out', '5.webm');
      await decodesClean(f);
      const m = r.stdout.match(/5\.webm +(\d+\.\d+) s/); // the duration libavformat reads back
      assert.ok(m, r.stdout);
      assert.ok(Number(m[1]) >= last - 1, `cut ${cut}: ${m[1]} s covers less than ${last} - 1 s`);
      assert.deepEqual(readdirSync(join(d, 'out')), ['5.webm'], 'no temporary left behind');
    }
  } finally { cleanup(dir); }
});

test('damage: garbage records, a garbage file, a flipped byte, audio only, no key frame, an empty directory', async () => {
  const dir = tempDir();
  try {
    // random RTP records (CRCs valid) in the middle of both tracks: ignored, the file is whole
    let s = join(dir, 'garbage');
    await gen(s, 1, ['--duration', '6', '--garbage', '40']);
    let r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    noSanitizerReport(r);
    assert.equal(r.code, 0, r.stderr);
    await decodesClean(join(s, '1.webm'));
    assert.ok(Math.abs((await probe(join(s, '1.webm'))).duration - 6) <= 1);

    // a file of random bytes beside a good participant: incomplete, named
    s = join(dir, 'junkfile');
    await gen(s, 2, ['--duration', '4']);
    writeFileSync(join(s, 'junk.moarec'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255)));
    r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    noSanitizerReport(r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /junk\.moarec: not a recording spool/);
    await decodesClean(join(s, '2.webm'));

    // one flipped byte in the middle of the video spool: read up to it, "damaged"
    s = join(dir, 'flip');
    const g = await gen(s, 3, ['--duration', '6']);
    const buf = readFileSync(g.files.video.path);
    buf[Math.floor(buf.length / 2)] ^= 0x55;
    writeFileSync(g.files.video.path, buf);
    r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    noSanitizerReport(r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /3-video\.moarec: damaged after \d+ records/);
    await decodesClean(join(s, '3.webm'));

    // audio only: a complete file with one Opus track
    s = join(dir, 'audio');
    await gen(s, 4, ['--duration', '5', '--no-video']);
    r = await runMoa(['rec', 'finalize', s]);
    noSanitizerReport(r);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await probe(join(s, '4.webm'))).codecs, ['opus']);
    assert.deepEqual((await probe(join(s, 'meeting.webm'))).codecs, ['opus']);
    await decodesClean(join(s, 'meeting.webm'));

    // the only key frame lost: video only fails, with audio the audio is kept (incomplete)
    s = join(dir, 'nokey');
    await gen(s, 6, ['--duration', '4', '--no-audio', '--no-keyframe']);
    r = await runMoa(['rec', 'finalize', s]);
    noSanitizerReport(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /6-video\.moarec: no complete key frame/);
    assert.match(r.stderr, /participant 6: nothing playable/);
    await gen(s, 6, ['--duration', '4', '--no-video']);
    r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    assert.equal(r.code, 1);
    assert.deepEqual((await probe(join(s, '6.webm'))).codecs, ['opus']);

    // an empty directory
    s = join(dir, 'empty');
    mkdirSync(s);
    r = await runMoa(['rec', 'finalize', s]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no spool files/);
  } finally { cleanup(dir); }
});

test('an SSRC change and a resolution change mid-track give one file that decodes', async () => {
  const dir = tempDir();
  try {
    const s = join(dir, 'spool');
    const g = await gen(s, 8, ['--duration', '10', '--ssrc-change-at', '3.5', '--resize-at', '6.2']);
    const r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    noSanitizerReport(r);
    assert.equal(r.code, 0, r.stderr);
    const f = join(s, '8.webm');
    await decodesClean(f);
    const p = await probe(f);
    assert.ok(Math.abs(p.duration - 10) <= 1, `duration ${p.duration}`);
    const av = await avCheck(f);
    assert.deepEqual(av.sizes, [[320, 240], [480, 360]]);
    assertAligned(av, g.flashes, 'ssrc+resize');
    // the composite scales the new size into its cell
    const r2 = await runMoa(['rec', 'finalize', s]);
    assert.equal(r2.code, 0, r2.stderr);
    await decodesClean(join(s, 'meeting.webm'));
  } finally { cleanup(dir); }
});

test('the CLI: --help, usage errors exit 2, a composite that cannot run is incomplete', async () => {
  let r = await runMoa(['rec', 'finalize', '--help']);
  assert.equal(r.code, 0);
  for (const s of ['SPOOL_DIR', '--out', '--no-composite', '--ffmpeg', 'Exit status'])
    assert.ok(r.stdout.includes(s), `help mentions ${s}`);
  r = await runMoa(['rec', 'finalize']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /SPOOL_DIR is missing/);
  r = await runMoa(['rec', 'finalize', 'a', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  r = await runMoa(['rec', 'finalize', 'a', 'b']);
  assert.equal(r.code, 2);
  r = await runMoa(['rec', 'frobnicate']);
  assert.equal(r.code, 2);
  r = await runMoa(['--help']);
  assert.ok(r.stdout.includes('rec finalize'));

  const dir = tempDir();
  try {
    const s = join(dir, 'spool');
    await gen(s, 9, ['--duration', '3']);
    // an ffmpeg that fails: its stderr is in the error, the participant's file stays
    const fake = join(dir, 'fake-ffmpeg');
    writeFileSync(fake, '#!/bin/sh\necho "fake ffmpeg: no encoder here" >&2\nexit 3\n', { mode: 0o755 });
    r = await runMoa(['rec', 'finalize', s, '--ffmpeg', fake]);
    noSanitizerReport(r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /composite: .*fake-ffmpeg exited with status 3: fake ffmpeg: no encoder here/);
    assert.match(r.stdout, /^incomplete: 1 files/m);
    assert.ok(existsSync(join(s, '9.webm')));
    assert.ok(!existsSync(join(s, 'meeting.webm')));
    assert.deepEqual(readdirSync(s).filter((n) => n.startsWith('.')), [], 'no temporary left behind');
    r = await runMoa(['rec', 'finalize', s, '--ffmpeg', join(dir, 'nonexistent')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /composite: cannot run .*nonexistent/);
    // a second run replaces the files
    copyFileSync(join(s, '9.webm'), join(dir, 'before.webm'));
    r = await runMoa(['rec', 'finalize', s, '--no-composite']);
    assert.equal(r.code, 0);
  } finally { cleanup(dir); }
});
