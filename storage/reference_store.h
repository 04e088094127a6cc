/* Reference data: the programme's 9 sectors, the regions and industrial complexes, and the 25
 * consortia with the complexes each one links, loaded from data/consortia.tsv (compiled into the
 * binary, see embedded.h). The server calls reference_load at start-up; demo_data and the tests
 * call it before generating organizations. */
#ifndef MOA_STORAGE_REFERENCE_STORE_H
#define MOA_STORAGE_REFERENCE_STORE_H

#include <stddef.h>

#include "storage/db.h"

/* Loads consortia_tsv (the text of data/consortia.tsv: a header line, then the columns no,
 * sector_ko, sector_en, lead_region_ko, lead_complex_ko, linked_ko, name_ko, name_en) into
 * sectors, regions, complexes, consortia (id = no) and consortium_complexes (the lead complex with
 * is_lead = 1). A sector written "미래모빌리티(자동차)" is sector 미래모빌리티 with sector detail
 * 자동차; linked_ko is a comma-separated list of REGION(COMPLEX, COMPLEX...).
 *
 * Idempotent: when consortia already has rows, returns 0 and changes nothing. Otherwise returns
 * the number of consortia loaded, all in one transaction. On a malformed text (wrong column count,
 * bad or duplicate number, unbalanced parentheses, an empty name, invalid UTF-8) or a database
 * error, returns -1, err names the line and field, and nothing is changed. */
int reference_load(moa_db *db, const char *consortia_tsv, char *err, size_t errlen);

/* The id of region name (a 시도 as the reference data writes it: 서울, 충남 ...), made when there is
 * none yet (the consortia's TSV names only the regions some consortium links), inside the
 * caller's transaction. -1 on a database error. */
int64_t reference_store_region_id(moa_db *db, const char *name);

#endif
