/* The company profile used for support-programme matching (issue 14, item 3): about thirty
 * attributes of an organization (founding date, size class, KSIC codes, regions, revenue,
 * employees, exports, certifications with their validity, representative, past support ...), each
 * with the date it is true as of and its source ('entered' or 'imported'). This header is the pure
 * part: the attribute table, the check of one value (every value comes from the network or a file
 * and is hostile until checked) and the translation of a profile into the eligibility evaluator's
 * input (storage/eligibility.h). storage/company_profile_store.h keeps profiles in the database.
 *
 * Values are canonical text, as the evaluator reads them: numbers in decimal (won, USD, people),
 * dates "YYYY-MM-DD", booleans "1"/"0", enumerations by key, lists joined with '|'. A blank
 * attribute is not stored at all; the evaluator sees it as unknown (never a default). */
#ifndef MOA_STORAGE_COMPANY_PROFILE_H
#define MOA_STORAGE_COMPANY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/eligibility.h"

#define CP_VALUE_MAX 1024 /* canonical value, terminator included */
#define CP_DATE_LEN 11    /* "YYYY-MM-DD" and its terminator */

/* The attributes, in display order. The keys (cp_attr_key) are the evaluator's attribute names. */
typedef enum {
  /* 기본 정보 */
  CP_BIZ_NO = 0, /* 사업자등록번호: 10 digits with a valid check digit ("123-45-67890" accepted) */
  CP_LEGAL_FORM, /* corporation | individual (법인 / 개인) */
  CP_FOUNDED,    /* 설립일: a date not in the future; the evaluator derives age_years (업력) */
  CP_PRESTARTUP, /* 예비창업자 (bool) */
  CP_RESTART,    /* 재창업 (bool) */
  /* 규모 */
  CP_SIZE, /* solo | micro | small | medium | midsize | large (1인/소상공인/소/중/중견/대기업) */
  CP_REVENUE,          /* 최근 연도 매출액, won */
  CP_REVENUE_AVG3,     /* 3년 평균 매출액, won */
  CP_TOTAL_ASSETS,     /* 자산총액, won */
  CP_EMPLOYEES,        /* 상시근로자 수 */
  CP_YOUTH_EMPLOYEES,  /* 청년 근로자 수 (<= employees) */
  CP_EXPORT_USD,       /* 전년 수출액, USD */
  CP_EXPORT_COUNTRIES, /* 수출 국가: ISO 3166 alpha-2 codes */
  CP_PATENTS,          /* 특허·지식재산권 수 */
  CP_RND_RATIO,        /* 매출 대비 R&D 투자 비율, percent 0..100 */
  /* 업종·지역 */
  CP_KSIC,          /* 주업종: KSIC section letter + 5 digits (C29199) */
  CP_KSIC_SUB,      /* 부업종: up to 10 KSIC codes */
  CP_REGION,        /* 본사 시도 (서울 ... 제주) */
  CP_PLANT_REGIONS, /* 공장·사업장 시도 */
  CP_SMART_FACTORY, /* none | basic | intermediate | advanced (스마트공장 수준) */
  /* 인증 */
  CP_VENTURE,           /* 벤처기업 확인: "1" with valid_from/valid_to, or "0" */
  CP_INNOBIZ,           /* 이노비즈 */
  CP_MAINBIZ,           /* 메인비즈 */
  CP_LAB,               /* none | dept | institute (연구개발전담부서 / 기업부설연구소) */
  CP_SOCIAL_ENTERPRISE, /* 사회적기업 (bool) */
  CP_EXPORT_PROMISING,  /* 수출유망중소기업 (bool) */
  CP_ROOT_INDUSTRY,     /* 뿌리기업 (bool) */
  CP_SOBUJANG,          /* 소재·부품·장비 전문기업 (bool) */
  /* 대표자·기타 */
  CP_CEO_BIRTH,      /* 대표자 생년월일; the evaluator derives ceo_age (만 나이) */
  CP_CEO_GENDER,     /* female | male */
  CP_FEMALE_OWNED,   /* 여성기업 (bool) */
  CP_DISABLED_OWNED, /* 장애인기업 (bool) */
  CP_HISTORY,        /* 지원이력: up to 30 entries "YYYY 사업명" */
  CP_ARREARS,        /* 국세·지방세 체납 (bool) */
  CP_ATTR_COUNT
} cp_attr;

typedef enum {
  CP_GROUP_BASIC = 0,
  CP_GROUP_SCALE,
  CP_GROUP_INDUSTRY,
  CP_GROUP_CERT,
  CP_GROUP_OTHER
} cp_group;

typedef enum {
  CP_T_BIZNO = 0,
  CP_T_DATE,  /* a past date */
  CP_T_BIRTH, /* a date at least 15 years ago */
  CP_T_BOOL,
  CP_T_ENUM,
  CP_T_INT, /* min..max */
  CP_T_KSIC,
  CP_T_KSIC_LIST,
  CP_T_SIDO,
  CP_T_SIDO_LIST,
  CP_T_COUNTRY_LIST,
  CP_T_CERT,
  CP_T_HISTORY
} cp_type;

typedef enum { CP_SOURCE_ENTERED = 0, CP_SOURCE_IMPORTED } cp_source;

typedef struct cp_attr_def {
  const char *key;
  cp_group group;
  cp_type type;
  const char *options; /* CP_T_ENUM: '|' list of keys */
  int64_t min, max;    /* CP_T_INT */
  const char *unit;    /* CP_T_INT: "won", "usd", "people", "count", "percent" */
} cp_attr_def;

/* The definition of attribute a (a < CP_ATTR_COUNT). */
const cp_attr_def *cp_attr_info(cp_attr a);
/* The attribute whose key is key; -1 when none. */
int cp_attr_find(const char *key);
const char *cp_group_key(cp_group g);   /* "basic", "scale", "industry", "cert", "other" */
const char *cp_source_key(cp_source s); /* "entered", "imported" */
/* The source named key; -1 when none. */
int cp_source_find(const char *key);

/* One value of a profile. set false: blank (unknown). */
typedef struct cp_value {
  bool set;
  char value[CP_VALUE_MAX];
  char as_of[CP_DATE_LEN];
  char valid_from[CP_DATE_LEN], valid_to[CP_DATE_LEN]; /* certifications with value "1", else "" */
  cp_source source;
  int64_t updated_at; /* unix seconds */
} cp_value;

typedef struct company_profile {
  int64_t org_id;
  cp_value v[CP_ATTR_COUNT];
} company_profile;

/* One change of a profile. value NULL clears the attribute (blank). as_of NULL or "" means
 * today. valid_from/valid_to only for a certification held ("1"). Strings are borrowed. */
typedef struct cp_change {
  cp_attr attr;
  const char *value;
  const char *as_of;
  const char *valid_from, *valid_to;
  cp_source source;
} cp_change;

/* Checks change c at date today ("YYYY-MM-DD", Seoul) and writes its canonical value into canon
 * (CP_VALUE_MAX bytes) and its as-of date into as_of (CP_DATE_LEN bytes; today when the change
 * gives none). Returns 0; or -1 with err naming the attribute ("revenue: must be ...") and
 * canon/as_of unspecified. A clearing change (value NULL) is always valid. */
int cp_check(const cp_change *c, const char *today, char *canon, char *as_of, char *err, size_t errlen);

/* True when s[0..n) is one of the 17 시도 short names (서울 ... 제주). */
bool cp_sido_valid(const char *s, size_t n);
/* The KSIC section letter that holds division div (10 → 'C', 70 → 'M'), or 0 when none does. */
char cp_ksic_section(int div);

/* True when s is a valid business registration number (10 digits, hyphens allowed at 3 and 5). */
bool cp_bizno_valid(const char *s);

/* The evaluator's view of a profile at date at ("YYYY-MM-DD", the programme's last day). Every
 * attribute appears once under its key with its value, or with value NULL when blank (UNKNOWN to
 * the evaluator). A certification reads "1" only while at lies in its validity window ("0" once
 * expired or before it starts). "certs" is the '|' list of the certifications valid at at
 * (venture, innobiz, mainbiz), "none" when all three are known and none is valid, or NULL unless
 * all three are known. Values point into p and out:
 * both must outlive the use of out->attrs. */
#define CP_ELIG_MAX (CP_ATTR_COUNT + 1)
typedef struct cp_elig_input {
  elig_attr attrs[CP_ELIG_MAX];
  size_t n;
  char certs[32];
} cp_elig_input;
void cp_elig_fill(const company_profile *p, const char *at, cp_elig_input *out);

#endif
