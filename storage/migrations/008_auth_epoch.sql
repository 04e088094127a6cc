-- 008: the sign-in epoch. A counter in meta that every change ending sign-ins bumps: a session
-- deleted (sign-out, password change, disabled account, purge), an account disabled or enabled,
-- a password changed. Triggers keep it, so any writer (the server, `moa user ...` in another
-- process, an operator with the sqlite3 shell) is covered. The server watches it cheaply
-- (PRAGMA data_version, then this one row, only when another connection committed) and re-checks
-- its live connections when it moves (signaling/session_watch.c).
-- The row appears with the first change (absent reads as 0).
CREATE TRIGGER sessions_ended_epoch AFTER DELETE ON sessions BEGIN
  INSERT INTO meta(key, value) VALUES ('auth_epoch', '1')
    ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;

CREATE TRIGGER users_access_epoch AFTER UPDATE OF disabled, password_hash ON users
WHEN old.disabled IS NOT new.disabled OR old.password_hash IS NOT new.password_hash BEGIN
  INSERT INTO meta(key, value) VALUES ('auth_epoch', '1')
    ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
END;
