// A network namespace made by a test, with loopback up and a veth pair whose two ends both live
// inside it (Chromium gathers no ICE candidates when loopback is its only interface). Media and
// signaling stay on 127.0.0.1 and the veth addresses, all inside the namespace: nothing this
// test sends can reach another host.
import { execFileSync } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './moa.mjs';

function ip(...args) { execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] }); }

// Links made in namespace `name` from now on get no IPv6 address (loopback keeps ::1). Otherwise
// each veth gains its link-local address 1-2 s after it comes up (duplicate address detection),
// and a Chromium started meanwhile takes that for a network change: it fails what it is loading
// with ERR_NETWORK_CHANGED (CI's meeting_stage: the app's code, at sign-in).
export function quietIpv6(name) {
  ip('netns', 'exec', name, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1');
}

export function createNetns() {
  const name = `moa-t${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const net = 10 + Math.floor(Math.random() * 200);
  ip('netns', 'add', name);
  try {
    quietIpv6(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    ip('-n', name, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ip('-n', name, 'addr', 'add', `10.${net}.0.1/24`, 'dev', 'va');
    ip('-n', name, 'addr', 'add', `10.${net}.0.2/24`, 'dev', 'vb');
    ip('-n', name, 'link', 'set', 'va', 'up');
    ip('-n', name, 'link', 'set', 'vb', 'up');
  } catch (e) {
    try { ip('netns', 'del', name); } catch { /* ignore */ }
    throw e;
  }
  const dir = tempDir('moa-netns-');
  return {
    name,
    // argv prefix that runs a command inside the namespace
    wrap: (argv) => ['ip', ['netns', 'exec', name, ...argv]],
    // an executable file that runs `target` inside the namespace (for tools that take a path)
    wrapper(target) {
      const path = join(dir, `in-netns-${target.split('/').pop()}`);
      writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${name} ${target} "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    },
    destroy() { try { ip('netns', 'del', name); } catch { /* already gone */ } },
  };
}
