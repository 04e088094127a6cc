/* Unit tests of the DTLS-SRTP keying and SRTP (gateway/rtc/dtls.c, gateway/rtc/srtp.c) over
 * the in-memory link of dtls_test_support.h: SRTP and SRTCP round trips for both profiles with
 * keys exported from a real handshake, replay and tamper rejection, bad keys, garbage. The
 * handshake itself: test_dtls_handshake.c. Runs under ASan/UBSan with leak detection. */
#include "dtls_test_support.h"

/* ---- SRTP ---- */

typedef struct {
  srtp_pair *client, *server;
} srtp_link;

static void srtp_link_open(srtp_link *s, fixture *f, const char *client_profiles, dtls_srtp_profile want) {
  link l;
  link_open(&l, f, client_profiles, NULL);
  connect_pair(&l);
  dtls_srtp_keys ck, sk;
  assert_int_equal(dtls_conn_srtp_keys(l.client, &ck), 0);
  assert_int_equal(dtls_conn_srtp_keys(l.server, &sk), 0);
  assert_int_equal(ck.profile, want);
  s->client = srtp_pair_new(&ck);
  s->server = srtp_pair_new(&sk);
  assert_non_null(s->client);
  assert_non_null(s->server);
  link_close(&l);
}

static int make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, int payload_len) {
  buf[0] = 0x80;
  buf[1] = 96;
  buf[2] = (uint8_t)(seq >> 8), buf[3] = (uint8_t)seq;
  uint32_t ts = seq * 3000u;
  buf[4] = (uint8_t)(ts >> 24), buf[5] = (uint8_t)(ts >> 16), buf[6] = (uint8_t)(ts >> 8),
  buf[7] = (uint8_t)ts;
  buf[8] = (uint8_t)(ssrc >> 24), buf[9] = (uint8_t)(ssrc >> 16), buf[10] = (uint8_t)(ssrc >> 8);
  buf[11] = (uint8_t)ssrc;
  for (int i = 0; i < payload_len; i++) buf[12 + i] = (uint8_t)(i * 7 + seq);
  return 12 + payload_len;
}

static int make_rtcp_rr(uint8_t *buf, uint32_t ssrc) {
  /* receiver report with one report block: 8 + 24 bytes */
  memset(buf, 0, 32);
  buf[0] = 0x81, buf[1] = 201, buf[2] = 0, buf[3] = 7;
  buf[4] = (uint8_t)(ssrc >> 24), buf[5] = (uint8_t)(ssrc >> 16), buf[6] = (uint8_t)(ssrc >> 8),
  buf[7] = (uint8_t)ssrc;
  for (int i = 8; i < 32; i++) buf[i] = (uint8_t)i;
  return 32;
}

static void srtp_roundtrip(void **state, const char *client_profiles, dtls_srtp_profile want) {
  srtp_link s;
  srtp_link_open(&s, *state, client_profiles, want);
  int tag = want == DTLS_SRTP_AEAD_AES_128_GCM ? 16 : 10;
  _Alignas(8) uint8_t pkt[1500], plain[1500], copy[1500];

  /* RTP both ways */
  for (int dir = 0; dir < 2; dir++) {
    srtp_pair *tx = dir ? s.server : s.client, *rx = dir ? s.client : s.server;
    for (uint16_t seq = 100; seq < 110; seq++) {
      int len = make_rtp(pkt, seq, 0x1234u + (uint32_t)dir, 1000);
      memcpy(plain, pkt, (size_t)len);
      int plen = len;
      assert_int_equal(srtp_pair_protect_rtp(tx, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
      assert_int_equal(len, plen + tag);
      assert_memory_equal(pkt, plain, 12);                /* header in the clear */
      assert_memory_not_equal(pkt + 12, plain + 12, 100); /* payload encrypted */
      assert_int_equal(srtp_pair_unprotect_rtp(rx, pkt, &len), SRTP_PAIR_OK);
      assert_int_equal(len, plen);
      assert_memory_equal(pkt, plain, (size_t)plen);
    }
  }

  /* replay: the same SRTP packet twice */
  int len = make_rtp(pkt, 500, 0x1234u, 200);
  assert_int_equal(srtp_pair_protect_rtp(s.client, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
  memcpy(copy, pkt, (size_t)len);
  int clen = len;
  assert_int_equal(srtp_pair_unprotect_rtp(s.server, pkt, &len), SRTP_PAIR_OK);
  assert_int_equal(srtp_pair_unprotect_rtp(s.server, copy, &clen), SRTP_PAIR_ERR_REPLAY);

  /* retransmission: protecting the same packet again is allowed and yields the same bytes */
  len = make_rtp(pkt, 501, 0x1234u, 200);
  memcpy(plain, pkt, (size_t)len);
  int plen = len;
  assert_int_equal(srtp_pair_protect_rtp(s.client, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
  memcpy(copy, plain, (size_t)plen);
  clen = plen;
  assert_int_equal(srtp_pair_protect_rtp(s.client, copy, &clen, sizeof copy), SRTP_PAIR_OK);
  assert_int_equal(clen, len);
  assert_memory_equal(copy, pkt, (size_t)len);

  /* tamper: one payload bit, or the tag */
  memcpy(copy, pkt, (size_t)len);
  clen = len;
  copy[40] ^= 0x01;
  assert_int_equal(srtp_pair_unprotect_rtp(s.server, copy, &clen), SRTP_PAIR_ERR_AUTH);
  memcpy(copy, pkt, (size_t)len);
  clen = len;
  copy[len - 1] ^= 0x80;
  assert_int_equal(srtp_pair_unprotect_rtp(s.server, copy, &clen), SRTP_PAIR_ERR_AUTH);
  assert_int_equal(srtp_pair_unprotect_rtp(s.server, pkt, &len), SRTP_PAIR_OK); /* original still good */
  assert_memory_equal(pkt, plain, (size_t)plen);

  /* RTCP both ways, replay and tamper */
  for (int dir = 0; dir < 2; dir++) {
    srtp_pair *tx = dir ? s.server : s.client, *rx = dir ? s.client : s.server;
    for (int i = 0; i < 5; i++) {
      len = make_rtcp_rr(pkt, 0xabcdu + (uint32_t)dir);
      memcpy(plain, pkt, (size_t)len);
      plen = len;
      assert_int_equal(srtp_pair_protect_rtcp(tx, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
      assert_int_equal(len, plen + 4 + tag);
      memcpy(copy, pkt, (size_t)len);
      clen = len;
      copy[20] ^= 0x10;
      assert_int_equal(srtp_pair_unprotect_rtcp(rx, copy, &clen), SRTP_PAIR_ERR_AUTH);
      memcpy(copy, pkt, (size_t)len);
      clen = len;
      assert_int_equal(srtp_pair_unprotect_rtcp(rx, pkt, &len), SRTP_PAIR_OK);
      assert_int_equal(len, plen);
      assert_memory_equal(pkt, plain, (size_t)plen);
      assert_int_equal(srtp_pair_unprotect_rtcp(rx, copy, &clen), SRTP_PAIR_ERR_REPLAY);
    }
  }

  /* keys of the wrong direction do not authenticate */
  len = make_rtp(pkt, 700, 0x55u, 100);
  assert_int_equal(srtp_pair_protect_rtp(s.client, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
  assert_int_equal(srtp_pair_unprotect_rtp(s.client, pkt, &len), SRTP_PAIR_ERR_AUTH);

  /* trailer room is checked before libsrtp writes */
  len = make_rtp(pkt, 800, 0x1234u, 100);
  assert_int_equal(srtp_pair_protect_rtp(s.client, pkt, &len, len + SRTP_PAIR_RTP_TRAILER_MAX - 1),
                   SRTP_PAIR_ERR_ARG);
  assert_int_equal(len, 112);
  len = make_rtcp_rr(pkt, 1);
  assert_int_equal(srtp_pair_protect_rtcp(s.client, pkt, &len, len + SRTP_PAIR_RTCP_TRAILER_MAX - 1),
                   SRTP_PAIR_ERR_ARG);
  len = 11;
  assert_int_equal(srtp_pair_protect_rtp(s.client, pkt, &len, sizeof pkt), SRTP_PAIR_ERR_ARG);

  srtp_pair_free(s.client);
  srtp_pair_free(s.server);
}

static void test_srtp_gcm(void **state) { srtp_roundtrip(state, NULL, DTLS_SRTP_AEAD_AES_128_GCM); }
static void test_srtp_cm_sha1_80(void **state) {
  srtp_roundtrip(state, "SRTP_AES128_CM_SHA1_80", DTLS_SRTP_AES128_CM_SHA1_80);
}

static void test_srtp_bad_keys(void **state) {
  (void)state;
  dtls_srtp_keys k;
  memset(&k, 0x11, sizeof k);
  k.profile = DTLS_SRTP_AEAD_AES_128_GCM;
  k.key_len = 16;
  k.salt_len = 14; /* GCM wants 12 */
  assert_null(srtp_pair_new(&k));
  k.profile = DTLS_SRTP_NONE;
  k.salt_len = 12;
  assert_null(srtp_pair_new(&k));
  k.profile = DTLS_SRTP_AES128_CM_SHA1_80;
  k.key_len = 32;
  k.salt_len = 14;
  assert_null(srtp_pair_new(&k));
  assert_null(srtp_pair_new(NULL));
  srtp_pair_free(NULL);
  assert_int_equal(srtp_global_init(), 0);
  assert_int_equal(srtp_global_init(), 0);
}

static void test_srtp_garbage(void **state) {
  srtp_link gcm, cm;
  srtp_link_open(&gcm, *state, NULL, DTLS_SRTP_AEAD_AES_128_GCM);
  srtp_link_open(&cm, *state, "SRTP_AES128_CM_SHA1_80", DTLS_SRTP_AES128_CM_SHA1_80);
  srtp_pair *rx[] = {gcm.server, cm.server};
  _Alignas(8) uint8_t buf[1600];
  rng_state = 999;
  for (int i = 0; i < 40000; i++) {
    int len = (int)(rng() % 1500);
    for (int j = 0; j < len; j++) buf[j] = (uint8_t)rng();
    if (len > 0 && (i & 1)) buf[0] = (uint8_t)(0x80 | (buf[0] & 0x3f)); /* version 2 */
    if (len > 1 && (i & 2)) buf[1] = (uint8_t)(200 + rng() % 8);        /* an RTCP type */
    int l = len;
    srtp_pair *p = rx[i & 1];
    int r = (i & 4) ? srtp_pair_unprotect_rtcp(p, buf, &l) : srtp_pair_unprotect_rtp(p, buf, &l);
    assert_true(r < 0); /* forging a tag by chance would be news */
  }
  int l = 0;
  assert_int_equal(srtp_pair_unprotect_rtp(gcm.server, buf, &l), SRTP_PAIR_ERR_ARG);
  l = -5;
  assert_int_equal(srtp_pair_unprotect_rtcp(gcm.server, buf, &l), SRTP_PAIR_ERR_ARG);
  assert_int_equal(srtp_pair_unprotect_rtp(gcm.server, NULL, &l), SRTP_PAIR_ERR_ARG);
  srtp_pair_free(gcm.client);
  srtp_pair_free(gcm.server);
  srtp_pair_free(cm.client);
  srtp_pair_free(cm.server);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_srtp_gcm),
      cmocka_unit_test(test_srtp_cm_sha1_80),
      cmocka_unit_test(test_srtp_bad_keys),
      cmocka_unit_test(test_srtp_garbage),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
