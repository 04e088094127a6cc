/* UTF-8 (RFC 3629): the length and code point of one character, and where to cut a string
 * without splitting one. One strict decoder for every part that checks or walks text (feed and
 * TSV text, search bigrams, protocol error messages, mail headers); one cut for every part that
 * shortens text to a byte limit (stored error texts, quoted values in messages, iCalendar
 * folding). */
#ifndef MOA_BASE_UTF8_H
#define MOA_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1..4) of the valid UTF-8 sequence at s, of which at most n bytes are read, and its
 * code point in *cp (when cp is not NULL). Returns 0, and leaves *cp alone, when n is 0 or s does
 * not start a valid sequence within n bytes: a stray continuation byte, an overlong form, a
 * surrogate, a code point past U+10FFFF, a truncated sequence. A NUL byte is the 1-byte U+0000;
 * on a NUL-terminated string n may be SIZE_MAX, since a NUL never continues a sequence. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* The length of the longest prefix of s (len bytes) that is at most max bytes long and ends on a
 * character boundary: len when len <= max, else max moved back over continuation bytes
 * (10xxxxxx) until the byte after the prefix is not one. Only continuation bytes are looked at,
 * not whether the text is valid: a run of stray continuation bytes reaching back to s[0] gives 0
 * (a caller that must make progress cuts at max then). Reads s[0..max] only when len > max. */
size_t utf8_cut(const char *s, size_t len, size_t max);

#endif
