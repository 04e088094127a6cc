// The receiving side of a signaling-only test client (tests/lib/moa.mjs Client) in a room with
// media: it answers the server's subscribe offers (media.offer -> media.answer, every track
// accepted recvonly) and keeps ICE consent with authenticated STUN Binding requests
// (RFC 8445 USE-CANDIDATE, MESSAGE-INTEGRITY with the server's ice-pwd, FINGERPRINT; RFC 7675
// consent every few seconds), so the server keeps it in the room as it would a browser whose
// media path is up. It never starts DTLS, so no media is sent to it. Real media is proven
// with Chromium; this lets a test fill a room with dozens of attendees cheaply.
//
//   const consent = new IceConsent(client);   // before room.join: the first offer follows the reply
//   ... consent.answered, consent.checksAnswered, consent.errors
//   consent.stop();
import { createSocket } from 'node:dgram';
import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from './crc32.mjs';

const hex = () => [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

// A recvonly answer to the server's offer: its m-sections, codecs and BUNDLE group kept,
// our ICE credentials and (unused) DTLS fingerprint, setup:active as the server requires.
export function answerFor(offerSdp, { ufrag, pwd, fingerprint }) {
  const out = [];
  for (const line of offerSdp.split(/\r\n/)) {
    if (!line || line === 'a=ice-lite' || /^a=(candidate|end-of-candidates|ssrc|ssrc-group|msid)/.test(line)) continue;
    if (line.startsWith('a=ice-ufrag:')) out.push(`a=ice-ufrag:${ufrag}`);
    else if (line.startsWith('a=ice-pwd:')) out.push(`a=ice-pwd:${pwd}`);
    else if (line.startsWith('a=fingerprint:')) out.push(`a=fingerprint:sha-256 ${fingerprint}`);
    else if (line.startsWith('a=setup:')) out.push('a=setup:active');
    else if (line === 'a=sendonly' || line === 'a=sendrecv') out.push('a=recvonly');
    else out.push(line);
  }
  return `${out.join('\r\n')}\r\n`;
}

function attr(type, value) {
  const b = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
  b.writeUInt16BE(type, 0);
  b.writeUInt16BE(value.length, 2);
  value.copy(b, 4);
  return b;
}

// A STUN Binding request as a controlling ICE agent nominating the pair (RFC 5389, 8445).
export function bindingRequest(username, pwd, tieBreaker) {
  const prio = Buffer.alloc(4);
  prio.writeUInt32BE(1853824767);
  const body = Buffer.concat([attr(0x0006, Buffer.from(username)), attr(0x0024, prio), attr(0x802a, tieBreaker),
    attr(0x0025, Buffer.alloc(0))]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  header.writeUInt16BE(body.length + 24, 2); // length as if MESSAGE-INTEGRITY ended the message
  const mi = attr(0x0008, createHmac('sha1', pwd).update(Buffer.concat([header, body])).digest());
  const msg = Buffer.concat([header, body, mi]);
  msg.writeUInt16BE(body.length + 24 + 8, 2);
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((crc32(msg) ^ 0x5354554e) >>> 0);
  return Buffer.concat([msg, attr(0x8028, fp)]);
}

export class IceConsent {
  constructor(client, { intervalMs = 4000 } = {}) {
    this.client = client;
    this.local = { ufrag: randomBytes(4).toString('hex'), pwd: randomBytes(12).toString('hex'), fingerprint: hex() };
    this.tieBreaker = randomBytes(8);
    this.remote = null; // {ufrag, pwd, host, port} from the latest offer
    this.answered = 0;
    this.checksAnswered = 0;
    this.errors = [];
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    this.intervalMs = intervalMs;
    this.onMessage = (data) => {
      let m;
      try { m = JSON.parse(data.toString()); } catch { return; }
      if (m.type === 'media.offer') this.#onOffer(m).catch((e) => this.errors.push(String(e.message || e)));
    };
    client.ws.on('message', this.onMessage);
  }

  async #onOffer(m) {
    const ufrag = /a=ice-ufrag:(\S+)/.exec(m.sdp)?.[1], pwd = /a=ice-pwd:(\S+)/.exec(m.sdp)?.[1];
    const cand = /a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/.exec(m.sdp);
    const r = await this.client.request('media.answer', { sdp: answerFor(m.sdp, this.local) });
    if (this.stopped) return; // stopped while the answer was on its way
    if (!r.ok) throw new Error(`media.answer refused: ${r.error.code}: ${r.error.message}`);
    this.answered++;
    if (!ufrag || !pwd || !cand) return; // nothing offered yet: no transport to keep
    this.remote = { ufrag, pwd, host: cand[1], port: Number(cand[2]) };
    if (!this.socket) {
      this.socket = createSocket(cand[1].includes(':') ? 'udp6' : 'udp4');
      this.socket.on('message', (msg) => { if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101) this.checksAnswered++; });
      this.socket.on('error', (e) => this.errors.push(String(e.message)));
      this.timer = setInterval(() => this.#check(), this.intervalMs);
    }
    this.#check();
  }

  #check() {
    const r = this.remote;
    if (!r || !this.socket) return;
    this.socket.send(bindingRequest(`${r.ufrag}:${this.local.ufrag}`, r.pwd, this.tieBreaker), r.port, r.host);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = null;
    this.client.ws.off('message', this.onMessage);
    try { this.socket?.close(); } catch { /* closed */ }
    this.socket = null;
  }
}
