/* DTLS-SRTP endpoint over OpenSSL 3 memory BIOs (see dtls.h). Owned by the rtc layer; a
 * worker's transport creates one dtls_conn per PeerConnection from the worker's identity.
 *
 * How it is put together:
 * - The identity owns the SSL_CTX (certificate, key, DTLS 1.2 only, ECDHE suites, no session
 *   cache or tickets, no renegotiation, peer certificate required). Every SSL holds a reference
 *   to that context, so conns outlive the identity safely.
 * - A conn's SSL reads from one BIO_s_mem (a datagram is written into it, then the handshake or
 *   SSL_read runs until it wants more) and writes into another. OpenSSL fills the write BIO
 *   with whole records, packing them as if the BIO were one datagram of the MTU; we cut the byte
 *   stream back into datagrams by walking the 13-byte record headers (so no record is ever split
 *   and no datagram exceeds DTLS_MTU).
 * - There is no CA: the certificate is authenticated by its SHA-256 fingerprint from the SDP.
 *   The verify callback accepts any chain but rejects a leaf whose digest differs from the
 *   expected one (so a mismatch aborts the handshake with an alert and derives no keys), and
 *   the digest is checked again once the handshake is done, which also covers a fingerprint
 *   that arrives late.
 * - Retransmission: OpenSSL's own (fresh record numbers, and the server answers a repeated
 *   client Finished with its last flight, which a replay of raw datagrams could not obtain).
 *   Our timer callback sets the back-off; dtls_conn_tick() asks OpenSSL to act on it. */
#include "gateway/rtc/dtls.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"

#define DTLS_RECORD_HEADER_LEN 13
#define DTLS_RTO_INITIAL_US 100000u /* first retransmission after 100 ms (RFC 6347 says 1 s; */
#define DTLS_RTO_MAX_US 3000000u    /* WebRTC stacks start at 50-100 ms for faster set-up) */
#define DTLS_CERT_DAYS 30
#define DTLS_EXPORTER_LABEL "EXTRACTOR-dtls_srtp"

/* ECDHE only. Our certificate is ECDSA, so as a server only the ECDSA suites apply; as a
 * client we also accept a peer with an RSA certificate (older Firefox). */
/* AEAD suites only: with a CBC suite and encrypt-then-MAC, OpenSSL 3.0's DTLS answers any
 * forged record of the current epoch (bad MAC, or shorter than one) with a fatal alert, so one
 * datagram from a spoofed address would end the association (RFC 6347 4.1.2.7 wants such
 * records dropped). Every WebRTC stack offers AES-GCM. */
static const char dtls__ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";

struct dtls_identity {
  SSL_CTX *ctx;
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  char fp_text[DTLS_FINGERPRINT_TEXT_LEN];
};

struct dtls_conn {
  SSL *ssl;
  BIO *rbio; /* owned by ssl: datagrams we receive */
  BIO *wbio; /* owned by ssl: records to send */
  bool is_server;
  dtls_conn_state state;
  bool have_fp;        /* expected_fp is set */
  bool handshake_done; /* OpenSSL finished; CONNECTED once the fingerprint has been checked */
  bool hs_clock;       /* hs_start_ms is set */
  uint64_t hs_start_ms;
  uint8_t expected_fp[DTLS_FINGERPRINT_LEN];
  char err[96];
};

/* ---- identity ---- */

static void dtls__hex_fingerprint(const uint8_t fp[DTLS_FINGERPRINT_LEN],
                                  char out[DTLS_FINGERPRINT_TEXT_LEN]) {
  static const char hex[] = "0123456789ABCDEF";
  for (int i = 0; i < DTLS_FINGERPRINT_LEN; i++) {
    out[i * 3] = hex[fp[i] >> 4];
    out[i * 3 + 1] = hex[fp[i] & 15];
    out[i * 3 + 2] = i + 1 < DTLS_FINGERPRINT_LEN ? ':' : '\0';
  }
}

/* Digest of a certificate; false if OpenSSL fails. */
static bool dtls__cert_digest(X509 *cert, uint8_t out[DTLS_FINGERPRINT_LEN]) {
  unsigned int n = 0;
  return X509_digest(cert, EVP_sha256(), out, &n) == 1 && n == DTLS_FINGERPRINT_LEN;
}

static int dtls__verify_cb(int preverify_ok, X509_STORE_CTX *store);
static unsigned int dtls__timer_cb(SSL *ssl, unsigned int previous_us);

static X509 *dtls__make_cert(EVP_PKEY *key) {
  X509 *x = X509_new();
  BIGNUM *serial = BN_new();
  if (x == NULL || serial == NULL) goto fail;
  if (X509_set_version(x, X509_VERSION_3) != 1) goto fail;
  if (BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) goto fail;
  if (BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL) goto fail;
  if (X509_gmtime_adj(X509_getm_notBefore(x), -86400L) == NULL) goto fail; /* clock skew */
  if (X509_gmtime_adj(X509_getm_notAfter(x), 86400L * DTLS_CERT_DAYS) == NULL) goto fail;
  X509_NAME *name = X509_get_subject_name(x);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"moa", -1, -1, 0) != 1)
    goto fail;
  if (X509_set_issuer_name(x, name) != 1) goto fail;
  if (X509_set_pubkey(x, key) != 1) goto fail;
  if (X509_sign(x, key, EVP_sha256()) <= 0) goto fail;
  BN_free(serial);
  return x;
fail:
  BN_free(serial);
  X509_free(x);
  return NULL;
}

dtls_identity *dtls_identity_new(char *err, size_t errlen) {
  dtls_identity *id = calloc(1, sizeof *id);
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  if (id == NULL) {
    if (err != NULL && errlen > 0) snprintf(err, errlen, "dtls: cannot create identity: out of memory");
    return NULL;
  }
  ERR_clear_error();
  key = EVP_EC_gen("P-256");
  if (key == NULL) goto fail;
  cert = dtls__make_cert(key);
  if (cert == NULL || !dtls__cert_digest(cert, id->fp)) goto fail;
  dtls__hex_fingerprint(id->fp, id->fp_text);

  id->ctx = SSL_CTX_new(DTLS_method());
  if (id->ctx == NULL) goto fail;
  SSL_CTX *ctx = id->ctx;
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1) goto fail;
  if (SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) goto fail;
  if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) goto fail;
  if (SSL_CTX_check_private_key(ctx) != 1) goto fail;
  if (SSL_CTX_set_cipher_list(ctx, dtls__ciphers) != 1) goto fail;
  if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) goto fail;
  if (SSL_CTX_set_tlsext_use_srtp(ctx, DTLS_SRTP_PROFILES_DEFAULT) != 0) goto fail; /* 0 = ok */
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, dtls__verify_cb);

  X509_free(cert); /* the context holds its own references */
  EVP_PKEY_free(key);
  return id;
fail:
  if (err != NULL && errlen > 0) {
    const char *why = ERR_reason_error_string(ERR_peek_last_error());
    snprintf(err, errlen, "dtls: cannot create identity: %s", why ? why : "unknown error");
  }
  ERR_clear_error();
  X509_free(cert);
  EVP_PKEY_free(key);
  SSL_CTX_free(id->ctx);
  free(id);
  return NULL;
}

void dtls_identity_free(dtls_identity *id) {
  if (id == NULL) return;
  SSL_CTX_free(id->ctx);
  free(id);
}

void dtls_identity_fingerprint(const dtls_identity *id, char out[DTLS_FINGERPRINT_TEXT_LEN]) {
  memcpy(out, id->fp_text, DTLS_FINGERPRINT_TEXT_LEN);
}

const uint8_t *dtls_identity_fingerprint_bytes(const dtls_identity *id) { return id->fp; }

static int dtls__hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

int dtls_fingerprint_parse(const char *text, uint8_t out[DTLS_FINGERPRINT_LEN]) {
  if (text == NULL) return -1;
  while (*text == ' ' || *text == '\t') text++;
  for (int i = 0; i < DTLS_FINGERPRINT_LEN; i++) {
    int hi = dtls__hexval(text[0]);
    int lo = hi < 0 ? -1 : dtls__hexval(text[1]);
    if (lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
    text += 2;
    if (i + 1 < DTLS_FINGERPRINT_LEN) {
      if (*text != ':') return -1;
      text++;
    }
  }
  while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n') text++;
  return *text == '\0' ? 0 : -1;
}

/* ---- connection ---- */

bool dtls_is_dtls(const uint8_t *buf, size_t len) {
  return buf != NULL && len >= DTLS_RECORD_HEADER_LEN && buf[0] >= 20 && buf[0] <= 63;
}

const char *dtls_conn_state_name(dtls_conn_state s) {
  switch (s) {
    case DTLS_CONN_NEW:
      return "new";
    case DTLS_CONN_CONNECTING:
      return "connecting";
    case DTLS_CONN_CONNECTED:
      return "connected";
    case DTLS_CONN_FAILED:
      return "failed";
    case DTLS_CONN_CLOSED:
      return "closed";
  }
  return "?";
}

static bool dtls__final(const dtls_conn *c) {
  return c->state == DTLS_CONN_FAILED || c->state == DTLS_CONN_CLOSED;
}

/* Records why (first reason wins) and moves to FAILED. The OpenSSL error queue is cleared so
 * nothing leaks into the next user of this thread. */
static void dtls__fail(dtls_conn *c, const char *why) {
  if (c->err[0] == '\0') {
    unsigned long e = ERR_peek_last_error();
    if (why != NULL)
      snprintf(c->err, sizeof c->err, "%s", why);
    else if (e != 0)
      snprintf(c->err, sizeof c->err, "handshake: %s", ERR_reason_error_string(e));
    else
      snprintf(c->err, sizeof c->err, "handshake failed");
  }
  ERR_clear_error();
  c->state = DTLS_CONN_FAILED;
}

/* Alerts, both ways, for the failure reason. */
static void dtls__info_cb(const SSL *ssl, int where, int ret) {
  dtls_conn *c = SSL_get_app_data(ssl);
  if (c == NULL || !(where & SSL_CB_ALERT) || c->err[0] != '\0') return;
  if ((ret >> 8) != SSL3_AL_FATAL) return; /* close_notify and warnings are not failures */
  snprintf(c->err, sizeof c->err, "%s alert: %s", (where & SSL_CB_READ) ? "peer" : "sent",
           SSL_alert_desc_string_long(ret));
}

static int dtls__verify_cb(int preverify_ok, X509_STORE_CTX *store) {
  (void)preverify_ok; /* self-signed by design: the fingerprint is the trust anchor */
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
  dtls_conn *c = ssl ? SSL_get_app_data(ssl) : NULL;
  X509 *cert = X509_STORE_CTX_get_current_cert(store);
  if (c == NULL || cert == NULL) return 0;
  if (!c->have_fp) return 1; /* checked when the fingerprint arrives */
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  if (!dtls__cert_digest(cert, fp) || CRYPTO_memcmp(fp, c->expected_fp, sizeof fp) != 0) {
    if (c->err[0] == '\0') snprintf(c->err, sizeof c->err, "fingerprint mismatch");
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  return 1;
}

static unsigned int dtls__timer_cb(SSL *ssl, unsigned int previous_us) {
  (void)ssl;
  if (previous_us == 0) return DTLS_RTO_INITIAL_US;
  return previous_us >= DTLS_RTO_MAX_US / 2 ? DTLS_RTO_MAX_US : previous_us * 2;
}

dtls_conn *dtls_conn_new_ex(const dtls_identity *id, bool is_server,
                            const uint8_t expected_fp[DTLS_FINGERPRINT_LEN], const char *srtp_profiles) {
  if (id == NULL) return NULL;
  dtls_conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  ERR_clear_error();
  c->is_server = is_server;
  c->state = DTLS_CONN_NEW;
  if (expected_fp != NULL) {
    memcpy(c->expected_fp, expected_fp, DTLS_FINGERPRINT_LEN);
    c->have_fp = true;
  }
  c->ssl = SSL_new(id->ctx);
  if (c->ssl == NULL) goto fail;
  c->rbio = BIO_new(BIO_s_mem());
  c->wbio = BIO_new(BIO_s_mem());
  if (c->rbio == NULL || c->wbio == NULL) {
    BIO_free(c->rbio);
    BIO_free(c->wbio);
    goto fail;
  }
  BIO_set_mem_eof_return(c->rbio, -1); /* empty means "retry later", not end of stream */
  BIO_set_mem_eof_return(c->wbio, -1);
  SSL_set_bio(c->ssl, c->rbio, c->wbio); /* the SSL owns both now */
  SSL_set_app_data(c->ssl, c);
  SSL_set_info_callback(c->ssl, dtls__info_cb);
  SSL_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
  if (!DTLS_set_link_mtu(c->ssl, DTLS_MTU)) goto fail;
  DTLS_set_timer_cb(c->ssl, dtls__timer_cb);
  if (srtp_profiles != NULL && SSL_set_tlsext_use_srtp(c->ssl, srtp_profiles) != 0) goto fail;
  if (is_server)
    SSL_set_accept_state(c->ssl);
  else
    SSL_set_connect_state(c->ssl);
  return c;
fail:
  ERR_clear_error();
  SSL_free(c->ssl);
  free(c);
  return NULL;
}

dtls_conn *dtls_conn_new(const dtls_identity *id, bool is_server,
                         const uint8_t expected_fp[DTLS_FINGERPRINT_LEN]) {
  return dtls_conn_new_ex(id, is_server, expected_fp, NULL);
}

void dtls_conn_free(dtls_conn *c) {
  if (c == NULL) return;
  SSL_free(c->ssl); /* frees both BIOs */
  OPENSSL_cleanse(c, sizeof *c);
  free(c);
}

dtls_conn_state dtls_conn_get_state(const dtls_conn *c) { return c->state; }
bool dtls_conn_is_server(const dtls_conn *c) { return c->is_server; }
const char *dtls_conn_error(const dtls_conn *c) { return c->err; }

/* The handshake is done and the fingerprint known: authenticate and settle the state. */
static void dtls__check_peer(dtls_conn *c) {
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  X509 *peer = SSL_get0_peer_certificate(c->ssl);
  if (peer == NULL || !dtls__cert_digest(peer, fp) || CRYPTO_memcmp(fp, c->expected_fp, sizeof fp) != 0) {
    snprintf(c->err, sizeof c->err, "fingerprint mismatch");
    (void)SSL_shutdown(c->ssl); /* tell the peer; it believes the handshake succeeded */
    dtls__fail(c, NULL);
    return;
  }
  c->state = DTLS_CONN_CONNECTED;
}

static void dtls__on_handshake_done(dtls_conn *c) {
  const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(c->ssl);
  c->handshake_done = true;
  if (p == NULL || (p->id != DTLS_SRTP_AES128_CM_SHA1_80 && p->id != DTLS_SRTP_AEAD_AES_128_GCM)) {
    (void)SSL_shutdown(c->ssl);
    dtls__fail(c, "no SRTP profile negotiated");
    return;
  }
  if (c->have_fp) dtls__check_peer(c);
}

/* Runs OpenSSL on whatever the read BIO holds: the handshake while it lasts, then SSL_read
 * for alerts, retransmitted Finished messages and (discarded) application data. */
static void dtls__drive(dtls_conn *c) {
  ERR_clear_error();
  if (!c->handshake_done) {
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
      dtls__on_handshake_done(c);
    } else {
      int e = SSL_get_error(c->ssl, r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        dtls__fail(c, NULL);
        return;
      }
    }
  }
  if (!c->handshake_done || dtls__final(c)) return;
  uint8_t sink[4096];
  for (;;) {
    int r = SSL_read(c->ssl, sink, sizeof sink);
    if (r > 0) continue; /* no data channel on this transport: drop */
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
    if (e == SSL_ERROR_ZERO_RETURN) {
      (void)SSL_shutdown(c->ssl); /* answer with our close_notify */
      if (c->err[0] == '\0') snprintf(c->err, sizeof c->err, "closed by peer");
      ERR_clear_error();
      c->state = DTLS_CONN_CLOSED;
    } else {
      dtls__fail(c, NULL);
    }
    break;
  }
  ERR_clear_error();
}

int dtls_conn_set_remote_fingerprint(dtls_conn *c, const uint8_t fp[DTLS_FINGERPRINT_LEN]) {
  if (fp == NULL || c->state == DTLS_CONN_CONNECTED || dtls__final(c)) return -1;
  memcpy(c->expected_fp, fp, DTLS_FINGERPRINT_LEN);
  c->have_fp = true;
  if (c->handshake_done) dtls__check_peer(c);
  return 0;
}

int dtls_conn_start(dtls_conn *c) {
  if (c->is_server || c->state != DTLS_CONN_NEW) return -1;
  c->state = DTLS_CONN_CONNECTING;
  dtls__drive(c);
  return c->state == DTLS_CONN_FAILED ? -1 : 0;
}

/* The shortest record of a protected epoch that can be authentic under the suite agreed (or
 * being agreed): explicit nonce and tag, 8 + 16 bytes for AES-GCM, the 16-byte tag alone for
 * ChaCha20-Poly1305; AES-GCM's while no suite is known yet. */
static size_t dtls__min_protected_record(const dtls_conn *c) {
  const SSL_CIPHER *cipher = SSL_get_current_cipher(c->ssl);
  if (cipher == NULL) cipher = SSL_get_pending_cipher(c->ssl);
  if (cipher != NULL && SSL_CIPHER_get_cipher_nid(cipher) == NID_chacha20_poly1305) return 16;
  return 8 + 16;
}

/* RFC 6347 4.1.2.7: invalid records are silently discarded. OpenSSL 3.0 does so for a bad tag,
 * but a record of a protected epoch (epoch > 0) too short to hold the tag makes it send a fatal
 * internal_error alert and give up the association, so such records are removed here before it
 * sees them. Walks the records of pkt; if every one may go to OpenSSL, returns pkt itself.
 * Otherwise copies those that may into `kept` (at least len bytes) and returns it, with *out_len
 * set (0 if none is left). A truncated record ends the walk: OpenSSL drops the rest of a
 * datagram there too. */
static const uint8_t *dtls__filter_records(const dtls_conn *c, const uint8_t *pkt, size_t len, uint8_t *kept,
                                           size_t *out_len) {
  size_t min = dtls__min_protected_record(c), off = 0, n = 0;
  bool copying = false;
  while (len - off >= DTLS_RECORD_HEADER_LEN) {
    const uint8_t *h = pkt + off;
    size_t body = be16_read(h + 11), epoch = be16_read(h + 3);
    size_t rec = DTLS_RECORD_HEADER_LEN + (body <= len - off - DTLS_RECORD_HEADER_LEN ? body : 0);
    bool truncated = body > len - off - DTLS_RECORD_HEADER_LEN;
    bool drop = epoch != 0 && body > 0 && body < min;
    if (drop && !copying) { /* first one to leave out: take what came before it */
      memcpy(kept, pkt, off);
      n = off;
      copying = true;
    }
    if (truncated) break;
    if (copying && !drop) {
      memcpy(kept + n, h, rec);
      n += rec;
    }
    off += rec;
  }
  if (!copying) {
    *out_len = len;
    return pkt;
  }
  *out_len = n;
  return kept;
}

int dtls_conn_feed(dtls_conn *c, const uint8_t *pkt, size_t len) {
  if (len > DTLS_MAX_DATAGRAM || !dtls_is_dtls(pkt, len) || dtls__final(c)) return -1;
  if (c->state == DTLS_CONN_NEW && !c->is_server) return -1; /* a client speaks first */
  uint8_t kept[DTLS_MAX_DATAGRAM];
  pkt = dtls__filter_records(c, pkt, len, kept, &len);
  if (len == 0) return 0; /* nothing valid in it: discarded */
  if (c->state == DTLS_CONN_NEW) c->state = DTLS_CONN_CONNECTING;
  if (BIO_write(c->rbio, pkt, (int)len) != (int)len) {
    ERR_clear_error();
    return -1;
  }
  dtls__drive(c);
  /* OpenSSL takes the whole datagram in one read; anything left is from a failure. Drop it so
   * that the next datagram is not read as its continuation. */
  if (BIO_ctrl_pending(c->rbio) > 0) (void)BIO_reset(c->rbio);
  return c->state == DTLS_CONN_FAILED ? -1 : 0;
}

int dtls_conn_pending_out(dtls_conn *c, uint8_t *buf, size_t cap) {
  char *data = NULL;
  long avail = BIO_get_mem_data(c->wbio, &data);
  if (avail <= 0 || data == NULL) return 0;
  size_t n = (size_t)avail, limit = cap < DTLS_MTU ? cap : DTLS_MTU, off = 0;
  const uint8_t *p = (const uint8_t *)data;
  while (off < n) {
    size_t rec = n - off; /* a torn header cannot happen; if it did, send the rest as is */
    if (rec >= DTLS_RECORD_HEADER_LEN) {
      rec = DTLS_RECORD_HEADER_LEN + (size_t)be16_read(p + off + 11);
      if (rec > n - off) rec = n - off;
    }
    if (off + rec > limit) {
      if (off == 0 && rec <= cap) off = rec; /* a lone record above the MTU: still whole */
      break;
    }
    off += rec;
  }
  if (off == 0) return -1; /* cap too small for the next record */
  if (BIO_read(c->wbio, buf, (int)off) != (int)off) {
    ERR_clear_error();
    return -1;
  }
  return (int)off;
}

int dtls_conn_tick(dtls_conn *c, uint64_t now_ms) {
  if (dtls__final(c) || c->state == DTLS_CONN_NEW) return -1;
  long hs_left = -1;
  if (c->state == DTLS_CONN_CONNECTING && !c->handshake_done) {
    if (!c->hs_clock) {
      c->hs_clock = true;
      c->hs_start_ms = now_ms;
    }
    uint64_t elapsed = now_ms >= c->hs_start_ms ? now_ms - c->hs_start_ms : 0;
    if (elapsed >= DTLS_HANDSHAKE_TIMEOUT_MS) {
      dtls__fail(c, "handshake timeout");
      return -1;
    }
    hs_left = (long)(DTLS_HANDSHAKE_TIMEOUT_MS - elapsed);
  }
  ERR_clear_error();
  if (DTLSv1_handle_timeout(c->ssl) < 0) {
    dtls__fail(c, "retransmission limit reached");
    return -1;
  }
  ERR_clear_error();
  struct timeval tv;
  long left = -1;
  if (DTLSv1_get_timeout(c->ssl, &tv) == 1) left = (long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
  if (hs_left >= 0 && (left < 0 || hs_left < left)) left = hs_left;
  return left > INT32_MAX ? INT32_MAX : (int)left;
}

void dtls_conn_close(dtls_conn *c) {
  if (dtls__final(c)) return;
  if (c->handshake_done) {
    ERR_clear_error();
    (void)SSL_shutdown(c->ssl);
    ERR_clear_error();
  }
  if (c->err[0] == '\0') snprintf(c->err, sizeof c->err, "closed locally");
  c->state = DTLS_CONN_CLOSED;
}

int dtls_conn_srtp_keys(dtls_conn *c, dtls_srtp_keys *out) {
  memset(out, 0, sizeof *out);
  if (c->state != DTLS_CONN_CONNECTED) return -1;
  const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(c->ssl);
  if (p == NULL) return -1;
  size_t klen = DTLS_SRTP_KEY_LEN, slen;
  if (p->id == DTLS_SRTP_AEAD_AES_128_GCM)
    slen = 12;
  else if (p->id == DTLS_SRTP_AES128_CM_SHA1_80)
    slen = 14;
  else
    return -1;
  uint8_t m[2 * (DTLS_SRTP_KEY_LEN + DTLS_SRTP_MAX_SALT_LEN)];
  size_t mlen = 2 * (klen + slen);
  ERR_clear_error();
  if (SSL_export_keying_material(c->ssl, m, mlen, DTLS_EXPORTER_LABEL, strlen(DTLS_EXPORTER_LABEL), NULL, 0,
                                 0) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(m, sizeof m);
    return -1;
  }
  /* RFC 5764 4.2: client_write_key | server_write_key | client_write_salt | server_write_salt */
  const uint8_t *ckey = m, *skey = m + klen, *csalt = m + 2 * klen, *ssalt = m + 2 * klen + slen;
  out->profile = (dtls_srtp_profile)p->id;
  out->key_len = (uint8_t)klen;
  out->salt_len = (uint8_t)slen;
  memcpy(out->local_key, c->is_server ? skey : ckey, klen);
  memcpy(out->local_salt, c->is_server ? ssalt : csalt, slen);
  memcpy(out->remote_key, c->is_server ? ckey : skey, klen);
  memcpy(out->remote_salt, c->is_server ? csalt : ssalt, slen);
  OPENSSL_cleanse(m, sizeof m);
  return 0;
}
