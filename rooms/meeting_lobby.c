/* The lobby of a live room, rooms side (see meeting_lobby.h). */
#include "rooms/meeting_lobby.h"

#include <stdio.h>
#include <stdlib.h>

static void free_entries(lobby_entry *e) {
  for (lobby_entry *n; e; e = n) {
    n = e->next;
    free(e);
  }
}

void meeting_lobby_clear(meeting_lobby *lb) {
  free_entries(lb->first);
  lb->first = NULL;
}

static void changed(const meeting_lobby *lb, const meeting_listener *l) {
  if (l->lobby_changed) l->lobby_changed(l->ctx, lb->room_id, lb->first);
}

bool meeting_lobby_add(meeting_lobby *lb, uint64_t session_id, int64_t user_id, const char *name,
                       const char *role, int64_t since, const meeting_listener *l) {
  lobby_entry *e = calloc(1, sizeof *e);
  if (!e) return false;
  e->session_id = session_id;
  e->user_id = user_id;
  snprintf(e->name, sizeof e->name, "%s", name);
  snprintf(e->role, sizeof e->role, "%s", role);
  e->since = since;
  lobby_entry **tail = &lb->first; /* first come, first listed */
  while (*tail) tail = &(*tail)->next;
  *tail = e;
  changed(lb, l);
  return true;
}

bool meeting_lobby_has_user(const meeting_lobby *lb, int64_t user_id) {
  for (const lobby_entry *e = lb->first; e; e = e->next)
    if (e->user_id == user_id) return true;
  return false;
}

/* Unlinks the entries of session (session_id != 0) or of user (user_id != 0) into *out, the
 * latest first. */
static int take_entries(meeting_lobby *lb, uint64_t session_id, int64_t user_id, lobby_entry **out) {
  int n = 0;
  *out = NULL;
  for (lobby_entry **pp = &lb->first; *pp;) {
    lobby_entry *e = *pp;
    if ((session_id && e->session_id == session_id) || (user_id && e->user_id == user_id)) {
      *pp = e->next;
      e->next = *out;
      *out = e;
      n++;
    } else {
      pp = &e->next;
    }
  }
  return n;
}

bool meeting_lobby_leave(meeting_lobby *lb, uint64_t session_id, const meeting_listener *l) {
  lobby_entry *gone;
  if (!take_entries(lb, session_id, 0, &gone)) return false;
  free_entries(gone);
  changed(lb, l);
  return true;
}

int meeting_lobby_admit(meeting_lobby *lb, int64_t user_id, uint64_t *out, int max,
                        const meeting_listener *l) {
  lobby_entry *taken;
  take_entries(lb, 0, user_id, &taken);
  int n = 0;
  for (lobby_entry *e = taken; e && n < max; e = e->next) out[n++] = e->session_id;
  free_entries(taken);
  changed(lb, l);
  return n;
}

int meeting_lobby_deny(meeting_lobby *lb, int64_t user_id, const char *reason, const meeting_listener *l) {
  lobby_entry *taken;
  int n = take_entries(lb, 0, user_id, &taken);
  for (lobby_entry *e = taken; e; e = e->next)
    if (l->lobby_denied) l->lobby_denied(l->ctx, lb->room_id, e, reason);
  free_entries(taken);
  changed(lb, l);
  return n;
}

void meeting_lobby_drop_user(meeting_lobby *lb, int64_t user_id) {
  lobby_entry *taken;
  take_entries(lb, 0, user_id, &taken);
  free_entries(taken);
}
