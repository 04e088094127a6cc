// A mail sink for trying company sign-up on one machine (docs/OPERATIONS.md, "Company sign-up
// mail"): an SMTP server on 127.0.0.1:PORT (default 2525) that takes every mail and prints it,
// decoded (recipient, subject, body with the confirmation link), instead of delivering it.
//   node tools/mail-sink.mjs [PORT]
// then: make run ARGS='--smtp-url smtp://127.0.0.1:2525 --smtp-from noreply@moa.example --public-url http://127.0.0.1:8080'
import { startSmtpSink, parseMail } from '../tests/lib/smtp_sink.mjs';

const port = Number(process.argv[2] || 2525);
const sink = await startSmtpSink({
  port,
  onMessage(msg) {
    const { headers, body } = parseMail(msg.data);
    console.log(`\n=== mail to ${msg.to.join(', ')} at ${new Date().toISOString()}`);
    console.log(`Subject: ${headers.subject}\n`);
    console.log(body);
  },
});
console.log(`mail sink listening on ${sink.url}: mails are printed here, not delivered (Ctrl-C stops it)`);
