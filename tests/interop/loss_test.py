"""Loss test: 5% of the packets between a publisher and the server are dropped, and the
subscriber's video keeps decoding, with NACK/RTX at work shown by counters.

Inside a network namespace this test makes (moa_interop.py), the real moa binary; a Chromium
subscriber (tests/interop/browser_peer.mjs, member01a) in consortium 1's lounge; an aiortc
publisher (member01b) of a synthetic moving pattern and a tone whose media goes through
LossyRelay, which drops 5% of its RTP/RTCP packets on the way to the server (netem is not
available to the test: the kernel has no sch_netem; the relay is pointed at by rewriting the
server's candidate in the answer aiortc applies). For 15 s: the browser's framesDecoded keeps
rising, with no stall longer than MAX_STALL_S; the server NACKs the lost sequence numbers
upstream (moa_media_nack_requested_packets_total) and recovers them from aiortc's RTX
(moa_media_rtx_received_total). Browser getStats counters (nackCount, freezes, packetsLost)
and the server's are printed."""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moa_interop import (AiortcPeer, BrowserPeer, Failure, LossyRelay, Server,  # noqa: E402
                         allow_loopback_candidates, check, log, run_in_netns, synthetic_tracks, wait_until)

LOSS = 0.05
WINDOW_S = 15
MAX_STALL_S = 3.0  # longest time framesDecoded may stand still (samples are ~0.5 s apart)
MAX_FROZEN_S = 6.0  # total of the browser's freezes (getStats totalFreezesDuration) in the window
COUNTERS = ("moa_media_nacks_total{direction=\"sent\"}", "moa_media_nack_requested_packets_total",
            "moa_media_rtx_received_total", "moa_media_nacks_total{direction=\"received\"}",
            "moa_media_retransmitted_total", "moa_media_plis_total{direction=\"sent\"}",
            "moa_media_rtp_forwarded_total")


async def main():
    allow_loopback_candidates()
    server = await Server().start()
    browser = BrowserPeer()
    relay = LossyRelay(LOSS).start()
    peer = None
    try:
        await browser.start(server, "member01a@moa.example", 1)
        peer = AiortcPeer(server, "member01b@moa.example", rewrite_answer=relay.point)
        await peer.join(1)
        audio, video = synthetic_tracks()
        await peer.publish([audio, video])
        log(f"aiortc publishes through the relay on 127.0.0.1:{relay.port} -> {relay.target}, "
            f"dropping {LOSS:.0%} of its RTP/RTCP")

        def diag():
            return (f"browser={browser.stats} relay media={relay.media_in} dropped={relay.dropped} "
                    f"pub={peer.pub.connectionState}\nserver stderr:\n{server.output()}")

        await wait_until(lambda: browser.stats.get("framesDecoded", 0) > 30,
                         "the browser decoding aiortc's video through the lossy relay", 60, diag)
        m0, b0, r0 = await server.metrics(), dict(browser.stats), (relay.media_in, relay.dropped)
        t0 = time.monotonic()
        await asyncio.sleep(WINDOW_S)
        m1, b1, r1 = await server.metrics(), dict(browser.stats), (relay.media_in, relay.dropped)
        t1 = time.monotonic()

        # Longest stretch of the window in which the browser decoded no frame.
        stall, last_t, last_f = 0.0, t0, b0["framesDecoded"]
        for t, s in browser.history:
            if t < t0:
                continue
            if s["framesDecoded"] > last_f:
                stall, last_t, last_f = max(stall, t - last_t), t, s["framesDecoded"]
        stall = max(stall, t1 - last_t)

        media, dropped = r1[0] - r0[0], r1[1] - r0[1]
        delta = {k: int(m1.get(k, 0) - m0.get(k, 0)) for k in COUNTERS}
        bd = {k: round(b1.get(k, 0) - b0.get(k, 0), 3) for k in
              ("framesDecoded", "videoPackets", "videoPacketsLost", "nackCount", "pliCount", "freezeCount",
               "totalFreezesDuration")}
        log(f"in {t1 - t0:.1f} s: relay dropped {dropped} of {media} publisher RTP/RTCP packets "
            f"({dropped / max(media, 1):.1%})")
        log("server counters (delta): " + ", ".join(f"{k}={v}" for k, v in delta.items()))
        log("browser subscriber (delta): " + ", ".join(f"{k}={v}" for k, v in bd.items()) +
            f"; longest stall {stall:.1f} s")

        check(dropped >= 0.03 * media and dropped >= 30,
              f"the relay dropped only {dropped} of {media} packets: the test did not test loss")
        check(bd["framesDecoded"] >= 10 * WINDOW_S,
              f"the browser decoded only {bd['framesDecoded']} frames in {WINDOW_S} s of 5% loss")
        check(stall <= MAX_STALL_S, f"the browser's video stood still for {stall:.1f} s (limit {MAX_STALL_S} s)")
        check(bd["totalFreezesDuration"] <= MAX_FROZEN_S,
              f"the browser's video froze {bd['totalFreezesDuration']} s of {WINDOW_S} s (limit {MAX_FROZEN_S} s)")
        nacked = delta["moa_media_nack_requested_packets_total"]
        check(delta["moa_media_nacks_total{direction=\"sent\"}"] > 0 and nacked >= dropped // 4,
              f"the server NACKed {nacked} sequence numbers upstream for {dropped} lost packets")
        check(delta["moa_media_rtx_received_total"] >= dropped // 8,
              f"only {delta['moa_media_rtx_received_total']} packets recovered by RTX for {dropped} lost")
    finally:
        relay.close()
        if peer:
            await peer.close()
        await browser.stop()
        code = await server.stop()
    if code != 0:
        raise Failure(f"moa exited with {code}:\n{server.output()}")


if __name__ == "__main__":
    run_in_netns(main)
