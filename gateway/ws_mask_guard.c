/* ws_mask_guard (see ws_mask_guard.h): the frame-header parser, the descriptor table, and the
 * recv()/SSL_read() wrappers libwebsockets' reads go through.
 *
 * Client frames (RFC 6455 5.2): byte 0 FIN/RSV/opcode; byte 1 MASK bit and a 7-bit length, 126
 * meaning a 16-bit length follows, 127 a 64-bit one; then the 4-byte masking key when MASK is
 * set; then the payload. Only the headers matter here: the payload is skipped by count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include "gateway/ws_mask_guard.h"

#include <dlfcn.h>
#include <errno.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "base/log.h"

enum { PHASE_HTTP, PHASE_WS };
enum { F_HEAD0, F_HEAD1, F_EXTLEN, F_KEY, F_PAYLOAD };

typedef struct {
  atomic_bool watched;
  uint8_t phase;
  uint8_t crlf;         /* how much of "\r\n\r\n" was just seen */
  uint8_t ends_in_read; /* request ends ("\r\n\r\n") in the latest read */
  uint8_t fstate;
  uint8_t left; /* bytes left of the extended length or of the masking key */
  bool violated;
  uint32_t after;        /* bytes after the latest request end (HTTP phase), saturating */
  uint64_t payload_left; /* of the current frame */
  size_t frame_start;    /* offset of the current frame's first byte in the read being parsed */
  struct lws *wsi;
} guard;

static guard table[WS_MASK_GUARD_MAX_FD];

static guard *guard_of(int fd) {
  if (fd < 0 || fd >= WS_MASK_GUARD_MAX_FD) return NULL;
  guard *g = &table[fd];
  return atomic_load_explicit(&g->watched, memory_order_relaxed) ? g : NULL;
}

static void violation(guard *g) {
  if (g->violated) return;
  g->violated = true;
  if (g->wsi) lws_callback_on_writable(g->wsi);
}

void ws_mask_guard_watch(int fd) {
  if (fd < 0 || fd >= WS_MASK_GUARD_MAX_FD) return;
  guard *g = &table[fd];
  atomic_store_explicit(&g->watched, false, memory_order_relaxed);
  g->phase = PHASE_HTTP;
  g->crlf = g->ends_in_read = g->fstate = g->left = 0;
  g->violated = false;
  g->after = 0;
  g->payload_left = 0;
  g->wsi = NULL;
  atomic_store_explicit(&g->watched, true, memory_order_relaxed);
}

void ws_mask_guard_upgrade(int fd) {
  guard *g = guard_of(fd);
  if (!g || g->phase != PHASE_HTTP) return;
  g->phase = PHASE_WS;
  g->fstate = F_HEAD0;
  /* The client must wait for our 101 (RFC 6455 4.1): whatever it sent after the upgrade
   * request came too early. Two request ends in the read that completed the upgrade mean a
   * frame (ending in "\r\n\r\n") was sent along with it. */
  if (g->after > 0 || g->ends_in_read > 1) violation(g);
}

void ws_mask_guard_bind(int fd, struct lws *wsi) {
  guard *g = guard_of(fd);
  if (!g) return;
  g->wsi = wsi;
  if (g->violated) lws_callback_on_writable(wsi);
}

bool ws_mask_guard_violated(int fd) {
  guard *g = guard_of(fd);
  return g && g->violated;
}

void ws_mask_guard_forget(int fd) {
  if (fd < 0 || fd >= WS_MASK_GUARD_MAX_FD) return;
  atomic_store_explicit(&table[fd].watched, false, memory_order_relaxed);
  table[fd].wsi = NULL;
}

static void feed_http(guard *g, const uint8_t *p, size_t n) {
  static const char end[] = "\r\n\r\n";
  g->ends_in_read = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == (uint8_t)end[g->crlf])
      g->crlf++;
    else
      g->crlf = p[i] == '\r' ? 1 : 0;
    if (g->crlf == 4) {
      g->crlf = 0;
      g->after = 0;
      if (g->ends_in_read < UINT8_MAX) g->ends_in_read++;
    } else if (g->after < UINT32_MAX) {
      g->after++;
    }
  }
}

/* Returns how many of the n bytes come before an unmasked frame (n if none does). */
static size_t feed_ws(guard *g, const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    switch (g->fstate) {
      case F_HEAD0:
        g->frame_start = i;
        i++;
        g->fstate = F_HEAD1;
        break;
      case F_HEAD1: {
        size_t start = i == 0 ? 0 : g->frame_start; /* byte 0 may have come in the last read */
        uint8_t b = p[i++];
        if (!(b & 0x80)) {
          violation(g);
          return start;
        }
        uint8_t len7 = b & 0x7f;
        g->payload_left = len7 < 126 ? len7 : 0;
        g->left = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        g->fstate = g->left ? F_EXTLEN : F_KEY;
        if (!g->left) g->left = 4;
        break;
      }
      case F_EXTLEN:
        g->payload_left = g->payload_left << 8 | p[i++];
        if (--g->left == 0) {
          g->fstate = F_KEY;
          g->left = 4;
        }
        break;
      case F_KEY: {
        size_t take = n - i < g->left ? n - i : g->left;
        i += take;
        g->left = (uint8_t)(g->left - take);
        if (g->left == 0) g->fstate = g->payload_left ? F_PAYLOAD : F_HEAD0;
        break;
      }
      case F_PAYLOAD: {
        size_t take = (uint64_t)(n - i) < g->payload_left ? n - i : (size_t)g->payload_left;
        i += take;
        g->payload_left -= take;
        if (g->payload_left == 0) g->fstate = F_HEAD0;
        break;
      }
    }
  }
  return n;
}

size_t ws_mask_guard_feed(int fd, const void *buf, size_t len) {
  guard *g = guard_of(fd);
  if (!g) return len;
  if (g->violated) return 0;
  if (g->phase == PHASE_HTTP) {
    feed_http(g, buf, len);
    return len;
  }
  return feed_ws(g, buf, len);
}

/* ---- the wrappers ---- */

/* recv() as libc has it, by way of recvfrom() (which this file does not replace). From an
 * unmasked frame on, libwebsockets gets nothing more of a watched connection (not even a ping
 * to answer): the read is cut before the frame, or, if nothing is left, the socket is drained
 * and "try again" returned, while the writable callback the violation asked for closes it. */
ssize_t recv(int fd, void *buf, size_t len, int flags) {
  ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
  if (n <= 0 || (flags & MSG_PEEK)) return n;
  size_t keep = ws_mask_guard_feed(fd, buf, (size_t)n);
  while (keep == 0) {
    n = recvfrom(fd, buf, len, flags | MSG_DONTWAIT, NULL, NULL);
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return n;
      errno = EAGAIN;
      return n == 0 ? 0 : -1;
    }
  }
  return (ssize_t)keep;
}

typedef int (*ssl_read_fn)(SSL *, void *, int);
static ssl_read_fn real_ssl_read;
static pthread_once_t real_ssl_read_once = PTHREAD_ONCE_INIT;
static void find_ssl_read(void) { real_ssl_read = (ssl_read_fn)dlsym(RTLD_NEXT, "SSL_read"); }

int SSL_read(SSL *ssl, void *buf, int num) {
  pthread_once(&real_ssl_read_once, find_ssl_read);
  if (!real_ssl_read) return -1; /* cannot happen while libssl is linked */
  int n = real_ssl_read(ssl, buf, num);
  if (n <= 0) return n;
  int fd = SSL_get_fd(ssl); /* -1 for memory BIOs (DTLS) */
  if (fd < 0) return n;
  size_t keep = ws_mask_guard_feed(fd, buf, (size_t)n);
  /* As recv() above; reading on until OpenSSL has nothing leaves it in the "want read" state
   * that libwebsockets expects after a read of nothing. */
  while (keep == 0) {
    n = real_ssl_read(ssl, buf, num);
    if (n <= 0) return n;
  }
  return (int)keep;
}
