-- 013: the company profile for support-programme matching (issue 14, item 3). org_attributes
-- (011) is rebuilt before anything wrote to it: the source of a value is what the person reading
-- it needs to know, 'entered' (by the organization's own people or an admin) or 'imported' (from
-- a file or an authority's register), and certifications (벤처, 이노비즈, 메인비즈) carry their
-- validity window. The attributes, their types and their checks are storage/company_profile.h;
-- a blank attribute has no row (unknown to the evaluator, never a default).

DROP TABLE org_attributes;
CREATE TABLE org_attributes (
  org_id     INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  attr       TEXT NOT NULL,
  value      TEXT NOT NULL CHECK (value <> ''),
  as_of      TEXT NOT NULL CHECK (length(as_of) = 10),  -- 'YYYY-MM-DD' the value is true as of
  valid_from TEXT,                                      -- certifications: 'YYYY-MM-DD', else NULL
  valid_to   TEXT,
  source     TEXT NOT NULL CHECK (source IN ('entered', 'imported')),
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  PRIMARY KEY (org_id, attr)
) WITHOUT ROWID;
