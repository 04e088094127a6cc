/* The agenda of a live meeting, rooms side (see meeting_agenda.h). */
#include "rooms/meeting_agenda.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "storage/chat_store.h"
#include "storage/guest_store.h"

int mc_agenda_clock_position(const int64_t *starts, const int64_t *lengths, int n, int64_t meeting_start,
                             int64_t now) {
  if (n <= 0 || now < meeting_start + starts[0]) return 0;
  int64_t last_end = 0;
  for (int i = 0; i < n; i++)
    if (meeting_start + starts[i] + lengths[i] > last_end) last_end = meeting_start + starts[i] + lengths[i];
  if (now >= last_end) return n + 1;
  int pos = 1;
  for (int i = 0; i < n; i++)
    if (meeting_start + starts[i] <= now) pos = i + 1;
  return pos;
}

void meeting_agenda_clear(meeting_agenda *a) {
  for (int i = 0; i < a->nseg; i++) {
    free(a->seg[i].item);
    free(a->seg[i].speaker);
  }
  a->nseg = 0;
}

static int add_segment(void *ctx, const meeting_segment *g) {
  meeting_agenda *a = ctx;
  if (a->nseg == MEETING_SEGMENTS_MAX) return 0;
  agenda_segment *s = &a->seg[a->nseg];
  s->start_offset_s = g->start_offset_s;
  s->length_s = g->length_s;
  s->press_open = g->press_open;
  s->item = strdup(g->item ? g->item : "");
  s->speaker = strdup(g->speaker ? g->speaker : "");
  a->nseg++; /* counted even when a copy failed: meeting_agenda_clear frees what was made */
  return s->item && s->speaker ? 0 : 1;
}

void meeting_agenda_load(meeting_agenda *a, moa_db *db, int64_t room_id, int64_t meeting_id,
                         int64_t meeting_starts_at, int64_t now) {
  meeting_agenda_clear(a);
  a->room_id = room_id;
  a->meeting_id = meeting_id;
  if (!meeting_id) return;
  if (meeting_store_segments(db, meeting_id, add_segment, a) != 0) {
    meeting_agenda_clear(a);
    return;
  }
  int64_t occ = meeting_store_occurrence_in(db, meeting_id, now - 86400, now + 86400);
  a->occurrence = occ ? occ : meeting_starts_at;
  if (a->position > a->nseg + 1) a->position = a->nseg + 1;
}

int meeting_agenda_position(const meeting_agenda *a, int64_t now) {
  if (a->manual) return a->position;
  int64_t starts[MEETING_SEGMENTS_MAX], lengths[MEETING_SEGMENTS_MAX];
  for (int i = 0; i < a->nseg; i++) {
    starts[i] = a->seg[i].start_offset_s;
    lengths[i] = a->seg[i].length_s;
  }
  return mc_agenda_clock_position(starts, lengths, a->nseg, a->occurrence, now);
}

bool meeting_agenda_past_scope(const meeting_agenda *a, int until, int position) {
  return until > 0 && a->nseg > 0 && position > until;
}

const agenda_segment *meeting_agenda_segment(const meeting_agenda *a, int position) {
  return position >= 1 && position <= a->nseg ? &a->seg[position - 1] : NULL;
}

bool meeting_agenda_finished(const meeting_agenda *a) { return a->position > a->nseg; }

int meeting_agenda_withdraw_chat(const meeting_agenda *a, moa_db *db, int position) {
  if (!a->meeting_id || a->nseg == 0) return 0;
  size_t n = 0;
  int64_t *v = NULL;
  int rc = 0;
  if (guest_store_out_of_scope(db, a->meeting_id, position, &v, &n) != 0 ||
      chat_store_room_withdraw(db, a->room_id, v, n) != CHAT_STORE_OK) {
    log_error("room %lld: cannot withdraw the chat of guests whose part of the agenda ended",
              (long long)a->room_id);
    rc = -1;
  }
  free(v);
  return rc;
}

/* Removes the guests of the room whose scope ended before position. Each leaving may change the
 * member list, so each is looked up again by id. */
static void remove_out_of_scope(meeting_agenda *a, rooms *r, int position, const meeting_listener *l) {
  live_room *lr = r ? rooms_find(r, a->room_id) : NULL;
  uint32_t ids[256];
  int n = 0;
  for (participant *p = lr ? lr->members : NULL; p && n < 256; p = p->next)
    if (meeting_agenda_past_scope(a, p->until_segment, position)) ids[n++] = p->id;
  for (int i = 0; i < n; i++) {
    lr = rooms_find(r, a->room_id);
    participant *p = lr ? lr->members : NULL;
    while (p && p->id != ids[i]) p = p->next;
    if (!p) continue;
    if (l->guest_out_of_scope) l->guest_out_of_scope(l->ctx, a, p);
    log_info("room %lld: guest %lld removed, the agenda left segment %d", (long long)a->room_id,
             (long long)p->user_id, p->until_segment);
    rooms_leave(r, p, "expired");
  }
}

void meeting_agenda_set(meeting_agenda *a, rooms *r, moa_db *db, int position, int64_t now,
                        const meeting_listener *l) {
  if (position < 0) position = 0;
  if (position > a->nseg + 1) position = a->nseg + 1;
  a->position = position;
  if (l->agenda_moved) l->agenda_moved(l->ctx, a, now);
  remove_out_of_scope(a, r, position, l);
  meeting_agenda_withdraw_chat(a, db,
                               position); /* also those not in the room: the chat goes with the scope */
}

bool meeting_agenda_next(meeting_agenda *a, rooms *r, moa_db *db, int64_t now, const meeting_listener *l) {
  if (meeting_agenda_finished(a)) return false;
  a->manual = true;
  a->manual_at = now;
  meeting_agenda_set(a, r, db, a->position + 1, now, l);
  return true;
}

void meeting_agenda_follow_clock(meeting_agenda *a, rooms *r, moa_db *db, int64_t now,
                                 const meeting_listener *l) {
  a->manual = false;
  meeting_agenda_set(a, r, db, meeting_agenda_position(a, now), now, l);
}

bool meeting_agenda_tick(meeting_agenda *a, rooms *r, moa_db *db, int64_t now, const meeting_listener *l) {
  if (!a->nseg || a->manual) return false;
  int pos = meeting_agenda_position(a, now);
  if (pos == a->position) return false;
  meeting_agenda_set(a, r, db, pos, now, l);
  return true;
}
