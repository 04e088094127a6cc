/* UTF-8 (RFC 3629): the length and code point of one character. One strict decoder for every
 * part that checks or walks text (feed and TSV text, search bigrams, protocol error messages). */
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

#endif
