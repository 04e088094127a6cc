/* The sign-in gate: which accepted password checks wait, and which may be hashed now.
 *
 * Password hashing (scrypt, ~60 ms and 32 MiB each) is the one costly thing an unauthenticated
 * client can ask for, so it goes through this gate before the job pool (jobs.h). The gate bounds
 * the attempts waiting per network address, per account (the email as typed) and in all, and it
 * starts at most max_running checks at once: never two for one account, and the oldest waiting
 * attempt whose address has no check running goes first (another address's attempt only when no
 * such one waits). So a flood on one account hashes one attempt at a time, and another person's
 * sign-in waits for at most the checks already running, not behind a flood's queue (issue 10).
 *
 * The gate holds opaque items (the caller's login jobs) and never frees a running one; it owns
 * nothing else. Signaling thread only. */
#ifndef MOA_SIGNALING_LOGIN_GATE_H
#define MOA_SIGNALING_LOGIN_GATE_H

#include <stddef.h>

typedef struct login_gate login_gate;

typedef enum {
  LOGIN_GATE_OK = 0,
  LOGIN_GATE_FULL,         /* total attempts waiting or running reached */
  LOGIN_GATE_ADDRESS_FULL, /* this address has per_address attempts waiting or running */
  LOGIN_GATE_ACCOUNT_FULL, /* this account has per_account attempts waiting or running */
} login_gate_result;

#define LOGIN_GATE_MAX_RUNNING 64 /* --login-workers at most */

/* A gate that runs at most max_running checks at once and holds at most per_address attempts per
 * address, per_account per account and total in all. NULL when out of memory, a bound is < 1 or
 * max_running > LOGIN_GATE_MAX_RUNNING. */
login_gate *login_gate_new(int max_running, int per_address, int per_account, int total);
/* Frees the gate; drop(item) is called for every attempt still waiting (not for running ones,
 * which belong to the job pool). Safe on NULL. */
void login_gate_free(login_gate *g, void (*drop)(void *item));

/* Admits item for (address, account). On anything but LOGIN_GATE_OK nothing is held. Keys
 * longer than the gate keeps (63 / 255 bytes) are compared by their first bytes. */
login_gate_result login_gate_admit(login_gate *g, const char *address, const char *account, void *item);
/* The next attempt to check now (it becomes running), or NULL when max_running checks run or no
 * waiting attempt may start (every waiting account already has a check running). */
void *login_gate_next(login_gate *g);
/* item (running, from login_gate_next) is finished: its place is freed. */
void login_gate_done(login_gate *g, void *item);

size_t login_gate_waiting(const login_gate *g);
size_t login_gate_running(const login_gate *g);

#endif
