"""Shared harness of the interop tests (tests/interop/*_test.py): a network namespace made by the
test, the real moa binary inside it, the Chromium participant of browser_peer.mjs, a moa.v1
signaling client, and an aiortc participant with synthetic audio and video.

Every test runs in two stages. `run_in_netns(main)` (stage 1, outside) creates the namespace
(loopback up and a veth pair with both ends inside, as tests/lib/netns.mjs does), re-runs the
same script inside it with `ip netns exec`, and afterwards ends the processes still in the
namespace (by pid: they are ours) and deletes it, on failure too. Stage 2 (inside) calls
`main()`, an async function. Traffic stays on 127.0.0.1 and the veth addresses inside the
namespace.

Environment (set by ctest): MOA_BIN, MOA_SRC, MOA_BUILD (the seeded demo db is
$MOA_BUILD/test-seed.db; every test works on a copy in a temp dir)."""

import asyncio
import fractions
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

INNER_FLAG = "--inside-netns"
DEMO_PASSWORD = "moa-demo-2025"


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


class Failure(Exception):
    """A test assertion that failed; its message says what a user would have seen."""


def check(cond, message):
    if not cond:
        raise Failure(message)


# ---- stage 1: the namespace ----


def _ip(*args):
    subprocess.run(["ip", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_in_netns(main, timeout=420):
    """Entry point of a test script. Returns only through sys.exit."""
    if INNER_FLAG in sys.argv:
        try:
            asyncio.run(asyncio.wait_for(main(), timeout=timeout - 30))
        except Failure as e:
            log(f"FAIL: {e}")
            sys.exit(1)
        except asyncio.TimeoutError:
            log(f"FAIL: the test did not finish in {timeout - 30} s")
            sys.exit(1)
        log("PASS")
        sys.exit(0)
    for var in ("MOA_BIN", "MOA_SRC", "MOA_BUILD"):
        if not os.environ.get(var):
            print(f"{var} is not set: run the test through ctest (make test)", file=sys.stderr)
            sys.exit(2)
    name = f"moa-py{os.getpid()}-{random.randrange(10**6)}"
    net = random.randrange(10, 210)
    _ip("netns", "add", name)
    code = 1
    try:
        # no IPv6 link-local addresses appearing on the veths 1-2 s after they come up (as
        # tests/lib/netns.mjs: a network change under the test)
        _ip("netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "link", "add", "va", "type", "veth", "peer", "name", "vb")
        _ip("-n", name, "addr", "add", f"10.{net}.0.1/24", "dev", "va")
        _ip("-n", name, "addr", "add", f"10.{net}.0.2/24", "dev", "vb")
        _ip("-n", name, "link", "set", "va", "up")
        _ip("-n", name, "link", "set", "vb", "up")
        argv = ["ip", "netns", "exec", name, sys.executable, os.path.abspath(sys.argv[0]), INNER_FLAG]
        proc = subprocess.Popen(argv)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"FAIL: the test did not finish in {timeout} s", file=sys.stderr)
            proc.kill()
            proc.wait()
    finally:
        _end_namespace(name)
    sys.exit(code)


def _end_namespace(name):
    """Ends what still runs in the namespace (processes this test started), then deletes it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        out = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout
        pids = [int(p) for p in out.split()]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        time.sleep(1)
    subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)


# ---- stage 2: the server ----


class Server:
    """The real moa binary on 127.0.0.1 with a copy of the seeded demo database."""

    def __init__(self):
        self.proc = None
        self.port = None
        self.stderr = []
        self.dir = tempfile.mkdtemp(prefix="moa-interop-")
        # MOA_LOG_FILE: a copy of the server's log, as tests/lib/moa.mjs (opened once, line-buffered)
        self.log_copy = open(os.environ["MOA_LOG_FILE"], "a", buffering=1) if os.environ.get("MOA_LOG_FILE") else None

    async def start(self, args=(), keep_db=False):
        """keep_db: start again on the database (and files) of this Server's earlier start,
        as after a crash (kill()); otherwise on a fresh copy of the seeded database."""
        seed = os.path.join(os.environ["MOA_BUILD"], "test-seed.db")
        check(os.path.exists(seed), f"seed database {seed} missing (ctest fixture seed_demo_db)")
        db = os.path.join(self.dir, "moa.db")
        if not keep_db:
            shutil.copyfile(seed, db)
        argv = [os.environ["MOA_BIN"], "--listen", "127.0.0.1:0", "--db", db,
                "--static", os.path.join(os.environ["MOA_SRC"], "web-static"),
                "--media-port", "0", "--media-workers", "1", *args]
        if os.environ.get("MOA_LOG_LEVEL"):  # e.g. debug, for the per-second bwe lines
            argv += ["--log-level", os.environ["MOA_LOG_LEVEL"]]
        self.proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                         stderr=asyncio.subprocess.PIPE)
        asyncio.ensure_future(self._drain_stderr())

        async def listening():
            while True:
                line = await self.proc.stdout.readline()
                check(line, "moa exited before listening:\n" + self.output())
                m = re.search(rb"listening on https?://\S+:(\d+)", line)
                if m:
                    return int(m.group(1))

        self.port = await asyncio.wait_for(listening(), 30)
        asyncio.ensure_future(self._drain(self.proc.stdout, None))
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    async def _drain(self, stream, sink):
        while True:
            line = await stream.readline()
            if not line:
                return
            if sink is not None:
                sink.append(line.decode(errors="replace"))
                if self.log_copy:
                    self.log_copy.write(sink[-1])
                del sink[:-200]

    def _drain_stderr(self):
        return self._drain(self.proc.stderr, self.stderr)

    def output(self):
        return "".join(self.stderr[-60:])

    async def metrics(self):
        """The server's /metrics as {name or name{labels}: value}."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        await writer.drain()
        body = (await asyncio.wait_for(reader.read(), 10)).decode()
        writer.close()
        out = {}
        for line in body.split("\r\n\r\n", 1)[-1].splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                try:
                    out[key] = float(value)
                except ValueError:
                    pass
        return out

    async def kill(self):
        """SIGKILL, as a crash: no shutdown runs; the directory is kept for start(keep_db=True)."""
        self.proc.kill()
        await self.proc.wait()

    async def stop(self):
        """SIGTERM, and waits; returns the exit code (ASan reports make it non-zero)."""
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), 30)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise Failure("moa did not exit within 30 s of SIGTERM")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- stage 2: signaling ----


class Signaling:
    """A moa.v1 client (docs/PROTOCOL.md): request() returns the result or raises Failure."""

    def __init__(self, ws, who):
        self.ws = ws
        self.who = who
        self.next_id = 1
        self.pending = {}
        self.events = asyncio.Queue()
        self.handlers = {}
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, server, who):
        import websockets

        ws = await websockets.connect(f"ws://127.0.0.1:{server.port}/ws", subprotocols=["moa.v1"],
                                      max_size=1 << 22)
        return cls(ws, who)

    async def _read(self):
        try:
            async for text in self.ws:
                msg = json.loads(text)
                fut = self.pending.pop(msg.get("id"), None) if msg.get("id") is not None else None
                if fut:
                    fut.set_result(msg)
                elif msg.get("type") in self.handlers:
                    asyncio.ensure_future(self.handlers[msg["type"]](msg))
                else:
                    self.events.put_nowait(msg)
        except Exception as e:  # connection closed: fail whoever waits
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(Failure(f"{self.who}: signaling connection lost: {e!r}"))

    def on(self, type_, handler):
        """Routes events of type_ to the coroutine function handler(msg)."""
        self.handlers[type_] = handler

    async def request(self, type_, **params):
        rid = self.next_id
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        await self.ws.send(json.dumps({"id": rid, "type": type_, **params}))
        try:
            msg = await asyncio.wait_for(fut, 20)
        except asyncio.TimeoutError:
            raise Failure(f"{self.who}: no reply to {type_} in 20 s")
        if not msg.get("ok"):
            raise Failure(f"{self.who}: {type_} failed: {msg.get('error')}")
        return msg["result"]

    async def close(self):
        self.reader.cancel()
        await self.ws.close()


# ---- stage 2: the Chromium participant ----


class BrowserPeer:
    """tests/interop/browser_peer.mjs: Chromium joined to a consortium lounge; `stats` is its
    latest report (framesDecoded, videoPackets, audioPackets, ... of its subscribe PC)."""

    def __init__(self):
        self.proc = None
        self.joined = None
        self.stats = {}
        self.history = []
        self.stderr = []

    async def start(self, server, email, consortium=1):
        script = os.path.join(os.environ["MOA_SRC"], "tests", "interop", "browser_peer.mjs")
        env = dict(os.environ)
        env.setdefault("NODE_PATH", os.path.join(os.environ["MOA_SRC"], "node_modules"))
        self.proc = await asyncio.create_subprocess_exec(
            "node", script, server.url, email, str(consortium), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
        asyncio.ensure_future(self._read())
        asyncio.ensure_future(self._read_err())
        t0 = time.monotonic()
        while self.joined is None:
            check(self.proc.returncode is None, "browser_peer exited before joining:\n" + "".join(self.stderr[-30:]))
            check(time.monotonic() - t0 < 90, "the browser did not join the room in 90 s:\n" + "".join(self.stderr[-30:]))
            await asyncio.sleep(0.2)
        return self

    async def _read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                return
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "joined" in msg:
                self.joined = msg["joined"]
            if "stats" in msg:
                self.stats = msg["stats"]
                self.history.append((time.monotonic(), msg["stats"]))

    async def _read_err(self):
        while True:
            line = await self.proc.stderr.readline()
            if not line:
                return
            self.stderr.append(line.decode(errors="replace"))
            del self.stderr[:-100]

    async def stop(self):
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()


# ---- stage 2: the aiortc participant ----


def allow_loopback_candidates():
    """aiortc (aioice) leaves 127.0.0.1 out of its host candidates; the server is on it."""
    import aioice.ice

    original = aioice.ice.get_host_addresses

    def with_loopback(use_ipv4, use_ipv6):
        addrs = original(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
        return ["127.0.0.1"] + [a for a in addrs if a != "127.0.0.1"] if use_ipv4 else addrs

    aioice.ice.get_host_addresses = with_loopback


def synthetic_tracks():
    """(audio, video): a 440 Hz tone and a 320x240 moving colour-bar pattern, 30 frames/s."""
    import av
    import numpy
    from aiortc.mediastreams import MediaStreamTrack

    class Tone(MediaStreamTrack):
        kind = "audio"

        def __init__(self):
            super().__init__()
            self.pts = 0
            self.t0 = None

        async def recv(self):
            rate, samples = 48000, 960
            if self.t0 is None:
                self.t0 = time.monotonic()
            wait = self.t0 + self.pts / rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            t = (numpy.arange(samples) + self.pts) / rate
            pcm = (numpy.sin(2 * math.pi * 440 * t) * 8000).astype(numpy.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = self.pts
            frame.time_base = fractions.Fraction(1, rate)
            self.pts += samples
            return frame

    class Bars(MediaStreamTrack):
        kind = "video"

        def __init__(self):
            super().__init__()
            self.n = 0
            self.t0 = None
            x = numpy.arange(320)
            self.base = numpy.stack([(x * 3) % 256, (x * 5 + 80) % 256, (x * 7 + 160) % 256], axis=-1)

        async def recv(self):
            if self.t0 is None:
                self.t0 = time.monotonic()
            wait = self.t0 + self.n / 30 - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            shift = (self.n * 4) % 320
            row = numpy.roll(self.base, shift, axis=0).astype(numpy.uint8)
            img = numpy.repeat(row[numpy.newaxis, :, :], 240, axis=0)
            img[(self.n * 2) % 240, :, :] = 255  # a moving white line
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = self.n * 3000
            frame.time_base = fractions.Fraction(1, 90000)
            self.n += 1
            return frame

    return Tone(), Bars()


class AiortcPeer:
    """A participant on aiortc: signs in, joins, publishes `tracks` on its publish
    PeerConnection (it offers) and answers the server's offers on its subscribe one, counting
    the decoded frames it receives per kind. `rewrite_answer(sdp)` may change the publish
    answer before it is applied (the loss test points it at its relay)."""

    def __init__(self, server, email, rewrite_answer=None):
        self.server = server
        self.email = email
        self.rewrite_answer = rewrite_answer
        self.frames = {"audio": 0, "video": 0}
        self.video_size = None
        self.pub = None
        self.sub = None
        self.sig = None
        self.tasks = []
        self.offers = 0
        self.connected = []  # media.connected events: (direction, seconds since join)

    async def join(self, consortium=1):
        from aiortc import RTCPeerConnection

        self.sig = await Signaling.connect(self.server, self.email)
        await self.sig.request("auth.login", email=self.email, password=DEMO_PASSWORD)
        rooms = (await self.sig.request("room.list", consortium_id=consortium))["rooms"]
        self.room_id = next(r["id"] for r in rooms if r["is_lounge"])
        self.sub = RTCPeerConnection()
        self.sub.on("track", self._on_track)
        self.sig.on("media.offer", self._on_offer)
        self.sig.on("media.connected", self._on_connected)
        self.joined_at = time.monotonic()
        joined = await self.sig.request("room.join", room_id=self.room_id)
        self.participant_id = joined["self"]["participant_id"]
        return joined

    async def publish(self, tracks):
        from aiortc import RTCPeerConnection, RTCSessionDescription

        self.pub = RTCPeerConnection()
        sources = []
        for track in tracks:
            self.pub.addTransceiver(track, direction="sendonly")
        offer = await self.pub.createOffer()
        await self.pub.setLocalDescription(offer)
        for t in self.pub.getTransceivers():
            sources.append({"mid": t.mid, "source": "microphone" if t.kind == "audio" else "camera"})
        result = await self.sig.request("media.publish", sdp=self.pub.localDescription.sdp, tracks=sources)
        sdp = result["sdp"]
        if self.rewrite_answer:
            sdp = self.rewrite_answer(sdp)
        await self.pub.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        return result

    async def _on_connected(self, msg):
        check(msg.get("room_id") == self.room_id, f"media.connected for another room: {msg}")
        self.connected.append((msg.get("direction"), time.monotonic() - self.joined_at))

    async def _on_offer(self, msg):
        from aiortc import RTCSessionDescription

        self.offers += 1
        await self.sub.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
        answer = await self.sub.createAnswer()
        await self.sub.setLocalDescription(answer)
        await self.sig.request("media.answer", sdp=self.sub.localDescription.sdp)

    def _on_track(self, track):
        async def count():
            from aiortc.mediastreams import MediaStreamError

            while True:
                try:
                    frame = await track.recv()
                except MediaStreamError:
                    return
                self.frames[track.kind] += 1
                if track.kind == "video":
                    self.video_size = (frame.width, frame.height)

        self.tasks.append(asyncio.ensure_future(count()))

    async def close(self):
        for t in self.tasks:
            t.cancel()
        if self.sig:
            try:
                await self.sig.request("room.leave")
            except Exception:
                pass
        for pc in (self.pub, self.sub):
            if pc:
                await pc.close()
        if self.sig:
            await self.sig.close()


async def wait_until(cond, what, timeout, diag=lambda: "", step=0.25):
    """Polls cond() (sync or async) until true; Failure naming `what` (and diag()) otherwise."""
    t0 = time.monotonic()
    while True:
        v = cond()
        if asyncio.iscoroutine(v):
            v = await v
        if v:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise Failure(f"timed out after {timeout} s waiting for {what}: {diag()}")
        await asyncio.sleep(step)


# ---- stage 2: a lossy UDP relay ----


class LossyRelay:
    """A UDP relay between a publisher and the server's media port that drops `loss` of the
    publisher's RTP/RTCP packets (first byte 128..191, RFC 7983) on their way to the server,
    chosen by a seeded generator; STUN and DTLS pass (so ICE and the handshake are not what is
    tested), and so does everything the server sends back. Each publisher address gets its own
    upstream socket, so the server sees one 5-tuple per publisher address, as through a NAT.

    point(sdp) rewrites the server's candidate in an answer to the relay's port."""

    def __init__(self, loss, seed=20251202):
        self.loss = loss
        self.rng = random.Random(seed)
        self.media_in = 0
        self.dropped = 0
        self.upstream = {}
        self.target = None

    def start(self):
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.sock.fileno(), self._from_publisher)
        return self

    def point(self, sdp):
        # Only the UDP candidate: the server's ICE-TCP one (tcptype passive) stays as it is
        # (aioice does not do ICE over TCP, and this relay is UDP).
        def swap(m):
            self.target = (m.group(2), int(m.group(3)))
            return f"{m.group(1)}{m.group(2)} {self.port} typ host"

        out = re.sub(r"( udp \d+ )(127\.0\.0\.1) (\d+) typ host", swap, sdp)
        check(self.target, "no 127.0.0.1 host candidate in the server's answer")
        return out

    def _from_publisher(self):
        import socket

        while True:
            try:
                data, addr = self.sock.recvfrom(2048)
            except BlockingIOError:
                return
            up = self.upstream.get(addr)
            if up is None:
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                up.bind(("127.0.0.1", 0))
                up.connect(self.target)
                up.setblocking(False)
                self.upstream[addr] = up
                self.loop.add_reader(up.fileno(), self._from_server, up, addr)
            if data and 128 <= data[0] <= 191:
                self.media_in += 1
                if self.rng.random() < self.loss:
                    self.dropped += 1
                    continue
            try:
                up.send(data)
            except OSError:
                pass

    def _from_server(self, up, addr):
        while True:
            try:
                data = up.recv(2048)
            except (BlockingIOError, ConnectionRefusedError):
                return
            try:
                self.sock.sendto(data, addr)
            except OSError:
                pass

    def close(self):
        for up in self.upstream.values():
            self.loop.remove_reader(up.fileno())
            up.close()
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
