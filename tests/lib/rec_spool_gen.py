#!/usr/bin/python3
"""Writes the recording spools (.moarec, docs/RECORDING.md) of one participant, with real VP8 and
Opus made now by aiortc's encoders (Debian's python3-aiortc; its Vp8Encoder and OpusEncoder return
RTP payloads already packetized, VP8 payload descriptors included) from synthetic frames: a dark
picture with a moving square and a white frame ("flash") every 2 s from 1 s on, and silence with a
100 ms 1 kHz beep at the same instants. The network is simulated: arrival times (a delay per kind,
jitter), loss, reordering, an SSRC change, a resolution change, tracks that start later, and RTCP
sender reports (NTP <-> RTP) once a second per track.

    rec_spool_gen.py --out DIR --user 1001 --duration 20 [--loss 5] [--reorder 2] [--seed 1]
        [--video-delay-ms 0] [--audio-delay-ms 0] [--video-start 0] [--audio-start 0]
        [--ssrc-change-at S] [--resize-at S] [--no-video] [--no-audio] [--no-sr] [--garbage N] [--no-keyframe]

Prints one JSON line: the files written, their record offsets (for cutting) and the flash times."""
import argparse
import fractions
import json
import math
import os
import random
import struct
import zlib

import av
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder

START_MONO_US = 5_000_000_000  # the recorder's CLOCK_MONOTONIC at the start (any value)
START_WALL_US = 1_796_000_000_000_000
NTP_EPOCH_OFFSET = 2208988800  # 1900 -> 1970
FLASH_EVERY = 2.0
FLASH_FIRST = 1.0


def header(kind, codec, pt, clock, ssrc, user, start_mono_us):
    b = bytearray(96)
    b[0:8] = b"MOAREC1\n"
    struct.pack_into("<HHBBBBII", b, 8, 1, 96, kind, codec, pt, 0, clock, ssrc)
    struct.pack_into("<QQQqq", b, 24, 42, 7, user, START_WALL_US + (start_mono_us - START_MONO_US), start_mono_us)
    struct.pack_into("<I", b, 92, zlib.crc32(bytes(b[:92])))
    return bytes(b)


def record(rtype, time_us, payload):
    h = struct.pack("<IB3xQ", len(payload), rtype, time_us)
    h += struct.pack("<I", zlib.crc32(h))
    return h + payload + struct.pack("<I", zlib.crc32(h + payload))


def rtp(pt, marker, seq, ts, ssrc, payload):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def is_flash(t, dt):
    """Whether the frame sampled at t (lasting dt) shows the flash."""
    k = round((t - FLASH_FIRST) / FLASH_EVERY)
    at = FLASH_FIRST + k * FLASH_EVERY
    return k >= 0 and at <= t + 1e-9 < at + dt


def video_frame(w, h, t, fps):
    frame = av.VideoFrame(w, h, "yuv420p")
    flash = is_flash(t, 1 / fps)
    ys = frame.planes[0].line_size
    y = bytearray([235 if flash else 40]) * (ys * h)
    if not flash:
        size = max(8, h // 4)
        x0 = int((w - size) * (0.5 + 0.5 * math.sin(t * 1.3)))
        y0 = int((h - size) * (0.5 + 0.5 * math.cos(t * 0.9)))
        for r in range(y0, y0 + size):
            y[r * ys + x0:r * ys + x0 + size] = bytes([120]) * size
    frame.planes[0].update(bytes(y))
    for p in (1, 2):
        frame.planes[p].update(bytes([128]) * (frame.planes[p].line_size * (h // 2)))
    return frame


def audio_frame(t0):
    """20 ms of 48 kHz stereo s16 starting at t0: a beep at the flash instants."""
    frame = av.AudioFrame(format="s16", layout="stereo", samples=960)
    frame.sample_rate = 48000
    out = bytearray()
    for i in range(960):
        t = t0 + i / 48000
        k = math.floor((t - FLASH_FIRST) / FLASH_EVERY + 1e-9)
        beep = k >= 0 and 0 <= t - (FLASH_FIRST + k * FLASH_EVERY) < 0.1
        v = int(16000 * math.sin(2 * math.pi * 1000 * t)) if beep else 0
        out += struct.pack("<hh", v, v)
    frame.planes[0].update(bytes(out))
    return frame


class Track:
    def __init__(self, a, kind, rnd):
        self.a, self.kind, self.rnd = a, kind, rnd
        self.video = kind == "video"
        self.clock = 90000 if self.video else 48000
        self.pt = 96 if self.video else 111
        self.start = a.video_start if self.video else a.audio_start
        self.delay = (a.video_delay_ms if self.video else a.audio_delay_ms) / 1000
        self.new_stream()
        self.start_mono_us = START_MONO_US + int(self.start * 1e6)
        self.path = os.path.join(a.out, f"{a.user}-{kind}.moarec")
        self.data = bytearray(header(2 if self.video else 1, 1 if self.video else 2, self.pt, self.clock, self.ssrc,
                                     a.user, self.start_mono_us))
        self.offsets = [len(self.data)]  # record boundaries
        self.pending = []  # (arrival_us, type, payload)
        self.next_sr = 0.0

    def new_stream(self):
        self.ssrc = self.rnd.randrange(1, 1 << 32)
        self.seq = self.rnd.randrange(0, 1 << 16)
        self.ts0 = self.rnd.randrange(0, 1 << 32)

    def send(self, t, payloads):
        """Packets of one frame captured at t (seconds since the recording start)."""
        ts = self.ts0 + round((t - self.start) * self.clock)
        if self.a.sr and t >= self.next_sr:
            ntp = self.a.sender_wall0 + t  # one sender clock for all its tracks
            ntp64 = (int(ntp) << 32) | int((ntp % 1) * (1 << 32))
            self.pending.append((self.arrival(t), 2, struct.pack("<QI", ntp64, ts & 0xFFFFFFFF)))
            self.next_sr = t + 1.0
        for i, p in enumerate(payloads):
            pkt = rtp(self.pt, self.video and i == len(payloads) - 1, self.seq, ts, self.ssrc, p)
            self.seq += 1
            if self.rnd.random() * 100 < self.a.loss:
                continue
            self.pending.append((self.arrival(t) + i * 200, 1, pkt))

    def arrival(self, t):
        return max(0, int((t - self.start + self.delay + self.rnd.random() * 0.01) * 1e6))

    def flush(self):
        items = self.pending
        self.pending = []
        items.sort(key=lambda x: x[0])
        for i in range(len(items) - 1):  # reordering: swap neighbours, arrival times kept increasing
            if self.rnd.random() * 100 < self.a.reorder:
                (t1, ty1, p1), (t2, ty2, p2) = items[i], items[i + 1]
                items[i], items[i + 1] = (t1, ty2, p2), (t2, ty1, p1)
        for t, ty, p in items:
            self.data += record(ty, t, p)
            self.offsets.append(len(self.data))
        if self.a.garbage:
            last = items[-1][0] if items else 0
            for _ in range(self.a.garbage):  # RTP records whose payload is random bytes (CRC valid)
                junk = bytes(self.rnd.randrange(256) for _ in range(self.rnd.randrange(1, 200)))
                self.data += record(1, last, junk)
                self.offsets.append(len(self.data))
            self.a.garbage = 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--user", type=int, default=1001)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--fps", type=int, default=15)
    ap.add_argument("--size", default="320x240")
    ap.add_argument("--resize-to", default="480x360")
    ap.add_argument("--loss", type=float, default=0)
    ap.add_argument("--reorder", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--video-delay-ms", type=float, default=20)
    ap.add_argument("--audio-delay-ms", type=float, default=20)
    ap.add_argument("--video-start", type=float, default=0)
    ap.add_argument("--audio-start", type=float, default=0)
    ap.add_argument("--ssrc-change-at", type=float)
    ap.add_argument("--resize-at", type=float)
    ap.add_argument("--no-video", dest="video", action="store_false")
    ap.add_argument("--no-audio", dest="audio", action="store_false")
    ap.add_argument("--no-sr", dest="sr", action="store_false")
    ap.add_argument("--no-keyframe", dest="keyframe", action="store_false", help="the first (only) key frame lost")
    ap.add_argument("--garbage", type=int, default=0, help="random RTP records in the middle")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rnd = random.Random(a.seed * 1000 + a.user)
    a.sender_wall0 = 3_900_000_000 + rnd.random()  # the sender's NTP seconds at capture time 0
    out = {"files": {}, "flashes": []}
    w, h = map(int, a.size.split("x"))
    tracks = []
    if a.video:
        v = Track(a, "video", rnd)
        enc = Vp8Encoder()
        n = int((a.duration - a.video_start) * a.fps)
        for i in range(n):
            t = a.video_start + i / a.fps
            if a.resize_at is not None and t >= a.resize_at:
                w, h = map(int, a.resize_to.split("x"))
            force = False
            if a.ssrc_change_at is not None and t >= a.ssrc_change_at:
                v.new_stream()
                a.ssrc_change_at = None
                force = True
            frame = video_frame(w, h, t, a.fps)
            frame.pts = i
            frame.time_base = fractions.Fraction(1, a.fps)
            payloads, _ = enc.encode(frame, force_keyframe=force or i == 0)
            if i > 0 or a.keyframe:
                v.send(t, payloads)
            if is_flash(t, 1 / a.fps):
                out["flashes"].append(round(t, 4))
            if i == n // 2:
                v.flush()
        tracks.append(v)
    if a.audio:
        au = Track(a, "audio", rnd)
        enc = OpusEncoder()
        n = int((a.duration - a.audio_start) * 50)
        for i in range(n):
            t = a.audio_start + i * 0.02
            frame = audio_frame(t)
            frame.pts = i * 960
            frame.time_base = fractions.Fraction(1, 48000)
            payloads, _ = enc.encode(frame)
            au.send(t, [bytes(p) for p in payloads])
            if i == n // 2:
                au.flush()
        tracks.append(au)
    for tr in tracks:
        tr.flush()
        with open(tr.path, "wb") as f:
            f.write(tr.data)
        out["files"][tr.kind] = {"path": tr.path, "offsets": tr.offsets}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
