-- 009: threads and reactions in chat. A reply names its thread's first message (parent_id, always
-- a top-level message of the same conversation: a reply to a reply joins the same thread); the
-- parent's reply count is counted, not stored. A reaction is one person's emoji on a message,
-- at most once per emoji, listed in the order they were given (rowid); deleting a message
-- removes its reactions.
ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE;
CREATE INDEX messages_parent ON messages(parent_id, id) WHERE parent_id IS NOT NULL;

CREATE TABLE reactions (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  emoji      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);
