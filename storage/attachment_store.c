/* The attachment store (see attachment_store.h): uploads streamed to <dir>/tmp while SHA-256
 * (OpenSSL EVP) is computed, then renamed to <dir>/<2 hex>/<64 hex>; rows in the attachments
 * table of migration 012; the triggers there queue orphaned blobs in attachment_trash, which
 * attachment_store_collect() empties. Every path built here is made of the store's directory and
 * hex digits that were checked: nothing a client sent ever becomes part of a path. */
#include "storage/attachment_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "storage/chat_store.h"
#include "storage/file_sniff.h"

struct attachment_store {
  moa_db *db;
  char dir[PATH_MAX - 100]; /* room for "/tmp/upload-XXXXXX" and "/ab/<64 hex>" */
  attachment_limits limits;
  attachment_upload *uploads; /* in progress */
  int nuploads;
  char err[PATH_MAX + 128]; /* the last call's failure, for its caller (attachment_store_error) */
};

struct attachment_upload {
  attachment_store *s;
  attachment_upload *next;
  int fd;
  char tmp[PATH_MAX];
  EVP_MD_CTX *md;
  int64_t user_id, conversation_id, consortium_id, declared, got;
  int status; /* sticky: the first failure of a write */
  char name[ATTACH_NAME_MAX + 1];
  unsigned char head[FILE_SNIFF_HEAD];
  size_t head_len;
};

const char *attachment_status_name(int status) {
  static const char *const names[] = {"ok",       "too_large", "quota",     "not_allowed", "mismatch",
                                      "bad_name", "empty",     "forbidden", "not_found",   "busy",
                                      "no_space", "io",        "internal"};
  return status <= 0 && status >= ATTACH_ERROR ? names[-status] : "internal";
}

bool attachment_token_valid(const char *s) {
  if (!s) return false;
  for (int i = 0; i < ATTACH_TOKEN_LEN; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return s[ATTACH_TOKEN_LEN] == '\0';
}

static bool hex64(const char *s) {
  if (!s || strlen(s) != 64) return false;
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return true;
}

/* <dir>/<ab>/<sha256> into path; false when it does not fit or sha256 is not 64 hex digits. */
static bool blob_path(const attachment_store *s, const char *sha256, char *path, size_t len) {
  if (!hex64(sha256)) return false;
  int n = snprintf(path, len, "%s/%.2s/%s", s->dir, sha256, sha256);
  return n > 0 && (size_t)n < len;
}

/* ---- opening ---- */

/* Records what failed, for the caller's log (attachment_store_error); storage does not log. */
static void attachment__fail(attachment_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void attachment__fail(attachment_store *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
}

const char *attachment_store_error(const attachment_store *s) { return s->err; }

static int make_dir(const char *path) { return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1; }

/* Removes the temporary files of uploads a crash (or kill) interrupted. */
static void clean_tmp(attachment_store *s) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/tmp", s->dir);
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if (!strncmp(e->d_name, "upload-", 7)) unlinkat(dirfd(d), e->d_name, 0);
  closedir(d);
}

attachment_store *attachment_store_open(moa_db *db, const char *dir, attachment_limits limits, char *err,
                                        size_t errlen) {
  attachment_store *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->db = db;
  s->limits.max_file = limits.max_file > 0 ? limits.max_file : ATTACH_DEFAULT_MAX_FILE;
  s->limits.quota = limits.quota > 0 ? limits.quota : ATTACH_DEFAULT_QUOTA;
  size_t n = dir ? strlen(dir) : 0;
  while (n > 1 && dir[n - 1] == '/') n--;
  char tmp[PATH_MAX];
  if (n == 0 || n >= sizeof s->dir) {
    snprintf(err, errlen, "the attachment directory name is empty or too long");
    free(s);
    return NULL;
  }
  memcpy(s->dir, dir, n);
  s->dir[n] = '\0';
  snprintf(tmp, sizeof tmp, "%s/tmp", s->dir);
  struct stat st;
  if (make_dir(s->dir) != 0 || make_dir(tmp) != 0 || stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode) ||
      access(tmp, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "cannot use the attachment directory %s: %s", s->dir, strerror(errno));
    free(s);
    return NULL;
  }
  clean_tmp(s);
  attachment_store_collect(s);
  return s;
}

void attachment_store_close(attachment_store *s) {
  if (!s) return;
  while (s->uploads) attachment_upload_abort(s->uploads);
  free(s);
}

attachment_limits attachment_store_limits(const attachment_store *s) { return s->limits; }

/* ---- quota ---- */

int64_t attachment_store_used(moa_db *db, int64_t consortium_id, int64_t user_id) {
  sqlite3_stmt *st =
      consortium_id > 0
          ? db_stmt(db, "SELECT coalesce(sum(size), 0) FROM attachments WHERE consortium_id = ?1")
          : db_stmt(db,
                    "SELECT coalesce(sum(size), 0) FROM attachments WHERE consortium_id IS NULL "
                    "AND uploader_id = ?2");
  if (!st) return -1;
  if (consortium_id > 0)
    sqlite3_bind_int64(st, 1, consortium_id);
  else
    sqlite3_bind_int64(st, 2, user_id);
  int64_t used = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return used;
}

/* The quota bucket of a file user_id puts in conversation_id: the conversation's consortium, else
 * the user's (the lowest id, for people in several), else 0. -1 on error. */
static int64_t bucket_of(moa_db *db, int64_t user_id, int64_t conversation_id) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT coalesce((SELECT consortium_id FROM conversations WHERE id = ?1), (SELECT "
              "min(consortium_id) FROM user_roles WHERE user_id = ?2), 0)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, user_id);
  int64_t b = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return b;
}

/* ATTACH_OK when size more bytes fit in the bucket's quota, else ATTACH_QUOTA (or _ERROR). */
static int quota_check(attachment_store *s, int64_t bucket, int64_t user_id, int64_t size) {
  int64_t used = attachment_store_used(s->db, bucket, user_id);
  if (used < 0) return ATTACH_ERROR;
  return used + size > s->limits.quota ? ATTACH_QUOTA : ATTACH_OK;
}

/* ---- uploads ---- */

/* Checks a file name as it will be stored: trimmed, one line of valid UTF-8 without control
 * characters, '/' or '\\', at most ATTACH_NAME_MAX bytes; copied into out. */
static int name_check(const char *name, char out[ATTACH_NAME_MAX + 1]) {
  size_t ts = 0, tl = 0;
  if (!name || chat_store_validate_text(name, ATTACH_NAME_MAX, false, &ts, &tl) != CHAT_STORE_OK)
    return ATTACH_BAD_NAME;
  if (memchr(name + ts, '/', tl) || memchr(name + ts, '\\', tl)) return ATTACH_BAD_NAME;
  memcpy(out, name + ts, tl);
  out[tl] = '\0';
  if (!strcmp(out, ".") || !strcmp(out, "..")) return ATTACH_BAD_NAME;
  return ATTACH_OK;
}

static int user_uploads(const attachment_store *s, int64_t user_id) {
  int n = 0;
  for (const attachment_upload *u = s->uploads; u; u = u->next) n += u->user_id == user_id;
  return n;
}

int attachment_upload_begin(attachment_store *s, int64_t user_id, int64_t conversation_id, const char *name,
                            int64_t declared, attachment_upload **out) {
  *out = NULL;
  s->err[0] = '\0';
  char clean[ATTACH_NAME_MAX + 1];
  int rc = name_check(name, clean);
  if (rc != ATTACH_OK) return rc;
  if (!file_sniff_name_allowed(clean)) return ATTACH_NOT_ALLOWED;
  if (user_id <= 0 || !chat_store_can_read(s->db, user_id, conversation_id)) return ATTACH_FORBIDDEN;
  if (declared == 0) return ATTACH_EMPTY;
  if (declared > s->limits.max_file) return ATTACH_TOO_LARGE;
  int64_t bucket = bucket_of(s->db, user_id, conversation_id);
  if (bucket < 0) return ATTACH_ERROR;
  rc = quota_check(s, bucket, user_id, declared > 0 ? declared : 1);
  if (rc != ATTACH_OK) return rc;
  if (s->nuploads >= ATTACH_MAX_UPLOADS || user_uploads(s, user_id) >= ATTACH_MAX_USER_UPLOADS)
    return ATTACH_BUSY;
  struct statvfs fs;
  int64_t need = (declared > 0 ? declared : s->limits.max_file) + ATTACH_DISK_RESERVE;
  if (statvfs(s->dir, &fs) == 0 && (int64_t)(fs.f_bavail * fs.f_frsize) < need) return ATTACH_NO_SPACE;

  attachment_upload *u = calloc(1, sizeof *u);
  if (!u) return ATTACH_ERROR;
  u->s = s;
  u->user_id = user_id;
  u->conversation_id = conversation_id;
  u->consortium_id = bucket;
  u->declared = declared;
  memcpy(u->name, clean, sizeof clean);
  snprintf(u->tmp, sizeof u->tmp, "%s/tmp/upload-XXXXXX", s->dir);
  u->fd = mkostemp(u->tmp, O_CLOEXEC);
  u->md = EVP_MD_CTX_new();
  if (u->fd < 0 || !u->md || EVP_DigestInit_ex(u->md, EVP_sha256(), NULL) != 1) {
    attachment__fail(s, "cannot start an upload in %s/tmp: %s", s->dir, strerror(errno));
    if (u->fd >= 0) {
      close(u->fd);
      unlink(u->tmp);
    }
    EVP_MD_CTX_free(u->md);
    free(u);
    return ATTACH_IO;
  }
  u->next = s->uploads;
  s->uploads = u;
  s->nuploads++;
  *out = u;
  return ATTACH_OK;
}

int attachment_upload_write(attachment_upload *u, const void *data, size_t len) {
  u->s->err[0] = '\0';
  if (u->status != ATTACH_OK) return u->status;
  if ((int64_t)len > u->s->limits.max_file - u->got ||
      (u->declared >= 0 && (int64_t)len > u->declared - u->got))
    return u->status = ATTACH_TOO_LARGE;
  if (u->head_len < sizeof u->head) {
    size_t take = sizeof u->head - u->head_len < len ? sizeof u->head - u->head_len : len;
    memcpy(u->head + u->head_len, data, take);
    u->head_len += take;
  }
  if (EVP_DigestUpdate(u->md, data, len) != 1) return u->status = ATTACH_IO;
  const unsigned char *p = data;
  size_t left = len;
  while (left) {
    ssize_t w = write(u->fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      attachment__fail(u->s, "writing %s: %s", u->tmp, strerror(errno));
      return u->status = errno == ENOSPC || errno == EDQUOT ? ATTACH_NO_SPACE : ATTACH_IO;
    }
    p += w;
    left -= (size_t)w;
  }
  u->got += (int64_t)len;
  return ATTACH_OK;
}

void attachment_upload_abort(attachment_upload *u) {
  if (!u) return;
  attachment_store *s = u->s;
  for (attachment_upload **pp = &s->uploads; *pp; pp = &(*pp)->next)
    if (*pp == u) {
      *pp = u->next;
      s->nuploads--;
      break;
    }
  if (u->fd >= 0) close(u->fd);
  if (u->tmp[0]) unlink(u->tmp);
  EVP_MD_CTX_free(u->md);
  free(u);
}

/* Renames the finished temporary file to the blob of sha256, or drops it when that blob is
 * already there whole (the same content uploaded before). *created: whether this made the blob. */
static int place_blob(attachment_upload *u, const char *sha256, bool *created) {
  char dir[PATH_MAX], path[PATH_MAX];
  *created = false;
  if (!blob_path(u->s, sha256, path, sizeof path)) return ATTACH_IO;
  snprintf(dir, sizeof dir, "%s/%.2s", u->s->dir, sha256);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == u->got) {
    unlink(u->tmp);
    u->tmp[0] = '\0';
    return ATTACH_OK;
  }
  if (make_dir(dir) != 0 || rename(u->tmp, path) != 0) {
    attachment__fail(u->s, "cannot store %s: %s", path, strerror(errno));
    return ATTACH_IO;
  }
  u->tmp[0] = '\0';
  *created = true;
  return ATTACH_OK;
}

static int insert_row(attachment_upload *u, const char *sha256, const file_type *ft, attachment_info *out) {
  unsigned char raw[ATTACH_TOKEN_LEN / 2];
  if (RAND_bytes(raw, sizeof raw) != 1) return ATTACH_ERROR;
  for (size_t i = 0; i < sizeof raw; i++) snprintf(out->token + 2 * i, 3, "%02x", raw[i]);
  moa_db *db = u->s->db;
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO attachments(token, sha256, size, media_type, name, uploader_id, "
              "conversation_id, consortium_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
              "?8, ?9)");
  if (!st) return ATTACH_ERROR;
  sqlite3_bind_text(st, 1, out->token, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, u->got);
  sqlite3_bind_text(st, 4, ft->media_type, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, u->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, u->user_id);
  sqlite3_bind_int64(st, 7, u->conversation_id);
  if (u->consortium_id > 0) sqlite3_bind_int64(st, 8, u->consortium_id);
  sqlite3_bind_int64(st, 9, db_now(db));
  return db_exec_stmt(db, st) == SQLITE_DONE ? ATTACH_OK : ATTACH_ERROR;
}

/* Whether any row names sha256: 1, 0, or -1 on error. */
static int blob_named(moa_db *db, const char *sha256) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM attachments WHERE sha256 = ?1 LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
  int step = db_step(db, st);
  sqlite3_reset(st);
  return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

int attachment_upload_finish(attachment_upload *u, attachment_info *out) {
  memset(out, 0, sizeof *out);
  attachment_store *s = u->s;
  s->err[0] = '\0';
  file_type ft;
  int rc = u->status;
  if (rc == ATTACH_OK && u->got == 0) rc = ATTACH_EMPTY;
  if (rc == ATTACH_OK && u->declared >= 0 && u->got != u->declared) rc = ATTACH_IO; /* cut short */
  if (rc == ATTACH_OK) {
    int sniff = file_sniff(u->name, u->head, u->head_len, &ft);
    if (sniff == FILE_SNIFF_MISMATCH) snprintf(out->claimed, sizeof out->claimed, "%s", ft.label);
    rc = sniff == FILE_SNIFF_OK         ? ATTACH_OK
         : sniff == FILE_SNIFF_MISMATCH ? ATTACH_MISMATCH
                                        : ATTACH_NOT_ALLOWED;
  }
  if (rc == ATTACH_OK) rc = quota_check(s, u->consortium_id, u->user_id, u->got);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  char sha[65];
  if (rc == ATTACH_OK && (EVP_DigestFinal_ex(u->md, md, &mdlen) != 1 || mdlen != 32)) rc = ATTACH_IO;
  if (rc == ATTACH_OK) {
    for (int i = 0; i < 32; i++) snprintf(sha + 2 * i, 3, "%02x", md[i]);
    if (close(u->fd) != 0) rc = ATTACH_IO;
    u->fd = -1;
  }
  bool created = false;
  if (rc == ATTACH_OK) rc = place_blob(u, sha, &created);
  if (rc == ATTACH_OK) {
    rc = insert_row(u, sha, &ft, out);
    if (rc != ATTACH_OK && created && blob_named(s->db, sha) == 0) {
      char path[PATH_MAX];
      if (blob_path(s, sha, path, sizeof path)) unlink(path);
    }
  }
  if (rc == ATTACH_OK) {
    memcpy(out->sha256, sha, sizeof sha);
    snprintf(out->name, sizeof out->name, "%s", u->name);
    snprintf(out->media_type, sizeof out->media_type, "%s", ft.media_type);
    out->size = u->got;
    out->image = ft.image;
    out->conversation_id = u->conversation_id;
    out->uploader_id = u->user_id;
  } else {
    out->token[0] = '\0';
  }
  attachment_upload_abort(u); /* unlinks the temporary file if it is still there */
  return rc;
}

/* ---- reading ---- */

int attachment_store_get(attachment_store *s, int64_t user_id, const char *token, attachment_info *info,
                         char *path, size_t pathlen) {
  memset(info, 0, sizeof *info);
  s->err[0] = '\0';
  if (!attachment_token_valid(token) || user_id <= 0) return ATTACH_NOT_FOUND;
  sqlite3_stmt *st =
      db_stmt(s->db,
              "SELECT sha256, size, media_type, name, conversation_id, coalesce(message_id, 0), "
              "coalesce(uploader_id, 0) FROM attachments WHERE token = ?1");
  if (!st) return ATTACH_ERROR;
  sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
  int step = db_step(s->db, st);
  if (step == SQLITE_ROW) {
    snprintf(info->token, sizeof info->token, "%s", token);
    snprintf(info->sha256, sizeof info->sha256, "%s", (const char *)sqlite3_column_text(st, 0));
    info->size = sqlite3_column_int64(st, 1);
    snprintf(info->media_type, sizeof info->media_type, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(info->name, sizeof info->name, "%s", (const char *)sqlite3_column_text(st, 3));
    info->conversation_id = sqlite3_column_int64(st, 4);
    info->message_id = sqlite3_column_int64(st, 5);
    info->uploader_id = sqlite3_column_int64(st, 6);
    info->image = !strncmp(info->media_type, "image/", 6);
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW) return step == SQLITE_DONE ? ATTACH_NOT_FOUND : ATTACH_ERROR;
  bool may = chat_store_can_read(s->db, user_id, info->conversation_id) &&
             (info->message_id > 0 || info->uploader_id == user_id);
  if (!may) {
    memset(info, 0, sizeof *info);
    return ATTACH_NOT_FOUND;
  }
  struct stat sb;
  if (!blob_path(s, info->sha256, path, pathlen) || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
      sb.st_size != info->size) {
    attachment__fail(s, "the file of %s (%s) is missing or damaged", token, info->sha256);
    return ATTACH_IO;
  }
  return ATTACH_OK;
}

/* ---- sending and collecting ---- */

int attachment_store_link(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t message_id,
                          const char *const *tokens, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!attachment_token_valid(tokens[i])) return ATTACH_NOT_FOUND;
    sqlite3_stmt *st = db_stmt(db,
                               "UPDATE attachments SET message_id = ?1, position = ?2 WHERE token = ?3 AND "
                               "message_id IS NULL AND uploader_id = ?4 AND conversation_id = ?5");
    if (!st) return ATTACH_ERROR;
    sqlite3_bind_int64(st, 1, message_id);
    sqlite3_bind_int64(st, 2, (int64_t)i);
    sqlite3_bind_text(st, 3, tokens[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, user_id);
    sqlite3_bind_int64(st, 5, conversation_id);
    if (db_exec_stmt(db, st) != SQLITE_DONE) return ATTACH_ERROR;
    if (sqlite3_changes(db_handle(db)) != 1) return ATTACH_NOT_FOUND;
  }
  return ATTACH_OK;
}

int attachment_store_collect(attachment_store *s) {
  moa_db *db = s->db;
  s->err[0] = '\0';
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM attachments WHERE message_id IS NULL AND created_at < ?1");
  if (!st) return ATTACH_ERROR;
  sqlite3_bind_int64(st, 1, db_now(db) - ATTACH_PENDING_TTL);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return ATTACH_ERROR;
  int removed = 0;
  for (;;) { /* a batch at a time: the statement is reset before rows are deleted */
    char batch[64][65];
    int n = 0, step;
    st = db_stmt(db, "SELECT sha256 FROM attachment_trash LIMIT 64");
    if (!st) return ATTACH_ERROR;
    while (n < 64 && (step = db_step(db, st)) == SQLITE_ROW)
      snprintf(batch[n++], 65, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (n == 0) break;
    for (int i = 0; i < n; i++) {
      int named = blob_named(db, batch[i]);
      if (named < 0) return ATTACH_ERROR;
      char path[PATH_MAX];
      if (!named && blob_path(s, batch[i], path, sizeof path)) {
        if (unlink(path) == 0) {
          removed++;
          *strrchr(path, '/') = '\0';
          rmdir(path); /* its <2 hex> directory, when that was its last blob */
        } else if (errno != ENOENT) {
          attachment__fail(s, "cannot remove %s: %s", path, strerror(errno));
          return removed;
        }
      }
      st = db_stmt(db, "DELETE FROM attachment_trash WHERE sha256 = ?1");
      if (!st) return ATTACH_ERROR;
      sqlite3_bind_text(st, 1, batch[i], -1, SQLITE_TRANSIENT);
      if (db_exec_stmt(db, st) != SQLITE_DONE) return ATTACH_ERROR;
    }
    if (n < 64) break;
  }
  return removed;
}
