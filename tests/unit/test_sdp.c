/* Unit tests of signaling/sdp: parsing real offers (Chromium 156 and aiortc 1.4 captured on this
 * machine, a Firefox 121-shaped one), negotiation, the publish answer and the subscribe offer
 * parsed back, a real Chromium answer to our subscribe offer, payload type mapping between two
 * browsers, and hostile input: truncation at every byte, bad numbers, oversized sections and lines,
 * garbage and mutated bytes. The suite runs under ASan/UBSan; "never crash" is checked there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above first
#include <cmocka.h>
// clang-format on

#include "signaling/sdp.h"

/* Chromium 156 (HeadlessChrome/156.0.0.0), captured on this machine: addTransceiver(sendonly) for a
 * fake camera + microphone, bundlePolicy max-bundle. Candidates use documentation addresses. */
static const char CHROME_OFFER[] =
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
static const char FIREFOX_OFFER[] =
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
static const char AIORTC_OFFER[] =
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
static const char CHROME_SUB_ANSWER[] =
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

static sdp_session *new_session(void) {
  sdp_session *s = calloc(1, sizeof *s);
  assert_non_null(s);
  return s;
}

static sdp_session *parse_ok(const char *text) {
  sdp_session *s = new_session();
  char err[256] = "";
  int rc = sdp_parse(text, strlen(text), s, err, sizeof err);
  if (rc != 0) fail_msg("sdp_parse failed: %s", err);
  return s;
}

/* Parses text expecting failure; checks err mentions `want` (when not NULL). */
static void parse_fails(const char *text, size_t len, const char *want) {
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
static char *edit_lines(const char *src, const char *prefix, const char *repl, bool all) {
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

static sdp_local local_params(void) {
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

static void make_track(sdp_track *t, const char *mid, const char *codec, int n) {
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
static void make_tracks(sdp_track t[3]) {
  make_track(&t[0], "a1", "opus", 1);
  make_track(&t[1], "v1", "VP8", 2);
  make_track(&t[2], "v2", "H264", 3);
}

static const sdp_codec *codec_named(const sdp_media *m, const char *name) {
  for (size_t i = 0; i < m->n_codecs; i++)
    if (strcmp(m->codecs[i].name, name) == 0) return &m->codecs[i];
  return NULL;
}

static int ext_id(const sdp_media *m, sdp_ext ext) {
  for (size_t i = 0; i < m->n_extmaps; i++)
    if (strcmp(m->extmaps[i].uri, sdp_ext_uri(ext)) == 0) return m->extmaps[i].id;
  return 0;
}

static char answer_buf[64 * 1024];

/* Builds the answer to `offer_text`, parses it back, checks the invariants every answer has. */
static sdp_session *answer_round_trip(const char *offer_text, sdp_session **offer_out,
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

/* ---- parsing real offers ---- */

static void test_parse_chrome_offer(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  assert_false(s->ice_lite);
  assert_int_equal(s->n_bundle, 2);
  assert_string_equal(s->bundle[0], "0");
  assert_string_equal(s->bundle[1], "1");
  assert_string_equal(s->transport.ice_ufrag, "LV4q");
  assert_string_equal(s->transport.ice_pwd, "iTlc3ZyqSP7rfPxnPOx0zqPL");
  assert_true(s->transport.has_fingerprint);
  assert_int_equal(s->transport.fingerprint[0], 0xD5);
  assert_int_equal(s->transport.fingerprint[31], 0xA0);
  assert_int_equal(s->transport.setup, SDP_SETUP_ACTPASS);
  assert_int_equal(s->n_media, 2);

  const sdp_media *a = &s->media[0];
  assert_int_equal(a->kind, SDP_KIND_AUDIO);
  assert_int_equal(a->port, 51205);
  assert_string_equal(a->proto, "UDP/TLS/RTP/SAVPF");
  assert_string_equal(a->mid, "0");
  assert_int_equal(a->direction, SDP_DIR_SENDONLY);
  assert_true(a->rtcp_mux);
  assert_false(a->simulcast);
  assert_int_equal(a->n_codecs, 8);
  const sdp_codec *opus = sdp_media_find_codec(a, 111);
  assert_non_null(opus);
  assert_string_equal(opus->name, "opus");
  assert_int_equal(opus->clock, 48000);
  assert_int_equal(opus->channels, 2);
  assert_string_equal(opus->fmtp, "minptime=10;useinbandfec=1");
  assert_int_equal(opus->fb, SDP_FB_TRANSPORT_CC);
  assert_string_equal(sdp_media_find_codec(a, 63)->name, "red");
  assert_int_equal(a->n_extmaps, 4);
  assert_int_equal(ext_id(a, SDP_EXT_AUDIO_LEVEL), 1);
  assert_int_equal(ext_id(a, SDP_EXT_MID), 4);
  assert_int_equal(a->n_ssrcs, 1);
  assert_int_equal(a->ssrcs[0].ssrc, 3709246340u);
  assert_string_equal(a->ssrcs[0].cname, "zFl+Nj3gmmNbgLiV");
  assert_string_equal(a->ssrcs[0].msid_stream, "dfc037fb-2010-44d9-a997-7f317911b976");
  assert_string_equal(a->msid_track, "75549c3d-3ea0-425a-ada1-c49d6282ee25");
  assert_false(a->has_fid);

  const sdp_media *v = &s->media[1];
  assert_int_equal(v->kind, SDP_KIND_VIDEO);
  assert_int_equal(v->port, 9);
  assert_int_equal(v->n_codecs, 23);
  assert_int_equal(v->codecs[0].pt, 96);
  assert_string_equal(v->codecs[0].name, "VP8");
  assert_int_equal(v->codecs[0].fb, SDP_FB_ALL);
  const sdp_codec *rtx = sdp_media_find_codec(v, 97);
  assert_string_equal(rtx->name, "rtx");
  assert_int_equal(rtx->apt, 96);
  assert_int_equal(rtx->fb, 0);
  assert_string_equal(sdp_media_find_codec(v, 45)->name, "AV1");
  assert_string_equal(sdp_media_find_codec(v, 98)->name, "VP9");
  assert_string_equal(sdp_media_find_codec(v, 120)->name, "ulpfec");
  assert_string_equal(sdp_media_find_codec(v, 108)->fmtp,
                      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  assert_int_equal(v->n_extmaps, 11);
  assert_int_equal(ext_id(v, SDP_EXT_TWCC), 3);
  assert_int_equal(ext_id(v, SDP_EXT_ABS_SEND_TIME), 2);
  assert_true(v->has_fid);
  assert_int_equal(v->fid_primary, 2033909644u);
  assert_int_equal(v->fid_rtx, 16505501u);
  assert_int_equal(v->n_ssrcs, 2);
  assert_string_equal(v->msid_track, "390ad947-0161-4a63-839d-29d0d176ab53");
  free(s);
}

static void test_parse_firefox_offer(void **state) {
  sdp_session *s = parse_ok(FIREFOX_OFFER);
  assert_int_equal(s->n_media, 2);
  assert_string_equal(s->transport.ice_ufrag, "7f3e2a1b");
  assert_true(s->transport.has_fingerprint); /* session level, inherited */
  assert_int_equal(s->media[1].transport.fingerprint[0], 0x9A);
  assert_int_equal(s->media[0].transport.setup, SDP_SETUP_ACTPASS);
  const sdp_media *a = &s->media[0], *v = &s->media[1];
  assert_int_equal(a->direction, SDP_DIR_SENDONLY); /* media level wins over session a=sendrecv */
  assert_int_equal(a->extmaps[1].direction, SDP_DIR_RECVONLY);
  assert_string_equal(a->extmaps[1].uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  const sdp_codec *opus = sdp_media_find_codec(a, 109);
  assert_string_equal(opus->fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1"); /* fmtp before rtpmap */
  assert_int_equal(opus->channels, 2);
  assert_int_equal(sdp_media_find_codec(a, 101)->channels, 1);
  assert_int_equal(sdp_media_find_codec(v, 124)->apt, 120);
  assert_int_equal(sdp_media_find_codec(v, 120)->fb, SDP_FB_ALL);
  assert_int_equal(sdp_media_find_codec(v, 122)->fb, 0);
  assert_true(v->has_fid);
  assert_int_equal(v->fid_rtx, 3362015847u);
  assert_string_equal(v->msid_stream, "{0c6a1f4e-8a6b-4d0c-9e2f-3b5d7a9c1e20}");
  assert_string_equal(v->ssrcs[0].cname, "{b7c4e2a1-3f5d-4a6b-9c8e-1d2f3a4b5c6d}");
  free(s);
}

static void test_parse_aiortc_offer(void **state) {
  sdp_session *s = parse_ok(AIORTC_OFFER);
  assert_int_equal(s->n_media, 2);
  /* aiortc gives each bundled m-section its own credentials: the BUNDLE tag's are the transport's */
  assert_string_equal(s->media[0].transport.ice_ufrag, "mtc5");
  assert_string_equal(s->media[1].transport.ice_ufrag, "jkDs");
  assert_string_equal(s->transport.ice_ufrag, "mtc5");
  assert_string_equal(s->transport.ice_pwd, "lb46Sw9ndkILn2XAXDnkJS");
  assert_int_equal(s->media[0].direction, SDP_DIR_SENDONLY);
  assert_string_equal(sdp_media_find_codec(&s->media[0], 96)->name, "opus");
  assert_string_equal(sdp_media_find_codec(&s->media[1], 97)->name, "VP8");
  assert_int_equal(sdp_media_find_codec(&s->media[1], 98)->apt, 97);
  assert_int_equal(s->media[1].fid_primary, 2626520703u);
  assert_string_equal(s->media[0].ssrcs[0].cname, "f36eb0e9-0e09-48f3-ac90-9aebb3b05631");
  free(s);
}

static char *strip_cr(const char *src) {
  char *out = malloc(strlen(src) + 1), *o = out;
  assert_non_null(out);
  for (; *src; src++)
    if (*src != '\r') *o++ = *src;
  *o = '\0';
  return out;
}

/* "\n" line endings, and no final line ending, give the same result as "\r\n". */
static void test_parse_lf_only_equals_crlf(void **state) {
  static char a1[64 * 1024];
  sdp_local l = local_params();
  char err[256];
  sdp_session *crlf = parse_ok(CHROME_OFFER);
  assert_true(sdp_build_answer(crlf, &l, a1, sizeof a1, NULL, err, sizeof err) > 0);
  char *lf = strip_cr(CHROME_OFFER);
  lf[strlen(lf) - 1] = '\0';
  sdp_session *s = parse_ok(lf);
  assert_true(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err) > 0);
  assert_string_equal(a1, answer_buf);
  assert_int_equal(s->media[1].n_codecs, 23);
  free(lf);
  free(s);
  free(crlf);
}

/* ---- negotiation and the publish answer ---- */

static void test_answer_chrome_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(CHROME_OFFER, &offer, ch);
  assert_int_equal(ans->n_bundle, 2);
  assert_string_equal(ans->bundle[0], "0");
  assert_string_equal(ans->bundle[1], "1");

  const sdp_media *a = &ans->media[0];
  assert_true(ch[0].accepted);
  assert_int_equal(offer->media[0].codecs[ch[0].codec].pt, 111);
  assert_int_equal(ch[0].rtx, -1);
  assert_int_equal(a->port, 40000);
  assert_int_equal(a->direction, SDP_DIR_RECVONLY);
  assert_true(a->rtcp_mux);
  assert_int_equal(a->n_codecs, 1);
  assert_int_equal(a->codecs[0].pt, 111);
  assert_string_equal(a->codecs[0].name, "opus");
  assert_int_equal(a->codecs[0].channels, 2);
  assert_int_equal(a->codecs[0].fb, 0); /* no transport-cc: the SFU sends REMB instead */
  /* extensions echoed with the browser's ids; transport-cc is not answered */
  assert_int_equal(a->n_extmaps, 3);
  assert_int_equal(ext_id(a, SDP_EXT_MID), 4);
  assert_int_equal(ext_id(a, SDP_EXT_AUDIO_LEVEL), 1);
  assert_int_equal(ext_id(a, SDP_EXT_ABS_SEND_TIME), 2);
  assert_int_equal(ext_id(a, SDP_EXT_TWCC), 0);
  assert_int_equal(a->n_ssrcs, 0);

  const sdp_media *v = &ans->media[1];
  assert_int_equal(v->n_codecs, 2);
  assert_int_equal(v->codecs[0].pt, 96);
  assert_string_equal(v->codecs[0].name, "VP8");
  assert_int_equal(v->codecs[0].fb, SDP_FB_ALL & ~SDP_FB_TRANSPORT_CC);
  assert_int_equal(v->codecs[1].pt, 97);
  assert_int_equal(v->codecs[1].apt, 96);
  assert_int_equal(v->n_extmaps, 2); /* mid, abs-send-time; no twcc, no toffset, no audio level */
  assert_int_equal(ext_id(v, SDP_EXT_MID), 4);
  assert_int_equal(ext_id(v, SDP_EXT_TWCC), 0);
  assert_int_equal(ch[1].ext_ids[SDP_EXT_ABS_SEND_TIME], 2);
  assert_int_equal(ch[1].ext_ids[SDP_EXT_AUDIO_LEVEL], 0);
  free(ans);
  free(offer);
}

static void test_answer_firefox_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(FIREFOX_OFFER, &offer, ch);
  assert_int_equal(ans->media[0].codecs[0].pt, 109);
  assert_string_equal(ans->media[0].codecs[0].fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  assert_int_equal(ans->media[0].n_extmaps, 2); /* audio level 1, mid 3; csrc level not kept */
  assert_int_equal(ext_id(&ans->media[0], SDP_EXT_MID), 3);
  assert_int_equal(ans->media[1].codecs[0].pt, 120);
  assert_int_equal(ans->media[1].codecs[1].pt, 124);
  assert_int_equal(ans->media[1].codecs[1].apt, 120);
  assert_int_equal(ext_id(&ans->media[1], SDP_EXT_TWCC), 0);
  assert_int_equal(ans->media[1].direction, SDP_DIR_RECVONLY);
  free(ans);
  free(offer);
}

static void test_answer_aiortc_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(AIORTC_OFFER, &offer, ch);
  assert_int_equal(ans->media[0].codecs[0].pt, 96);
  assert_string_equal(ans->media[0].codecs[0].name, "opus");
  assert_int_equal(ans->media[1].codecs[0].pt, 97);
  assert_int_equal(ans->media[1].codecs[1].pt, 98);
  assert_int_equal(ans->media[1].codecs[0].fb, SDP_FB_NACK | SDP_FB_NACK_PLI | SDP_FB_GOOG_REMB);
  assert_int_equal(ext_id(&ans->media[0], SDP_EXT_AUDIO_LEVEL), 2);
  free(ans);
  free(offer);
}

/* Without VP8, H.264 packetization-mode=1 42e01f wins over 42001f, mode 0 and 4d001f. */
static void test_negotiate_h264_preference(void **state) {
  char *t = edit_lines(CHROME_OFFER, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000", false);
  sdp_session *s = parse_ok(t);
  sdp_choice ch[SDP_MAX_MEDIA];
  char err[128];
  assert_int_equal(sdp_negotiate(s, ch, err, sizeof err), 0);
  const sdp_media *v = &s->media[1];
  assert_int_equal(v->codecs[ch[1].codec].pt, 108);
  assert_int_equal(v->codecs[ch[1].rtx].pt, 109);
  free(s);
  free(t);
  /* aiortc: 42001f (99) and 42e01f (101) */
  t = edit_lines(AIORTC_OFFER, "a=rtpmap:97 VP8/90000", "a=rtpmap:97 VP9/90000", false);
  s = parse_ok(t);
  assert_int_equal(sdp_negotiate(s, ch, err, sizeof err), 0);
  assert_int_equal(s->media[1].codecs[ch[1].codec].pt, 101);
  assert_int_equal(s->media[1].codecs[ch[1].rtx].pt, 102);
  free(s);
  free(t);
}

/* An m-section the SFU cannot take is rejected in place: port 0, inactive, out of BUNDLE. */
static void test_answer_rejects_unsupported_sections(void **state) {
  const char *text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
      "a=fingerprint:sha-256 "
      "9A:1C:5E:30:8F:2B:74:D1:06:E3:4A:B9:C2:58:7D:11:F0:63:AE:95:28:4C:DB:37:80:1F:E6:52:CA:09:B4:7E\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:actpass\r\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=sctp-port:5000\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:98 VP9/90000\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 "
      "opus/48000/2\r\n";
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(text, &offer, ch);
  assert_false(ch[0].accepted);
  assert_false(ch[1].accepted);
  assert_true(ch[2].accepted);
  assert_int_equal(ans->media[0].port, 0);
  assert_int_equal(ans->media[0].kind, SDP_KIND_APPLICATION);
  assert_string_equal(ans->media[0].first_fmt, "webrtc-datachannel");
  assert_int_equal(ans->media[1].port, 0);
  assert_int_equal(ans->media[1].direction, SDP_DIR_INACTIVE);
  assert_int_equal(ans->media[2].port, 40000);
  assert_int_equal(ans->n_bundle, 1);
  assert_string_equal(ans->bundle[0], "2");
  assert_string_equal(ans->transport.ice_ufrag, "moaU"); /* the tag is now mid 2 */
  free(ans);
  free(offer);
}

static void expect_answer_error(const char *text, const char *want) {
  sdp_session *s = parse_ok(text);
  sdp_local l = local_params();
  char err[256] = "";
  answer_buf[0] = 'x';
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error '%s' does not mention '%s'", err, want);
  assert_int_equal(answer_buf[0], '\0');
  free(s);
}

static void test_answer_requires_bundle_mux_fingerprint(void **state) {
  char *t = edit_lines(CHROME_OFFER, "a=group:BUNDLE", NULL, false);
  expect_answer_error(t, "BUNDLE");
  free(t);
  t = edit_lines(CHROME_OFFER, "a=rtcp-mux", NULL, true);
  expect_answer_error(t, "rtcp-mux");
  free(t);
  t = edit_lines(FIREFOX_OFFER, "a=fingerprint:",
                 "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", false);
  expect_answer_error(t, "sha-256 fingerprint");
  free(t);
  t = edit_lines(FIREFOX_OFFER, "a=setup:actpass", "a=setup:passive", true);
  expect_answer_error(t, "setup:passive");
  free(t);
  t = edit_lines(AIORTC_OFFER, "a=ice-pwd:", NULL, true);
  expect_answer_error(t, "ice-pwd");
  free(t);
}

/* Every buffer too small fails cleanly with a NUL-terminated prefix; the exact size works. */
static void test_answer_buffer_bounds(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  sdp_local l = local_params();
  char err[128];
  int n = sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err);
  assert_true(n > 0);
  char *exact = malloc((size_t)n + 1);
  for (int cap = 0; cap <= n; cap++) {
    char *buf = malloc(cap ? (size_t)cap : 1);
    assert_int_equal(sdp_build_answer(s, &l, buf, (size_t)cap, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "too small"));
    if (cap) assert_int_equal(strlen(buf) < (size_t)cap, 1);
    free(buf);
  }
  assert_int_equal(sdp_build_answer(s, &l, exact, (size_t)n + 1, NULL, err, sizeof err), n);
  assert_string_equal(exact, answer_buf);
  free(exact);
  free(s);
}

static void test_answer_rejects_bad_local(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  char err[128];
  sdp_local l = local_params();
  l.ice_ufrag = "ab\r\nx";
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  assert_non_null(strstr(err, "ice-ufrag"));
  l = local_params();
  l.ip = "1.2.3.4\r\na=evil";
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  l = local_params();
  l.ip = "::1";
  assert_true(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err) > 0);
  assert_non_null(strstr(answer_buf, "c=IN IP6 ::1\r\n"));
  free(s);
}

/* ---- the subscribe offer ---- */

static char offer_buf[64 * 1024];

static sdp_session *build_offer_ok(const sdp_track *t, size_t n, uint64_t version) {
  sdp_local l = local_params();
  l.session_version = version;
  char err[256] = "";
  int len = sdp_build_offer(t, n, &l, offer_buf, sizeof offer_buf, err, sizeof err);
  if (len < 0) fail_msg("sdp_build_offer: %s", err);
  assert_int_equal((size_t)len, strlen(offer_buf));
  return parse_ok(offer_buf);
}

static void test_subscribe_offer_and_reoffer(void **state) {
  sdp_track t[3];
  make_tracks(t);
  sdp_session *o = build_offer_ok(t, 3, 1);
  assert_true(o->ice_lite);
  assert_int_equal(o->transport.setup, SDP_SETUP_ACTPASS);
  assert_memory_equal(o->transport.fingerprint, local_params().fingerprint, SDP_FINGERPRINT_LEN);
  assert_int_equal(o->n_bundle, 3);
  assert_int_equal(o->n_media, 3);
  for (int i = 0; i < 3; i++) {
    const sdp_media *m = &o->media[i];
    assert_string_equal(m->mid, t[i].mid);
    assert_int_equal(m->port, 40000);
    assert_int_equal(m->direction, SDP_DIR_SENDONLY);
    assert_true(m->rtcp_mux);
    assert_int_equal(m->codecs[0].pt, t[i].codec.pt);
    assert_string_equal(m->msid_stream, t[i].stream_id);
    assert_string_equal(m->msid_track, t[i].track_id);
    assert_int_equal(m->ssrcs[0].ssrc, t[i].ssrc);
    assert_string_equal(m->ssrcs[0].cname, "moacname");
    assert_int_equal(ext_id(m, SDP_EXT_MID), sdp_ext_offer_id(SDP_EXT_MID));
    assert_int_equal(ext_id(m, SDP_EXT_TWCC), sdp_ext_offer_id(SDP_EXT_TWCC));
  }
  assert_int_equal(o->media[0].kind, SDP_KIND_AUDIO);
  assert_false(o->media[0].has_fid);
  assert_int_equal(ext_id(&o->media[0], SDP_EXT_AUDIO_LEVEL), 2);
  assert_int_equal(ext_id(&o->media[1], SDP_EXT_AUDIO_LEVEL), 0);
  assert_true(o->media[1].has_fid);
  assert_int_equal(o->media[1].fid_primary, 1002);
  assert_int_equal(o->media[1].fid_rtx, 2002);
  assert_int_equal(sdp_media_find_codec(&o->media[1], 97)->apt, 96);
  assert_int_equal(o->media[2].codecs[0].fb, SDP_FB_ALL & ~SDP_FB_TRANSPORT_CC);
  free(o);

  /* v1 goes away: same m-line order, its slot is port 0 / inactive, BUNDLE keeps the others */
  t[1].active = false;
  o = build_offer_ok(t, 3, 2);
  assert_non_null(strstr(offer_buf, "o=- 42 2 IN IP4"));
  assert_int_equal(o->n_media, 3);
  assert_string_equal(o->media[0].mid, "a1");
  assert_string_equal(o->media[1].mid, "v1");
  assert_string_equal(o->media[2].mid, "v2");
  assert_int_equal(o->media[1].port, 0);
  assert_int_equal(o->media[1].direction, SDP_DIR_INACTIVE);
  assert_int_equal(o->media[1].n_ssrcs, 0);
  assert_int_equal(o->media[2].port, 40000);
  assert_int_equal(o->n_bundle, 2);
  assert_string_equal(o->bundle[0], "a1");
  assert_string_equal(o->bundle[1], "v2");
  free(o);

  /* the slot is recycled for a new track with a new mid */
  make_track(&t[1], "v7", "VP8", 7);
  o = build_offer_ok(t, 3, 3);
  assert_string_equal(o->media[1].mid, "v7");
  assert_int_equal(o->media[1].port, 40000);
  assert_int_equal(o->n_bundle, 3);
  free(o);
}

/* Zero tracks: a valid offer without m-sections or BUNDLE (Chromium 156 accepts it, checked). */
static void test_subscribe_offer_zero_tracks(void **state) {
  sdp_session *o = build_offer_ok(NULL, 0, 1);
  assert_int_equal(o->n_media, 0);
  assert_int_equal(o->n_bundle, 0);
  assert_null(strstr(offer_buf, "a=group"));
  free(o);
  /* all removed: m-sections stay, no BUNDLE group */
  sdp_track t[3];
  make_tracks(t);
  for (int i = 0; i < 3; i++) t[i].active = false;
  o = build_offer_ok(t, 3, 2);
  assert_int_equal(o->n_media, 3);
  assert_int_equal(o->n_bundle, 0);
  free(o);
}

static void expect_offer_error(const sdp_track *t, size_t n, const char *want) {
  sdp_local l = local_params();
  char err[256] = "";
  assert_int_equal(sdp_build_offer(t, n, &l, offer_buf, sizeof offer_buf, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error '%s' does not mention '%s'", err, want);
}

static void test_subscribe_offer_rejects_bad_tracks(void **state) {
  sdp_track t[SDP_MAX_MEDIA + 1];
  make_tracks(t);
  snprintf(t[1].mid, sizeof t[1].mid, "a1");
  expect_offer_error(t, 3, "two tracks");
  make_tracks(t);
  snprintf(t[0].cname, sizeof t[0].cname, "x\r\na=evil");
  expect_offer_error(t, 3, "cname");
  make_tracks(t);
  snprintf(t[2].mid, sizeof t[2].mid, "has space");
  expect_offer_error(t, 3, "mid");
  make_tracks(t);
  t[1].rtx_pt = t[1].codec.pt;
  expect_offer_error(t, 3, "rtx");
  make_tracks(t);
  t[0].codec.pt = 200;
  expect_offer_error(t, 3, "payload type");
  make_tracks(t);
  snprintf(t[1].codec.fmtp, sizeof t[1].codec.fmtp, "a=1\nb");
  expect_offer_error(t, 3, "fmtp");
  for (int i = 0; i <= SDP_MAX_MEDIA; i++) {
    char mid[8];
    snprintf(mid, sizeof mid, "m%d", i);
    make_track(&t[i], mid, "VP8", i);
  }
  expect_offer_error(t, SDP_MAX_MEDIA + 1, "tracks");
  make_tracks(t);
  sdp_local l = local_params();
  char err[128];
  char small[100];
  assert_int_equal(sdp_build_offer(t, 3, &l, small, sizeof small, err, sizeof err), -1);
  assert_non_null(strstr(err, "too small"));
  assert_true(strlen(small) < sizeof small);
}

/* ---- the browser's answer to the subscribe offer ---- */

static void test_read_chrome_answer(void **state) {
  sdp_track t[3];
  make_tracks(t);
  sdp_session *a = parse_ok(CHROME_SUB_ANSWER);
  sdp_answer_info info;
  char err[256] = "";
  if (sdp_read_answer(a, t, 3, &info, err, sizeof err) != 0) fail_msg("%s", err);
  assert_int_equal(info.setup, SDP_SETUP_ACTIVE); /* the browser is the DTLS client */
  assert_int_equal(info.fingerprint[0], 0x74);
  assert_int_equal(info.fingerprint[31], 0x9A);
  assert_string_equal(info.ice_ufrag, "T7Ay");
  assert_string_equal(info.ice_pwd, "P780eXgpLeFI3Z658k9jHTNW");
  assert_int_equal(info.n_media, 3);
  for (int i = 0; i < 3; i++) {
    assert_true(info.media[i].accepted);
    assert_int_equal(info.media[i].direction, SDP_DIR_RECVONLY);
    assert_int_equal(info.media[i].ext_ids[SDP_EXT_MID], 1);
    assert_int_equal(info.media[i].ext_ids[SDP_EXT_TWCC], 4);
  }
  assert_false(info.media[0].rtx);
  assert_true(info.media[1].rtx);
  assert_true(info.media[2].rtx);
  assert_int_equal(info.media[0].ext_ids[SDP_EXT_AUDIO_LEVEL], 2);

  /* mismatches */
  assert_int_equal(sdp_read_answer(a, t, 2, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "m-sections"));
  snprintf(t[2].mid, sizeof t[2].mid, "zz");
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "mid"));
  make_tracks(t);
  t[1].codec.pt = 100;
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "payload type 100"));
  free(a);

  char *x = edit_lines(CHROME_SUB_ANSWER, "a=setup:active", "a=setup:actpass", true);
  a = parse_ok(x);
  make_tracks(t);
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "setup"));
  free(a);
  free(x);
  x = edit_lines(CHROME_SUB_ANSWER, "a=fingerprint:", NULL, true);
  a = parse_ok(x);
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "fingerprint"));
  free(a);
  free(x);
}

/* A track the browser rejects (port 0) or a removed one is reported as not accepted. */
static void test_read_answer_rejected_track(void **state) {
  sdp_track t[3];
  make_tracks(t);
  char *x = edit_lines(CHROME_SUB_ANSWER, "m=video 9 UDP/TLS/RTP/SAVPF 102 103",
                       "m=video 0 UDP/TLS/RTP/SAVPF 102 103", false);
  sdp_session *a = parse_ok(x);
  sdp_answer_info info;
  char err[256] = "";
  if (sdp_read_answer(a, t, 3, &info, err, sizeof err) != 0) fail_msg("%s", err);
  assert_true(info.media[1].accepted);
  assert_false(info.media[2].accepted);
  t[0].active = false;
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), 0);
  assert_false(info.media[0].accepted);
  free(a);
  free(x);
}

/* ---- payload types are per participant ---- */

/* Chrome publishes VP8 as 96, Firefox as 120; each subscriber sees the server's numbers. The
 * consumer's rewrite table is (publisher pt -> subscriber pt), taken from these results. */
static void test_payload_type_mapping(void **state) {
  sdp_session *chrome = parse_ok(CHROME_OFFER), *firefox = parse_ok(FIREFOX_OFFER);
  sdp_choice cc[SDP_MAX_MEDIA], fc[SDP_MAX_MEDIA];
  char err[128];
  assert_int_equal(sdp_negotiate(chrome, cc, err, sizeof err), 0);
  assert_int_equal(sdp_negotiate(firefox, fc, err, sizeof err), 0);
  const sdp_codec *cv = &chrome->media[1].codecs[cc[1].codec], *fv = &firefox->media[1].codecs[fc[1].codec];
  const sdp_codec *crtx = &chrome->media[1].codecs[cc[1].rtx], *frtx = &firefox->media[1].codecs[fc[1].rtx];
  assert_string_equal(cv->name, "VP8");
  assert_string_equal(fv->name, "VP8");
  assert_int_equal(cv->pt, 96);
  assert_int_equal(crtx->pt, 97);
  assert_int_equal(fv->pt, 120);
  assert_int_equal(frtx->pt, 124);
  assert_int_equal(chrome->media[0].codecs[cc[0].codec].pt, 111);
  assert_int_equal(firefox->media[0].codecs[fc[0].codec].pt, 109);

  /* The Chrome participant subscribes to Firefox's camera: the server offers its own VP8. */
  sdp_track t;
  make_track(&t, "f-cam", "VP8", 1);
  sdp_session *o = build_offer_ok(&t, 1, 1);
  const sdp_codec *sv = codec_named(&o->media[0], "VP8"), *srtx = codec_named(&o->media[0], "rtx");
  assert_int_equal(sv->pt, 96);
  assert_int_equal(srtx->pt, 97);
  assert_int_equal(srtx->apt, 96);
  struct {
    uint8_t from, to;
  } map[] = {{fv->pt, sv->pt}, {frtx->pt, srtx->pt}};
  assert_int_equal(map[0].from, 120);
  assert_int_equal(map[0].to, 96);
  assert_int_equal(map[1].from, 124);
  assert_int_equal(map[1].to, 97);
  free(o);
  free(chrome);
  free(firefox);
}

/* ---- hostile input ---- */

static int parsed_ok, answered_ok;

/* Parses anything; when it parses, answers it and parses the answer back. Never crashes. The
 * session is reused (static) to keep ten thousand iterations fast under ASan. */
static void parse_any(const char *text, size_t len) {
  static sdp_session *s;
  static char out[64 * 1024];
  if (!s) s = new_session();
  char err[256] = "";
  int rc = sdp_parse(text, len, s, err, sizeof err);
  if (rc != 0) {
    assert_int_equal(rc, -1);
    assert_true(err[0] != '\0');
    return;
  }
  parsed_ok++;
  sdp_local l = local_params();
  sdp_choice ch[SDP_MAX_MEDIA];
  int n = sdp_build_answer(s, &l, out, sizeof out, ch, err, sizeof err);
  if (n >= 0) {
    answered_ok++;
    sdp_session *back = new_session();
    if (sdp_parse(out, (size_t)n, back, err, sizeof err) != 0)
      fail_msg("own answer does not parse: %s\n%s", err, out);
    free(back);
  }
}

static void test_truncated_everywhere(void **state) {
  const char *fixtures[] = {CHROME_OFFER, FIREFOX_OFFER, AIORTC_OFFER, CHROME_SUB_ANSWER};
  for (size_t f = 0; f < 4; f++) {
    size_t len = strlen(fixtures[f]);
    /* a copy of exactly `cut` bytes, so ASan sees any read past len */
    for (size_t cut = 0; cut <= len; cut++) {
      char *p = malloc(cut ? cut : 1);
      memcpy(p, fixtures[f], cut);
      parse_any(p, cut);
      free(p);
    }
  }
  parse_fails("", 0, "empty");
  parse_fails("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", 28, "missing o=, s= or t=");
}

static void expect_bad(const char *base, const char *prefix, const char *repl, const char *want) {
  char *t = edit_lines(base, prefix, repl, false);
  parse_fails(t, strlen(t), want);
  free(t);
}

static void test_malformed_fields(void **state) {
  const char *C = CHROME_OFFER;
  expect_bad(C, "v=0", "v=1", "v=0");
  expect_bad(C, "v=0", NULL, "v=0");
  expect_bad(C, "o=", NULL, "missing o=");
  expect_bad(C, "s=", NULL, "missing o=, s= or t=");
  expect_bad(C, "m=audio", "m=audio 70000 UDP/TLS/RTP/SAVPF 111", "port");
  expect_bad(C, "m=audio", "m=audio -1 UDP/TLS/RTP/SAVPF 111", "port");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF 128", "payload type");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF 111 111", "twice");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF", "without formats");
  expect_bad(C, "m=audio", "m=audio 9", "m= line");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:300 opus/48000/2", "0..127");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus", "clock");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/0/2", "clock");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/48000/0", "channels");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/99999999999/2", "clock");
  expect_bad(C, "a=fmtp:97 apt=96", "a=fmtp:97 apt=960", "apt");
  expect_bad(C, "a=rtcp-fb:96 nack pli", "a=rtcp-fb:x nack", "rtcp-fb");
  expect_bad(C, "a=extmap:1 ", "a=extmap:0 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "1..255");
  expect_bad(C, "a=extmap:1 ", "a=extmap:256 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "1..255");
  expect_bad(C, "a=extmap:1 ", "a=extmap:2 urn:x", "duplicate a=extmap");
  expect_bad(C, "a=extmap:1 ", "a=extmap:1/sideways urn:x", "direction");
  expect_bad(C, "a=ice-ufrag:", "a=ice-ufrag:abc", "ice-ufrag");
  expect_bad(C, "a=ice-ufrag:", "a=ice-ufrag:ab-cd", "ice-ufrag");
  expect_bad(C, "a=ice-pwd:", "a=ice-pwd:short", "ice-pwd");
  expect_bad(C, "a=ice-pwd:", "a=ice-pwd:iTlc3ZyqSP7rfPxnPOx0z=PL", "ice-pwd");
  expect_bad(C, "a=fingerprint:", "a=fingerprint:sha-256 D5:D4:94", "fingerprint");
  expect_bad(
      C, "a=fingerprint:",
      "a=fingerprint:sha-256 "
      "G5:D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0",
      "fingerprint");
  expect_bad(
      C, "a=fingerprint:",
      "a=fingerprint:sha-256 "
      "D5-D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0",
      "fingerprint");
  expect_bad(C, "a=fingerprint:", "a=fingerprint:sha-256", "fingerprint");
  expect_bad(C, "a=setup:", "a=setup:holdconn", "setup");
  expect_bad(C, "a=mid:0", "a=mid:1", "two m-sections");
  expect_bad(C, "a=mid:0", NULL, "no a=mid");
  expect_bad(C, "a=mid:0", "a=mid:abcdefghijklmnopqrstuvwxyz0123456789", "a=mid");
  expect_bad(C, "a=group:BUNDLE", "a=group:BUNDLE 0 1 7", "names no m-section");
  expect_bad(C, "a=group:BUNDLE", "a=group:BUNDLE 0 0", "twice");
  expect_bad(C, "a=ssrc-group:FID", "a=ssrc-group:FID 1", "two ssrcs");
  expect_bad(C, "a=ssrc-group:FID", "a=ssrc-group:FID 1 4294967296", "32-bit");
  expect_bad(C, "a=ssrc:3709246340 cname", "a=ssrc:x cname:y", "32-bit");
  expect_bad(C, "a=msid:", "a=msid:a b c", "msid");
  expect_bad(C, "a=rtcp-mux", "garbage", "type");
  expect_bad(C, "a=rtcp-mux", "=x", "type");
  expect_bad(C, "t=0 0", "t=0 0\r\nv=0", "v= after");
  expect_bad(C, "a=rtcp-mux", "a=rtcp-mux\r\ns=late", "inside a media section");
  expect_bad(C, "a=rtcp-mux", "a=rtcp-mux\r\nZ=upper", "line type");
  expect_bad(C, "a=rtpmap:96 VP8", "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP8/90000", "duplicate a=rtpmap");
}

/* head followed by n copies of the printf format `line` (given the copy's index). */
static char *repeat_lines(const char *head, const char *line, int n) {
  size_t cap = strlen(head) + (strlen(line) + 2) * (size_t)n + 1;
  char *t = malloc(cap), *o = t;
  o += sprintf(o, "%s", head);
  for (int i = 0; i < n; i++) o += sprintf(o, line, i);
  return t;
}

#define HEAD "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"

static void test_oversized(void **state) {
  char *t = repeat_lines(HEAD, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:%d\r\n", SDP_MAX_MEDIA);
  sdp_session *s = parse_ok(t);
  assert_int_equal(s->n_media, SDP_MAX_MEDIA);
  free(s);
  free(t);
  t = repeat_lines(HEAD, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:%d\r\n", SDP_MAX_MEDIA + 1);
  parse_fails(t, strlen(t), "m-sections");
  free(t);

  char ml[1024] = HEAD "m=video 9 UDP/TLS/RTP/SAVPF";
  for (int i = 0; i <= SDP_MAX_CODECS; i++) sprintf(ml + strlen(ml), " %d", 60 + i);
  strcat(ml, "\r\na=mid:0\r\n");
  parse_fails(ml, strlen(ml), "payload types");

  t = repeat_lines(HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", "a=extmap:%d urn:x\r\n",
                   SDP_MAX_EXTMAPS + 1);
  parse_fails(t, strlen(t), "extmap");
  free(t);
  t = repeat_lines(HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", "a=ssrc:%d cname:x\r\n",
                   SDP_MAX_SSRCS + 1);
  parse_fails(t, strlen(t), "ssrcs");
  free(t);
  t = repeat_lines(HEAD, "a=x-%d\r\n", SDP_MAX_LINES);
  parse_fails(t, strlen(t), "lines");
  free(t);

  /* one huge line */
  size_t n = SDP_MAX_LINE + 100;
  t = malloc(strlen(HEAD) + n + 3);
  strcpy(t, HEAD "a=");
  memset(t + strlen(t), 'x', n);
  t[strlen(HEAD) + n] = '\0';
  parse_fails(t, strlen(t), "longer than");
  free(t);

  /* longest acceptable line still parses; fmtp over its bound fails */
  char *long_fmtp = malloc(SDP_FMTP_MAX + 64);
  sprintf(long_fmtp, "a=fmtp:111 x=");
  memset(long_fmtp + strlen(long_fmtp), 'y', SDP_FMTP_MAX);
  long_fmtp[13 + SDP_FMTP_MAX] = '\0';
  expect_bad(CHROME_OFFER, "a=fmtp:111", long_fmtp, "fmtp");
  free(long_fmtp);

  /* more than SDP_MAX_TEXT bytes */
  t = malloc(SDP_MAX_TEXT + 2);
  memset(t, '\n', SDP_MAX_TEXT + 1);
  parse_fails(t, SDP_MAX_TEXT + 1, "longer than");
  free(t);
}

static void test_control_and_garbage_bytes(void **state) {
  char *t = malloc(strlen(CHROME_OFFER) + 1);
  strcpy(t, CHROME_OFFER);
  t[200] = '\0'; /* NUL inside len */
  parse_fails(t, strlen(CHROME_OFFER), "control character");
  strcpy(t, CHROME_OFFER);
  t[200] = '\x01';
  parse_fails(t, strlen(t), "control character");
  strcpy(t, CHROME_OFFER);
  t[200] = '\r';
  parse_fails(t, strlen(t), "control character");
  free(t);
  /* high bytes are not control characters but are not token characters either */
  expect_bad(CHROME_OFFER, "a=mid:0", "a=mid:\xc3\xa9", "a=mid");

  /* pseudo-random garbage and mutations of real offers (deterministic) */
  uint32_t seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
  for (int i = 0; i < 2000; i++) {
    size_t len = RND() % 600;
    char *g = malloc(len ? len : 1);
    for (size_t k = 0; k < len; k++)
      g[k] = i % 2 ? (char)(RND() & 0xff) : " =av0123456789:/\r\nmos"[RND() % 21];
    if (len > 2 && i % 3 == 0) memcpy(g, "v=", 2);
    parse_any(g, len);
    free(g);
  }
  const char *fixtures[] = {CHROME_OFFER, FIREFOX_OFFER, AIORTC_OFFER};
  parsed_ok = answered_ok = 0;
  for (int i = 0; i < 3000; i++) {
    const char *src = fixtures[i % 3];
    size_t len = strlen(src);
    char *m = malloc(len);
    memcpy(m, src, len);
    int flips = 1 + RND() % 4;
    for (int k = 0; k < flips; k++) {
      size_t at = RND() % len;
      const char *alphabet = "0123456789 :/=-x\n";
      m[at] = RND() % 4 ? alphabet[RND() % 17] : (char)(RND() & 0xff);
    }
    parse_any(m, len);
    free(m);
  }
  /* the mutations reach the answer writer, not only the parser's error paths */
  print_message("mutations: %d of 3000 parsed, %d answered\n", parsed_ok, answered_ok);
  assert_true(parsed_ok > 300);
  assert_true(answered_ok > 300);
}

static void test_helpers(void **state) {
  assert_string_equal(sdp_kind_name(SDP_KIND_VIDEO), "video");
  assert_int_equal(sdp_ext_from_uri("urn:ietf:params:rtp-hdrext:sdes:mid"), SDP_EXT_MID);
  assert_int_equal(sdp_ext_from_uri("urn:ietf:params:rtp-hdrext:toffset"), -1);
  assert_int_equal(sdp_ext_offer_id(SDP_EXT_TWCC), 4);
  sdp_codec k;
  int rtx;
  assert_int_equal(sdp_codec_default("h264", &k, &rtx), 0);
  assert_int_equal(k.pt, 102);
  assert_int_equal(rtx, 103);
  assert_int_equal(sdp_codec_default("AV1", &k, &rtx), -1);
  sdp_session *s = parse_ok(CHROME_OFFER);
  assert_int_equal(sdp_find_mid(s, "1"), 1);
  assert_int_equal(sdp_find_mid(s, "9"), -1);
  assert_null(sdp_media_find_codec(&s->media[0], 96));
  free(s);
  /* NULL and zero-length error buffers are tolerated */
  sdp_session *z = new_session();
  assert_int_equal(sdp_parse("x", 1, z, NULL, 0), -1);
  assert_int_equal(sdp_parse(NULL, 0, z, NULL, 0), -1);
  free(z);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_chrome_offer),
      cmocka_unit_test(test_parse_firefox_offer),
      cmocka_unit_test(test_parse_aiortc_offer),
      cmocka_unit_test(test_parse_lf_only_equals_crlf),
      cmocka_unit_test(test_answer_chrome_round_trip),
      cmocka_unit_test(test_answer_firefox_round_trip),
      cmocka_unit_test(test_answer_aiortc_round_trip),
      cmocka_unit_test(test_negotiate_h264_preference),
      cmocka_unit_test(test_answer_rejects_unsupported_sections),
      cmocka_unit_test(test_answer_requires_bundle_mux_fingerprint),
      cmocka_unit_test(test_answer_buffer_bounds),
      cmocka_unit_test(test_answer_rejects_bad_local),
      cmocka_unit_test(test_subscribe_offer_and_reoffer),
      cmocka_unit_test(test_subscribe_offer_zero_tracks),
      cmocka_unit_test(test_subscribe_offer_rejects_bad_tracks),
      cmocka_unit_test(test_read_chrome_answer),
      cmocka_unit_test(test_read_answer_rejected_track),
      cmocka_unit_test(test_payload_type_mapping),
      cmocka_unit_test(test_truncated_everywhere),
      cmocka_unit_test(test_malformed_fields),
      cmocka_unit_test(test_oversized),
      cmocka_unit_test(test_control_and_garbage_bytes),
      cmocka_unit_test(test_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
