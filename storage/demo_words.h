/* Word lists for the demo data generator (storage/demo_data.c): Korean name parts with their
 * English renderings, per-sector capabilities and keywords, universities and institutes per
 * region, person names. Data only; private to storage/. */
#ifndef MOA_STORAGE_DEMO_WORDS_H
#define MOA_STORAGE_DEMO_WORDS_H

#include <stddef.h>

typedef struct demo_pair {
  const char *ko;
  const char *en;
} demo_pair;

/* Lists end with an entry whose ko is NULL. */
typedef struct demo_sector {
  const char *sector_ko;             /* as in the sectors table */
  const char *detail_ko;             /* "" matches any detail */
  demo_pair field;                   /* e.g. {"미래자동차", "Future Vehicle"} */
  const demo_pair *company_suffixes; /* e.g. {"모빌리티", "Mobility"} */
  const char *const *capabilities;   /* NULL-terminated */
  const char *const *keywords;       /* NULL-terminated */
  const demo_pair *departments;      /* university departments */
  const demo_pair *institutes;       /* national research institutes of the field */
} demo_sector;

typedef struct demo_region {
  const char *ko; /* as in the regions table, e.g. "경남" */
  const char *en;
  demo_pair branch; /* e.g. {"동남본부", "Dongnam Division"} */
  const demo_pair *universities;
} demo_region;

/* The word set for a consortium's sector and detail; never NULL (a generic set as fallback). */
const demo_sector *demo_words_sector(const char *sector_ko, const char *detail_ko);
/* The region entry for name_ko; never NULL (a generic entry as fallback). */
const demo_region *demo_words_region(const char *name_ko);

extern const demo_pair demo_company_stems[];
extern const demo_pair demo_general_suffixes[];
extern const demo_pair demo_common_institutes[];
extern const demo_pair demo_university_units[];
extern const demo_pair demo_surnames[];
extern const demo_pair demo_given_names[];

/* Number of entries before the NULL terminator. */
size_t demo_words_count(const demo_pair *list);
size_t demo_words_count_strings(const char *const *list);

#endif
