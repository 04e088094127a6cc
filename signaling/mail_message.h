/* An Internet message (RFC 5322) for one plain-text mail: the headers From, To, Subject, Date,
 * Message-ID, MIME-Version and Content-Type / Content-Transfer-Encoding, then the body. Pure: no
 * I/O, so it is unit-tested apart from the SMTP client (gateway/smtp_send.h).
 *
 * Nothing a user typed can add a header: the addresses must be bare ASCII addresses (no CR, LF,
 * spaces, quotes, angle brackets, commas), a subject that is not plain printable ASCII is written
 * as RFC 2047 encoded-words ("=?UTF-8?B?...?=", each at most 75 characters, never splitting a
 * UTF-8 character, folded onto continuation lines), and the body travels in base64 (76-character
 * lines), so UTF-8 text of any line length reaches the reader unchanged and no line of it can
 * start with "." or read as a header. Lines end in CRLF. */
#ifndef MOA_SIGNALING_MAIL_MESSAGE_H
#define MOA_SIGNALING_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mail_fields {
  const char *from;       /* sender address, e.g. "noreply@moa.example" */
  const char *from_name;  /* display name of the sender (encoded like the subject), or NULL */
  const char *to;         /* recipient address */
  const char *subject;    /* UTF-8 */
  const char *body;       /* UTF-8; "\n" line ends become CRLF before encoding */
  int64_t date;           /* unix seconds, written in UTC */
  const char *message_id; /* the part before '@' of Message-ID (letters, digits, '.', '-', '_') */
} mail_fields;

/* True when a is an address this module writes as is: ASCII, 3..254 bytes, exactly one '@' with
 * text on both sides, no control characters, spaces or any of ()<>[]\,;:" . */
bool mail_address_ok(const char *a);

/* The message of m as a NUL-terminated string the caller frees, with its length (without the
 * NUL) in *len. NULL when an address or the message id is not acceptable, a text is not valid
 * UTF-8, or out of memory. */
char *mail_compose(const mail_fields *m, size_t *len);

/* Writes src (n bytes) as RFC 2047 "B" encoded-words of UTF-8 into out (outlen bytes), words
 * separated by CRLF SP (folding); first_room is how many characters the first word may use on
 * its line (a header name is before it). Returns the length written, or (size_t)-1 when out is
 * too small or src is not valid UTF-8. Exposed for the unit test. */
size_t mail_encode_words(const char *src, size_t n, size_t first_room, char *out, size_t outlen);

#endif
