-- 009: rooms can be archived (kept with their chat history, hidden from room.list and closed to
-- joins; room.unarchive opens them again) and deleted, and carry a bandwidth adaptation switch.
-- adaptation: 1 (default) lets each subscriber's estimate choose its layers, 0 gives everyone the
-- top layer (LAN events). A deleted room keeps only its row as a tombstone (deleted_at set, name
-- and description emptied), so its id, the room's link, never leads into another room (rooms.id
-- has no AUTOINCREMENT: SQLite would hand the highest id out again); its chat conversation,
-- invites, bans, moderation log and control row are deleted with it (storage/room_store.c).
ALTER TABLE rooms ADD COLUMN archived_at INTEGER;           -- unix seconds; NULL: not archived
ALTER TABLE rooms ADD COLUMN deleted_at INTEGER;            -- unix seconds; NULL: not deleted
ALTER TABLE rooms ADD COLUMN adaptation INTEGER NOT NULL DEFAULT 1 CHECK (adaptation IN (0, 1));
