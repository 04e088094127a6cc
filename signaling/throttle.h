/* Failed sign-ins per network address: after THROTTLE_MAX_FAILURES failures within
 * THROTTLE_WINDOW_S the address is locked for THROTTLE_LOCK_S. A fixed table (least recently
 * used entries are reused), so an attacker cycling addresses cannot grow memory. The hub owns
 * one (hub_throttle); one thread at a time. */
#ifndef MOA_SIGNALING_THROTTLE_H
#define MOA_SIGNALING_THROTTLE_H

#include <stdint.h>

#define THROTTLE_MAX_FAILURES 20
#define THROTTLE_WINDOW_S 600
#define THROTTLE_LOCK_S 600

typedef struct throttle throttle;

/* An empty table; NULL when out of memory. */
throttle *throttle_new(void);
void throttle_free(throttle *t);
/* Seconds until the address may try again (0 = may try now). */
int64_t throttle_locked_for(throttle *t, const char *address, int64_t now);
/* Records a failure; returns the number of failures in the current window. */
int throttle_record_failure(throttle *t, const char *address, int64_t now);
/* Forgets the address (after a successful sign-in). */
void throttle_clear(throttle *t, const char *address);

#endif
