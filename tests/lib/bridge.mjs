// A byte pipe between a TCP address and a unix socket, for tests whose browser sits in a network
// namespace that may reach nothing but one TURN server: the page and the WebSocket reach the
// server in another namespace through a unix socket (a path in the file system, which network
// namespaces do not separate), not through the namespace's network.
//
//   node bridge.mjs <listen> <connect>     each  tcp:HOST:PORT  or  unix:PATH
//
// Prints "ready" once listening; runs until killed. Run it with `ip netns exec NS node ...` to
// listen in (or connect from) that namespace.
import net from 'node:net';
import { rmSync } from 'node:fs';

function parse(spec) {
  if (spec.startsWith('unix:')) return { path: spec.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`bad address ${spec}`);
  return { host: m[1], port: Number(m[2]) };
}

const [listenSpec, connectSpec] = process.argv.slice(2);
const listen = parse(listenSpec), target = parse(connectSpec);
if (listen.path) rmSync(listen.path, { force: true });
const server = net.createServer((c) => {
  const u = net.connect(target);
  c.pipe(u);
  u.pipe(c);
  const end = () => { c.destroy(); u.destroy(); };
  c.on('error', end);
  u.on('error', end);
  c.on('close', end);
  u.on('close', end);
});
server.listen(listen.path ? { path: listen.path } : { host: listen.host, port: listen.port }, () => console.log('ready'));
