-- 009: support programmes (issue 14). Announcements are collected from feeds (기업마당 JSON/RSS,
-- K-Startup, 중소벤처24, CSV) and files; each raw item is kept verbatim under its (source,
-- source_id), and items that announce the same programme (the same notice re-published by
-- another feed) point to one deduplicated programme. Eligibility is data: programme_rules, one
-- row per criterion, evaluated against org_attributes by a pure evaluator.

-- Where announcements come from: one row per configured or imported source name.
CREATE TABLE programme_sources (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,                 -- 'bizinfo', 'kstartup', 'busan_tp' ...
  format     TEXT NOT NULL CHECK (format IN ('bizinfo_json', 'bizinfo_rss', 'kstartup', 'smes24', 'csv')),
  url        TEXT NOT NULL DEFAULT '',             -- collector URL; '' for file-only sources
  last_ok_at INTEGER,                              -- last successful fetch or import
  last_error TEXT NOT NULL DEFAULT '',             -- the last failure, '' after a success
  last_error_at INTEGER
);

-- One row per file imported or feed fetched (provenance and the report of what it changed).
CREATE TABLE programme_imports (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES programme_sources(id),
  file_name   TEXT NOT NULL DEFAULT '',
  file_sha256 TEXT NOT NULL,
  snapshot    INTEGER NOT NULL CHECK (snapshot IN (0, 1)),  -- 1 = the whole feed: absence means withdrawn
  imported_at INTEGER NOT NULL,
  imported_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  n_new       INTEGER NOT NULL DEFAULT 0,
  n_changed   INTEGER NOT NULL DEFAULT 0,
  n_same      INTEGER NOT NULL DEFAULT 0,
  n_merged    INTEGER NOT NULL DEFAULT 0,
  n_withdrawn INTEGER NOT NULL DEFAULT 0,
  n_rejected  INTEGER NOT NULL DEFAULT 0
);
-- A file equal to its source's latest import is not imported again (the same file after another
-- one is: it restores what the other changed).
CREATE INDEX programme_imports_source ON programme_imports(source_id, id);

-- The items a file refused, with the reason, for the operator's report.
CREATE TABLE programme_rejects (
  import_id INTEGER NOT NULL REFERENCES programme_imports(id) ON DELETE CASCADE,
  item_index INTEGER NOT NULL,
  item_id   TEXT NOT NULL DEFAULT '',
  reason    TEXT NOT NULL,
  PRIMARY KEY (import_id, item_index)
);

-- The programme users see: one per real programme, however many feeds announced it.
CREATE TABLE programmes (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  title_norm   TEXT NOT NULL,                 -- ptext_title_norm(title): dedupe key part
  agency       TEXT NOT NULL,
  executor     TEXT NOT NULL DEFAULT '',
  summary      TEXT NOT NULL DEFAULT '',
  fields       TEXT NOT NULL DEFAULT '',      -- '기술|금융'
  regions      TEXT NOT NULL DEFAULT '',      -- '서울|부산', '전국', '' = not stated
  target       TEXT NOT NULL DEFAULT '',
  url          TEXT NOT NULL DEFAULT '',
  apply_start  TEXT,                          -- 'YYYY-MM-DD' Seoul, NULL = unknown
  apply_end    TEXT,                          -- 'YYYY-MM-DD' Seoul, NULL = open-ended
  opens_at     INTEGER,
  closes_at    INTEGER,                       -- last open second (23:59:59 KST of apply_end)
  period_kind  TEXT NOT NULL CHECK (period_kind IN ('dated', 'rolling', 'budget', 'tbd', 'varies', 'closed')),
  period_raw   TEXT NOT NULL DEFAULT '',
  amount_min   INTEGER CHECK (amount_min IS NULL OR amount_min >= 0),
  amount_max   INTEGER CHECK (amount_max IS NULL OR amount_max >= 0),
  withdrawn_at INTEGER,                       -- set when a full snapshot no longer lists it
  amended_from INTEGER REFERENCES programmes(id) ON DELETE SET NULL,  -- 정정/연장/재공고
  rules_state  TEXT NOT NULL DEFAULT 'auto' CHECK (rules_state IN ('auto', 'reviewed', 'none')),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX programmes_dedupe ON programmes(title_norm, agency);
CREATE INDEX programmes_closes ON programmes(closes_at);

-- One row per (source, item id): the announcement as the feed gave it, never rewritten.
CREATE TABLE programme_items (
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES programme_sources(id),
  item_id      TEXT NOT NULL,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  raw          TEXT NOT NULL,                 -- verbatim item (JSON object, XML element, CSV record)
  content_hash TEXT NOT NULL,                 -- sha256 of the normalised fields: change detection
  first_import INTEGER NOT NULL REFERENCES programme_imports(id),
  last_import  INTEGER NOT NULL REFERENCES programme_imports(id),
  withdrawn_at INTEGER,
  UNIQUE (source_id, item_id)
);
CREATE INDEX programme_items_programme ON programme_items(programme_id);

-- Field-level history: what an import changed (a deadline moved, a title corrected).
CREATE TABLE programme_changes (
  id           INTEGER PRIMARY KEY,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  import_id    INTEGER NOT NULL REFERENCES programme_imports(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('new', 'changed', 'withdrawn', 'amended', 'merged')),
  field        TEXT NOT NULL DEFAULT '',
  old          TEXT,
  new          TEXT,
  at           INTEGER NOT NULL
);
CREATE INDEX programme_changes_programme ON programme_changes(programme_id, id);

-- Eligibility as data: one row per criterion (see storage/eligibility.h for the semantics).
CREATE TABLE programme_rules (
  id           INTEGER PRIMARY KEY,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  attr         TEXT NOT NULL,
  op           TEXT NOT NULL CHECK (op IN ('in', 'not_in', 'between', 'ge', 'le', 'prefix_in',
                 'prefix_not_in', 'has_any', 'has_all', 'is_true', 'is_false')),
  value        TEXT NOT NULL,                 -- JSON: ["CC10","CC30"] | [0,7] | 3000000000
  strength     TEXT NOT NULL CHECK (strength IN ('required', 'excluded', 'preferred')),
  grp          INTEGER NOT NULL DEFAULT 0,    -- required rules sharing a grp > 0 are OR-ed
  origin       TEXT NOT NULL CHECK (origin IN ('structured', 'pattern', 'reviewer')),
  evidence     TEXT NOT NULL                  -- the sentence or field the rule came from
);
CREATE INDEX programme_rules_programme ON programme_rules(programme_id);

-- The company profile used for matching: one row per attribute, with its date and source.
CREATE TABLE org_attributes (
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  attr   TEXT NOT NULL,
  value  TEXT NOT NULL,
  as_of  TEXT NOT NULL DEFAULT '',            -- 'YYYY' or 'YYYY-MM-DD' the value describes
  source TEXT NOT NULL CHECK (source IN ('self', 'import', 'verified')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, attr)
);

-- Programmes an organization saved (deadline reminders, .ics).
CREATE TABLE programme_saves (
  org_id       INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  saved_at     INTEGER NOT NULL,
  PRIMARY KEY (org_id, programme_id)
);
