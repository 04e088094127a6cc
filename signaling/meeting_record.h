/* Recording a live room, signaling side (issue 17; docs/RECORDING.md, docs/PROTOCOL.md
 * meeting.record): who may start and stop it (hosts and cohosts, in a room whose policy allows
 * it), the recordings row and its directories, the moderation log, the "recording" state every
 * participant sees (room.recording, and in the join result), and what the media worker reports
 * (ME_RECORD_DEGRADED, ME_RECORD_STOPPED). The media side (the recorder writing spools) answers
 * MC_RECORD_START/STOP posted through rooms/registry.h; finalizing spools into WebM files is
 * the hub's rec_finalizer's (signaling/rec_finalizer.h; gateway/rec_finalize.h in the server).
 *
 * The live state (which recording a room has, since when, by whom) is kept in the room's
 * live_room; a recording never outlives its live room: when the last participant leaves (or is
 * taken out: meeting.end, room.archive) the recording stops.
 *
 * Signaling thread only. Functions that return JSON return a new reference, or NULL with res
 * filled (res->code an error code of docs/PROTOCOL.md). */
#ifndef MOA_SIGNALING_MEETING_RECORD_H
#define MOA_SIGNALING_MEETING_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "rooms/registry.h"
#include "signaling/meeting_control.h"
#include "signaling/rec_finalizer.h"
#include "storage/recording_store.h"

/* The recordings directory of the server, absolute: o->recording_dir, else "recordings" beside
 * o->db_path (relative paths resolved against the working directory). Returns 1 with out
 * filled, 0 when recording is off (an in-memory database without a recording_dir), -1 when the
 * path does not fit in n bytes. */
int meeting_record_dir(const hub_options *o, char *out, size_t n);

/* meeting.record start / stop by actor in room. start: the room must allow recording, be live,
 * and actor be a host or cohost; a room already recording answers its state (nothing logged).
 * stop: a room not recording answers {recording: false}. Both answer the room's state (as in
 * room.recording) and tell everyone in the room. */
json_t *meeting_record_start(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);
json_t *meeting_record_stop(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);

/* The room's recording state: {room_id, recording, recording_id, since, since_local, by_user_id,
 * by_name, degraded} (recording false: only room_id, recording and degraded false). lr may be
 * NULL (not live). */
json_t *meeting_record_state_json(int64_t room_id, const live_room *lr);

/* The last participant of lr is leaving and lr records: stops it (the server is the actor in
 * the moderation log, detail "the room emptied"). Called when that participant is leaving
 * (rooms_listener.participant_leaving, signaling/room_events.c). */
void meeting_record_room_empty(rooms *r, hub *h, live_room *lr);

/* ME_RECORD_DEGRADED: the row is marked degraded and the room's participants get its state.
 * ME_RECORD_STOPPED: the spools are closed: see meeting_record_stopped. Other events: nothing.
 * Called through rooms_listener.record_event (signaling/room_events.c), also after the live room is
 * gone; the live room, if any, is looked up in the hub's registry. */
void meeting_record_on_media_event(hub *h, const media_event *ev);

/* Where a recording's spools are complete (ME_RECORD_STOPPED has arrived): the row is FINALIZING
 * (degraded if the recorder said so), and its finalize starts here with the hub's finalizer:
 * meeting_record_finalize(h, id, hub_config(h)->rec_finalize). */
void meeting_record_stopped(hub *h, const media_event *ev);

/* Finalizes recording id on the recording job thread (hub_recording_jobs): fn turns its spools
 * into files (with the composite), then, on the signaling thread (hub_poll drains the job), the
 * result is recorded (recording_finalized); a result the store refuses (a file name that is not a
 * plain name, say) makes the recording FAILED. A RECORDING row is marked FINALIZING first (a
 * crash left it). 0 queued; -1 when fn is NULL, there is no such recording, it is not RECORDING
 * or FINALIZING, or the queue is full (it stays as it is: meeting_record_recover finds it again). */
int meeting_record_finalize(hub *h, int64_t id, rec_finalizer fn);

/* At start: queues the finalize of every recording a crash left RECORDING or FINALIZING (no
 * recorder writes them any more). One left RECORDING was cut short by the server's stop or
 * crash: finalized whole, it is INCOMPLETE all the same, with that said in its error. Returns
 * how many were queued, -1 on a database error. */
int meeting_record_recover(hub *h, rec_finalizer fn);

/* Records a finalize's result in the store (recording_store_finalized): the state READY,
 * INCOMPLETE or FAILED, duration, size, error text and the files (their names must be plain
 * names: see recording_file_name_valid). 1 done, 0 no such recording, RECORDING_STORE_INVALID,
 * -1 on a database error. */
int recording_finalized(moa_db *db, int64_t id, const rec_fin_result *res);

/* Removes a finished recording: the files of its output and spool directories (regular files
 * directly inside them: nothing else is followed), the directories and their parent
 * "<dir>/<id>", then its rows. Used by meeting.recording_delete and retention. 1 removed, 0 the
 * recording is RECORDING or FINALIZING (nothing removed: the recorder or the finalizer writes
 * there), -1 when a file cannot be removed (the row is kept, so it can be tried again) or on a
 * database error. */
int meeting_record_remove(moa_db *db, const recording_rec *rec);

/* Retention: removes the finished recordings (READY, INCOMPLETE, FAILED) started more than
 * days days ago, files and rows (meeting_record_remove), logging each. days 0: nothing (kept
 * until a host deletes them). Returns how many were removed, -1 on a database error. Called at
 * start and daily (hub_poll). */
int meeting_record_retention(moa_db *db, int days);

#endif
