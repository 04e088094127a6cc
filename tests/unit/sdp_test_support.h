/* What the SDP unit tests share (tests/unit/test_sdp.c, test_sdp_negotiate.c): real offers and a
 * real answer captured on this machine, and helpers that parse, edit and build. Include after
 * cmocka.h. */
#ifndef MOA_TESTS_SDP_TEST_SUPPORT_H
#define MOA_TESTS_SDP_TEST_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/sdp.h"

/* Chromium 156 (HeadlessChrome/156.0.0.0), captured on this machine: addTransceiver(sendonly) for a
 * fake camera + microphone, bundlePolicy max-bundle. Candidates use documentation addresses. */
static const char CHROME_OFFER[] __attribute__((unused)) =
    "v=0\r\n"
    "o=- 9196265493888624996 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS dfc037fb-2010-44d9-a997-7f317911b976\r\n"
    "m=audio 51205 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 192.0.2.2\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=candidate:3506121589 1 udp 2122194687 192.0.2.2 51205 typ host generation 0 network-id 1\r\n"
    "a=candidate:3616098245 1 udp 2122265343 fd00::2 40811 typ host generation 0 network-id 2\r\n"
    "a=candidate:2922695149 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active generation 0 network-id "
    "1\r\n"
    "a=candidate:2839979357 1 tcp 1518285567 fd00::2 9 typ host tcptype active generation 0 network-id 2\r\n"
    "a=ice-ufrag:LV4q\r\n"
    "a=ice-pwd:iTlc3ZyqSP7rfPxnPOx0zqPL\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "D5:D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendonly\r\n"
    "a=msid:dfc037fb-2010-44d9-a997-7f317911b976 75549c3d-3ea0-425a-ada1-c49d6282ee25\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtcp-xr:rcvr-rtt=all\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:13 CN/8000\r\n"
    "a=rtpmap:110 telephone-event/48000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:3709246340 cname:zFl+Nj3gmmNbgLiV\r\n"
    "a=ssrc:3709246340 msid:dfc037fb-2010-44d9-a997-7f317911b976 75549c3d-3ea0-425a-ada1-c49d6282ee25\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 "
    "119 120\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:LV4q\r\n"
    "a=ice-pwd:iTlc3ZyqSP7rfPxnPOx0zqPL\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "D5:D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:13 urn:3gpp:video-orientation\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
    "a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type\r\n"
    "a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing\r\n"
    "a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
    "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n"
    "a=sendonly\r\n"
    "a=msid:dfc037fb-2010-44d9-a997-7f317911b976 390ad947-0161-4a63-839d-29d0d176ab53\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtcp-xr:rcvr-rtt=all\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=rtpmap:102 H264/90000\r\n"
    "a=rtcp-fb:102 goog-remb\r\n"
    "a=rtcp-fb:102 transport-cc\r\n"
    "a=rtcp-fb:102 ccm fir\r\n"
    "a=rtcp-fb:102 nack\r\n"
    "a=rtcp-fb:102 nack pli\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:103 rtx/90000\r\n"
    "a=fmtp:103 apt=102\r\n"
    "a=rtpmap:104 H264/90000\r\n"
    "a=rtcp-fb:104 goog-remb\r\n"
    "a=rtcp-fb:104 transport-cc\r\n"
    "a=rtcp-fb:104 ccm fir\r\n"
    "a=rtcp-fb:104 nack\r\n"
    "a=rtcp-fb:104 nack pli\r\n"
    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
    "a=rtpmap:107 rtx/90000\r\n"
    "a=fmtp:107 apt=104\r\n"
    "a=rtpmap:108 H264/90000\r\n"
    "a=rtcp-fb:108 goog-remb\r\n"
    "a=rtcp-fb:108 transport-cc\r\n"
    "a=rtcp-fb:108 ccm fir\r\n"
    "a=rtcp-fb:108 nack\r\n"
    "a=rtcp-fb:108 nack pli\r\n"
    "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:109 rtx/90000\r\n"
    "a=fmtp:109 apt=108\r\n"
    "a=rtpmap:114 H264/90000\r\n"
    "a=rtcp-fb:114 goog-remb\r\n"
    "a=rtcp-fb:114 transport-cc\r\n"
    "a=rtcp-fb:114 ccm fir\r\n"
    "a=rtcp-fb:114 nack\r\n"
    "a=rtcp-fb:114 nack pli\r\n"
    "a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
    "a=rtpmap:115 rtx/90000\r\n"
    "a=fmtp:115 apt=114\r\n"
    "a=rtpmap:116 H264/90000\r\n"
    "a=rtcp-fb:116 goog-remb\r\n"
    "a=rtcp-fb:116 transport-cc\r\n"
    "a=rtcp-fb:116 ccm fir\r\n"
    "a=rtcp-fb:116 nack\r\n"
    "a=rtcp-fb:116 nack pli\r\n"
    "a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:117 rtx/90000\r\n"
    "a=fmtp:117 apt=116\r\n"
    "a=rtpmap:39 H264/90000\r\n"
    "a=rtcp-fb:39 goog-remb\r\n"
    "a=rtcp-fb:39 transport-cc\r\n"
    "a=rtcp-fb:39 ccm fir\r\n"
    "a=rtcp-fb:39 nack\r\n"
    "a=rtcp-fb:39 nack pli\r\n"
    "a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f\r\n"
    "a=rtpmap:40 rtx/90000\r\n"
    "a=fmtp:40 apt=39\r\n"
    "a=rtpmap:45 AV1/90000\r\n"
    "a=rtcp-fb:45 goog-remb\r\n"
    "a=rtcp-fb:45 transport-cc\r\n"
    "a=rtcp-fb:45 ccm fir\r\n"
    "a=rtcp-fb:45 nack\r\n"
    "a=rtcp-fb:45 nack pli\r\n"
    "a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"
    "a=rtpmap:46 rtx/90000\r\n"
    "a=fmtp:46 apt=45\r\n"
    "a=rtpmap:98 VP9/90000\r\n"
    "a=rtcp-fb:98 goog-remb\r\n"
    "a=rtcp-fb:98 transport-cc\r\n"
    "a=rtcp-fb:98 ccm fir\r\n"
    "a=rtcp-fb:98 nack\r\n"
    "a=rtcp-fb:98 nack pli\r\n"
    "a=fmtp:98 profile-id=0\r\n"
    "a=rtpmap:99 rtx/90000\r\n"
    "a=fmtp:99 apt=98\r\n"
    "a=rtpmap:100 VP9/90000\r\n"
    "a=rtcp-fb:100 goog-remb\r\n"
    "a=rtcp-fb:100 transport-cc\r\n"
    "a=rtcp-fb:100 ccm fir\r\n"
    "a=rtcp-fb:100 nack\r\n"
    "a=rtcp-fb:100 nack pli\r\n"
    "a=fmtp:100 profile-id=2\r\n"
    "a=rtpmap:101 rtx/90000\r\n"
    "a=fmtp:101 apt=100\r\n"
    "a=rtpmap:118 red/90000\r\n"
    "a=rtpmap:119 rtx/90000\r\n"
    "a=fmtp:119 apt=118\r\n"
    "a=rtpmap:120 ulpfec/90000\r\n"
    "a=ssrc-group:FID 2033909644 16505501\r\n"
    "a=ssrc:2033909644 cname:zFl+Nj3gmmNbgLiV\r\n"
    "a=ssrc:2033909644 msid:dfc037fb-2010-44d9-a997-7f317911b976 390ad947-0161-4a63-839d-29d0d176ab53\r\n"
    "a=ssrc:16505501 cname:zFl+Nj3gmmNbgLiV\r\n"
    "a=ssrc:16505501 msid:dfc037fb-2010-44d9-a997-7f317911b976 390ad947-0161-4a63-839d-29d0d176ab53\r\n";

/* Firefox 121 shape (session-level fingerprint, extmap "/recvonly", fmtp before rtpmap,
 * {uuid} msids, 8/32-hex ICE credentials); written from Firefox captures, not captured here. */
static const char FIREFOX_OFFER[] __attribute__((unused)) =
    "v=0\r\n"
    "o=mozilla...THIS_IS_SDPARTA-121.0 4294608127362218046 0 IN IP4 0.0.0.0\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "a=fingerprint:sha-256 "
    "9A:1C:5E:30:8F:2B:74:D1:06:E3:4A:B9:C2:58:7D:11:F0:63:AE:95:28:4C:DB:37:80:1F:E6:52:CA:09:B4:7E\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=ice-options:trickle\r\n"
    "a=msid-semantic:WMS *\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=sendonly\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n"
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ice-pwd:4d9a6b3e0e1c5b8f2a7d6c3b1e0f9a8d\r\n"
    "a=ice-ufrag:7f3e2a1b\r\n"
    "a=mid:0\r\n"
    "a=msid:{0c6a1f4e-8a6b-4d0c-9e2f-3b5d7a9c1e20} {5e8b2d4f-1a3c-4e6b-8d0f-2a4c6e8b0d12}\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:109 opus/48000/2\r\n"
    "a=rtpmap:9 G722/8000/1\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000/1\r\n"
    "a=setup:actpass\r\n"
    "a=ssrc:2870123456 cname:{b7c4e2a1-3f5d-4a6b-9c8e-1d2f3a4b5c6d}\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=sendonly\r\n"
    "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:5 urn:ietf:params:rtp-hdrext:toffset\r\n"
    "a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
    "a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n"
    "a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1\r\n"
    "a=fmtp:120 max-fs=12288;max-fr=60\r\n"
    "a=fmtp:124 apt=120\r\n"
    "a=fmtp:121 max-fs=12288;max-fr=60\r\n"
    "a=fmtp:125 apt=121\r\n"
    "a=fmtp:127 apt=126\r\n"
    "a=fmtp:98 apt=97\r\n"
    "a=fmtp:119 apt=122\r\n"
    "a=ice-pwd:4d9a6b3e0e1c5b8f2a7d6c3b1e0f9a8d\r\n"
    "a=ice-ufrag:7f3e2a1b\r\n"
    "a=mid:1\r\n"
    "a=msid:{0c6a1f4e-8a6b-4d0c-9e2f-3b5d7a9c1e20} {9a2c4e6b-8d0f-4a1c-b3e5-7f9a1c3e5b70}\r\n"
    "a=rtcp-fb:120 nack\r\n"
    "a=rtcp-fb:120 nack pli\r\n"
    "a=rtcp-fb:120 ccm fir\r\n"
    "a=rtcp-fb:120 goog-remb\r\n"
    "a=rtcp-fb:120 transport-cc\r\n"
    "a=rtcp-fb:121 nack\r\n"
    "a=rtcp-fb:121 nack pli\r\n"
    "a=rtcp-fb:121 ccm fir\r\n"
    "a=rtcp-fb:121 goog-remb\r\n"
    "a=rtcp-fb:121 transport-cc\r\n"
    "a=rtcp-fb:126 nack\r\n"
    "a=rtcp-fb:126 nack pli\r\n"
    "a=rtcp-fb:126 ccm fir\r\n"
    "a=rtcp-fb:126 goog-remb\r\n"
    "a=rtcp-fb:126 transport-cc\r\n"
    "a=rtcp-fb:97 nack\r\n"
    "a=rtcp-fb:97 nack pli\r\n"
    "a=rtcp-fb:97 ccm fir\r\n"
    "a=rtcp-fb:97 goog-remb\r\n"
    "a=rtcp-fb:97 transport-cc\r\n"
    "a=rtcp-fb:123 nack\r\n"
    "a=rtcp-fb:123 nack pli\r\n"
    "a=rtcp-fb:123 ccm fir\r\n"
    "a=rtcp-fb:123 goog-remb\r\n"
    "a=rtcp-fb:123 transport-cc\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:120 VP8/90000\r\n"
    "a=rtpmap:124 rtx/90000\r\n"
    "a=rtpmap:121 VP9/90000\r\n"
    "a=rtpmap:125 rtx/90000\r\n"
    "a=rtpmap:126 H264/90000\r\n"
    "a=rtpmap:127 rtx/90000\r\n"
    "a=rtpmap:97 H264/90000\r\n"
    "a=rtpmap:98 rtx/90000\r\n"
    "a=rtpmap:123 ulpfec/90000\r\n"
    "a=rtpmap:122 red/90000\r\n"
    "a=rtpmap:119 rtx/90000\r\n"
    "a=setup:actpass\r\n"
    "a=ssrc:1849375210 cname:{b7c4e2a1-3f5d-4a6b-9c8e-1d2f3a4b5c6d}\r\n"
    "a=ssrc:3362015847 cname:{b7c4e2a1-3f5d-4a6b-9c8e-1d2f3a4b5c6d}\r\n"
    "a=ssrc-group:FID 1849375210 3362015847\r\n";

/* aiortc 1.4.0 (Debian python3-aiortc), captured on this machine: sendonly audio + video
 * transceivers. Note the different ice-ufrag per bundled m-section and "a=rtcp:9" lines. */
static const char AIORTC_OFFER[] __attribute__((unused)) =
    "v=0\r\n"
    "o=- 4004574712 4004574712 IN IP4 0.0.0.0\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=msid-semantic:WMS *\r\n"
    "m=audio 49886 UDP/TLS/RTP/SAVPF 96 0 8\r\n"
    "c=IN IP4 192.0.2.2\r\n"
    "a=sendonly\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=mid:0\r\n"
    "a=msid:cf1603ef-1725-4913-9741-d8ce31794867 4742ccb9-8e73-44f9-81ee-7423a17137ce\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=rtcp-mux\r\n"
    "a=ssrc:3384954583 cname:f36eb0e9-0e09-48f3-ac90-9aebb3b05631\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 192.0.2.2 49886 typ host\r\n"
    "a=candidate:d0bcf3d9c29a2bc887618212a1623bfa 1 udp 2130706431 fd00::2 45727 typ host\r\n"
    "a=end-of-candidates\r\n"
    "a=ice-ufrag:mtc5\r\n"
    "a=ice-pwd:lb46Sw9ndkILn2XAXDnkJS\r\n"
    "a=fingerprint:sha-256 "
    "9B:A1:BE:6E:C0:FF:D4:CB:82:7D:C7:11:71:C5:02:21:0D:8E:3B:E5:34:6A:4E:2A:47:40:DB:6A:9D:8B:73:86\r\n"
    "a=setup:actpass\r\n"
    "m=video 45918 UDP/TLS/RTP/SAVPF 97 98 99 100 101 102\r\n"
    "c=IN IP4 192.0.2.2\r\n"
    "a=sendonly\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=mid:1\r\n"
    "a=msid:cf1603ef-1725-4913-9741-d8ce31794867 96994a56-13e7-4fc8-8245-6589c654488f\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=rtcp-mux\r\n"
    "a=ssrc-group:FID 2626520703 973507393\r\n"
    "a=ssrc:2626520703 cname:f36eb0e9-0e09-48f3-ac90-9aebb3b05631\r\n"
    "a=ssrc:973507393 cname:f36eb0e9-0e09-48f3-ac90-9aebb3b05631\r\n"
    "a=rtpmap:97 VP8/90000\r\n"
    "a=rtcp-fb:97 nack\r\n"
    "a=rtcp-fb:97 nack pli\r\n"
    "a=rtcp-fb:97 goog-remb\r\n"
    "a=rtpmap:98 rtx/90000\r\n"
    "a=fmtp:98 apt=97\r\n"
    "a=rtpmap:99 H264/90000\r\n"
    "a=rtcp-fb:99 nack\r\n"
    "a=rtcp-fb:99 nack pli\r\n"
    "a=rtcp-fb:99 goog-remb\r\n"
    "a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:100 rtx/90000\r\n"
    "a=fmtp:100 apt=99\r\n"
    "a=rtpmap:101 H264/90000\r\n"
    "a=rtcp-fb:101 nack\r\n"
    "a=rtcp-fb:101 nack pli\r\n"
    "a=rtcp-fb:101 goog-remb\r\n"
    "a=fmtp:101 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:102 rtx/90000\r\n"
    "a=fmtp:102 apt=101\r\n"
    "a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 192.0.2.2 45918 typ host\r\n"
    "a=candidate:d0bcf3d9c29a2bc887618212a1623bfa 1 udp 2130706431 fd00::2 56266 typ host\r\n"
    "a=end-of-candidates\r\n"
    "a=ice-ufrag:jkDs\r\n"
    "a=ice-pwd:SsYrKx6uaCG6Ec45CVaydi\r\n"
    "a=fingerprint:sha-256 "
    "9B:A1:BE:6E:C0:FF:D4:CB:82:7D:C7:11:71:C5:02:21:0D:8E:3B:E5:34:6A:4E:2A:47:40:DB:6A:9D:8B:73:86\r\n"
    "a=setup:actpass\r\n";

/* Chromium 156 answer, captured on this machine, to the subscribe offer of make_tracks()
 * (mids a1 v1 v2: opus 111, VP8 96/97, H264 102/103) from sdp_build_offer(). */
static const char CHROME_SUB_ANSWER[] __attribute__((unused)) =
    "v=0\r\n"
    "o=- 520540881726692550 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE a1 v1 v2\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:T7Ay\r\n"
    "a=ice-pwd:P780eXgpLeFI3Z658k9jHTNW\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "74:8E:19:16:02:37:DE:30:3C:08:44:E3:BB:30:CE:E2:22:9A:F6:08:17:D5:37:9E:E7:2F:38:A5:54:4E:28:9A\r\n"
    "a=setup:active\r\n"
    "a=mid:a1\r\n"
    "a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:T7Ay\r\n"
    "a=ice-pwd:P780eXgpLeFI3Z658k9jHTNW\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "74:8E:19:16:02:37:DE:30:3C:08:44:E3:BB:30:CE:E2:22:9A:F6:08:17:D5:37:9E:E7:2F:38:A5:54:4E:28:9A\r\n"
    "a=setup:active\r\n"
    "a=mid:v1\r\n"
    "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:T7Ay\r\n"
    "a=ice-pwd:P780eXgpLeFI3Z658k9jHTNW\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "74:8E:19:16:02:37:DE:30:3C:08:44:E3:BB:30:CE:E2:22:9A:F6:08:17:D5:37:9E:E7:2F:38:A5:54:4E:28:9A\r\n"
    "a=setup:active\r\n"
    "a=mid:v2\r\n"
    "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:102 H264/90000\r\n"
    "a=rtcp-fb:102 goog-remb\r\n"
    "a=rtcp-fb:102 transport-cc\r\n"
    "a=rtcp-fb:102 ccm fir\r\n"
    "a=rtcp-fb:102 nack\r\n"
    "a=rtcp-fb:102 nack pli\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:103 rtx/90000\r\n"
    "a=fmtp:103 apt=102\r\n";

/* ---- helpers ---- */

static inline sdp_session *new_session(void) {
  sdp_session *s = calloc(1, sizeof *s);
  assert_non_null(s);
  return s;
}

static inline sdp_session *parse_ok(const char *text) {
  sdp_session *s = new_session();
  char err[256] = "";
  int rc = sdp_parse(text, strlen(text), s, err, sizeof err);
  if (rc != 0) fail_msg("sdp_parse failed: %s", err);
  return s;
}

/* Parses text expecting failure; checks err mentions `want` (when not NULL). */
static inline void parse_fails(const char *text, size_t len, const char *want) {
  sdp_session *s = new_session();
  char err[256] = "";
  int rc = sdp_parse(text, len, s, err, sizeof err);
  if (rc != -1) fail_msg("sdp_parse accepted input expected to fail with '%s'", want ? want : "?");
  assert_true(err[0] != '\0');
  if (want && !strstr(err, want)) fail_msg("error '%s' does not mention '%s'", err, want);
  free(s);
}

/* Copy of src where the first line starting with `prefix` is replaced by `repl` (a line without
 * ending; NULL deletes it). With all=true every such line is edited. Caller frees. */
static inline char *edit_lines(const char *src, const char *prefix, const char *repl, bool all) {
  size_t cap = strlen(src) + 64 * 1024;
  char *out = malloc(cap), *o = out;
  bool done = false;
  assert_non_null(out);
  for (const char *p = src; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
    if ((!done || all) && strncmp(p, prefix, strlen(prefix)) == 0) {
      done = true;
      if (repl) o += sprintf(o, "%s\r\n", repl);
    } else {
      memcpy(o, p, n);
      o += n;
    }
    p += n;
  }
  *o = '\0';
  assert_true(done);
  return out;
}

static inline sdp_local local_params(void) {
  sdp_local l = {.ice_ufrag = "moaU",
                 .ice_pwd = "moaServerPassword012345",
                 .ip = "203.0.113.7",
                 .port = 40000,
                 .foundation = "1",
                 .session_id = 42,
                 .session_version = 1};
  for (int i = 0; i < SDP_FINGERPRINT_LEN; i++) l.fingerprint[i] = (uint8_t)(i * 7);
  return l;
}

static inline void make_track(sdp_track *t, const char *mid, const char *codec, int n) {
  memset(t, 0, sizeof *t);
  snprintf(t->mid, sizeof t->mid, "%s", mid);
  t->kind = strcmp(codec, "opus") == 0 ? SDP_KIND_AUDIO : SDP_KIND_VIDEO;
  assert_int_equal(sdp_codec_default(codec, &t->codec, &t->rtx_pt), 0);
  t->ssrc = 1000 + (uint32_t)n;
  t->rtx_ssrc = 2000 + (uint32_t)n;
  snprintf(t->cname, sizeof t->cname, "moacname");
  snprintf(t->stream_id, sizeof t->stream_id, "peer%d", n);
  snprintf(t->track_id, sizeof t->track_id, "trk%d", n);
  t->active = true;
}

/* The three tracks CHROME_SUB_ANSWER answers. */
static inline void make_tracks(sdp_track t[3]) {
  make_track(&t[0], "a1", "opus", 1);
  make_track(&t[1], "v1", "VP8", 2);
  make_track(&t[2], "v2", "H264", 3);
}

static inline const sdp_codec *codec_named(const sdp_media *m, const char *name) {
  for (size_t i = 0; i < m->n_codecs; i++)
    if (strcmp(m->codecs[i].name, name) == 0) return &m->codecs[i];
  return NULL;
}

static inline int ext_id(const sdp_media *m, sdp_ext ext) {
  for (size_t i = 0; i < m->n_extmaps; i++)
    if (strcmp(m->extmaps[i].uri, sdp_ext_uri(ext)) == 0) return m->extmaps[i].id;
  return 0;
}

static char answer_buf[64 * 1024] __attribute__((unused));

/* Builds the answer to `offer_text`, parses it back, checks the invariants every answer has. */
static inline sdp_session *answer_round_trip(const char *offer_text, sdp_session **offer_out,
                                             sdp_choice choices[SDP_MAX_MEDIA]) {
  sdp_session *offer = parse_ok(offer_text);
  sdp_local l = local_params();
  char err[256] = "";
  int n = sdp_build_answer(offer, &l, answer_buf, sizeof answer_buf, choices, err, sizeof err);
  if (n < 0) fail_msg("sdp_build_answer: %s", err);
  assert_int_equal((size_t)n, strlen(answer_buf));
  sdp_session *ans = parse_ok(answer_buf);
  assert_true(ans->ice_lite);
  assert_int_equal(ans->n_media, offer->n_media);
  assert_memory_equal(ans->transport.fingerprint, l.fingerprint, SDP_FINGERPRINT_LEN);
  assert_true(ans->transport.has_fingerprint);
  assert_int_equal(ans->transport.setup, SDP_SETUP_PASSIVE);
  assert_string_equal(ans->transport.ice_ufrag, "moaU");
  assert_string_equal(ans->transport.ice_pwd, "moaServerPassword012345");
  for (size_t i = 0; i < offer->n_media; i++) assert_string_equal(ans->media[i].mid, offer->media[i].mid);
  assert_non_null(strstr(
      answer_buf, "a=candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host\r\na=end-of-candidates\r\n"));
  assert_non_null(strstr(answer_buf, "\r\na=ice-lite\r\n"));
  *offer_out = offer;
  return ans;
}

#endif
