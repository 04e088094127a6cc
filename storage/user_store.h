/* Users, their roles in consortia, and their sign-in state (failed attempts, lock).
 * Used by the signaling thread (auth and authorization) and by the `moa user` commands.
 * Emails compare case-insensitively (the column is COLLATE NOCASE). */
#ifndef MOA_STORAGE_USER_STORE_H
#define MOA_STORAGE_USER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/password.h"

typedef enum { ROLE_NONE = 0, ROLE_MEMBER = 1, ROLE_COORDINATOR = 2 } consortium_role;

typedef struct user_rec {
  int64_t id;
  char email[256];
  char name[128];
  int64_t org_id; /* 0 when none */
  bool is_admin;
  bool disabled;
  bool company; /* kind 'company': a company's self sign-up (storage/signup_store.h) */
  int failed_logins;
  int64_t locked_until;
  char password_hash[PASSWORD_HASH_MAX];
} user_rec;

#define EMAIL_MAX 254
#define USER_NAME_MAX 100

/* Looks a user up. Returns 1 and fills out when found, 0 when absent, -1 on a database error. */
int user_store_find_by_email(moa_db *db, const char *email, user_rec *out);
int user_store_find_by_id(moa_db *db, int64_t id, user_rec *out);

/* Adds a user with an already computed password hash; org_id 0 means none. Returns the new id,
 * or -1 with err set (duplicate email, invalid email or name, unknown organization); nothing
 * is written on failure. */
int64_t user_store_add(moa_db *db, const char *email, const char *name, const char *password_hash,
                       int64_t org_id, bool is_admin, char *err, size_t errlen);

/* Gives user a role in a consortium (replacing any previous one); role ROLE_NONE removes it.
 * Returns 0, or -1 (unknown user or consortium). */
int user_store_set_role(moa_db *db, int64_t user_id, int64_t consortium_id, consortium_role role);
/* The user's role in the consortium (ROLE_NONE when none or on error). */
consortium_role user_store_role_in(moa_db *db, int64_t user_id, int64_t consortium_id);

int user_store_set_disabled(moa_db *db, int64_t user_id, bool disabled);
int user_store_set_password(moa_db *db, int64_t user_id, const char *password_hash);

/* Records a failed sign-in at time now: increments the count and, from the 5th consecutive
 * failure on, locks the account for 60 s doubling per further failure (capped at 1 hour).
 * Returns the lock end (0 when not locked) or -1 on a database error. */
int64_t user_store_record_failure(moa_db *db, int64_t user_id, int64_t now);
/* Clears the failure count and lock after a successful sign-in. */
int user_store_record_success(moa_db *db, int64_t user_id);

/* What `me` shows of a user. Text columns are NULL when the database holds NULL; org_id 0: no
 * organization (org_name, org_kind NULL). kind: "member" or "company". */
typedef struct user_me {
  int64_t id;
  const char *email, *name, *kind;
  bool is_admin;
  int64_t org_id;
  const char *org_name, *org_kind;
} user_me;
typedef void (*user_me_fn)(void *arg, const user_me *me);

/* Gives fn user_id as `me` shows it (strings valid during the call). Returns 1 (fn called),
 * 0 when there is no such user, -1 on a database error. */
int user_store_me(moa_db *db, int64_t user_id, user_me_fn fn, void *arg);

/* A user's role in an active consortium. */
typedef struct user_membership {
  int64_t consortium_id;
  const char *name_ko, *name_en, *role; /* role: "member" or "coordinator" */
} user_membership;
typedef void (*user_membership_fn)(void *arg, const user_membership *m);

/* Gives fn user_id's roles in active consortia, by consortium id. Returns 0, or -1 on a database
 * error (fn may have been called for the first ones). */
int user_store_memberships(moa_db *db, int64_t user_id, user_membership_fn fn, void *arg);

/* One user as operators list them. roles: "role:consortium_id" separated by spaces, NULL when
 * none. */
typedef struct user_summary {
  int64_t id;
  const char *email, *name;
  int64_t org_id; /* 0 when none */
  bool is_admin, disabled;
  const char *roles;
} user_summary;
typedef void (*user_summary_fn)(void *arg, const user_summary *u);

/* Gives fn every user, by id, for operators (`moa user list`). Returns 0, or -1 on a database
 * error (fn may have been called for the first ones). */
int user_store_list(moa_db *db, user_summary_fn fn, void *arg);

/* Basic shape check of an email address (one '@', no spaces or controls, <= 254 bytes). */
bool user_email_valid(const char *email);

/* One person of a consortium. org_id 0: no organization (org_name NULL). */
typedef struct user_person {
  int64_t id;
  const char *name, *email, *role;
  int64_t org_id;
  const char *org_name;
} user_person;
typedef void (*user_person_fn)(void *arg, const user_person *p);

/* Gives fn the people of a consortium (users with a role in it, not disabled), for its members and
 * admins only, ordered by role (coordinators first) then name. Returns 0, or -1 on a database
 * error (fn may have been called for the first ones). */
int user_store_consortium_people(moa_db *db, int64_t consortium_id, user_person_fn fn, void *arg);

#endif
