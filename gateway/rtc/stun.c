/* STUN codec (see stun.h). The parser walks the attribute list once, bounds-checking every
 * header, value and padding before it reads them, and records only what ICE-lite needs.
 * MESSAGE-INTEGRITY uses OpenSSL's EVP_MAC HMAC (the MAC object is fetched once per process);
 * FINGERPRINT uses a nibble-table CRC-32 written here, so the codec needs no zlib. Builders
 * write through a small bounded writer that remembers overflow, so each builder is a straight
 * sequence of appends checked once at the end. */
#include "gateway/rtc/stun.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

#include "base/bytes.h"

#define MI_LEN 20 /* HMAC-SHA1 */
#define FP_LEN 4

/* ---- CRC-32 (reflected, polynomial 0xEDB88320), four bits at a time ---- */

static const uint32_t crc_nibble[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t stun_crc32(const uint8_t *buf, size_t len) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; i++) {
    crc ^= buf[i];
    crc = crc_nibble[crc & 0x0F] ^ (crc >> 4);
    crc = crc_nibble[crc & 0x0F] ^ (crc >> 4);
  }
  return crc ^ 0xFFFFFFFFu;
}

/* ---- HMAC-SHA1 over (patched header, rest of message) ---- */

static EVP_MAC *hmac_impl;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;
static void hmac_fetch(void) { hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL); }

/* HMAC-SHA1(key, a || b) into out[20]. Returns 0, or -1 if OpenSSL fails. */
static int hmac_sha1_2(const void *key, size_t key_len, const uint8_t *a, size_t a_len, const uint8_t *b,
                       size_t b_len, uint8_t out[MI_LEN]) {
  pthread_once(&hmac_once, hmac_fetch);
  if (!hmac_impl) return -1;
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac_impl);
  if (!ctx) return -1;
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  /* OpenSSL rejects a NULL key pointer even with length 0. */
  static const uint8_t empty_key[1];
  size_t n = 0;
  int ok = EVP_MAC_init(ctx, key_len ? key : empty_key, key_len, params) && EVP_MAC_update(ctx, a, a_len) &&
           (b_len == 0 || EVP_MAC_update(ctx, b, b_len)) && EVP_MAC_final(ctx, out, &n, MI_LEN) &&
           n == MI_LEN;
  EVP_MAC_CTX_free(ctx);
  return ok ? 0 : -1;
}

/* ---- parsing ---- */

bool stun_is_stun(const uint8_t *buf, size_t len) {
  return len >= STUN_HEADER_LEN && buf[0] <= 3 && be32_read(buf + 4) == STUN_MAGIC_COOKIE;
}

static bool comprehension_required_known(uint16_t type) {
  switch (type) {
    case STUN_ATTR_MAPPED_ADDRESS:
    case STUN_ATTR_USERNAME:
    case STUN_ATTR_MESSAGE_INTEGRITY:
    case STUN_ATTR_ERROR_CODE:
    case STUN_ATTR_UNKNOWN_ATTRIBUTES:
    case STUN_ATTR_REALM:
    case STUN_ATTR_NONCE:
    case STUN_ATTR_XOR_MAPPED_ADDRESS:
    case STUN_ATTR_PRIORITY:
    case STUN_ATTR_USE_CANDIDATE:
      return true;
    default:
      return false;
  }
}

/* Decodes an XOR-MAPPED-ADDRESS value. Returns 0, or -1 if malformed. */
static int parse_xor_address(const uint8_t *v, uint16_t vlen, const uint8_t *hdr,
                             struct sockaddr_storage *ss) {
  if (vlen < 4) return -1;
  uint16_t port = be16_read(v + 2) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16);
  memset(ss, 0, sizeof *ss);
  if (v[1] == 0x01) {
    if (vlen != 8) return -1;
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    uint8_t a[4];
    for (int i = 0; i < 4; i++) a[i] = v[4 + i] ^ hdr[4 + i];
    memcpy(&sin->sin_addr, a, 4);
    return 0;
  }
  if (v[1] == 0x02) {
    if (vlen != 20) return -1;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    uint8_t a[16];
    for (int i = 0; i < 16; i++) a[i] = v[4 + i] ^ hdr[4 + i]; /* cookie then transaction id */
    memcpy(&sin6->sin6_addr, a, 16);
    return 0;
  }
  return -1;
}

int stun_parse(const uint8_t *buf, size_t len, stun_msg *out) {
  if (len < STUN_HEADER_LEN) return STUN_ERR_SHORT;
  if (buf[0] & 0xC0) return STUN_ERR_NOT_STUN;
  if (be32_read(buf + 4) != STUN_MAGIC_COOKIE) return STUN_ERR_COOKIE;
  uint16_t mlen = be16_read(buf + 2);
  if (mlen % 4 != 0 || (size_t)mlen + STUN_HEADER_LEN != len) return STUN_ERR_LENGTH;

  memset(out, 0, sizeof *out);
  out->type = be16_read(buf);
  out->method = (uint16_t)((out->type & 0x000F) | ((out->type & 0x00E0) >> 1) | ((out->type & 0x3E00) >> 2));
  out->cls = (stun_class)(((out->type >> 4) & 0x1) | ((out->type >> 7) & 0x2));
  out->length = mlen;
  out->tid = buf + 8;
  out->integrity_offset = -1;
  out->fingerprint_offset = -1;

  bool seen_user = false, seen_prio = false, seen_role = false, seen_err = false;
  bool seen_xma = false;
  size_t off = STUN_HEADER_LEN;
  while (off < len) {
    if (out->fingerprint_offset >= 0) return STUN_ERR_ORDER;
    if (len - off < 4) return STUN_ERR_ATTR;
    uint16_t type = be16_read(buf + off);
    uint16_t vlen = be16_read(buf + off + 2);
    size_t padded = ((size_t)vlen + 3) & ~(size_t)3;
    if (padded > len - off - 4) return STUN_ERR_ATTR;
    const uint8_t *v = buf + off + 4;
    size_t here = off;
    off += 4 + padded;

    if (type == STUN_ATTR_FINGERPRINT) {
      if (vlen != FP_LEN) return STUN_ERR_ATTR_VALUE;
      out->fingerprint_offset = (int)here;
      continue;
    }
    if (out->integrity_offset >= 0) continue; /* only FINGERPRINT counts after MI */

    switch (type) {
      case STUN_ATTR_MESSAGE_INTEGRITY:
        if (vlen != MI_LEN) return STUN_ERR_ATTR_VALUE;
        out->integrity_offset = (int)here;
        break;
      case STUN_ATTR_USERNAME:
        if (vlen > STUN_MAX_USERNAME) return STUN_ERR_ATTR_VALUE;
        if (!seen_user) {
          out->username = (const char *)v;
          out->username_len = vlen;
          seen_user = true;
        }
        break;
      case STUN_ATTR_PRIORITY:
        if (vlen != 4) return STUN_ERR_ATTR_VALUE;
        if (!seen_prio) {
          out->has_priority = seen_prio = true;
          out->priority = be32_read(v);
        }
        break;
      case STUN_ATTR_ICE_CONTROLLING:
      case STUN_ATTR_ICE_CONTROLLED:
        if (vlen != 8) return STUN_ERR_ATTR_VALUE;
        if (type == STUN_ATTR_ICE_CONTROLLING)
          out->ice_controlling = true;
        else
          out->ice_controlled = true;
        if (!seen_role) {
          out->tie_breaker = (uint64_t)be32_read(v) << 32 | be32_read(v + 4);
          seen_role = true;
        }
        break;
      case STUN_ATTR_USE_CANDIDATE:
        if (vlen != 0) return STUN_ERR_ATTR_VALUE;
        out->use_candidate = true;
        break;
      case STUN_ATTR_ERROR_CODE: {
        if (vlen < 4 || vlen > 4 + 763) return STUN_ERR_ATTR_VALUE;
        int klass = v[2] & 0x07, number = v[3];
        if (klass < 3 || klass > 6 || number > 99) return STUN_ERR_ATTR_VALUE;
        if (!seen_err) {
          out->error_code = klass * 100 + number;
          out->error_reason = (const char *)v + 4;
          out->error_reason_len = (uint16_t)(vlen - 4);
          seen_err = true;
        }
        break;
      }
      case STUN_ATTR_UNKNOWN_ATTRIBUTES:
        if (vlen % 2 != 0) return STUN_ERR_ATTR_VALUE;
        if (!out->unknown_attributes) {
          out->unknown_attributes = v;
          out->unknown_attributes_len = vlen;
        }
        break;
      case STUN_ATTR_XOR_MAPPED_ADDRESS: {
        struct sockaddr_storage dup;
        if (parse_xor_address(v, vlen, buf, seen_xma ? &dup : &out->xor_mapped) < 0)
          return STUN_ERR_ATTR_VALUE;
        out->has_xor_mapped = seen_xma = true;
        break;
      }
      default:
        if (type < 0x8000 && !comprehension_required_known(type)) {
          if (out->unknown_count < STUN_MAX_UNKNOWN) out->unknown[out->unknown_count] = type;
          out->unknown_count++;
        }
        break;
    }
  }
  return STUN_OK;
}

bool stun_verify_integrity(const uint8_t *buf, size_t len, const stun_msg *msg, const void *key,
                           size_t key_len) {
  if (msg->integrity_offset < 0) return false;
  size_t mi = (size_t)msg->integrity_offset;
  if (mi < STUN_HEADER_LEN || mi + 4 + MI_LEN > len) return false;
  uint8_t hdr[STUN_HEADER_LEN];
  memcpy(hdr, buf, STUN_HEADER_LEN);
  be16_write(hdr + 2, (uint16_t)(mi + 4 + MI_LEN - STUN_HEADER_LEN));
  uint8_t mac[MI_LEN];
  if (hmac_sha1_2(key, key_len, hdr, STUN_HEADER_LEN, buf + STUN_HEADER_LEN, mi - STUN_HEADER_LEN, mac) < 0)
    return false;
  return CRYPTO_memcmp(mac, buf + mi + 4, MI_LEN) == 0;
}

bool stun_verify_fingerprint(const uint8_t *buf, size_t len, const stun_msg *msg) {
  if (msg->fingerprint_offset < 0) return false;
  size_t fp = (size_t)msg->fingerprint_offset;
  if (fp < STUN_HEADER_LEN || fp + 4 + FP_LEN > len) return false;
  return (stun_crc32(buf, fp) ^ STUN_FINGERPRINT_XOR) == be32_read(buf + fp + 4);
}

/* ---- building ---- */

typedef struct {
  uint8_t *buf;
  size_t cap;
  size_t len;
  bool overflow;
} stun_writer;

static void sw_begin(stun_writer *w, uint8_t *buf, size_t cap, uint16_t type,
                     const uint8_t tid[STUN_TID_LEN]) {
  w->buf = buf;
  w->cap = cap;
  w->len = 0;
  w->overflow = cap < STUN_HEADER_LEN;
  if (w->overflow) return;
  be16_write(buf, type);
  be16_write(buf + 2, 0);
  be32_write(buf + 4, STUN_MAGIC_COOKIE);
  memcpy(buf + 8, tid, STUN_TID_LEN);
  w->len = STUN_HEADER_LEN;
}

/* Appends an attribute header and room for vlen bytes (zero padding included); returns a
 * pointer to the value, or NULL (and flags overflow) if it does not fit. */
static uint8_t *sw_attr(stun_writer *w, uint16_t type, size_t vlen) {
  size_t padded = (vlen + 3) & ~(size_t)3;
  if (w->overflow || vlen > 0xFFFF || w->cap - w->len < 4 + padded ||
      w->len + 4 + padded - STUN_HEADER_LEN > 0xFFFF) {
    w->overflow = true;
    return NULL;
  }
  uint8_t *p = w->buf + w->len;
  be16_write(p, type);
  be16_write(p + 2, (uint16_t)vlen);
  memset(p + 4 + vlen, 0, padded - vlen);
  w->len += 4 + padded;
  be16_write(w->buf + 2, (uint16_t)(w->len - STUN_HEADER_LEN));
  return p + 4;
}

static void sw_bytes(stun_writer *w, uint16_t type, const void *v, size_t n) {
  uint8_t *p = sw_attr(w, type, n);
  if (p && n) memcpy(p, v, n);
}

static void sw_u32(stun_writer *w, uint16_t type, uint32_t v) {
  uint8_t *p = sw_attr(w, type, 4);
  if (p) be32_write(p, v);
}

static void sw_u64(stun_writer *w, uint16_t type, uint64_t v) {
  uint8_t *p = sw_attr(w, type, 8);
  if (p) {
    be32_write(p, (uint32_t)(v >> 32));
    be32_write(p + 4, (uint32_t)v);
  }
}

static void sw_integrity(stun_writer *w, const void *key, size_t key_len) {
  size_t before = w->len;
  uint8_t *p = sw_attr(w, STUN_ATTR_MESSAGE_INTEGRITY, MI_LEN);
  if (!p) return;
  /* The length field already counts MI itself, as the RFC requires. */
  if (hmac_sha1_2(key, key_len, w->buf, before, NULL, 0, p) < 0) w->overflow = true;
}

static void sw_fingerprint(stun_writer *w) {
  size_t before = w->len;
  uint8_t *p = sw_attr(w, STUN_ATTR_FINGERPRINT, FP_LEN);
  if (p) be32_write(p, stun_crc32(w->buf, before) ^ STUN_FINGERPRINT_XOR);
}

static int sw_end(const stun_writer *w) { return w->overflow ? -1 : (int)w->len; }

int stun_build_binding_success(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
                               const struct sockaddr_storage *mapped, const void *key, size_t key_len) {
  stun_writer w;
  sw_begin(&w, out, cap, 0x0101, tid);
  if (mapped->ss_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)mapped;
    uint8_t *v = sw_attr(&w, STUN_ATTR_XOR_MAPPED_ADDRESS, 8);
    if (v) {
      v[0] = 0;
      v[1] = 0x01;
      be16_write(v + 2, ntohs(sin->sin_port) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16));
      memcpy(v + 4, &sin->sin_addr, 4);
      for (int i = 0; i < 4; i++) v[4 + i] ^= out[4 + i];
    }
  } else if (mapped->ss_family == AF_INET6) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)mapped;
    uint8_t *v = sw_attr(&w, STUN_ATTR_XOR_MAPPED_ADDRESS, 20);
    if (v) {
      v[0] = 0;
      v[1] = 0x02;
      be16_write(v + 2, ntohs(sin6->sin6_port) ^ (uint16_t)(STUN_MAGIC_COOKIE >> 16));
      memcpy(v + 4, &sin6->sin6_addr, 16);
      for (int i = 0; i < 16; i++) v[4 + i] ^= out[4 + i];
    }
  } else {
    return -1;
  }
  if (key) sw_integrity(&w, key, key_len);
  sw_fingerprint(&w);
  return sw_end(&w);
}

static const char *error_phrase(int code) {
  switch (code) {
    case 300:
      return "Try Alternate";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 420:
      return "Unknown Attribute";
    case 438:
      return "Stale Nonce";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return "";
  }
}

int stun_build_binding_error(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN], int code,
                             const char *reason, const uint16_t *unknown, size_t n_unknown, const void *key,
                             size_t key_len) {
  if (code < 300 || code > 699) return -1;
  if (!reason) reason = error_phrase(code);
  size_t rlen = strlen(reason);
  if (rlen > 763) return -1;
  if (n_unknown > 0x7FFF) return -1;
  stun_writer w;
  sw_begin(&w, out, cap, 0x0111, tid);
  uint8_t *v = sw_attr(&w, STUN_ATTR_ERROR_CODE, 4 + rlen);
  if (v) {
    v[0] = v[1] = 0;
    v[2] = (uint8_t)(code / 100);
    v[3] = (uint8_t)(code % 100);
    memcpy(v + 4, reason, rlen);
  }
  if (n_unknown) {
    uint8_t *u = sw_attr(&w, STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * n_unknown);
    if (u)
      for (size_t i = 0; i < n_unknown; i++) be16_write(u + 2 * i, unknown[i]);
  }
  if (key) sw_integrity(&w, key, key_len);
  sw_fingerprint(&w);
  return sw_end(&w);
}

int stun_build_binding_request(uint8_t *out, size_t cap, const stun_request_params *p) {
  stun_writer w;
  sw_begin(&w, out, cap, 0x0001, p->tid);
  if (p->username) {
    size_t ulen = strlen(p->username);
    if (ulen > STUN_MAX_USERNAME) return -1;
    sw_bytes(&w, STUN_ATTR_USERNAME, p->username, ulen);
  }
  if (p->priority) sw_u32(&w, STUN_ATTR_PRIORITY, p->priority);
  sw_u64(&w, p->controlling ? STUN_ATTR_ICE_CONTROLLING : STUN_ATTR_ICE_CONTROLLED, p->tie_breaker);
  if (p->use_candidate) sw_bytes(&w, STUN_ATTR_USE_CANDIDATE, NULL, 0);
  if (p->key) sw_integrity(&w, p->key, p->key_len);
  sw_fingerprint(&w);
  return sw_end(&w);
}
