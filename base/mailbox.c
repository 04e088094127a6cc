/* Mailbox (see mailbox.h): a ring under a mutex. The mutex is held only to copy a message of a
 * few hundred bytes; control messages are rare next to packets, which never pass through here. */
#include "base/mailbox.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct mailbox {
  pthread_mutex_t mu;
  size_t cap, size, head, count;
  unsigned char *ring;
  int efd;
  void (*wake)(void *);
  void *wake_arg;
};

mailbox *mailbox_new(size_t capacity, size_t msg_size, void (*wake)(void *), void *wake_arg) {
  mailbox *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->ring = calloc(capacity, msg_size);
  m->cap = capacity;
  m->size = msg_size;
  m->wake = wake;
  m->wake_arg = wake_arg;
  m->efd = wake ? -1 : eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!m->ring || (!wake && m->efd < 0)) {
    free(m->ring);
    free(m);
    return NULL;
  }
  pthread_mutex_init(&m->mu, NULL);
  return m;
}

void mailbox_free(mailbox *m) {
  if (!m) return;
  if (m->efd >= 0) close(m->efd);
  pthread_mutex_destroy(&m->mu);
  free(m->ring);
  free(m);
}

int mailbox_post(mailbox *m, const void *msg) {
  pthread_mutex_lock(&m->mu);
  if (m->count == m->cap) {
    pthread_mutex_unlock(&m->mu);
    return -1;
  }
  memcpy(m->ring + ((m->head + m->count) % m->cap) * m->size, msg, m->size);
  m->count++;
  pthread_mutex_unlock(&m->mu);
  if (m->efd >= 0) {
    uint64_t one = 1;
    ssize_t n = write(m->efd, &one, sizeof one);
    (void)n;
  } else if (m->wake) {
    m->wake(m->wake_arg);
  }
  return 0;
}

bool mailbox_take(mailbox *m, void *msg) {
  pthread_mutex_lock(&m->mu);
  if (m->count == 0) {
    pthread_mutex_unlock(&m->mu);
    return false;
  }
  memcpy(msg, m->ring + m->head * m->size, m->size);
  m->head = (m->head + 1) % m->cap;
  m->count--;
  pthread_mutex_unlock(&m->mu);
  return true;
}

int mailbox_fd(const mailbox *m) { return m->efd; }

void mailbox_clear_fd(mailbox *m) {
  uint64_t v;
  if (m->efd >= 0) {
    ssize_t n = read(m->efd, &v, sizeof v);
    (void)n;
  }
}
