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
file that decodes and covers at least all but the last second before the kill."""

import asyncio
import fractions
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moa_interop import (AiortcPeer, BrowserPeer, Failure, LossyRelay, Server, Signaling,  # noqa: E402
                         DEMO_PASSWORD, allow_loopback_candidates, check, log, run_in_netns, wait_until)

RECORD_S = 30
LOSS = 0.05
FLASH_EVERY_S = 2.0
MAX_AV_SKEW_S = 0.080
KILL_AFTER_S = 8
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
            if math.fmod(t, FLASH_EVERY_S) < 0.099:  # frames 0, 1, 2 of each 2 s
                img = numpy.full((240, 320, 3), 250, numpy.uint8)
            else:
                img = numpy.full((240, 320, 3), 40, numpy.uint8)
                img[(self.n * 2) % 240, :, :] = 120  # a moving line: frames differ
                img[:, (self.n * 3) % 320, :] = 90
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = self.n * 3000
            frame.time_base = fractions.Fraction(1, 90000)
            self.n += 1
            return frame

    return Beep(), Flash()


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
    """The instants (s, the file's own timeline) where the picture turns white and the beep
    starts, decoded with PyAV."""
    import av
    import numpy

    flashes, beeps = [], []
    with av.open(path) as f:
        was_white = False
        for frame in f.decode(video=0):
            luma = frame.to_ndarray(format="gray").mean()
            white = luma > 180
            if white and not was_white:
                flashes.append(float(frame.pts * frame.time_base))
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
                loud = math.sqrt(float(numpy.mean(pcm[i:i + win] ** 2))) > 6000
                if loud and t > loud_until:
                    beeps.append(t)
                if loud:
                    loud_until = t + 0.5
    return flashes, beeps


def recording_row(db, rec_id):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as c:
        c.row_factory = sqlite3.Row
        row = c.execute("SELECT * FROM recordings WHERE id = ?", (rec_id,)).fetchone()
        files = c.execute("SELECT * FROM recording_files WHERE recording_id = ? ORDER BY name", (rec_id,)).fetchall()
    return (dict(row) if row else None), [dict(f) for f in files]


async def host_session(server):
    sig = await Signaling.connect(server, "coord01@moa.example")
    await sig.request("auth.login", email="coord01@moa.example", password=DEMO_PASSWORD)
    return sig


async def wait_finalized(server, db, rec_id, timeout):
    state = {}

    def done():
        row, _ = recording_row(db, rec_id)
        state["row"] = row
        return row is not None and row["state"] in FINAL_STATES

    await wait_until(done, f"recording {rec_id} finalized", timeout,
                     lambda: f"row={state.get('row')}\nserver stderr:\n{server.output()}", step=1)
    return recording_row(db, rec_id)


async def phase_meeting(rec_dir):
    server = await Server().start(["--recording-dir", rec_dir])
    db = os.path.join(server.dir, "moa.db")
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

        row, files = await wait_finalized(server, db, rec_id, 240)
        log(f"recording {rec_id}: state {row['state']}, {row['duration_ms']} ms, {row['bytes']} bytes, "
            f"error {row['error']!r}, degraded {row['degraded']}; files {[(f['name'], f['duration_ms']) for f in files]}")
        check(row["state"] == "ready", f"recording {rec_id} ended {row['state']}: {row['error']}")
        out_dir = row["out_dir"]
        names = [f["name"] for f in files]
        check("meeting.webm" in names, f"no composite among {names}")
        people = [f for f in files if f["user_id"]]
        check(len(people) == 3, f"{len(people)} participant files, want 3: {names}")
        aiortc_file = None
        for f in files:
            path = os.path.join(out_dir, f["name"])
            dur, info = check_file(path, RECORD_S, 1.0, f["name"])
            video = next(s for s in info["streams"] if s["codec_type"] == "video")
            log(f"{f['name']}: {dur:.2f} s, {video['width']}x{video['height']}, decodes without error")
            if f["user_id"] and video["width"] == 320:
                aiortc_file = path
        check(aiortc_file, "no 320x240 participant file (the aiortc publisher's)")
        flashes, beeps = flash_and_beep_times(aiortc_file)
        check(len(flashes) >= RECORD_S / FLASH_EVERY_S - 3, f"{len(flashes)} flashes found in {aiortc_file}")
        skews = []
        for f in flashes:
            near = min(beeps, key=lambda b: abs(b - f), default=None)
            check(near is not None, "no beep in the aiortc participant's audio")
            skews.append(near - f)
        log(f"flashes {len(flashes)}, beeps {len(beeps)}; audio - video per flash (ms): "
            f"{[round(s * 1000) for s in skews]}")
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
    db = os.path.join(server.dir, "moa.db")
    peer = host = None
    try:
        peer = AiortcPeer(server, "member01b@moa.example")
        await peer.join(1)
        await peer.publish(list(flash_beep_tracks()))
        await wait_until(lambda: peer.connected, "the aiortc publisher connected", 30)
        host = await host_session(server)
        started = await host.request("meeting.record", room_id=peer.room_id, action="start")
        rec_id = started["recording_id"]
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
        row, files = await wait_finalized(server, db, rec_id, 120)
        log(f"after the restart, recording {rec_id}: state {row['state']}, {row['duration_ms']} ms, "
            f"error {row['error']!r}; files {[(f['name'], f['duration_ms']) for f in files]}")
        check(row["state"] in ("ready", "incomplete"), f"recording {rec_id} ended {row['state']}: {row['error']}")
        person = [f for f in files if f["user_id"]]
        check(len(person) == 1, f"participant files: {files}")
        dur, _ = check_file(os.path.join(row["out_dir"], person[0]["name"]), recorded, -1.0, "the crashed recording")
        log(f"the crashed recording finalized: {dur:.2f} s of the {recorded:.2f} s before SIGKILL, decodes without error")
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
        shutil.rmtree(rec_dir, ignore_errors=True)


if __name__ == "__main__":
    run_in_netns(main, timeout=580)
