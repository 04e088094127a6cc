-- 003: meeting rooms. Every consortium has a standing lounge; members open more rooms, open to
-- the whole consortium or to invited people only. Room ids are stable: they are the links.
CREATE TABLE rooms (
  id            INTEGER PRIMARY KEY,
  consortium_id INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  visibility    TEXT NOT NULL DEFAULT 'consortium' CHECK (visibility IN ('consortium', 'invited')),
  is_lounge     INTEGER NOT NULL DEFAULT 0 CHECK (is_lounge IN (0, 1)),
  created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX rooms_consortium ON rooms(consortium_id);
CREATE UNIQUE INDEX rooms_one_lounge ON rooms(consortium_id) WHERE is_lounge = 1;

CREATE TABLE room_invites (
  room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
