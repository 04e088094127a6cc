/* The lobby of a live room, rooms side: who waits to be let in, first come first listed, as C
 * structs. Changes are reported through a meeting_listener (rooms/meeting_listener.h): the
 * waiting list changed, someone was denied. Whether someone must wait is the entry verdict of
 * rooms/meeting_room.h; who may admit or deny is decided above (signaling/meeting_control.c).
 * Signaling thread only. */
#ifndef MOA_ROOMS_MEETING_LOBBY_H
#define MOA_ROOMS_MEETING_LOBBY_H

#include <stdbool.h>
#include <stdint.h>

#include "rooms/meeting_listener.h"

struct lobby_entry {
  uint64_t session_id;
  int64_t user_id;
  char name[128];
  char role[16];
  int64_t since; /* unix seconds */
  lobby_entry *next;
};

typedef struct meeting_lobby {
  int64_t room_id;
  lobby_entry *first; /* NULL: nobody waits */
} meeting_lobby;

/* Frees every entry (nobody is told). */
void meeting_lobby_clear(meeting_lobby *lb);
/* Puts session_id (of user_id, named name, with role) last in the lobby and reports
 * lobby_changed. False (nothing changed) when out of memory. */
bool meeting_lobby_add(meeting_lobby *lb, uint64_t session_id, int64_t user_id, const char *name,
                       const char *role, int64_t since, const meeting_listener *l);
/* Does user_id wait (on any session)? */
bool meeting_lobby_has_user(const meeting_lobby *lb, int64_t user_id);
/* session_id stops waiting: true (lobby_changed reported) if it waited. */
bool meeting_lobby_leave(meeting_lobby *lb, uint64_t session_id, const meeting_listener *l);
/* Takes every wait of user_id out: their session ids go to out (at most max, the latest first);
 * reports lobby_changed and returns how many ids went to out. */
int meeting_lobby_admit(meeting_lobby *lb, int64_t user_id, uint64_t *out, int max,
                        const meeting_listener *l);
/* Takes every wait of user_id out, reporting lobby_denied for each (the latest first) with reason,
 * then lobby_changed; returns how many. */
int meeting_lobby_deny(meeting_lobby *lb, int64_t user_id, const char *reason, const meeting_listener *l);
/* Takes every wait of user_id out without telling anyone (a removed user). */
void meeting_lobby_drop_user(meeting_lobby *lb, int64_t user_id);

#endif
