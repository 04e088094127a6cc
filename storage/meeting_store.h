/* Scheduled meetings: their times (UTC unix seconds, entered and shown in Asia/Seoul), recurrence,
 * agenda, capacity, mode, lobby, invitations and the room each meeting owns. The live running of a
 * meeting (roles in the room, lobby, floor, agenda clock) is in rooms/meeting_control.h and reads
 * meetings through this header.
 *
 * A meeting's "spec" (meeting_spec below) is what a coordinator asks for in meeting.create /
 * meeting.update, read from the request's JSON by signaling/meeting_spec_json.c (which checks
 * the types); the store checks the values against each other and against what is kept (times,
 * recurrence, an agenda that fits, invitations of things that exist) and writes it. Every write
 * validates the whole spec first and writes it in one transaction: on error nothing is written
 * and err says what is wrong. */
#ifndef MOA_STORAGE_MEETING_STORE_H
#define MOA_STORAGE_MEETING_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define MEETING_TITLE_MAX 100        /* characters (400 bytes) */
#define MEETING_DESCRIPTION_MAX 4000 /* bytes */
#define MEETING_SEGMENTS_MAX 40
#define MEETING_INVITES_MAX 500
#define MEETING_CAPACITY_MAX 1000
#define MEETING_RECURRENCE_MAX 52
#define MEETING_LENGTH_MAX (24 * 3600)

typedef struct meeting_rec {
  int64_t id, consortium_id, room_id, created_by;
  int64_t starts_at, ends_at;
  bool lobby;
  bool event_mode;
  bool cancelled;
  int capacity;
  char title[401];
} meeting_rec;

/* 1 and *out when found, 0 when not, -1 on a database error. */
int meeting_store_by_room(moa_db *db, int64_t room_id, meeting_rec *out);
int meeting_store_get(moa_db *db, int64_t meeting_id, meeting_rec *out);

/* The role of user in the meeting: "host" (its creator, a coordinator of its consortium, or an
 * admin: the caller decides for admins), "cohost", "presenter", "attendee" (invited, or a member
 * of an invited consortium or organization), "guest"/"press"/"expert" (a guest of this meeting);
 * NULL if not invited (or on error). The string is static. */
const char *meeting_store_role(moa_db *db, const meeting_rec *m, int64_t user_id);

/* One agenda segment. item and speaker belong to the store and live until the callback returns. */
typedef struct meeting_segment {
  int position; /* 1.. in order */
  int64_t start_offset_s, length_s;
  const char *item, *speaker;
  bool press_open;
} meeting_segment;

/* Called once per segment; return 0 to go on, anything else to stop (the read then fails). */
typedef int (*meeting_segment_fn)(void *ctx, const meeting_segment *g);

/* Calls fn for the agenda of the meeting, in order. fn must not use db. Returns 0, or -1 on a
 * database error or when fn stopped the read. */
int meeting_store_segments(moa_db *db, int64_t meeting_id, meeting_segment_fn fn, void *ctx);

/* May user enter the meeting's room? Admins and everyone with a role (meeting_store_role) while
 * the meeting is not cancelled. 1 yes, 0 no, -1 on error. */
int meeting_store_can_join(moa_db *db, const meeting_rec *m, int64_t user_id, bool is_admin);

/* May user schedule meetings for the consortium (a coordinator of it, or an admin)? */
bool meeting_store_may_schedule(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin);

/* One agenda entry as asked. Its start is given as "HH:MM" Seoul time on the meeting's day
 * (start_hhmm >= 0), as an absolute time (start_at, when start_hhmm is -1 and has_start_at), or
 * as an offset from the meeting's start (start_offset_s >= 0, which wins over the others). */
typedef struct meeting_agenda_entry {
  int start_hhmm;         /* seconds after Seoul midnight; -1 when not given so */
  bool has_start_at;      /* start_at given (an ISO 8601 time) */
  int64_t start_at;       /* unix seconds */
  int64_t start_offset_s; /* -1 when absent */
  int64_t length_s;       /* 0 when absent */
  const char *item;       /* NULL when absent */
  const char *speaker;    /* NULL when absent ("") */
  bool press_open;
} meeting_agenda_entry;

/* An invitation as asked: kind "consortium" | "organization" | "user" (anything else is refused
 * by the store), and the invited id. */
typedef struct meeting_invitation {
  const char *kind;
  int64_t id;
} meeting_invitation;

/* A meeting as asked (meeting.create: title, starts_at and ends_at required; meeting.update:
 * what is absent keeps its value). Strings and lists belong to the caller. */
typedef struct meeting_spec {
  const char *title, *description; /* NULL: absent */
  bool has_starts_at, has_ends_at;
  int64_t starts_at, ends_at;
  const char *recurrence; /* "none" | "weekly" | "monthly"; NULL: absent */
  int recurrence_count;   /* 1..MEETING_RECURRENCE_MAX; 0: absent */
  int capacity;           /* 1..MEETING_CAPACITY_MAX; 0: absent */
  const char *mode;       /* "meeting" | "event"; NULL: absent */
  int lobby;              /* 0 or 1; -1: absent */
  bool has_agenda;        /* replaces the agenda */
  const meeting_agenda_entry *agenda;
  size_t nagenda;  /* at most MEETING_SEGMENTS_MAX */
  bool has_invite; /* replaces the invitations (create: default the meeting's consortium) */
  const meeting_invitation *invite;
  size_t ninvite;            /* at most MEETING_INVITES_MAX */
  bool has_cohosts;          /* replaces the cohosts */
  const int64_t *cohosts;    /* user ids >= 1 */
  size_t ncohosts;           /* at most MEETING_INVITES_MAX */
  bool has_presenters;       /* replaces the presenters */
  const int64_t *presenters; /* user ids >= 1 */
  size_t npresenters;        /* at most MEETING_INVITES_MAX */
} meeting_spec;

/* An empty spec: everything absent. */
void meeting_spec_init(meeting_spec *sp);

/* Creates a meeting (and its room) from spec. Returns the id, or -1 with err (a value that is
 * refused, or a database error) and nothing written. */
int64_t meeting_store_create(moa_db *db, int64_t consortium_id, int64_t created_by, const meeting_spec *spec,
                             char *err, size_t errlen);

/* Changes a meeting: what spec leaves absent keeps its value; agenda, invitations, cohosts and
 * presenters when present replace the old lists. Bumps the iCalendar sequence. Returns 0, or -1
 * with err and nothing changed. A cancelled meeting cannot be changed. */
int meeting_store_update(moa_db *db, int64_t meeting_id, const meeting_spec *spec, char *err, size_t errlen);

/* Adds n invitations (1..MEETING_INVITES_MAX) without removing any. 0, or -1 with err and
 * nothing written. */
int meeting_store_invite(moa_db *db, int64_t meeting_id, const meeting_invitation *invites, size_t n,
                         char *err, size_t errlen);

/* Marks the meeting cancelled (its room stays for the record). 1 done, 0 already cancelled, -1 err. */
int meeting_store_cancel(moa_db *db, int64_t meeting_id);

/* An invitation of the meeting: kind "consortium" | "organization" | "user", the invited id and
 * its name ("" when gone). */
typedef struct meeting_invite {
  char kind[16];
  int64_t id;
  char *name;
} meeting_invite;

/* A cohost or presenter of the meeting. */
typedef struct meeting_person {
  int64_t id;
  char *name;
} meeting_person;

/* The whole meeting as kept, for clients and calendars. The strings and lists are owned by the
 * struct (meeting_info_clear frees them); agenda items' item and speaker too. */
typedef struct meeting_info {
  int64_t id, consortium_id, room_id;
  char *consortium_name_ko, *consortium_name_en;
  char *title, *description;
  int64_t starts_at, ends_at;
  char recurrence[8]; /* "none", "weekly", "monthly" */
  int recurrence_count;
  int64_t occurrences[MEETING_RECURRENCE_MAX]; /* the recurrence_count starts, in order */
  int64_t next_starts_at;                      /* the first occurrence not ended now, or the last */
  int capacity;
  char mode[8]; /* "meeting" or "event" */
  bool lobby;
  char status[16]; /* "scheduled" or "cancelled" */
  int sequence;    /* the iCalendar SEQUENCE */
  int64_t host_id; /* its creator (0 when gone) */
  char *host_name;
  int64_t created_at, updated_at;
  meeting_segment *agenda; /* in order; position 1.. */
  size_t nagenda;
  meeting_invite *invites; /* by kind, then id */
  size_t ninvites;
  meeting_person *cohosts, *presenters; /* by name */
  size_t ncohosts, npresenters;
} meeting_info;

/* Reads the whole meeting into *out: 1 when found (free with meeting_info_clear), 0 when there
 * is no such meeting, -1 on a database error or out of memory; on 0 and -1 *out holds nothing
 * to free. All or nothing: a list that cannot be read fails the whole read (an update would
 * otherwise write the empty list back). */
int meeting_store_info(moa_db *db, int64_t meeting_id, meeting_info *out);
void meeting_info_clear(meeting_info *m);

/* Ids of the meetings user may join whose last occurrence ends after now, soonest first (at
 * most limit). With include_cancelled, cancelled ones too. Returns 0 with a malloc'd array *ids
 * of *n ids (NULL when there is none; free it), or -1 on error (*ids NULL, *n 0). */
int meeting_store_upcoming_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                               bool include_cancelled, int64_t **ids, size_t *n);

/* Ids of the meetings user may join whose last occurrence has ended by now, the most recently
 * ended first (at most limit): for their attendance and chat afterwards. Same rights and result
 * as above. */
int meeting_store_past_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                           bool include_cancelled, int64_t **ids, size_t *n);

/* Users invited to the meeting (directly, through an organization or a consortium), its host,
 * cohosts, presenters and guests: a malloc'd array of *n ids (free it), NULL on error. */
int64_t *meeting_store_invitee_ids(moa_db *db, int64_t meeting_id, size_t *n);

/* The end of the last occurrence of a meeting with these times (for upcoming lists). */
int64_t meeting_store_last_end(int64_t starts_at, int64_t ends_at, const char *recurrence, int count);

/* The start of the occurrence of meeting that starts in (from, to], or 0 when none. */
int64_t meeting_store_occurrence_in(moa_db *db, int64_t meeting_id, int64_t from, int64_t to);

/* A meeting to remind its invitees of: the occurrence starting soon. */
typedef struct meeting_reminder {
  int64_t id, occurrence_start;
} meeting_reminder;

/* Scheduled meetings with an occurrence starting in (from, to] not yet reminded of: marks each as
 * reminded and returns them, a malloc'd array of *n (free it; not NULL when there are none), or
 * NULL with *n 0 on a database error or out of memory (then none is marked). A meeting whose mark
 * cannot be written is left out (and reminded of at the next call). */
meeting_reminder *meeting_store_take_reminders(moa_db *db, int64_t from, int64_t to, size_t *n);

#endif
