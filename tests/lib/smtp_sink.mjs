// A mail sink for tests: a small SMTP server (RFC 5321, plain `net`, no dependency) on a random
// loopback port that accepts every message and keeps it, so a test can read the mail the real
// moa binary sent (the sign-up confirmation link). It offers no STARTTLS and no AUTH. With
// `refuse` set it answers the recipient with a permanent failure instead (a mail server that
// will not take the mail), to test what the sender does then.
//
//   const sink = await startSmtpSink();           // sink.url: smtp://127.0.0.1:PORT (port: a fixed one)
//   const mail = await sink.next((m) => m.to.includes('a@b.example'));
//   parseMail(mail.data) -> {headers: {subject, ...} (decoded), rawHeaders, body (decoded UTF-8)}
//   await sink.close();
import { createServer } from 'node:net';

export async function startSmtpSink({ refuse = false, port: listenPort = 0, onMessage } = {}) {
  const messages = [];
  const waiters = [];
  const sockets = new Set();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    let inData = false;
    let cur = { from: null, to: [], data: '' };
    const say = (line) => sock.write(`${line}\r\n`);
    say('220 sink.test ESMTP moa-test-sink');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1'); // bytes as they came; the message is decoded later
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          const endAtStart = buf.startsWith('.\r\n') && cur.data === '' ? 0 : -1;
          if (end < 0 && endAtStart < 0) return;
          const body = endAtStart === 0 ? '' : buf.slice(0, end + 2);
          buf = buf.slice(endAtStart === 0 ? 3 : end + 5);
          inData = false;
          // Undo dot-stuffing (RFC 5321 4.5.2).
          cur.data = body.split('\r\n').map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\r\n');
          const msg = { ...cur, data: Buffer.from(cur.data, 'latin1').toString('utf8') };
          messages.push(msg);
          onMessage?.(msg);
          for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
          cur = { from: null, to: [], data: '' };
          say('250 2.0.0 queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') { sock.write('250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n'); }
        else if (verb === 'HELO') say('250 sink.test');
        else if (verb === 'MAIL') { cur = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [], data: '' }; say('250 2.1.0 ok'); }
        else if (verb === 'RCPT') {
          if (refuse) { say('550 5.1.1 mailbox unavailable'); continue; }
          cur.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''); say('250 2.1.5 ok');
        }
        else if (verb === 'DATA') { inData = true; say('354 end with <CRLF>.<CRLF>'); }
        else if (verb === 'RSET') { cur = { from: null, to: [], data: '' }; say('250 ok'); }
        else if (verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') { say('221 bye'); sock.end(); return; }
        else say('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(listenPort, '127.0.0.1', resolve); });
  const port = server.address().port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    // The first message (already received or still to come) that match(msg) accepts.
    next(match = () => true, timeout = 20000) {
      const have = messages.find(match);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const w = { match, resolve };
        waiters.push(w);
        setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`no mail within ${timeout} ms`)); }, timeout);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// RFC 2047 encoded-words ("=?UTF-8?B?...?=" and "?Q?"), joined as the standard says: the white
// space between two adjacent encoded-words is not part of the text.
export function decodeWords(value) {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, cs, enc, text) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, hx) => String.fromCharCode(parseInt(hx, 16))), 'latin1');
    return bytes.toString(/utf-?8/i.test(cs) ? 'utf8' : 'latin1');
  });
}

// Splits a message into its headers (unfolded, names lower-cased, values decoded) and its body
// (decoded from base64 or quoted-printable when so marked, as UTF-8).
export function parseMail(data) {
  const sep = data.indexOf('\r\n\r\n');
  const rawHeaders = data.slice(0, sep);
  const rawBody = data.slice(sep + 4);
  const headers = {};
  for (const line of rawHeaders.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  const body = cte === 'base64' ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8') : rawBody;
  return { headers, rawHeaders, rawBody, body };
}
