-- 012: file attachments in chat (issue 15). A file is uploaded into a conversation by one of its
-- readers and is pending (message_id NULL) until that person sends a message carrying it; then it
-- is the message's. The bytes live on disk, content-addressed by their SHA-256 (two uploads of the
-- same file share one blob); a row here is one upload, with the name it was uploaded under, its
-- sniffed media type and its size. `token` is the attachment's only public id: 128 random bits
-- (32 hex digits), never guessable from another. Quotas are counted per consortium over these
-- rows (consortium_id: the conversation's consortium, else the uploader's; NULL when neither).
--
-- Removal: when a message is deleted (deleted_at set, or the row itself removed with its
-- conversation) its attachments go with it, by the triggers and the cascade below; when the last
-- row naming a blob is gone, the blob is queued in attachment_trash, and the attachment store
-- unlinks the file after the commit (attachment_store_collect: a crash in between leaves a row
-- there, collected at the next start, never a file that a row still names removed).
CREATE TABLE attachments (
  id              INTEGER PRIMARY KEY,
  token           TEXT NOT NULL UNIQUE CHECK (length(token) = 32),
  sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
  size            INTEGER NOT NULL CHECK (size > 0),
  media_type      TEXT NOT NULL,
  name            TEXT NOT NULL,
  uploader_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  consortium_id   INTEGER REFERENCES consortia(id) ON DELETE SET NULL,
  message_id      INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  position        INTEGER NOT NULL DEFAULT 0,       -- order within its message
  created_at      INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id, position) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_pending ON attachments(created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX attachments_quota ON attachments(consortium_id, size);

-- Blobs no row names any more, to be unlinked after the commit that orphaned them.
CREATE TABLE attachment_trash (
  sha256 TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER attachments_orphan AFTER DELETE ON attachments
WHEN NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = old.sha256) BEGIN
  INSERT INTO attachment_trash(sha256) VALUES (old.sha256) ON CONFLICT DO NOTHING;
END;

-- A blob uploaded again before its trash was collected is kept.
CREATE TRIGGER attachments_reuse AFTER INSERT ON attachments BEGIN
  DELETE FROM attachment_trash WHERE sha256 = new.sha256;
END;

-- chat.delete keeps a tombstone row: its files go when it becomes one.
CREATE TRIGGER messages_delete_attachments AFTER UPDATE OF deleted_at ON messages
WHEN new.deleted_at IS NOT NULL BEGIN
  DELETE FROM attachments WHERE message_id = new.id;
END;
