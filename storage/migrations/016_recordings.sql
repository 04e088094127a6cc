-- 016: recordings of meetings and rooms (issue 17, docs/RECORDING.md). A room's policy may forbid
-- recording (rooms.recording_allowed 0, set by its coordinators with room.recording_policy).
-- One recordings row per start..stop: 'recording' while the recorder writes spools into
-- spool_dir, 'finalizing' from the stop until the finalizer has written the WebM files into
-- out_dir, then 'ready', 'incomplete' (files, but a spool was cut short or damaged) or 'failed'
-- (no playable file). Rows left 'recording' or 'finalizing' by a crash are finalized after the
-- restart. recording_files lists the files of out_dir that may be served: an HTTP request names
-- one of these rows, never a path. ids are AUTOINCREMENT: an id names a directory and URLs and
-- is never handed out again after a deletion.
ALTER TABLE rooms ADD COLUMN recording_allowed INTEGER NOT NULL DEFAULT 1 CHECK (recording_allowed IN (0, 1));

CREATE TABLE recordings (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  meeting_id  INTEGER REFERENCES meetings(id) ON DELETE SET NULL,  -- NULL: an ordinary room
  started_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  started_at  INTEGER NOT NULL,                                    -- unix seconds
  stopped_at  INTEGER NOT NULL DEFAULT 0,                          -- 0 while recording
  state       TEXT NOT NULL DEFAULT 'recording'
              CHECK (state IN ('recording', 'finalizing', 'ready', 'incomplete', 'failed')),
  degraded    INTEGER NOT NULL DEFAULT 0 CHECK (degraded IN (0, 1)), -- the recorder lost packets
  spool_dir   TEXT NOT NULL,
  out_dir     TEXT NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
  bytes       INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  error       TEXT NOT NULL DEFAULT ''                             -- why incomplete or failed
);
CREATE INDEX recordings_meeting ON recordings(meeting_id, id);
CREATE INDEX recordings_room ON recordings(room_id, id);
CREATE INDEX recordings_state ON recordings(state);

CREATE TABLE recording_files (
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,              -- a file name inside out_dir: [A-Za-z0-9._-], no leading dot
  user_id      INTEGER NOT NULL DEFAULT 0, -- the participant; 0 for the composite of the meeting
  duration_ms  INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
  bytes        INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  has_video    INTEGER NOT NULL DEFAULT 0 CHECK (has_video IN (0, 1)),
  has_audio    INTEGER NOT NULL DEFAULT 0 CHECK (has_audio IN (0, 1)),
  PRIMARY KEY (recording_id, name)
) WITHOUT ROWID;
