/* Users, their roles in consortia, and their sign-in state (failed attempts, lock).
 * Used by the signaling thread (auth and authorization) and by the `moa user` commands.
 * Emails compare case-insensitively (the column is COLLATE NOCASE). */
#ifndef MOA_STORAGE_USER_STORE_H
#define MOA_STORAGE_USER_STORE_H

#include <jansson.h>
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

/* The `me` object: {id, email, name, is_admin, kind ("member" | "company"), organization: {id, name, kind} | null,
 * consortia: [{id, name_ko, name_en, role}]}. NULL if the user does not exist. */
json_t *user_store_me(moa_db *db, int64_t user_id);
/* All users for operators: [{id, email, name, org_id, is_admin, disabled, roles: [...]}]. */
json_t *user_store_list(moa_db *db);

/* Basic shape check of an email address (one '@', no spaces or controls, <= 254 bytes). */
bool user_email_valid(const char *email);



/* The people of a consortium (users with a role in it), for its members and admins only:
 * [{id, name, email, role, organization: {id, name} | null}] ordered by role then name. */
json_t *user_store_consortium_people(moa_db *db, int64_t consortium_id);
#endif
