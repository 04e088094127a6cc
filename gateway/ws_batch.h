/* Several queued WebSocket messages in one write. libwebsockets writes one frame per
 * lws_write() and allows one lws_write() per writable callback, so a connection with a backlog
 * (a busy channel: every message of 200 senders goes to each of 1,000 members) cost one poll
 * round and one send() per message, and the kernel's TCP send path was most of the server's CPU.
 * Here the queued messages are framed as RFC 6455 server frames (FIN, text, unmasked: a server
 * never masks) one after the other in one buffer, which goes out as one raw write; the receiver
 * sees exactly the messages it would have seen one by one, in the same order. */
#ifndef MOA_GATEWAY_WS_BATCH_H
#define MOA_GATEWAY_WS_BATCH_H

#include <stddef.h>

#include "signaling/session.h"

/* At most this many bytes of frames in one batch. */
#define WS_BATCH_MAX_BYTES 65536

/* Writes the header of a final, unmasked text frame of len payload bytes into out: 2 bytes
 * below 126, 4 below 65,536, else 10. Returns the header's length. */
size_t ws_batch_text_header(size_t len, unsigned char out[10]);

/* A growable buffer with pre bytes of headroom before the frames (libwebsockets' LWS_PRE). */
typedef struct ws_batch {
  unsigned char *buf;
  size_t cap, len, pre;
} ws_batch;

/* Takes queued messages of s from the front, in order, while their frames fit in
 * WS_BATCH_MAX_BYTES, and appends them framed to b (b->len counts the frame bytes after the
 * headroom). Takes nothing unless at least two fit (one message is written the usual way).
 * Returns the number of messages taken, or -1 when out of memory (nothing taken). */
int ws_batch_take(session *s, ws_batch *b);

void ws_batch_free(ws_batch *b);

#endif
