-- 002: persistent chat and the partner directory (issue 4).
-- Conversations (a channel per consortium, a room's chat, direct and inquiry conversations), their
-- members and read markers, messages with idempotency keys and mentions, trigram full-text indexes
-- over messages and organizations (Korean compounds: 수소 finds 수소연료전지), cooperation inquiries,
-- blocks and the searches an organization's people ran (for partner suggestions).
-- Times are unix seconds (UTC). An organization's contact people are its users (users.org_id).

CREATE TABLE conversations (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('channel', 'room', 'direct', 'inquiry')),
  -- channel: the consortium whose members may read it; room: the consortium running the room (or NULL)
  consortium_id   INTEGER REFERENCES consortia(id) ON DELETE CASCADE,
  ref_id          INTEGER,            -- room: the room or meeting id
  direct_key      TEXT UNIQUE,        -- direct 1:1: "<low user id>:<high user id>", else NULL
  title           TEXT NOT NULL DEFAULT '',
  created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
  last_message_id INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX conversations_channel ON conversations(consortium_id) WHERE kind = 'channel';
CREATE UNIQUE INDEX conversations_room ON conversations(ref_id) WHERE kind = 'room';

-- Members of room, direct and inquiry conversations; for a channel a row only carries the read
-- marker (reading a channel is decided by user_roles).
CREATE TABLE conversation_members (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  last_read_id    INTEGER NOT NULL DEFAULT 0,
  joined_at       INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX conversation_members_user ON conversation_members(user_id);

-- AUTOINCREMENT: ids only grow and are never reused, so "everything after id N" is exact.
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,   -- NULL for system messages
  kind            TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'system')),
  body            TEXT NOT NULL,                                     -- verbatim, never HTML
  created_at      INTEGER NOT NULL,
  edited_at       INTEGER,
  deleted_at      INTEGER,
  deleted_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  client_key      TEXT,
  UNIQUE (author_id, client_key)
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);

CREATE TABLE mentions (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
CREATE INDEX mentions_user ON mentions(user_id, message_id);

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content = 'messages', content_rowid = 'id',
  tokenize = 'trigram');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

CREATE VIRTUAL TABLE organizations_fts USING fts5(name, name_en, capabilities, keywords, description,
  content = 'organizations', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO organizations_fts(organizations_fts) VALUES ('rebuild');
CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations BEGIN
  INSERT INTO organizations_fts(rowid, name, name_en, capabilities, keywords, description)
  VALUES (new.id, new.name, new.name_en, new.capabilities, new.keywords, new.description);
END;
CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations BEGIN
  INSERT INTO organizations_fts(organizations_fts, rowid, name, name_en, capabilities, keywords, description)
  VALUES ('delete', old.id, old.name, old.name_en, old.capabilities, old.keywords, old.description);
END;
CREATE TRIGGER organizations_fts_update
AFTER UPDATE OF name, name_en, capabilities, keywords, description ON organizations BEGIN
  INSERT INTO organizations_fts(organizations_fts, rowid, name, name_en, capabilities, keywords, description)
  VALUES ('delete', old.id, old.name, old.name_en, old.capabilities, old.keywords, old.description);
  INSERT INTO organizations_fts(rowid, name, name_en, capabilities, keywords, description)
  VALUES (new.id, new.name, new.name_en, new.capabilities, new.keywords, new.description);
END;

CREATE TABLE inquiries (
  id              INTEGER PRIMARY KEY,
  from_user       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  from_org        INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
  to_org          INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  topic           TEXT NOT NULL CHECK (topic IN ('joint_rnd', 'supply', 'investment',
                    'commercialization', 'other')),
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
  conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
  created_at      INTEGER NOT NULL,
  decided_at      INTEGER,
  decided_by      INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX inquiries_from ON inquiries(from_user, created_at);
CREATE INDEX inquiries_to ON inquiries(to_org, created_at);

-- An organization refuses inquiries from a user.
CREATE TABLE blocks (
  org_id     INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;

-- Free-text partner searches by an organization's people: what it looks for, used by suggestions.
CREATE TABLE directory_searches (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  query      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX directory_searches_org ON directory_searches(org_id, id);
