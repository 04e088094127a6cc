-- 004: scheduled meetings and events. Each meeting has its own room (visibility 'invited'); who
-- may enter it is decided by the meeting's invitations (meeting_store_can_join). Times are unix
-- seconds (UTC); they are entered and shown in Asia/Seoul.
CREATE TABLE meetings (
  id               INTEGER PRIMARY KEY,
  consortium_id    INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
  room_id          INTEGER NOT NULL UNIQUE REFERENCES rooms(id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  starts_at        INTEGER NOT NULL,
  ends_at          INTEGER NOT NULL CHECK (ends_at > starts_at),
  recurrence       TEXT NOT NULL DEFAULT 'none' CHECK (recurrence IN ('none', 'weekly', 'monthly')),
  recurrence_count INTEGER NOT NULL DEFAULT 1 CHECK (recurrence_count BETWEEN 1 AND 52),
  capacity         INTEGER NOT NULL DEFAULT 100 CHECK (capacity >= 1),
  mode             TEXT NOT NULL DEFAULT 'meeting' CHECK (mode IN ('meeting', 'event')),
  lobby            INTEGER NOT NULL DEFAULT 0 CHECK (lobby IN (0, 1)),
  status           TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  sequence         INTEGER NOT NULL DEFAULT 0,   -- iCalendar SEQUENCE: bumped by every change
  reminded_for     INTEGER NOT NULL DEFAULT 0,   -- start of the last occurrence reminded of
  last_ends_at     INTEGER NOT NULL,             -- end of the last occurrence (upcoming lists)
  created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at       INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX meetings_consortium ON meetings(consortium_id, starts_at);
CREATE INDEX meetings_upcoming ON meetings(last_ends_at);

-- The agenda: segments in order, offsets from the meeting's start.
CREATE TABLE meeting_segments (
  meeting_id     INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  position       INTEGER NOT NULL CHECK (position >= 1),
  start_offset_s INTEGER NOT NULL CHECK (start_offset_s >= 0),
  length_s       INTEGER NOT NULL CHECK (length_s >= 1),
  item           TEXT NOT NULL,
  speaker        TEXT NOT NULL DEFAULT '',
  press_open     INTEGER NOT NULL DEFAULT 0 CHECK (press_open IN (0, 1)),
  PRIMARY KEY (meeting_id, position)
) WITHOUT ROWID;

-- Who is invited: a whole consortium (the meeting's own or another, for joint events), an
-- organization's people, or one user.
CREATE TABLE meeting_invites (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('consortium', 'organization', 'user')),
  target_id  INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, kind, target_id)
) WITHOUT ROWID;
CREATE INDEX meeting_invites_target ON meeting_invites(kind, target_id);

CREATE TABLE meeting_roles (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('cohost', 'presenter')),
  PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;

-- Links for outsiders. Only the SHA-256 of the token is kept.
CREATE TABLE guest_links (
  id            INTEGER PRIMARY KEY,
  meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  token_hash    BLOB NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('guest', 'press', 'expert')),
  label         TEXT NOT NULL DEFAULT '',
  expires_at    INTEGER NOT NULL,
  max_uses      INTEGER NOT NULL CHECK (max_uses >= 1),
  uses          INTEGER NOT NULL DEFAULT 0,
  until_segment INTEGER NOT NULL DEFAULT 0 CHECK (until_segment >= 0),
  created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX guest_links_meeting ON guest_links(meeting_id);

-- A redeemed guest link: a users row (email guest-<n>@guest.invalid, no usable password) that
-- may only enter its meeting.
CREATE TABLE guests (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  link_id       INTEGER NOT NULL REFERENCES guest_links(id) ON DELETE CASCADE,
  role          TEXT NOT NULL,
  until_segment INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX guests_meeting ON guests(meeting_id);

-- One row per join..leave interval in a meeting's room (left_at 0 while still inside).
CREATE TABLE attendance (
  id         INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL,
  joined_at  INTEGER NOT NULL,
  left_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attendance_meeting ON attendance(meeting_id, joined_at);
CREATE INDEX attendance_open ON attendance(meeting_id, user_id) WHERE left_at = 0;

-- Private calendar feeds: one revocable token per user. Kept as is (not hashed) so that the
-- user can see the feed URL again; it only reads that user's calendar.
CREATE TABLE calendar_tokens (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token      TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
