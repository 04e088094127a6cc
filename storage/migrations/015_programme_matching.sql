-- 015: support-programme matching (issue 14, items 4 and 5). Nothing wrote programme_rules or
-- programme_saves before this migration, so both are rebuilt rather than altered.
--
-- programme_rules: every rule now says which feed item it was extracted from (item_id), so that
-- a changed item replaces its own rules and leaves those of the programme's other items (the same
-- notice from another feed) alone; reviewer rules (admin edits) have no item. The operator 'lt'
-- ("7년 미만") joins the list. value is text as storage/programme_rules.h formats it: the '|' list
-- of a list operator, "lo..hi" for between, one number for ge/le/lt, '' for is_true/is_false.
-- Which rules count is the programme's rules_state: 'reviewed' ⇒ only origin 'reviewer', else
-- only the extracted ones (origin 'structured' and 'pattern').
DROP TABLE programme_rules;
CREATE TABLE programme_rules (
  id           INTEGER PRIMARY KEY,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  item_id      INTEGER REFERENCES programme_items(id) ON DELETE CASCADE,
  attr         TEXT NOT NULL,
  op           TEXT NOT NULL CHECK (op IN ('in', 'not_in', 'between', 'ge', 'le', 'lt', 'prefix_in',
                 'prefix_not_in', 'has_any', 'has_all', 'is_true', 'is_false')),
  value        TEXT NOT NULL,
  strength     TEXT NOT NULL CHECK (strength IN ('required', 'excluded', 'preferred')),
  grp          INTEGER NOT NULL DEFAULT 0 CHECK (grp >= 0),
  origin       TEXT NOT NULL CHECK (origin IN ('structured', 'pattern', 'reviewer')),
  evidence     TEXT NOT NULL CHECK (evidence <> ''),
  CHECK ((origin = 'reviewer') = (item_id IS NULL))
);
CREATE INDEX programme_rules_programme ON programme_rules(programme_id);
CREATE INDEX programme_rules_item ON programme_rules(item_id);

-- The programmes each organization matches (bucket 0 신청 가능, 1 확인 필요; 신청 불가 is not
-- kept), recomputed after every import and whenever a profile changes. first_matched_at survives
-- recomputes while the programme keeps matching: "new since your last visit" compares it with
-- programme_visits. A programme that stops matching loses its row (matching again is new again).
CREATE TABLE programme_matches (
  org_id           INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  programme_id     INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  bucket           INTEGER NOT NULL CHECK (bucket IN (0, 1)),
  score            INTEGER NOT NULL,
  first_matched_at INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,             -- when bucket or score last changed
  PRIMARY KEY (org_id, programme_id)
) WITHOUT ROWID;
CREATE INDEX programme_matches_programme ON programme_matches(programme_id, bucket);

-- When an organization's people last looked at their matches.
CREATE TABLE programme_visits (
  org_id     INTEGER PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  visited_at INTEGER NOT NULL
);

-- Saved programmes belong to the user who saved them (deadline reminders and .ics are personal).
DROP TABLE programme_saves;
CREATE TABLE programme_saves (
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  saved_at     INTEGER NOT NULL,
  PRIMARY KEY (user_id, programme_id)
) WITHOUT ROWID;
CREATE INDEX programme_saves_programme ON programme_saves(programme_id);
