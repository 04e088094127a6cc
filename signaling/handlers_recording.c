/* meeting.recordings and meeting.recording_delete: watching recordings (issue 17; docs/PROTOCOL.md
 * "Recording"). Starting and stopping is meeting.record (handlers_control.c,
 * signaling/meeting_record.h). Who may watch and delete: storage/recording_access.h, the rule HTTP
 * playback (gateway/http_recordings.h) uses too. Times go out as unix seconds and Asia/Seoul
 * text, as the app shows them. */
#include <stdio.h>
#include <string.h>

#include "signaling/handlers.h"
#include "signaling/meeting_record.h"
#include "storage/meeting_store.h"
#include "storage/moderation_store.h"
#include "storage/recording_access.h"
#include "storage/recording_store.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

#define RECORDINGS_LIST_MAX 100

static const char *user_name(moa_db *db, int64_t user_id, user_rec *u) {
  return user_id && user_store_find_by_id(db, user_id, u) == 1 ? u->name : "";
}

/* One recording for a watcher: its state and, once finalized, its files with their URLs. */
static json_t *recording_json(moa_db *db, const recording_rec *r) {
  char started[32], stopped[32] = "";
  seoul_format_human(r->started_at, started, sizeof started);
  if (r->stopped_at) seoul_format_human(r->stopped_at, stopped, sizeof stopped);
  user_rec u;
  json_t *files = json_array();
  recording_file f[RECORDING_FILES_MAX];
  int n = recording_store_files(db, r->id, f, RECORDING_FILES_MAX);
  for (int i = 0; i < n; i++) {
    char url[128];
    snprintf(url, sizeof url, "/recordings/%lld/%s", (long long)r->id, f[i].name);
    json_array_append_new(
        files, json_pack("{s:s, s:I, s:s, s:b, s:I, s:I, s:b, s:b, s:s}", "name", f[i].name, "user_id",
                         (json_int_t)f[i].user_id, "user_name", user_name(db, f[i].user_id, &u), "composite",
                         f[i].user_id == 0, "duration_ms", (json_int_t)f[i].duration_ms, "bytes",
                         (json_int_t)f[i].bytes, "has_video", f[i].has_video, "has_audio", f[i].has_audio,
                         "url", url));
  }
  return json_pack("{s:I, s:I, s:I, s:s, s:b, s:I, s:s, s:I, s:s, s:I, s:s, s:I, s:I, s:s, s:o}", "id",
                   (json_int_t)r->id, "room_id", (json_int_t)r->room_id, "meeting_id",
                   (json_int_t)r->meeting_id, "state", recording_state_name(r->state), "degraded",
                   r->degraded, "started_at", (json_int_t)r->started_at, "started_local", started,
                   "stopped_at", (json_int_t)r->stopped_at, "stopped_local", stopped, "started_by",
                   (json_int_t)r->started_by, "started_by_name", user_name(db, r->started_by, &u),
                   "duration_ms", (json_int_t)r->duration_ms, "bytes", (json_int_t)r->bytes, "error",
                   r->error, "files", files);
}

/* meeting.recordings {meeting_id} or {room_id} (an ordinary room's). */
static void handle_recordings(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t mid = 0, rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("meeting_id", 1, INT64_MAX, PARAM_OPTIONAL, &mid),
                                 PARAM_INT("room_id", 1, INT64_MAX, PARAM_OPTIONAL, &rid), PARAM_END}))
    return;
  if (!mid == !rid) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "give either \"meeting_id\" or \"room_id\"");
    return;
  }
  moa_db *db = hub_db(h);
  if (mid) {
    meeting_rec m;
    int rc = meeting_store_get(db, mid, &m);
    if (rc != 1) {
      hub_error(h, s, id, rc < 0 ? ERR_INTERNAL : ERR_NOT_FOUND,
                rc < 0 ? "cannot read the meeting" : "no such meeting");
      return;
    }
    rid = m.room_id;
  } else if (meeting_store_by_room(db, rid, &(meeting_rec){0}) == 1) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "this room is a meeting's: ask with its \"meeting_id\"");
    return;
  }
  int access = s->guest_meeting_id ? RECORDING_NO_ACCESS : recording_access(db, s->user_id, rid, mid);
  if (access < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the recordings");
    return;
  }
  if (access == RECORDING_NO_ACCESS) {
    hub_error(h, s, id, ERR_FORBIDDEN, "recordings are for the people invited to the meeting");
    return;
  }
  static recording_rec list[RECORDINGS_LIST_MAX]; /* signaling thread only; too large for its stack */
  int n = mid ? recording_store_list_meeting(db, mid, list, RECORDINGS_LIST_MAX)
              : recording_store_list_room(db, rid, list, RECORDINGS_LIST_MAX);
  if (n < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the recordings");
    return;
  }
  json_t *out = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(out, recording_json(db, &list[i]));
  hub_reply(h, s, id,
            json_pack("{s:I, s:I, s:b, s:o}", "meeting_id", mid, "room_id", rid, "can_delete",
                      access == RECORDING_MANAGE, "recordings", out));
}

static void handle_recording_delete(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("recording_id", 1, INT64_MAX, PARAM_REQUIRED, &rid), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  recording_rec rec;
  int rc = recording_store_get(db, rid, &rec);
  int access = rc == 1 && !s->guest_meeting_id ? recording_access(db, s->user_id, rec.room_id, rec.meeting_id)
                                               : RECORDING_NO_ACCESS;
  if (rc < 0 || access < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the recording");
    return;
  }
  if (access == RECORDING_NO_ACCESS) { /* its existence is not told */
    hub_error(h, s, id, ERR_NOT_FOUND, "no such recording");
    return;
  }
  if (access != RECORDING_MANAGE) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the meeting's hosts delete its recordings");
    return;
  }
  rc = meeting_record_remove(db, &rec);
  if (rc == 0) {
    hub_error(h, s, id, ERR_CONFLICT,
              rec.state == RECORDING_RECORDING
                  ? "the recording is still running: stop it first"
                  : "the recording is being processed; delete it once it is done");
    return;
  }
  char detail[64];
  snprintf(detail, sizeof detail, "recording %lld", (long long)rec.id);
  if (rc < 0 || moderation_store_record(db, rec.room_id, rec.meeting_id, s->user_id, "record_delete", 0,
                                        detail, db_now(db)) < 0) {
    hub_error(h, s, id, ERR_INTERNAL,
              rc < 0 ? "cannot delete the recording's files; it was kept" : "cannot record the deletion");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "recording_id", (json_int_t)rec.id, "deleted", 1));
}

const handler_def recording_handlers[] = {
    {"meeting.recording_delete", handle_recording_delete, 0},
    {"meeting.recordings", handle_recordings, 0},
    {NULL, NULL, 0},
};
