-- 007: moa_bigrams() now gives a Latin word as one token instead of its letter pairs (English is
-- searched by word prefix; storage/bigram.h). A contentless FTS5 table can only delete a row with
-- the tokens it was given, so the whole index is rebuilt with the new tokens. moa_bigrams() is
-- registered by db_open on every connection.
INSERT INTO organizations_grams(organizations_grams) VALUES ('delete-all');
INSERT INTO organizations_grams(rowid, name, name_en, capabilities, keywords, description)
  SELECT id, moa_bigrams(name), moa_bigrams(name_en), moa_bigrams(capabilities), moa_bigrams(keywords),
         moa_bigrams(description) FROM organizations;

-- The in-memory directory index (storage/directory_index.h) reads organizations in name order
-- whenever the directory changed: from this index instead of sorting every row (100,000 rows).
CREATE INDEX organizations_by_name ON organizations(name, id);
