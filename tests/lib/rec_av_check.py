#!/usr/bin/python3
"""Decodes a WebM with PyAV (Debian's python3-av) and prints one JSON line: the times (s) of the
white "flash" frames and of the beep onsets that tests/lib/rec_spool_gen.py put in, the first and
last frame times and sizes of each kind, and how many frames decoded.

    rec_av_check.py FILE.webm"""
import array
import json
import sys

import av


def main():
    c = av.open(sys.argv[1])
    out = {"flashes": [], "beeps": [], "video_frames": 0, "audio_frames": 0, "sizes": [],
           "video_first": None, "video_last": None, "audio_first": None, "audio_last": None}
    was_white = False
    loud = False
    for frame in c.decode(*c.streams):
        t = float(frame.time) if frame.time is not None else None
        if isinstance(frame, av.VideoFrame):
            out["video_frames"] += 1
            out["video_first"] = t if out["video_first"] is None else out["video_first"]
            out["video_last"] = t
            if [frame.width, frame.height] not in out["sizes"]:
                out["sizes"].append([frame.width, frame.height])
            p = frame.planes[0]
            data = bytes(p)
            rows = [data[r * p.line_size:r * p.line_size + frame.width] for r in range(0, frame.height, 8)]
            mean = sum(sum(r) for r in rows) / sum(len(r) for r in rows)
            white = mean > 180
            if white and not was_white:
                out["flashes"].append(round(t, 4))
            was_white = white
        else:
            out["audio_frames"] += 1
            out["audio_first"] = t if out["audio_first"] is None else out["audio_first"]
            if frame.format.name != "fltp":
                continue
            samples = array.array("f", bytes(frame.planes[0]))[:frame.samples]
            out["audio_last"] = t + frame.samples / frame.sample_rate
            block = 96  # 2 ms
            for i in range(0, len(samples) - block + 1, block):
                rms = (sum(x * x for x in samples[i:i + block]) / block) ** 0.5
                if rms > 0.1 and not loud:
                    out["beeps"].append(round(t + i / frame.sample_rate, 4))
                    loud = True
                elif rms < 0.02:
                    loud = False
    print(json.dumps(out))


if __name__ == "__main__":
    main()
