/* Unit tests of the media worker's batched UDP socket (base/udp.c) on 127.0.0.1: what a flush
 * sends arrives as the datagrams queued, in the order queued per address, with UDP GSO (runs of
 * equal-size packets to one address, a shorter last one, a larger one starting a new run, runs cut
 * at UDP_GSO_BYTES) and without it (MOA_UDP_GSO=0); the counters count datagrams, not sends. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/udp.h"

typedef struct {
  int fd;
  struct sockaddr_storage addr;
} receiver;

static void receiver_open(receiver *r) {
  r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  assert_true(r->fd >= 0);
  int buf = 4 << 20;
  setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t l = sizeof r->addr;
  memset(&r->addr, 0, sizeof r->addr);
  assert_int_equal(getsockname(r->fd, (struct sockaddr *)&r->addr, &l), 0);
}

/* Queues a packet of len bytes, every byte `tag`, to r. */
static void queue(udp_socket *u, const receiver *r, size_t len, uint8_t tag) {
  uint8_t *b = udp_next_buf(u);
  memset(b, tag, len);
  udp_queue(u, len, &r->addr);
}

/* Reads the next datagram of r (loopback delivers within the send): its length and tag. */
static void expect(const receiver *r, size_t len, uint8_t tag) {
  uint8_t b[2048];
  ssize_t n = recv(r->fd, b, sizeof b, 0);
  assert_int_equal(n, (ssize_t)len);
  for (size_t i = 0; i < len; i++) assert_int_equal(b[i], tag);
}

static void expect_none(const receiver *r) {
  uint8_t b[16];
  assert_int_equal(recv(r->fd, b, sizeof b, 0), -1);
}

/* Runs the same traffic with GSO on or off and checks delivery and counters. */
static void interleaved(bool gso) {
  if (gso)
    unsetenv("MOA_UDP_GSO");
  else
    setenv("MOA_UDP_GSO", "0", 1);
  static udp_socket u;
  assert_int_equal(udp_open(&u, "127.0.0.1", 0), 0);
  assert_int_equal(u.gso, gso);
  receiver a, b, c;
  receiver_open(&a);
  receiver_open(&b);
  receiver_open(&c);
  /* a: 1216 x3 and 1000 (one run ended by the shorter packet), then 1216 and 900 (a second
   * run); b: 500 x2 interleaved (one run); c: one packet (no GSO). */
  queue(&u, &a, 1216, 1);
  queue(&u, &b, 500, 20);
  queue(&u, &a, 1216, 2);
  queue(&u, &c, 300, 30);
  queue(&u, &a, 1216, 3);
  queue(&u, &b, 500, 21);
  queue(&u, &a, 1000, 4);
  queue(&u, &a, 1216, 5);
  queue(&u, &a, 900, 6);
  udp_flush(&u);
  assert_int_equal(u.out.count, 0);
  expect(&a, 1216, 1);
  expect(&a, 1216, 2);
  expect(&a, 1216, 3);
  expect(&a, 1000, 4);
  expect(&a, 1216, 5);
  expect(&a, 900, 6);
  expect_none(&a);
  expect(&b, 500, 20);
  expect(&b, 500, 21);
  expect_none(&b);
  expect(&c, 300, 30);
  expect_none(&c);
  assert_int_equal(u.sent_packets, 9);
  assert_int_equal(u.sent_bytes, 1216 * 4 + 1000 + 900 + 500 * 2 + 300);
  assert_int_equal(u.send_errors, 0);
  assert_int_equal(u.gso_sends, gso ? 3 : 0);
  assert_int_equal(u.gso_packets, gso ? 8 : 0);
  close(a.fd), close(b.fd), close(c.fd);
  udp_close(&u);
  unsetenv("MOA_UDP_GSO");
}

static void test_gso_runs(void **state) {
  (void)state;
  interleaved(true);
}

static void test_gso_off(void **state) {
  (void)state;
  interleaved(false);
}

/* A packet larger than the run's size starts a new run (the kernel would refuse it inside). */
static void test_gso_larger_packet_starts_run(void **state) {
  (void)state;
  static udp_socket u;
  assert_int_equal(udp_open(&u, "127.0.0.1", 0), 0);
  receiver a;
  receiver_open(&a);
  queue(&u, &a, 800, 1);
  queue(&u, &a, 800, 2);
  queue(&u, &a, 1200, 3);
  queue(&u, &a, 1200, 4);
  udp_flush(&u);
  expect(&a, 800, 1);
  expect(&a, 800, 2);
  expect(&a, 1200, 3);
  expect(&a, 1200, 4);
  expect_none(&a);
  assert_int_equal(u.gso_sends, 2);
  assert_int_equal(u.sent_packets, 4);
  close(a.fd);
  udp_close(&u);
}

/* Runs are cut at UDP_GSO_BYTES: 100 packets of 1000 bytes to one address leave as two sends. */
static void test_gso_run_limit(void **state) {
  (void)state;
  static udp_socket u;
  assert_int_equal(udp_open(&u, "127.0.0.1", 0), 0);
  receiver a;
  receiver_open(&a);
  for (int i = 0; i < 100; i++) queue(&u, &a, 1000, (uint8_t)i);
  udp_flush(&u);
  for (int i = 0; i < 100; i++) expect(&a, 1000, (uint8_t)i);
  expect_none(&a);
  assert_int_equal(u.sent_packets, 100);
  assert_int_equal(u.gso_sends, 2);
  assert_int_equal(u.gso_packets, 100);
  close(a.fd);
  udp_close(&u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gso_runs),
      cmocka_unit_test(test_gso_off),
      cmocka_unit_test(test_gso_larger_packet_starts_run),
      cmocka_unit_test(test_gso_run_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
