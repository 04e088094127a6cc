/* A bounded multi-producer, single-consumer queue of fixed-size messages between threads, with
 * a wake-up: an eventfd the consumer's epoll loop watches (media workers), or a callback (the
 * signaling thread passes one that calls lws_cancel_service). Messages carry ids and values,
 * never pointers to another thread's objects. A full mailbox refuses the message (the sender
 * reports "busy"); it never blocks and never grows. */
#ifndef MOA_BASE_MAILBOX_H
#define MOA_BASE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mailbox mailbox;

/* capacity messages of msg_size bytes each. wake may be NULL: then an eventfd is made and
 * mailbox_fd() returns it. Returns NULL on failure. */
mailbox *mailbox_new(size_t capacity, size_t msg_size, void (*wake)(void *), void *wake_arg);
void mailbox_free(mailbox *m);

/* Copies msg in. Returns 0, or -1 when full (nothing queued). Any thread. */
int mailbox_post(mailbox *m, const void *msg);
/* Copies the oldest message out. Returns true if there was one. Consumer thread only. */
bool mailbox_take(mailbox *m, void *msg);
/* The eventfd to poll (readable when messages wait), or -1 with a wake callback. Call
 * mailbox_clear_fd() before draining. */
int mailbox_fd(const mailbox *m);
void mailbox_clear_fd(mailbox *m);

#endif
