-- 001: the foundation. Reference data (sectors, regions, industrial complexes, consortia),
-- organizations with their profile, memberships, users, roles and sessions.
-- Times are unix seconds (UTC).

CREATE TABLE sectors (
  id      INTEGER PRIMARY KEY,
  name_ko TEXT NOT NULL UNIQUE,
  name_en TEXT NOT NULL
);

CREATE TABLE regions (
  id      INTEGER PRIMARY KEY,
  name_ko TEXT NOT NULL UNIQUE
);

CREATE TABLE complexes (
  id        INTEGER PRIMARY KEY,
  region_id INTEGER NOT NULL REFERENCES regions(id),
  name_ko   TEXT NOT NULL,
  UNIQUE (region_id, name_ko)
);

CREATE TABLE consortia (
  id              INTEGER PRIMARY KEY,
  sector_id       INTEGER NOT NULL REFERENCES sectors(id),
  lead_region_id  INTEGER NOT NULL REFERENCES regions(id),
  lead_complex_id INTEGER NOT NULL REFERENCES complexes(id),
  name_ko         TEXT NOT NULL,
  name_en         TEXT NOT NULL,
  -- The field within the sector, as the TSV writes it in parentheses: 미래모빌리티(자동차)
  -- is sector 미래모빌리티 with detail 자동차 / Automotive; '' when the sector has none.
  sector_detail_ko TEXT NOT NULL DEFAULT '',
  sector_detail_en TEXT NOT NULL DEFAULT '',
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Every region and complex a consortium links, the lead one included (is_lead = 1).
CREATE TABLE consortium_complexes (
  consortium_id INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
  complex_id    INTEGER NOT NULL REFERENCES complexes(id),
  is_lead       INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
  PRIMARY KEY (consortium_id, complex_id)
);

CREATE TABLE organizations (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('company', 'university', 'research_institute',
                 'venture_capital', 'accelerator', 'industrial_designer',
                 'commercialization_company', 'other_institution')),
  name         TEXT NOT NULL,
  name_en      TEXT NOT NULL DEFAULT '',
  sector_id    INTEGER REFERENCES sectors(id),
  region_id    INTEGER NOT NULL REFERENCES regions(id),
  complex_id   INTEGER REFERENCES complexes(id),
  size         TEXT NOT NULL DEFAULT 'small' CHECK (size IN ('micro', 'small', 'medium', 'large')),
  revenue_band TEXT NOT NULL DEFAULT 'unknown' CHECK (revenue_band IN ('unknown', 'under_1b',
                 '1b_10b', '10b_100b', 'over_100b')),
  exports      INTEGER NOT NULL DEFAULT 0 CHECK (exports IN (0, 1)),
  capabilities TEXT NOT NULL DEFAULT '',
  keywords     TEXT NOT NULL DEFAULT '',
  description  TEXT NOT NULL DEFAULT '',
  hidden_outside INTEGER NOT NULL DEFAULT 0 CHECK (hidden_outside IN (0, 1)),
  created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX organizations_region ON organizations(region_id);
CREATE INDEX organizations_sector ON organizations(sector_id);

-- An organization can belong to several consortia.
CREATE TABLE memberships (
  org_id        INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  consortium_id INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
  joined_at     INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (org_id, consortium_id)
);
CREATE INDEX memberships_consortium ON memberships(consortium_id);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  org_id        INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
  password_hash TEXT NOT NULL,
  is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL DEFAULT (unixepoch())
);

-- A user's standing in a consortium: member, or coordinator (runs its rooms and meetings).
CREATE TABLE user_roles (
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  consortium_id INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
  role          TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
  PRIMARY KEY (user_id, consortium_id)
);
CREATE INDEX user_roles_consortium ON user_roles(consortium_id);

-- Sessions: only the SHA-256 of the token is kept, so a copy of the database signs nobody in.
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  address    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
