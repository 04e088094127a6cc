/* STUN codec (RFC 5389 / RFC 8489) with the ICE attributes of RFC 8445: a pure parser that
 * validates a datagram and points into it, verification of MESSAGE-INTEGRITY (HMAC-SHA1 with
 * the ICE short-term password) and FINGERPRINT, and builders for the three Binding messages an
 * ICE-lite server and its test/bench clients need. No sockets, no state, no allocation on the
 * parse path: a stun_msg is filled in by stun_parse() and stays valid while the buffer does.
 * All functions are safe to call from any thread. */
#ifndef MOA_GATEWAY_RTC_STUN_H
#define MOA_GATEWAY_RTC_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define STUN_HEADER_LEN 20
#define STUN_MAGIC_COOKIE 0x2112A442u
#define STUN_TID_LEN 12
#define STUN_FINGERPRINT_XOR 0x5354554eu
#define STUN_MAX_UNKNOWN 8    /* unknown comprehension-required attributes recorded */
#define STUN_MAX_USERNAME 512 /* RFC 5389 15.3: USERNAME is fewer than 513 bytes */

/* Message classes (the C0/C1 bits of the message type). */
typedef enum {
  STUN_CLASS_REQUEST = 0,
  STUN_CLASS_INDICATION = 1,
  STUN_CLASS_SUCCESS = 2,
  STUN_CLASS_ERROR = 3,
} stun_class;

#define STUN_METHOD_BINDING 0x001

/* Attribute types used here. */
#define STUN_ATTR_MAPPED_ADDRESS 0x0001
#define STUN_ATTR_USERNAME 0x0006
#define STUN_ATTR_MESSAGE_INTEGRITY 0x0008
#define STUN_ATTR_ERROR_CODE 0x0009
#define STUN_ATTR_UNKNOWN_ATTRIBUTES 0x000A
#define STUN_ATTR_REALM 0x0014
#define STUN_ATTR_NONCE 0x0015
#define STUN_ATTR_XOR_MAPPED_ADDRESS 0x0020
#define STUN_ATTR_PRIORITY 0x0024
#define STUN_ATTR_USE_CANDIDATE 0x0025
#define STUN_ATTR_SOFTWARE 0x8022
#define STUN_ATTR_FINGERPRINT 0x8028
#define STUN_ATTR_ICE_CONTROLLED 0x8029
#define STUN_ATTR_ICE_CONTROLLING 0x802A

/* Why stun_parse() rejected a buffer (all negative). */
typedef enum {
  STUN_OK = 0,
  STUN_ERR_SHORT = -1,      /* shorter than the 20-byte header */
  STUN_ERR_NOT_STUN = -2,   /* top two bits of the type are not 0 */
  STUN_ERR_COOKIE = -3,     /* magic cookie mismatch (RFC 3489 STUN is not accepted) */
  STUN_ERR_LENGTH = -4,     /* length not a multiple of 4 or not equal to the datagram body */
  STUN_ERR_ATTR = -5,       /* an attribute (or its padding) runs past the end */
  STUN_ERR_ATTR_VALUE = -6, /* a known attribute has an invalid size or value */
  STUN_ERR_ORDER = -7,      /* something follows FINGERPRINT */
} stun_err;

/* A parsed message. Pointers point into the parsed buffer. */
typedef struct {
  uint16_t type;   /* raw message type */
  uint16_t method; /* 12-bit method, e.g. STUN_METHOD_BINDING */
  stun_class cls;
  uint16_t length;    /* message length field: bytes after the header */
  const uint8_t *tid; /* STUN_TID_LEN bytes */

  const char *username; /* not NUL-terminated; NULL if absent */
  uint16_t username_len;
  bool has_priority;
  uint32_t priority;
  bool ice_controlling; /* ICE-CONTROLLING present */
  bool ice_controlled;  /* ICE-CONTROLLED present */
  uint64_t tie_breaker; /* from whichever of the two came first */
  bool use_candidate;

  int error_code;           /* ERROR-CODE as class*100+number, 0 if absent */
  const char *error_reason; /* not NUL-terminated */
  uint16_t error_reason_len;

  bool has_xor_mapped;
  struct sockaddr_storage xor_mapped; /* AF_INET or AF_INET6, port and address decoded */

  int integrity_offset;   /* offset of the MESSAGE-INTEGRITY attribute header, -1 if absent */
  int fingerprint_offset; /* offset of the FINGERPRINT attribute header, -1 if absent */

  const uint8_t *unknown_attributes; /* UNKNOWN-ATTRIBUTES value (of a 420), NULL if absent */
  uint16_t unknown_attributes_len;   /* in bytes: two per attribute type, big-endian */

  uint16_t unknown[STUN_MAX_UNKNOWN]; /* unknown comprehension-required types (0x0000-0x7FFF) */
  int unknown_count;                  /* how many were seen (may exceed STUN_MAX_UNKNOWN) */
} stun_msg;

/* RFC 7983 demultiplexing: true if the first byte is 0..3 and the buffer is long enough to hold
 * a STUN header carrying the magic cookie. Anything else (DTLS 20..63, RTP/RTCP 128..191) is
 * not STUN. Never reads past len. */
bool stun_is_stun(const uint8_t *buf, size_t len);

/* Parses and validates a whole STUN datagram: header (top bits 0, magic cookie, length a
 * multiple of 4 and exactly len - 20), every attribute header, value and padding within bounds,
 * the sizes of the attributes it decodes, nothing after FINGERPRINT. Per RFC 8489 14,
 * attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored, and of duplicates only
 * the first counts. Padding bytes may hold any value.
 * Returns STUN_OK (0) and fills *out; on failure returns a negative stun_err and *out is
 * unspecified. Never allocates and never reads outside buf[0..len). */
int stun_parse(const uint8_t *buf, size_t len, stun_msg *out);

/* Verifies MESSAGE-INTEGRITY: HMAC-SHA1 keyed with `key` (the short-term password) over the
 * message up to the MI attribute, with the header's length field set to end just after MI (so
 * a trailing FINGERPRINT is excluded). `msg` must come from stun_parse() of the same buffer.
 * Returns true if present and correct; false if absent, wrong, or the HMAC failed. */
bool stun_verify_integrity(const uint8_t *buf, size_t len, const stun_msg *msg, const void *key,
                           size_t key_len);

/* Verifies FINGERPRINT: CRC-32 of the message up to the attribute, XOR 0x5354554e.
 * Returns true if present and correct, false otherwise. */
bool stun_verify_fingerprint(const uint8_t *buf, size_t len, const stun_msg *msg);

/* CRC-32 (IEEE 802.3, the zlib/PNG one) of buf[0..len). */
uint32_t stun_crc32(const uint8_t *buf, size_t len);

/* Builds a Binding success response to transaction `tid` carrying XOR-MAPPED-ADDRESS of
 * `mapped` (AF_INET or AF_INET6), then MESSAGE-INTEGRITY keyed with key/key_len (skipped when
 * key is NULL) and FINGERPRINT. Returns the length written to out, or -1 if it does not fit in
 * cap or the address family is not supported; on -1 out holds garbage. */
int stun_build_binding_success(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
                               const struct sockaddr_storage *mapped, const void *key, size_t key_len);

/* Builds a Binding error response with ERROR-CODE `code` (300..699) and `reason` (UTF-8, NULL
 * for a standard phrase), UNKNOWN-ATTRIBUTES when n_unknown > 0 (for 420), then
 * MESSAGE-INTEGRITY if key is not NULL (RFC 8445 7.3.1.1 wants it for 487; a 400/401 answer to
 * a request that failed authentication must not have it) and FINGERPRINT.
 * Returns the length written, or -1 if it does not fit or code is out of range. */
int stun_build_binding_error(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN], int code,
                             const char *reason, const uint16_t *unknown, size_t n_unknown, const void *key,
                             size_t key_len);

/* What a Binding request (connectivity check) carries. */
typedef struct {
  const uint8_t *tid;   /* STUN_TID_LEN bytes */
  const char *username; /* "remote-ufrag:local-ufrag", NUL-terminated; NULL to omit */
  uint32_t priority;    /* PRIORITY; 0 to omit */
  bool controlling;     /* ICE-CONTROLLING if true, else ICE-CONTROLLED */
  uint64_t tie_breaker;
  bool use_candidate;
  const void *key; /* remote password for MESSAGE-INTEGRITY; NULL to omit */
  size_t key_len;
} stun_request_params;

/* Builds a Binding request: USERNAME, PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED,
 * USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT, as `p` asks.
 * Returns the length written, or -1 if it does not fit or the username is too long. */
int stun_build_binding_request(uint8_t *out, size_t cap, const stun_request_params *p);

#endif
