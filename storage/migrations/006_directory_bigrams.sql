-- 006: the partner directory's text index becomes character bigrams (storage/bigram.h), so that
-- two-character Korean terms (수소, 로봇) are found through the index instead of LIKE over every
-- row; and a counter that changes with every write to what a search filters and counts on, so
-- the in-memory directory index (storage/directory_index.h) of any connection knows when to
-- rebuild. The FTS table is contentless: organizations keeps the text, the index only bigrams.
-- moa_bigrams() is registered by db_open on every connection.
DROP TRIGGER organizations_fts_insert;
DROP TRIGGER organizations_fts_delete;
DROP TRIGGER organizations_fts_update;
DROP TABLE organizations_fts;

CREATE VIRTUAL TABLE organizations_grams USING fts5(name, name_en, capabilities, keywords, description,
  content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO organizations_grams(rowid, name, name_en, capabilities, keywords, description)
  SELECT id, moa_bigrams(name), moa_bigrams(name_en), moa_bigrams(capabilities), moa_bigrams(keywords),
         moa_bigrams(description) FROM organizations;
CREATE TRIGGER organizations_grams_insert AFTER INSERT ON organizations BEGIN
  INSERT INTO organizations_grams(rowid, name, name_en, capabilities, keywords, description)
  VALUES (new.id, moa_bigrams(new.name), moa_bigrams(new.name_en), moa_bigrams(new.capabilities),
          moa_bigrams(new.keywords), moa_bigrams(new.description));
END;
CREATE TRIGGER organizations_grams_delete AFTER DELETE ON organizations BEGIN
  INSERT INTO organizations_grams(organizations_grams, rowid, name, name_en, capabilities, keywords, description)
  VALUES ('delete', old.id, moa_bigrams(old.name), moa_bigrams(old.name_en), moa_bigrams(old.capabilities),
          moa_bigrams(old.keywords), moa_bigrams(old.description));
END;
CREATE TRIGGER organizations_grams_update
AFTER UPDATE OF name, name_en, capabilities, keywords, description ON organizations BEGIN
  INSERT INTO organizations_grams(organizations_grams, rowid, name, name_en, capabilities, keywords, description)
  VALUES ('delete', old.id, moa_bigrams(old.name), moa_bigrams(old.name_en), moa_bigrams(old.capabilities),
          moa_bigrams(old.keywords), moa_bigrams(old.description));
  INSERT INTO organizations_grams(rowid, name, name_en, capabilities, keywords, description)
  VALUES (new.id, moa_bigrams(new.name), moa_bigrams(new.name_en), moa_bigrams(new.capabilities),
          moa_bigrams(new.keywords), moa_bigrams(new.description));
END;

CREATE TABLE directory_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  v  INTEGER NOT NULL
);
INSERT INTO directory_version VALUES (1, 0);
CREATE TRIGGER directory_version_org_insert AFTER INSERT ON organizations BEGIN
  UPDATE directory_version SET v = v + 1;
END;
CREATE TRIGGER directory_version_org_delete AFTER DELETE ON organizations BEGIN
  UPDATE directory_version SET v = v + 1;
END;
CREATE TRIGGER directory_version_org_update
AFTER UPDATE OF id, name, sector_id, region_id, complex_id, kind, size, exports, hidden_outside ON organizations BEGIN
  UPDATE directory_version SET v = v + 1;
END;
CREATE TRIGGER directory_version_member_insert AFTER INSERT ON memberships BEGIN
  UPDATE directory_version SET v = v + 1;
END;
CREATE TRIGGER directory_version_member_delete AFTER DELETE ON memberships BEGIN
  UPDATE directory_version SET v = v + 1;
END;
CREATE TRIGGER directory_version_member_update AFTER UPDATE ON memberships BEGIN
  UPDATE directory_version SET v = v + 1;
END;
