"""Recording, end to end (issue 17): a meeting recorded through the real SFU, finalized by the
real server, and the files checked the way a viewer's player would see them.

Inside a network namespace this test makes (moa_interop.py), the real moa binary with
--recording-dir. Phase 1, a 30 s recording of a room with three participants:
  - two headless Chromiums with fake camera and microphone (browser_peer.mjs: coord01, the
    lounge's host, and member01a);
  - an aiortc publisher (member01b) of a synthetic picture and sound with a white flash and a
    1 kHz beep at the same instants every 2 s (one clock for both), whose media goes through
    LossyRelay, which drops 5 % of its RTP/RTCP on the way to the server.
A second session of the host starts recording with meeting.record, stops it 30 s later, and
waits for the recording to be finalized. Then, for every participant's file and the composite:
ffprobe finds VP8 and Opus and a duration of 30 +- 1 s, and `ffmpeg -v error -i f -f null -`
prints nothing (it decodes end to end, the lossy publisher's too). In the aiortc participant's
file every flash is matched by a beep within 80 ms (audio and video line up).
Phase 2, a crash: the aiortc publisher alone is recorded for 8 s, then the server gets SIGKILL;
started again on the same database and directory, it finalizes the spool left behind into a
file that decodes and covers at least all but the last second before the kill. Then a second
recording is stopped and the server killed while its composite's ffmpeg runs: the child dies
with it, and after the restart the recording is finalized again, every file decoding, no
temporary file left."""

import asyncio
import fractions
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moa_interop import (AiortcPeer, BrowserPeer, LossyRelay, Server, Signaling,  # noqa: E402
                         DEMO_PASSWORD, allow_loopback_candidates, check, log, run_in_netns, wait_until)

RECORD_S = 30
LOSS = 0.05
FLASH_EVERY_S = 2.0
MAX_AV_SKEW_S = 0.080
KILL_AFTER_S = 8
# The flash's three frames, each its own grey, so that a flash whose first frame was lost (5 %
# loss upstream) is still dated right: the frame's level says which of the three it is.
FLASH_LEVELS = (250, 215, 180)
FINAL_STATES = ("ready", "incomplete", "failed")


def flash_beep_tracks():
    """(audio, video) on one clock: a dark moving picture that turns white for 3 frames and a
    quiet tone that becomes a loud 1 kHz beep for 100 ms, both at every multiple of 2 s."""
    import av
    import numpy
    from aiortc.mediastreams import MediaStreamTrack

    clock = {"t0": None}

    def t0():
        if clock["t0"] is None:
            clock["t0"] = time.monotonic()
        return clock["t0"]

    class Beep(MediaStreamTrack):
        kind = "audio"

        def __init__(self):
            super().__init__()
            self.pts = 0

        async def recv(self):
            rate, samples = 48000, 960
            wait = t0() + self.pts / rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            n = numpy.arange(samples) + self.pts
            t = n / rate
            phase = numpy.mod(t, FLASH_EVERY_S)
            loud = phase < 0.100
            pcm = numpy.where(loud, numpy.sin(2 * math.pi * 1000 * t) * 20000,
                              numpy.sin(2 * math.pi * 300 * t) * 150).astype(numpy.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = self.pts
            frame.time_base = fractions.Fraction(1, rate)
            self.pts += samples
            return frame

    class Flash(MediaStreamTrack):
        kind = "video"

        def __init__(self):
            super().__init__()
            self.n = 0

        async def recv(self):
            wait = t0() + self.n / 30 - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            t = self.n / 30
            k = int(round(math.fmod(t, FLASH_EVERY_S) * 30))
            if k < len(FLASH_LEVELS) and math.fmod(t, FLASH_EVERY_S) < 0.099:  # frames 0, 1, 2 of each 2 s
                img = numpy.full((240, 320, 3), FLASH_LEVELS[k], numpy.uint8)
            else:
                img = numpy.full((240, 320, 3), 40, numpy.uint8)
                img[(self.n * 2) % 240, :, :] = 120  # a moving line: frames differ
                img[:, (self.n * 3) % 320, :] = 90
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = self.n * 3000
            frame.time_base = fractions.Fraction(1, 90000)
            self.n += 1
            return frame

    audio, video = Beep(), Flash()
    sender_reports_at_capture(lambda: clock["t0"])
    return audio, video


def sender_reports_at_capture(t0_of):
    """Makes aiortc's RTCP sender reports say when the reported RTP timestamp was captured, as
    browsers' (libwebrtc's) do. aiortc 1.4 pairs the last packet's RTP timestamp with the time it
    was sent (rtcrtpsender.py: __ntp_timestamp = clock.current_ntp_time() after each send), so its
    video's reports lag by its encoder's delay (10-120 ms here, with the load) and a receiver or
    a recording lining audio and video up by them puts the video late by as much. Our tracks
    make each frame at t0 + pts (one clock for both): the report's NTP time becomes that instant."""
    from aiortc import clock as aclock
    from aiortc.rtcrtpsender import RTCRtpSender

    if getattr(RTCRtpSender, "_moa_capture_reports", False):
        return
    RTCRtpSender._moa_capture_reports = True
    next_frame = RTCRtpSender._next_encoded_frame

    async def next_encoded_frame(self, codec):
        enc = await next_frame(self, codec)
        t0 = t0_of()
        if enc is not None and t0 is not None:
            self.__dict__["_moa_capture"] = t0 + enc.timestamp / codec.clockRate
        return enc

    def rtp_set(self, v):  # set right after each packet's send, with __ntp_timestamp
        self.__dict__["_moa_rtp"] = v
        self.__dict__["_moa_rtp_capture"] = self.__dict__.get("_moa_capture")

    def ntp_get(self):
        cap = self.__dict__.get("_moa_rtp_capture")
        if cap is None:
            return self.__dict__.get("_moa_ntp", 0)
        return aclock.current_ntp_time() - int((time.monotonic() - cap) * (1 << 32))

    RTCRtpSender._next_encoded_frame = next_encoded_frame
    RTCRtpSender._RTCRtpSender__rtp_timestamp = property(lambda self: self.__dict__.get("_moa_rtp", 0), rtp_set)
    RTCRtpSender._RTCRtpSender__ntp_timestamp = property(
        ntp_get, lambda self, v: self.__dict__.__setitem__("_moa_ntp", v))


def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"ffprobe {path}: {out.stderr}")
    return json.loads(out.stdout)


def decode_errors(path):
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"],
                         capture_output=True, text=True, timeout=300)
    return (out.stdout + out.stderr).strip() or (f"exit {out.returncode}" if out.returncode else "")


def check_file(path, want_s, slack_s, what):
    """VP8 + Opus, duration want_s +- slack_s (or at least want_s - slack_s when slack_s < 0:
    then only a lower bound), decodes with nothing printed. Returns (duration, probe)."""
    info = ffprobe(path)
    codecs = sorted(s["codec_name"] for s in info["streams"])
    check(codecs == ["opus", "vp8"], f"{what}: streams {codecs}, want opus + vp8")
    dur = float(info["format"]["duration"])
    if slack_s >= 0:
        check(abs(dur - want_s) <= slack_s, f"{what}: {dur:.2f} s long, want {want_s} +- {slack_s} s")
    else:
        check(dur >= want_s + slack_s, f"{what}: {dur:.2f} s long, want at least {want_s + slack_s} s")
    errors = decode_errors(path)
    check(errors == "", f"{what}: ffmpeg -v error printed:\n{errors[:2000]}")
    return dur, info


def flash_and_beep_times(path):
    """The instants (s, the file's own timeline) where the flash and the beep start, decoded with
    PyAV (a flash seen from its second or third frame is dated back by its level)."""
    import av
    import numpy

    flashes, beeps = [], []
    with av.open(path) as f:
        was_white = False
        for frame in f.decode(video=0):
            luma = frame.to_ndarray(format="gray").mean()
            white = luma > FLASH_LEVELS[-1] - 20
            if white and not was_white:  # the first flash frame seen: which of the three?
                k = min(range(len(FLASH_LEVELS)), key=lambda i: abs(FLASH_LEVELS[i] - luma))
                flashes.append(float(frame.pts * frame.time_base) - k / 30)
            was_white = white
    with av.open(path) as f:
        loud_until = -1.0
        for frame in f.decode(audio=0):
            arr = frame.to_ndarray()
            pcm = arr[0] if frame.format.is_planar else arr.reshape(-1)[:: len(frame.layout.channels)]
            pcm = pcm.astype(numpy.float64) * (32768.0 if arr.dtype.kind == "f" else 1.0)
            rate = frame.sample_rate
            start = float(frame.pts * frame.time_base)
            win = rate // 200  # 5 ms windows
            for i in range(0, len(pcm) - win + 1, win):
                t = start + i / rate
                # the beep's RMS is ~14000, the quiet tone's ~100; 2000 still finds a beep whose
                # first packets were lost (the decoder brings it back in at a lower level)
                loud = math.sqrt(float(numpy.mean(pcm[i:i + win] ** 2))) > 2000
                if loud and t > loud_until:
                    beeps.append(t)
                if loud:
                    loud_until = t + 0.5
    return flashes, beeps


async def host_session(server):
    sig = await Signaling.connect(server, "coord01@moa.example")
    await sig.request("auth.login", email="coord01@moa.example", password=DEMO_PASSWORD)
    return sig


async def wait_finalized(server, host, room_id, rec_id, timeout):
    """Polls meeting.recordings as the host sees it until recording rec_id is finalized; returns
    it (state, duration_ms, bytes, error, files [{name, user_id, composite, ...}])."""
    state = {}

    async def done():
        listing = await host.request("meeting.recordings", room_id=room_id)
        state["rec"] = next((r for r in listing["recordings"] if r["id"] == rec_id), None)
        return state["rec"] is not None and state["rec"]["state"] in FINAL_STATES

    await wait_until(done, f"recording {rec_id} finalized", timeout,
                     lambda: f"listing={state.get('rec')}\nserver stderr:\n{server.output()}", step=1)
    return state["rec"]


async def phase_meeting(rec_dir):
    server = await Server().start(["--recording-dir", rec_dir])
    browsers = [BrowserPeer(), BrowserPeer()]
    relay = LossyRelay(LOSS).start()
    peer = host = None
    try:
        await browsers[0].start(server, "coord01@moa.example", 1)
        await browsers[1].start(server, "member01a@moa.example", 1)
        peer = AiortcPeer(server, "member01b@moa.example", rewrite_answer=relay.point)
        await peer.join(1)
        await peer.publish(list(flash_beep_tracks()))
        log(f"aiortc publishes through the relay on 127.0.0.1:{relay.port}, dropping {LOSS:.0%} of its RTP/RTCP")
        await wait_until(lambda: all(b.stats.get("framesDecoded", 0) > 30 for b in browsers),
                         "both browsers decoding video", 90,
                         lambda: f"{[b.stats for b in browsers]}\nserver stderr:\n{server.output()}")

        host = await host_session(server)
        seen = []

        async def on_recording(msg):
            seen.append(msg)

        peer.sig.on("room.recording", on_recording)
        started = await host.request("meeting.record", room_id=peer.room_id, action="start")
        check(started.get("recording") is True and started.get("recording_id"), f"meeting.record start: {started}")
        rec_id = started["recording_id"]
        t_start = time.monotonic()
        await wait_until(lambda: any(m.get("recording") for m in seen), "the participants told of the recording", 10)
        log(f"recording {rec_id} started; recording {RECORD_S} s")
        await asyncio.sleep(RECORD_S - (time.monotonic() - t_start))
        stopped = await host.request("meeting.record", room_id=peer.room_id, action="stop")
        log(f"stopped after {time.monotonic() - t_start:.2f} s: {stopped}; relay dropped {relay.dropped} of {relay.media_in}")
        check(stopped.get("recording") is False, f"meeting.record stop: {stopped}")

        row = await wait_finalized(server, host, peer.room_id, rec_id, 240)
        files = row["files"]
        log(f"recording {rec_id}: state {row['state']}, {row['duration_ms']} ms, {row['bytes']} bytes, "
            f"error {row['error']!r}, degraded {row['degraded']}; files {[(f['name'], f['duration_ms']) for f in files]}")
        check(row["state"] == "ready", f"recording {rec_id} ended {row['state']}: {row['error']}")
        out_dir = os.path.join(rec_dir, str(rec_id), "files")  # --recording-dir's layout (RECORDING.md)
        names = [f["name"] for f in files]
        check("meeting.webm" in names, f"no composite among {names}")
        people = [f for f in files if not f["composite"]]
        check(len(people) == 3, f"{len(people)} participant files, want 3: {names}")
        aiortc_file = None
        for f in files:
            path = os.path.join(out_dir, f["name"])
            dur, info = check_file(path, RECORD_S, 1.0, f["name"])
            video = next(s for s in info["streams"] if s["codec_type"] == "video")
            log(f"{f['name']}: {dur:.2f} s, {video['width']}x{video['height']}, decodes without error")
            if not f["composite"] and video["width"] == 320:
                aiortc_file = path
        check(aiortc_file, "no 320x240 participant file (the aiortc publisher's)")
        flashes, beeps = flash_and_beep_times(aiortc_file)
        check(len(flashes) >= RECORD_S / FLASH_EVERY_S - 3, f"{len(flashes)} flashes found in {aiortc_file}")
        skews, unmatched = [], []
        for f in flashes:
            near = min(beeps, key=lambda b: abs(b - f), default=None)
            if near is None or abs(near - f) > 0.5:
                unmatched.append(round(f, 3))  # the beep's packets lost (audio has no retransmission)
            else:
                skews.append(near - f)
        log(f"flashes {len(flashes)}, beeps {len(beeps)}; audio - video per flash (ms): "
            f"{[round(s * 1000) for s in skews]}; flashes without a beep: {unmatched}")
        check(len(skews) >= 0.8 * len(flashes), f"only {len(skews)} of {len(flashes)} flashes have a beep")
        worst = max(skews, key=abs)
        check(abs(worst) <= MAX_AV_SKEW_S, f"audio and video {worst * 1000:.0f} ms apart (at most {MAX_AV_SKEW_S * 1000:.0f})")
    finally:
        for b in browsers:
            await b.stop()
        if peer:
            await peer.close()
        if host:
            await host.close()
        relay.close()
        code = await server.stop()
        check(code == 0, f"moa exited {code}:\n{server.output()}")


async def phase_crash(rec_dir):
    server = await Server().start(["--recording-dir", rec_dir])
    peer = host = None
    try:
        peer = AiortcPeer(server, "member01b@moa.example")
        await peer.join(1)
        await peer.publish(list(flash_beep_tracks()))
        await wait_until(lambda: peer.connected, "the aiortc publisher connected", 30)
        host = await host_session(server)
        started = await host.request("meeting.record", room_id=peer.room_id, action="start")
        rec_id, room_id = started["recording_id"], peer.room_id
        t_start = time.monotonic()
        await asyncio.sleep(KILL_AFTER_S)
        await server.kill()
        recorded = time.monotonic() - t_start
        log(f"SIGKILL {recorded:.2f} s into recording {rec_id}")
        await peer.close()
        peer = None
        await host.close()
        host = None
        await server.start(["--recording-dir", rec_dir], keep_db=True)
        host = await host_session(server)
        row = await wait_finalized(server, host, room_id, rec_id, 120)
        files = row["files"]
        log(f"after the restart, recording {rec_id}: state {row['state']}, {row['duration_ms']} ms, "
            f"error {row['error']!r}; files {[(f['name'], f['duration_ms']) for f in files]}")
        check(row["state"] == "incomplete" and "server stopped" in row["error"],
              f"recording {rec_id} ended {row['state']} ({row['error']!r}): the host should read it was cut short")
        person = [f for f in files if not f["composite"]]
        check(len(person) == 1, f"participant files: {files}")
        path = os.path.join(rec_dir, str(rec_id), "files", person[0]["name"])
        dur, _ = check_file(path, recorded, -1.0, "the crashed recording")
        log(f"the crashed recording finalized: {dur:.2f} s of the {recorded:.2f} s before SIGKILL, decodes without error")

        # Killed while finalizing: the composite's ffmpeg child dies with the server, and the
        # restarted server finalizes the recording again from its spools.
        await host.close()
        host = None
        peer = AiortcPeer(server, "member01b@moa.example")
        await peer.join(1)
        await peer.publish(list(flash_beep_tracks()))
        await wait_until(lambda: peer.connected, "the aiortc publisher connected", 30)
        host = await host_session(server)
        rec2 = (await host.request("meeting.record", room_id=peer.room_id, action="start"))["recording_id"]
        await asyncio.sleep(KILL_AFTER_S)
        await host.request("meeting.record", room_id=peer.room_id, action="stop")
        out2 = os.path.join(rec_dir, str(rec2), "files")

        def composing():
            return subprocess.run(["pgrep", "-f", f"ffmpeg.*{out2}"], capture_output=True).returncode == 0

        await wait_until(composing, "the composite's ffmpeg running", 60, lambda: server.output(), step=0.05)
        await server.kill()
        await peer.close()
        peer = None
        await host.close()
        host = None
        await asyncio.sleep(0.5)
        check(not composing(), "the composite's ffmpeg outlived the server")
        log(f"SIGKILL while recording {rec2} was being finalized; its ffmpeg child died with the server")
        await server.start(["--recording-dir", rec_dir], keep_db=True)
        host = await host_session(server)
        row = await wait_finalized(server, host, room_id, rec2, 120)
        check(row["state"] == "ready", f"recording {rec2} ended {row['state']} after the restart: {row['error']}")
        for f in row["files"]:
            check_file(os.path.join(out2, f["name"]), KILL_AFTER_S, 1.0, f"{f['name']} of the re-finalized recording")
        leftovers = [n for n in os.listdir(out2) if n.startswith(".")]
        check(not leftovers, f"temporary files left in {out2}: {leftovers}")
        log(f"recording {rec2} finalized again after the restart: {[f['name'] for f in row['files']]}, all decode")
    finally:
        if peer:
            await peer.close()
        if host:
            await host.close()
        code = await server.stop()
        check(code == 0, f"moa exited {code} after the restart:\n{server.output()}")


async def main():
    allow_loopback_candidates()
    check(shutil.which("ffprobe") and shutil.which("ffmpeg"), "ffmpeg/ffprobe missing (make test installs ffmpeg)")
    rec_dir = tempfile.mkdtemp(prefix="moa-rec-")
    try:
        await phase_meeting(os.path.join(rec_dir, "meeting"))
        await phase_crash(os.path.join(rec_dir, "crash"))
    finally:
        if os.environ.get("MOA_KEEP_RECORDINGS"):  # for reading a failure: spools and files stay
            log(f"recordings kept in {rec_dir}")
        else:
            shutil.rmtree(rec_dir, ignore_errors=True)


if __name__ == "__main__":
    run_in_netns(main, timeout=580)
