-- 014: self sign-up of companies outside the consortia (issue 14, item 6). A sign-up waits in
-- `signups` until the link mailed to its address is opened: only the SHA-256 of the link's token
-- is kept (as for sessions), with its expiry; confirming it creates the organization, its company
-- profile (business registration number, head-office region) and the user in one transaction, and
-- marks the row used, so a link works once. A newer sign-up for the same address supersedes the
-- older link. Rows stay after use: they count the attempts per address and per e-mail for the
-- rate limits (storage/signup_store.h) and say who confirmed what and when.
--
-- users.kind tells a company account made by sign-up ('company': reaches the partner directory
-- and matching, no consortium until a coordinator adds its organization) from the accounts the
-- operators make ('member').

ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'member' CHECK (kind IN ('member', 'company'));

CREATE TABLE signups (
  id            INTEGER PRIMARY KEY,
  token_hash    BLOB NOT NULL UNIQUE,
  email         TEXT NOT NULL COLLATE NOCASE,
  name          TEXT NOT NULL,                   -- the person
  company       TEXT NOT NULL,                   -- the organization's name
  bizno         TEXT NOT NULL CHECK (length(bizno) = 10),
  region        TEXT NOT NULL,                   -- 시도 of the head office
  lang          TEXT NOT NULL CHECK (lang IN ('ko', 'en')),
  password_hash TEXT NOT NULL,
  address       TEXT NOT NULL DEFAULT '',        -- network address it came from
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'superseded')),
  confirmed_at  INTEGER,
  user_id       INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX signups_email ON signups(email, created_at);
CREATE INDEX signups_address ON signups(address, created_at);

-- One company account per business registration number: sign-up looks the number up.
CREATE INDEX org_attributes_bizno ON org_attributes(value) WHERE attr = 'biz_no';
