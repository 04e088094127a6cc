/* Unit tests of the DTLS layer (gateway/rtc/dtls.c) over the in-memory link of
 * dtls_test_support.h: identity and fingerprint, the handshake (clean, lossy, all lost),
 * fingerprint mismatch and late fingerprint, profile negotiation, roles, misuse, close_notify,
 * garbage and forged records. Key export and SRTP: test_dtls_srtp.c. Runs under ASan/UBSan with
 * leak detection: every object is freed. */
#include "dtls_test_support.h"

static void test_identity_fingerprint(void **state) {
  fixture *f = *state;
  char text[DTLS_FINGERPRINT_TEXT_LEN];
  dtls_identity_fingerprint(f->server_id, text);
  assert_int_equal(strlen(text), 95);
  for (int i = 0; i < 95; i++) {
    if (i % 3 == 2)
      assert_int_equal(text[i], ':');
    else
      assert_true((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'A' && text[i] <= 'F'));
  }
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  assert_int_equal(dtls_fingerprint_parse(text, fp), 0);
  assert_memory_equal(fp, dtls_identity_fingerprint_bytes(f->server_id), 32);
  assert_memory_not_equal(fp, dtls_identity_fingerprint_bytes(f->client_id), 32);

  /* lower case and blanks around are fine; anything else is not */
  char lower[120];
  snprintf(lower, sizeof lower, "  %s \r\n", text);
  for (char *p = lower; *p; p++)
    if (*p >= 'A' && *p <= 'F') *p = (char)(*p - 'A' + 'a');
  assert_int_equal(dtls_fingerprint_parse(lower, fp), 0);
  assert_memory_equal(fp, dtls_identity_fingerprint_bytes(f->server_id), 32);
  char bad[120];
  snprintf(bad, sizeof bad, "%s", text);
  bad[94] = '\0'; /* one digit short */
  assert_int_equal(dtls_fingerprint_parse(bad, fp), -1);
  snprintf(bad, sizeof bad, "%s:AB", text); /* 33 bytes */
  assert_int_equal(dtls_fingerprint_parse(bad, fp), -1);
  snprintf(bad, sizeof bad, "%s", text);
  bad[5] = '-';
  assert_int_equal(dtls_fingerprint_parse(bad, fp), -1);
  bad[5] = ':';
  bad[3] = 'G';
  assert_int_equal(dtls_fingerprint_parse(bad, fp), -1);
  assert_int_equal(dtls_fingerprint_parse("", fp), -1);
  assert_int_equal(dtls_fingerprint_parse(NULL, fp), -1);
}

static void test_is_dtls(void **state) {
  (void)state;
  uint8_t b[13] = {0};
  b[0] = 19;
  assert_false(dtls_is_dtls(b, sizeof b));
  b[0] = 20;
  assert_true(dtls_is_dtls(b, sizeof b));
  assert_false(dtls_is_dtls(b, 12));
  b[0] = 63;
  assert_true(dtls_is_dtls(b, sizeof b));
  b[0] = 64;
  assert_false(dtls_is_dtls(b, sizeof b));
  b[0] = 0x80; /* RTP */
  assert_false(dtls_is_dtls(b, sizeof b));
  assert_false(dtls_is_dtls(NULL, 0));
}

/* ---- handshake ---- */

static void test_handshake(void **state) {
  link l;
  link_open(&l, *state, NULL, NULL);
  assert_true(dtls_conn_is_server(l.server));
  assert_false(dtls_conn_is_server(l.client));
  dtls_srtp_keys k;
  assert_int_equal(dtls_conn_srtp_keys(l.client, &k), -1); /* not yet */
  connect_pair(&l);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
  assert_string_equal(dtls_conn_error(l.client), "");
  assert_int_equal(l.dropped, 0);
  assert_true(l.sent <= 6); /* four flights, records packed into datagrams */
  assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
  /* no timer runs once connected on the client side */
  assert_int_equal(dtls_conn_tick(l.client, sim_ms), -1);
  link_close(&l);
}

static void test_handshake_lossy(void **state) {
  int total_dropped = 0, total_ticks = 0;
  uint64_t t0 = sim_ms;
  for (uint32_t seed = 1; seed <= 40; seed++) {
    link l;
    link_open(&l, *state, NULL, NULL);
    l.drop_pct = 10;
    rng_state = seed * 2654435761u;
    connect_pair(&l);
    assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
    assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
    assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
    total_dropped += l.dropped;
    total_ticks += l.ticks_fired;
    link_close(&l);
  }
  /* losses happened and the simulated clock, through dtls_conn_tick(), repaired them */
  assert_true(total_dropped > 5);
  assert_true(total_ticks > 0);
  assert_true(sim_ms > t0);
}

static void test_handshake_all_lost_times_out(void **state) {
  link l;
  link_open(&l, *state, NULL, NULL);
  l.drop_pct = 100;
  rng_state = 7;
  connect_pair(&l);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_FAILED);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_NEW); /* never heard anything */
  assert_true(strlen(dtls_conn_error(l.client)) > 0);
  assert_true(l.sent > 3); /* the ClientHello was retransmitted */
  dtls_srtp_keys k;
  assert_int_equal(dtls_conn_srtp_keys(l.client, &k), -1);
  assert_true(all_zero((const uint8_t *)&k, sizeof k));
  link_close(&l);
}

static void test_fingerprint_mismatch(void **state) {
  fixture *f = *state;
  uint8_t wrong[DTLS_FINGERPRINT_LEN];
  memcpy(wrong, dtls_identity_fingerprint_bytes(f->server_id), sizeof wrong);
  wrong[7] ^= 1;

  /* the client does not get the server it expects */
  link l;
  memset(&l, 0, sizeof l);
  l.server = dtls_conn_new(f->server_id, true, dtls_identity_fingerprint_bytes(f->client_id));
  l.client = dtls_conn_new(f->client_id, false, wrong);
  connect_pair(&l);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_FAILED);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_FAILED);
  assert_string_equal(dtls_conn_error(l.client), "fingerprint mismatch");
  dtls_srtp_keys k;
  assert_int_equal(dtls_conn_srtp_keys(l.client, &k), -1);
  assert_int_equal(dtls_conn_srtp_keys(l.server, &k), -1);
  uint8_t junk[64] = {22, 0xfe, 0xfd};
  assert_int_equal(dtls_conn_feed(l.client, junk, sizeof junk), -1); /* failed is final */
  link_close(&l);

  /* the server does not get the client it expects */
  memcpy(wrong, dtls_identity_fingerprint_bytes(f->client_id), sizeof wrong);
  wrong[31] ^= 0x80;
  memset(&l, 0, sizeof l);
  l.server = dtls_conn_new(f->server_id, true, wrong);
  l.client = dtls_conn_new(f->client_id, false, dtls_identity_fingerprint_bytes(f->server_id));
  connect_pair(&l);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_FAILED);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_FAILED);
  assert_string_equal(dtls_conn_error(l.server), "fingerprint mismatch");
  assert_int_equal(dtls_conn_srtp_keys(l.server, &k), -1);
  assert_int_equal(dtls_conn_srtp_keys(l.client, &k), -1);
  link_close(&l);
}

static void test_fingerprint_late(void **state) {
  fixture *f = *state;
  for (int right = 0; right <= 1; right++) {
    link l;
    memset(&l, 0, sizeof l);
    l.server = dtls_conn_new(f->server_id, true, NULL); /* the SDP answer is still on its way */
    l.client = dtls_conn_new(f->client_id, false, dtls_identity_fingerprint_bytes(f->server_id));
    connect_pair(&l);
    assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
    assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTING);
    dtls_srtp_keys k;
    assert_int_equal(dtls_conn_srtp_keys(l.server, &k), -1);
    uint8_t fp[DTLS_FINGERPRINT_LEN];
    memcpy(fp, dtls_identity_fingerprint_bytes(f->client_id), sizeof fp);
    if (!right) fp[0] ^= 0xff;
    assert_int_equal(dtls_conn_set_remote_fingerprint(l.server, fp), 0);
    if (right) {
      assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
      assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
      assert_int_equal(dtls_conn_set_remote_fingerprint(l.server, fp), -1); /* already checked */
    } else {
      assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_FAILED);
      assert_string_equal(dtls_conn_error(l.server), "fingerprint mismatch");
      assert_int_equal(dtls_conn_srtp_keys(l.server, &k), -1);
      link_run(&l); /* the server told the client it is closing */
      assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CLOSED);
    }
    link_close(&l);
  }
}

static void test_profiles(void **state) {
  fixture *f = *state;
  struct {
    const char *client, *server;
    dtls_srtp_profile want;
  } cases[] = {
      {NULL, NULL, DTLS_SRTP_AEAD_AES_128_GCM},
      {"SRTP_AES128_CM_SHA1_80", NULL, DTLS_SRTP_AES128_CM_SHA1_80}, /* aiortc */
      {NULL, "SRTP_AES128_CM_SHA1_80", DTLS_SRTP_AES128_CM_SHA1_80},
      {"SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", NULL, DTLS_SRTP_AEAD_AES_128_GCM}, /* ours first */
      {"SRTP_AEAD_AES_128_GCM", NULL, DTLS_SRTP_AEAD_AES_128_GCM},
      {"SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_SHA1_80", DTLS_SRTP_NONE}, /* nothing in common */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    link l;
    link_open(&l, f, cases[i].client, cases[i].server);
    connect_pair(&l);
    if (cases[i].want == DTLS_SRTP_NONE) {
      assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_FAILED);
      assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_FAILED);
      assert_string_equal(dtls_conn_error(l.server), "no SRTP profile negotiated");
    } else {
      assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
      assert_keys_crosswise(l.client, l.server, cases[i].want);
    }
    link_close(&l);
  }
  assert_null(dtls_conn_new_ex(f->client_id, false, NULL, "SRTP_NO_SUCH_PROFILE"));
}

static void test_roles_swapped(void **state) {
  /* the SFU may be the DTLS client too (subscribe side answered with setup:passive) */
  fixture *f = *state;
  link l;
  memset(&l, 0, sizeof l);
  l.client = dtls_conn_new(f->server_id, false, dtls_identity_fingerprint_bytes(f->client_id));
  l.server = dtls_conn_new(f->client_id, true, dtls_identity_fingerprint_bytes(f->server_id));
  connect_pair(&l);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
  assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
  link_close(&l);
}

static void test_misuse(void **state) {
  fixture *f = *state;
  dtls_conn *s = dtls_conn_new(f->server_id, true, NULL);
  dtls_conn *c = dtls_conn_new(f->client_id, false, NULL);
  assert_int_equal(dtls_conn_start(s), -1); /* servers do not start */
  assert_int_equal(dtls_conn_get_state(s), DTLS_CONN_NEW);
  uint8_t rec[32] = {22, 0xfe, 0xfd};
  assert_int_equal(dtls_conn_feed(c, rec, sizeof rec), -1); /* a client speaks first */
  assert_int_equal(dtls_conn_get_state(c), DTLS_CONN_NEW);
  assert_int_equal(dtls_conn_tick(s, sim_ms), -1);
  assert_int_equal(dtls_conn_start(c), 0);
  assert_int_equal(dtls_conn_start(c), -1); /* once */
  uint8_t small[16];
  assert_int_equal(dtls_conn_pending_out(c, small, sizeof small), -1); /* too small: kept */
  uint8_t buf[DTLS_MTU];
  int n = dtls_conn_pending_out(c, buf, sizeof buf);
  assert_true(n > 100);
  assert_int_equal(buf[0], 22); /* handshake record */
  assert_int_equal(dtls_conn_pending_out(c, buf, sizeof buf), 0);
  assert_int_equal(dtls_conn_feed(s, buf, (size_t)n), 0);
  assert_int_equal(dtls_conn_get_state(s), DTLS_CONN_CONNECTING);
  assert_true(dtls_conn_tick(s, sim_ms) > 0); /* its flight is now on a timer */
  uint8_t big[DTLS_MAX_DATAGRAM + 1];
  memset(big, 22, sizeof big);
  assert_int_equal(dtls_conn_feed(s, big, sizeof big), -1);
  dtls_conn_close(s);
  assert_int_equal(dtls_conn_get_state(s), DTLS_CONN_CLOSED);
  dtls_conn_close(s); /* no-op */
  dtls_conn_free(s);
  dtls_conn_free(c);
  dtls_conn_free(NULL);
  dtls_identity_free(NULL);
}

static void test_close_notify(void **state) {
  link l;
  link_open(&l, *state, NULL, NULL);
  connect_pair(&l);
  dtls_conn_close(l.client);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CLOSED);
  uint8_t buf[DTLS_MTU];
  int n = dtls_conn_pending_out(l.client, buf, sizeof buf);
  assert_true(n > 0);
  assert_int_equal(buf[0], 21); /* alert */
  assert_int_equal(dtls_conn_feed(l.server, buf, (size_t)n), 0);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CLOSED);
  assert_string_equal(dtls_conn_error(l.server), "closed by peer");
  n = dtls_conn_pending_out(l.server, buf, sizeof buf); /* its own close_notify */
  assert_true(n > 0);
  assert_int_equal(dtls_conn_feed(l.client, buf, (size_t)n), -1); /* closed is final */
  dtls_srtp_keys k;
  assert_int_equal(dtls_conn_srtp_keys(l.server, &k), -1);
  link_close(&l);
}

static void test_dtls_garbage(void **state) {
  fixture *f = *state;
  link l;
  link_open(&l, f, NULL, NULL);
  connect_pair(&l);
  dtls_conn *fresh = dtls_conn_new(f->server_id, true, NULL);
  dtls_conn *started = dtls_conn_new(f->client_id, false, NULL);
  assert_int_equal(dtls_conn_start(started), 0);
  dtls_conn *targets[] = {l.client, l.server, fresh, started};
  uint8_t buf[1500], out[DTLS_MTU];
  rng_state = 12345;
  for (int i = 0; i < 20000; i++) {
    size_t len = rng() % sizeof buf;
    for (size_t j = 0; j < len; j++) buf[j] = (uint8_t)rng();
    if (len > 0 && (i & 1)) buf[0] = (uint8_t)(20 + rng() % 4); /* a plausible content type */
    if (len > 2 && (i & 2)) buf[1] = 0xfe, buf[2] = 0xfd;       /* and version */
    if (len > 12 && (i & 4)) {                                  /* and length */
      size_t body = len - 13;
      buf[11] = (uint8_t)(body >> 8), buf[12] = (uint8_t)body;
    }
    dtls_conn *t = targets[i % 4];
    int r = dtls_conn_feed(t, buf, len);
    assert_true(r == 0 || r == -1);
    assert_true(dtls_conn_get_state(t) <= DTLS_CONN_CLOSED);
    while (dtls_conn_pending_out(t, out, sizeof out) > 0) {
    }
  }
  /* records that are not authentic are dropped: an established association survives */
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
  assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
  dtls_conn_free(fresh);
  dtls_conn_free(started);
  link_close(&l);
}

/* RFC 6347 4.1.2.7: invalid records are silently discarded. Once the association is up, records
 * of the current epoch that are too short to hold an AEAD tag, truncated, of unknown content
 * types, with a bad tag, of old or future epochs, or of another version must leave it CONNECTED
 * with the same keys, and a genuine record that follows (the peer's close_notify) must still be
 * read. OpenSSL 3.0 answers a current-epoch record shorter than the GCM overhead (24 bytes) with
 * a fatal internal_error alert of its own; dtls.c filters those out before OpenSSL sees them. */
static int forged_record(uint8_t *rec, uint8_t type, uint16_t epoch, uint64_t seq, size_t body,
                         size_t declared) {
  rec[0] = type;
  rec[1] = 0xfe, rec[2] = 0xfd;
  rec[3] = (uint8_t)(epoch >> 8), rec[4] = (uint8_t)epoch;
  for (int i = 0; i < 6; i++) rec[5 + i] = (uint8_t)(seq >> (8 * (5 - i)));
  rec[11] = (uint8_t)(declared >> 8), rec[12] = (uint8_t)declared;
  for (size_t j = 0; j < body; j++) rec[13 + j] = (uint8_t)rng();
  if (type == 21 && body >= 2) rec[13] = 2, rec[14] = 40; /* a fatal handshake_failure alert */
  return (int)(13 + body);
}

static void test_dtls_invalid_records_discarded(void **state) {
  fixture *f = *state;
  link l;
  link_open(&l, f, NULL, NULL);
  connect_pair(&l);
  dtls_srtp_keys before, after;
  assert_int_equal(dtls_conn_srtp_keys(l.server, &before), 0);
  uint8_t dgram[2048], out[DTLS_MTU];
  rng_state = 777;
  int fed = 0;
  for (int type = 20; type <= 63; type++) {
    static const uint16_t epochs[] = {0, 1, 2, 0xffff};
    for (size_t e = 0; e < 4; e++) {
      for (size_t body = 0; body <= 64; body += (body < 40 ? 1 : 8)) {
        uint64_t seq = 1000 + (uint64_t)fed;
        int n = forged_record(dgram, (uint8_t)type, epochs[e], seq, body, body);
        dtls_conn *to = (fed & 1) ? l.client : l.server;
        assert_int_equal(dtls_conn_feed(to, dgram, (size_t)n), 0);
        /* truncated: the header claims more than the datagram holds */
        n = forged_record(dgram, (uint8_t)type, epochs[e], seq + 1, body, body + 1 + (size_t)(rng() % 300));
        assert_int_equal(dtls_conn_feed(to, dgram, (size_t)n), 0);
        /* a short record packed in front of a plausible one in the same datagram */
        n = forged_record(dgram, (uint8_t)type, epochs[e], seq + 2, body % 24, body % 24);
        n += forged_record(dgram + n, 23, 1, seq + 3, 40, 40);
        assert_int_equal(dtls_conn_feed(to, dgram, (size_t)n), 0);
        fed++;
        if (dtls_conn_get_state(to) != DTLS_CONN_CONNECTED)
          fail_msg("type %d epoch %u body %zu ended the association: %s", type, epochs[e], body,
                   dtls_conn_error(to));
      }
    }
  }
  /* other versions */
  static const uint8_t vers[][2] = {{0xfe, 0xff}, {3, 3}, {0, 0}, {0xfe, 0xfc}, {0xff, 0xff}, {3, 1}};
  for (size_t v = 0; v < sizeof vers / sizeof *vers; v++) {
    for (size_t body = 0; body < 30; body++) {
      int n = forged_record(dgram, 23, 1, 5000 + v * 100 + body, body, body);
      dgram[1] = vers[v][0], dgram[2] = vers[v][1];
      assert_int_equal(dtls_conn_feed(l.server, dgram, (size_t)n), 0);
    }
  }
  /* nothing is answered to any of it (no alert goes out) */
  assert_int_equal(dtls_conn_pending_out(l.server, out, sizeof out), 0);
  assert_int_equal(dtls_conn_pending_out(l.client, out, sizeof out), 0);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
  assert_string_equal(dtls_conn_error(l.server), "");
  assert_int_equal(dtls_conn_srtp_keys(l.server, &after), 0);
  assert_memory_equal(&before, &after, sizeof before);
  assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);

  /* a genuine record still gets through: the client's close_notify closes the server */
  dtls_conn_close(l.client);
  int n = dtls_conn_pending_out(l.client, out, sizeof out);
  assert_true(n > 0);
  /* ... even packed behind a short forged record in the same datagram */
  int m = forged_record(dgram, 21, 1, 1, 5, 5);
  memcpy(dgram + m, out, (size_t)n);
  assert_int_equal(dtls_conn_feed(l.server, dgram, (size_t)(m + n)), 0);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CLOSED);
  assert_string_equal(dtls_conn_error(l.server), "closed by peer");
  link_close(&l);
}

/* The same during the handshake: a short record of the epoch the handshake is moving to, sent
 * by someone on the path between the flights, does not end it. */
static void test_dtls_invalid_records_during_handshake(void **state) {
  link l;
  link_open(&l, *state, NULL, NULL);
  assert_int_equal(dtls_conn_start(l.client), 0);
  uint8_t dgram[256];
  rng_state = 4242;
  for (int round = 0; round < 8 && !(settled(l.client) && settled(l.server)); round++) {
    for (size_t body = 1; body < 24; body++) {
      int n = forged_record(dgram, (uint8_t)(20 + body % 4), 1, body, body, body);
      assert_int_equal(dtls_conn_feed(l.server, dgram, (size_t)n), 0);
      if (dtls_conn_get_state(l.client) != DTLS_CONN_NEW) (void)dtls_conn_feed(l.client, dgram, (size_t)n);
    }
    link_flush(&l, l.client, l.server);
    link_flush(&l, l.server, l.client);
  }
  link_run(&l);
  assert_int_equal(dtls_conn_get_state(l.client), DTLS_CONN_CONNECTED);
  assert_int_equal(dtls_conn_get_state(l.server), DTLS_CONN_CONNECTED);
  assert_keys_crosswise(l.client, l.server, DTLS_SRTP_AEAD_AES_128_GCM);
  link_close(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_identity_fingerprint),
      cmocka_unit_test(test_is_dtls),
      cmocka_unit_test(test_handshake),
      cmocka_unit_test(test_handshake_lossy),
      cmocka_unit_test(test_handshake_all_lost_times_out),
      cmocka_unit_test(test_fingerprint_mismatch),
      cmocka_unit_test(test_fingerprint_late),
      cmocka_unit_test(test_profiles),
      cmocka_unit_test(test_roles_swapped),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_close_notify),
      cmocka_unit_test(test_dtls_garbage),
      cmocka_unit_test(test_dtls_invalid_records_discarded),
      cmocka_unit_test(test_dtls_invalid_records_during_handshake),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
