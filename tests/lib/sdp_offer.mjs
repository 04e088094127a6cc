// A minimal publish offer as a browser would send it (BUNDLE, rtcp-mux, sha-256 fingerprint,
// ICE credentials, one a=ssrc per track, sendonly): enough for media.publish to be answered
// without real media. kinds: ['audio', 'video'] -> mids '0', '1', ...
import { randomBytes } from 'node:crypto';

const hex = () => [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

export function publishOffer(kinds = ['audio', 'video'], { ufrag = randomBytes(3).toString('hex'), pwd = randomBytes(12).toString('hex') } = {}) {
  const fp = hex();
  const mids = kinds.map((_, i) => String(i));
  let sdp = `v=0\r\no=- ${Date.now()} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE ${mids.join(' ')}\r\n` +
    'a=msid-semantic: WMS moa\r\n';
  kinds.forEach((kind, i) => {
    const ssrc = 1000 + Math.floor(Math.random() * 1e9);
    const audio = kind === 'audio';
    sdp += `m=${kind} 9 UDP/TLS/RTP/SAVPF ${audio ? '111' : '96 97'}\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n` +
      `a=ice-ufrag:${ufrag}\r\na=ice-pwd:${pwd}\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\na=mid:${i}\r\n` +
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=sendonly\r\na=rtcp-mux\r\n';
    if (audio) sdp += 'a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n';
    else sdp += 'a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 goog-remb\r\n' +
      'a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n';
    sdp += `a=ssrc:${ssrc} cname:moa-test\r\n`;
  });
  const tracks = kinds.map((kind, i) => ({ mid: String(i), source: kind === 'audio' ? 'microphone' : 'camera' }));
  return { sdp, tracks };
}
