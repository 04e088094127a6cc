-- 005: running a meeting. What hosts did in a room (the moderation log, kept for the record),
-- who was removed and may not come back until readmitted, and when a meeting was ended (its lock
-- is live state only: it lasts while the room is live or someone waits in its lobby).
CREATE TABLE moderation_log (
  id             INTEGER PRIMARY KEY,
  room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  meeting_id     INTEGER,                 -- NULL for an ordinary room (a lounge)
  actor_id       INTEGER REFERENCES users(id) ON DELETE SET NULL, -- NULL: the server (agenda clock)
  action         TEXT NOT NULL,           -- mute, stop_video, remove, readmit, lock, ...
  target_user_id INTEGER,                 -- NULL when the action has no target (lock, end)
  detail         TEXT NOT NULL DEFAULT '',
  at             INTEGER NOT NULL
);
CREATE INDEX moderation_log_room ON moderation_log(room_id, id);

CREATE TABLE room_bans (
  room_id   INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  banned_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

CREATE TABLE room_control (
  room_id  INTEGER PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  ended_at INTEGER NOT NULL DEFAULT 0     -- 0: not ended
);
