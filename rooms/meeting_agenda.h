/* The agenda of a live meeting, rooms side: its segments as C structs, which one runs (following
 * the clock from the occurrence's start, or where a host moved it), and guests whose scope ends
 * with a segment taken out of the room (and of its chat) once the agenda leaves it. It speaks no
 * protocol: what happens is reported through a meeting_listener (rooms/meeting_listener.h), which
 * signaling implements (signaling/meeting_events.c builds room.agenda and room.removed).
 *
 * One per live room control record (rooms/meeting_room.h). Signaling thread only. */
#ifndef MOA_ROOMS_MEETING_AGENDA_H
#define MOA_ROOMS_MEETING_AGENDA_H

#include <stdbool.h>
#include <stdint.h>

#include "rooms/meeting_listener.h"
#include "rooms/registry.h"
#include "storage/db.h"
#include "storage/meeting_store.h"

/* One segment as read from storage/meeting_store.h; item and speaker are owned (never NULL). */
typedef struct agenda_segment {
  int64_t start_offset_s, length_s; /* from the occurrence's start */
  char *item, *speaker;
  bool press_open;
} agenda_segment;

struct meeting_agenda {
  int64_t room_id;
  int64_t meeting_id; /* 0: not a meeting (then no segments) */
  int64_t occurrence; /* start of the meeting's current occurrence (offsets count from it) */
  int nseg;
  agenda_segment seg[MEETING_SEGMENTS_MAX];
  int position;      /* 0 not started, 1..nseg running, nseg + 1 finished */
  bool manual;       /* a host advanced it: it no longer follows the clock */
  int64_t manual_at; /* when the host moved to the current segment */
};

/* (Re)reads the agenda of meeting_id (0: the room is no meeting; it then has none) and the start
 * of the occurrence around now (the meeting's starts_at when none is found). The position stays,
 * cut to nseg + 1. A database error leaves no segments (and the occurrence as it was). */
void meeting_agenda_load(meeting_agenda *a, moa_db *db, int64_t room_id, int64_t meeting_id,
                         int64_t meeting_starts_at, int64_t now);
/* Frees the segments' strings (the struct itself belongs to the caller). */
void meeting_agenda_clear(meeting_agenda *a);

/* The position the agenda is at now (the clock's, unless a host moved it). */
int meeting_agenda_position(const meeting_agenda *a, int64_t now);
/* Is a guest whose scope ends with segment until out of scope at position? */
bool meeting_agenda_past_scope(const meeting_agenda *a, int until, int position);
/* The segment at position (1..nseg), or NULL. */
const agenda_segment *meeting_agenda_segment(const meeting_agenda *a, int position);

/* Moves the agenda to position (cut to 0..nseg + 1): l->agenda_moved, then, for each guest of the
 * room live in r (NULL: none is) whose scope ended, l->guest_out_of_scope and
 * rooms_leave(.., "expired"), then meeting_agenda_withdraw_chat. Each callback of l may be NULL. */
void meeting_agenda_set(meeting_agenda *a, rooms *r, moa_db *db, int position, int64_t now,
                        const meeting_listener *l);
/* Has the agenda passed its last segment? */
bool meeting_agenda_finished(const meeting_agenda *a);
/* A host moves to the next segment (manual from now on). False (nothing changed) when the
 * agenda is finished. */
bool meeting_agenda_next(meeting_agenda *a, rooms *r, moa_db *db, int64_t now, const meeting_listener *l);
/* The agenda follows the clock again (and moves to the clock's position). */
void meeting_agenda_follow_clock(meeting_agenda *a, rooms *r, moa_db *db, int64_t now,
                                 const meeting_listener *l);
/* The clock's move, about once a second: true if it moved the agenda (a, following the clock). */
bool meeting_agenda_tick(meeting_agenda *a, rooms *r, moa_db *db, int64_t now, const meeting_listener *l);

/* Takes the guests of the meeting whose scope ends before position out of the room's chat,
 * whether they are in the room, in its lobby or gone (storage/chat_store.h,
 * chat_store_room_withdraw). Returns 0, or -1 on a database error (logged; they are tried again
 * on the next move). Nothing to do (0) without segments. */
int meeting_agenda_withdraw_chat(const meeting_agenda *a, moa_db *db, int position);

/* The agenda position at now when following the clock: 0 before the first segment starts,
 * i (1..n) while segment i runs (a gap after a segment counts as that segment running over),
 * n + 1 after the last one ends. starts[i], lengths[i] in seconds from the meeting's start. */
int mc_agenda_clock_position(const int64_t *starts, const int64_t *lengths, int n, int64_t meeting_start,
                             int64_t now);

#endif
