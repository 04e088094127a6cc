// Runs a whole test file inside a network namespace it makes (tests/lib/netns.mjs): the test's
// own protocol clients (node), the server and Chromium then share one private network, so
// node's signaling clients can reach a server that Chromium can also use for media (Chromium
// gathers no ICE candidates where loopback is the only interface, and a namespace's loopback is
// unreachable from outside it). Nothing the test sends can leave the namespace.
//
// Usage, at the top level of a test file:
//   if (inOwnNetns(import.meta.url)) { before(...); test(...); ... }
// Outside a namespace it registers one test that runs this same file again with
// `ip netns exec <ns> node --test` and passes when every test inside passed (their output is
// shown as it runs), and returns false; inside, it returns true.
import { spawn, execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNetns } from './netns.mjs';

export const NETNS = process.env.MOA_TEST_NETNS || null;

// Ends the processes still inside namespace `name` (all started by this test: a server or
// Chromium that outlived a failed run), by their ids.
function endLeftovers(name) {
  let pids = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch { return; }
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
}

export function inOwnNetns(metaUrl, { timeout = 540000 } = {}) {
  if (NETNS) return true;
  const file = fileURLToPath(metaUrl);
  test(`${basename(file)}, inside a network namespace of its own`, { timeout }, async () => {
    const ns = createNetns();
    // If this process is killed (ctest's timeout, ^C: node's test runner exits before any
    // handler of ours runs), a watchdog in its own process group ends what still runs in the
    // namespace and removes it; after a normal finish it finds nothing left to do.
    spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
      `for p in $(ip netns pids ${ns.name} 2>/dev/null); do kill -9 $p; done; ip netns del ${ns.name} 2>/dev/null`],
    { detached: true, stdio: 'ignore' }).unref();
    try {
      const env = { ...process.env, MOA_TEST_NETNS: ns.name };
      delete env.NODE_TEST_CONTEXT; // else node:test sees a recursive run and skips the file
      const [cmd, args] = ns.wrap([process.execPath, '--test', '--test-reporter=spec', file]);
      const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
      // A run that hangs is ended before this test's own timeout, so the namespace still goes.
      const timer = setTimeout(() => { console.error(`# ${basename(file)} still running after ${timeout - 20000} ms: ending it`); endLeftovers(ns.name); },
        timeout - 20000);
      const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      clearTimeout(timer);
      assert.equal(code, 0, `the tests run inside namespace ${ns.name} failed (their report is above)${signal ? `: ${signal}` : ''}`);
    } finally {
      endLeftovers(ns.name);
      ns.destroy();
    }
  });
  return false;
}
