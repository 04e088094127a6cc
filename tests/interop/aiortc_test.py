"""Interop with an independent WebRTC stack: aiortc (Debian's python3-aiortc 1.4, which offers
only SRTP_AES128_CM_SHA1_80) and headless Chromium in one consortium lounge, through the real
moa binary inside a network namespace this test makes (see moa_interop.py).

Chromium (tests/interop/browser_peer.mjs) joins as member01a and publishes its fake camera and
microphone. aiortc signs in as member01b through the documented protocol (auth.login,
room.list, room.join, media.publish, media.offer/media.answer), publishes a synthetic moving
pattern and a tone, and subscribes. Proven: the browser decodes aiortc's video (framesDecoded
rising in its getStats) and receives its audio; aiortc decodes the browser's video and audio
frames (counted from track.recv()); 40 s after connecting media still flows both ways (both
stacks keep ICE consent with authenticated checks; nobody got room.left), and that after
malformed DTLS datagrams sent from aiortc's own ICE pairs (RFC 6347 4.1.2.7: discarded); after both leave, the worker holds no object (/metrics);
the server exits cleanly (under ASan: no leak, no error)."""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moa_interop import (AiortcPeer, BrowserPeer, Failure, Server, allow_loopback_candidates,  # noqa: E402
                         check, log, run_in_netns, synthetic_tracks, wait_until)

CONSENT_HOLD_S = 40  # media must outlive the 30 s consent window


async def send_dtls_garbage(pc, count=120):
    """Sends malformed DTLS records to the server from pc's nominated ICE pair: every content
    type, epochs 0, 1 (the live one) and 2, bodies of 0..39 bytes (too short for an AEAD tag,
    or a forged one), some truncated. Returns how many datagrams went."""
    t = pc.getTransceivers()[0]
    dtls = t.sender.transport or t.receiver.transport
    conn = dtls.transport._connection  # aioice.Connection
    for i in range(count):
        body = i % 40
        declared = body + (7 if i % 5 == 4 else 0)
        rec = (bytes([20 + i % 44, 0xFE, 0xFD, 0, i % 3]) + (100000 + i).to_bytes(6, "big") +
               declared.to_bytes(2, "big") + os.urandom(body))
        await conn.send(rec)
        await asyncio.sleep(0.005)
    return count


async def main():
    allow_loopback_candidates()
    server = await Server().start()
    browser = BrowserPeer()
    peer = None
    try:
        log(f"moa on {server.url}")
        await browser.start(server, "member01a@moa.example", 1)
        log(f"browser joined: {browser.joined}")
        peer = AiortcPeer(server, "member01b@moa.example")
        joined = await peer.join(1)
        others = [p["participant_id"] for p in joined["participants"]]
        check(browser.joined["participant_id"] in others,
              f"room.join did not list the browser participant: {joined['participants']}")
        audio, video = synthetic_tracks()
        published = await peer.publish([audio, video])
        kinds = sorted(t["kind"] for t in published["tracks"])
        check(kinds == ["audio", "video"], f"media.publish answered tracks {published['tracks']}")
        check("a=ice-lite" in published["sdp"], "the answer is not ICE-lite")
        log(f"aiortc published tracks {published['tracks']}")

        def diag():
            return (f"browser={browser.stats} aiortc frames={peer.frames} pub={peer.pub.connectionState} "
                    f"sub={peer.sub.connectionState} offers={peer.offers}\nserver stderr:\n{server.output()}")

        await wait_until(lambda: peer.pub.connectionState == "connected", "aiortc's publish PC connected", 30, diag)
        connected_at = time.monotonic()
        await wait_until(lambda: browser.stats.get("framesDecoded", 0) > 30,
                         "the browser decoding aiortc's video", 40, diag)
        await wait_until(lambda: peer.frames["video"] > 30 and peer.frames["audio"] > 50,
                         "aiortc decoding the browser's video and audio", 40, diag)
        # media.connected: the server told aiortc when each of its PeerConnections' media was up
        # (DTLS done, SRTP keys in place), once each.
        await wait_until(lambda: {d for d, _ in peer.connected} == {"publish", "subscribe"},
                         "media.connected for the publish and the subscribe PeerConnection", 10,
                         lambda: f"media.connected seen: {peer.connected}")
        check(len(peer.connected) == 2, f"media.connected more than once per PeerConnection: {peer.connected}")
        log(f"media.connected (direction, s after room.join): {peer.connected}")
        b1, a1, m1 = dict(browser.stats), dict(peer.frames), await server.metrics()
        await asyncio.sleep(3)
        b2, a2, m2 = dict(browser.stats), dict(peer.frames), await server.metrics()
        log("server counters in those 3 s: " + ", ".join(
            f"{k} +{m2[k] - m1.get(k, 0):g}" for k in sorted(m2)
            if k.startswith(("moa_media_packets", "moa_media_dropped", "moa_media_nacks", "moa_media_plis"))))
        log(f"browser: framesDecoded {b1['framesDecoded']} -> {b2['framesDecoded']}, audio packets "
            f"{b1['audioPackets']} -> {b2['audioPackets']}, codecs {b2.get('codecs')}")
        log(f"browser sent (layer:height/frames encoded/limit): {b1.get('sent')} -> {b2.get('sent')}")
        log(f"aiortc: video frames {a1['video']} -> {a2['video']} ({peer.video_size}), "
            f"audio frames {a1['audio']} -> {a2['audio']}")
        check(b2["framesDecoded"] >= b1["framesDecoded"] + 30,
              f"browser framesDecoded of aiortc's video not rising: {b1['framesDecoded']} -> {b2['framesDecoded']}")
        check(b2["audioPackets"] >= b1["audioPackets"] + 50,
              f"browser not receiving aiortc's audio: {b1['audioPackets']} -> {b2['audioPackets']}")
        check(a2["video"] >= a1["video"] + 30, f"aiortc video frames not rising: {a1['video']} -> {a2['video']}")
        check(a2["audio"] >= a1["audio"] + 100, f"aiortc audio frames not rising: {a1['audio']} -> {a2['audio']}")

        # RFC 6347 4.1.2.7: malformed DTLS records from the participant's own verified address
        # (its nominated ICE pair) are discarded; they used to end its media (media_failed).
        sent = await send_dtls_garbage(peer.pub) + await send_dtls_garbage(peer.sub)
        log(f"sent {sent} malformed DTLS datagrams from aiortc's two ICE pairs")

        # Past the 30 s consent window: both stacks keep consent with authenticated checks, so
        # media still flows both ways and nobody was taken out of the room.
        await asyncio.sleep(max(0, CONSENT_HOLD_S - (time.monotonic() - connected_at)))
        b3, a3 = dict(browser.stats), dict(peer.frames)
        log(f"{time.monotonic() - connected_at:.0f} s after connecting: browser framesDecoded "
            f"{b3['framesDecoded']}, aiortc video frames {a3['video']}")
        check(b3["framesDecoded"] >= b2["framesDecoded"] + 100 and a3["video"] >= a2["video"] + 100,
              f"media stopped before {CONSENT_HOLD_S} s: browser {b2['framesDecoded']} -> {b3['framesDecoded']}, "
              f"aiortc {a2['video']} -> {a3['video']}")
        left = [e for e in list(peer.sig.events._queue) if e.get("type") == "room.left"]
        check(not left, f"aiortc was taken out of the room: {left}")
        check(browser.stats.get("sub") == "connected" and browser.stats.get("pub") == "connected",
              f"the browser's PeerConnections are {browser.stats.get('pub')}/{browser.stats.get('sub')}")
        m = await server.metrics()
        log("server: " + ", ".join(f"{k}={int(v)}" for k, v in m.items()
                                   if k.startswith(("moa_media_nacks", "moa_media_plis", "moa_media_dropped",
                                                    "moa_media_rtp_forwarded", "moa_media_srtp"))))

        await peer.close()
        peer = None
        await browser.stop()

        async def released():
            m = await server.metrics()
            return all(m.get(f"moa_media_{g}") == 0 for g in ("rooms", "peers", "producers", "consumers"))

        await wait_until(released, "the worker to release every object after both left", 20,
                         lambda: server.output())
        log("after leaving: rooms, peers, producers and consumers all 0")
    finally:
        if peer:
            await peer.close()
        await browser.stop()
        code = await server.stop()
    if code != 0:
        raise Failure(f"moa exited with {code}:\n{server.output()}")


if __name__ == "__main__":
    run_in_netns(main)
