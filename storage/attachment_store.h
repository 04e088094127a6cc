/* The attachment store: files people attach to chat messages. The bytes are kept on disk under
 * one directory, content-addressed (<dir>/<first two hex digits>/<SHA-256 in hex>), so the same
 * meeting material posted twice is stored once; what each upload is (its 128-bit random token,
 * original name, sniffed media type, size, uploader, conversation and message) is a row of
 * migration 012 in the database.
 *
 * Life of a file: a reader of a conversation uploads it (attachment_upload_*: streamed to a
 * temporary file while it is hashed, its type checked by file_sniff.h when it is complete, the
 * per-file limit and the consortium's quota enforced), and it is pending, visible to its uploader
 * only; chat_store_send() then makes it a message's (attachment_store_link, in the message's
 * transaction), readable by exactly the readers of that conversation. Deleting the message
 * (chat_store_delete, or the conversation with its room) removes the rows in the same
 * transaction; attachment_store_collect() then unlinks each blob no row names any more. Pending
 * uploads nobody sent are dropped after ATTACH_PENDING_TTL.
 *
 * Durability: a blob is renamed into place before its row is committed, and not fsynced (like
 * the database's synchronous=NORMAL: it survives a crash of the process, not necessarily of the
 * machine; the event loop never waits for the disk to flush). A blob whose size on disk differs
 * from its row is not served (attachment_store_get).
 *
 * Threads: one store belongs to the thread of its moa_db (the signaling thread). Functions taking
 * a moa_db only touch the database and may run inside a caller's transaction. */
#ifndef MOA_STORAGE_ATTACHMENT_STORE_H
#define MOA_STORAGE_ATTACHMENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define ATTACH_TOKEN_LEN 32               /* hex digits of an attachment's 128-bit id */
#define ATTACH_NAME_MAX 255               /* bytes of UTF-8 in a file name */
#define ATTACH_PENDING_TTL (24 * 3600)    /* seconds an upload waits to be sent */
#define ATTACH_MAX_UPLOADS 16             /* uploads in progress at once, server-wide */
#define ATTACH_MAX_USER_UPLOADS 4         /* ... and per person */
#define ATTACH_DISK_RESERVE (256ll << 20) /* bytes of free disk an upload must leave */
#define ATTACH_DEFAULT_MAX_FILE (20ll << 20)
#define ATTACH_DEFAULT_QUOTA (1024ll << 20)

typedef enum {
  ATTACH_OK = 0,
  ATTACH_TOO_LARGE = -1,   /* over the per-file limit */
  ATTACH_QUOTA = -2,       /* the consortium's files would exceed its quota */
  ATTACH_NOT_ALLOWED = -3, /* a type not on the allow-list (file_sniff.h) */
  ATTACH_MISMATCH = -4,    /* the content is not what the name says */
  ATTACH_BAD_NAME = -5,    /* empty, over ATTACH_NAME_MAX, control characters, '/', '\\', bad UTF-8 */
  ATTACH_EMPTY = -6,       /* zero bytes */
  ATTACH_FORBIDDEN = -7,   /* not a reader of the conversation (or it does not exist) */
  ATTACH_NOT_FOUND = -8,   /* no such attachment, or not one this person may see or send */
  ATTACH_BUSY = -9,        /* too many uploads in progress */
  ATTACH_NO_SPACE = -10,   /* the disk is (nearly) full */
  ATTACH_IO = -11,         /* a file could not be written or read */
  ATTACH_ERROR = -12,      /* database error; nothing was changed */
} attachment_status;

typedef struct attachment_limits {
  int64_t max_file; /* bytes per file */
  int64_t quota;    /* bytes per consortium: every file of its conversations, pending ones too */
} attachment_limits;

typedef struct attachment_info {
  char token[ATTACH_TOKEN_LEN + 1];
  char sha256[65];
  char name[ATTACH_NAME_MAX + 1];
  char media_type[96];
  char claimed[16]; /* ATTACH_MISMATCH: what the name claimed ("PDF"); else "" */
  int64_t size;
  bool image; /* previewed and served inline */
  int64_t conversation_id;
  int64_t message_id; /* 0 while pending */
  int64_t uploader_id;
} attachment_info;

typedef struct attachment_store attachment_store;
typedef struct attachment_upload attachment_upload;

/* A short stable name for a status ("ok", "too_large", "quota", ...), for logs. */
const char *attachment_status_name(int status);

/* Opens the store over db with its files under dir (created, mode 0700, if missing), removes
 * temporary files a crash left and unlinks the blobs already orphaned. limits with a field <= 0
 * take the default. NULL with err set when dir cannot be made or used. */
attachment_store *attachment_store_open(moa_db *db, const char *dir, attachment_limits limits, char *err,
                                        size_t errlen);
/* Aborts uploads still in progress and frees the store (files stay). Safe on NULL. */
void attachment_store_close(attachment_store *s);
attachment_limits attachment_store_limits(const attachment_store *s);

/* Starts an upload of a file named name (trimmed; kept as the download name) into
 * conversation_id by user_id, whose size the client declared (declared >= 0; -1 when unknown).
 * Checks, before any byte is stored: the name, its extension against the allow-list, that the
 * user reads the conversation, the declared size against the per-file limit and the quota, free
 * disk space and the number of uploads in progress. Returns ATTACH_OK with *out set, or a status
 * with *out NULL and nothing created. */
int attachment_upload_begin(attachment_store *s, int64_t user_id, int64_t conversation_id, const char *name,
                            int64_t declared, attachment_upload **out);
/* Appends len bytes. Returns ATTACH_OK, or ATTACH_TOO_LARGE (past the limit or the declared size)
 * or ATTACH_IO; after a failure every later call returns it too and nothing more is written: the
 * caller discards the rest of the body and aborts. */
int attachment_upload_write(attachment_upload *u, const void *data, size_t len);
/* Completes the upload and frees u: checks the content type, the size against the declared one
 * and the quota again, moves the bytes into place and commits the row. ATTACH_OK fills *out (the
 * pending attachment). On failure nothing is kept (out->claimed names the claimed type for
 * ATTACH_MISMATCH). */
int attachment_upload_finish(attachment_upload *u, attachment_info *out);
/* Drops an upload (its temporary file) and frees it. Safe on NULL. */
void attachment_upload_abort(attachment_upload *u);

/* The attachment token names, if user_id may read it: a sent one in a conversation the user
 * reads, or a pending one the user uploaded. Fills *info and path (the blob, NUL-terminated).
 * Returns ATTACH_OK, ATTACH_NOT_FOUND (also for one the user may not read: its existence is not
 * told), ATTACH_IO (the blob is missing or damaged) or ATTACH_ERROR. */
int attachment_store_get(attachment_store *s, int64_t user_id, const char *token, attachment_info *info,
                         char *path, size_t pathlen);

/* Makes the pending uploads tokens[0..n) message_id's, in that order: each must be user_id's,
 * uploaded into conversation_id and not sent yet (a token listed twice is "sent" the second
 * time). No transaction of its own: run it inside the one that wrote the message. Returns
 * ATTACH_OK, ATTACH_NOT_FOUND (the caller rolls back) or ATTACH_ERROR. */
int attachment_store_link(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t message_id,
                          const char *const *tokens, size_t n);

/* Bytes the files of a quota bucket take: consortium_id's, or (consortium_id 0) user_id's files
 * outside any consortium. -1 on error. */
int64_t attachment_store_used(moa_db *db, int64_t consortium_id, int64_t user_id);

/* Drops pending uploads older than ATTACH_PENDING_TTL and unlinks every blob no row names any
 * more. Returns how many blobs were removed, or ATTACH_ERROR (what was done stays done); when a
 * blob cannot be unlinked it stops there, returns the count so far and attachment_store_error()
 * says which. */
int attachment_store_collect(attachment_store *s);

/* What the last call on s (begin, write, finish, get, collect) could not do on disk, with the
 * path and the system's reason ("writing /x/tmp/upload-1: No space left on device"), for the
 * caller's log; "" when that call had no such failure. The store does not log. Valid until the
 * next call on s or its uploads. */
const char *attachment_store_error(const attachment_store *s);

/* Whether s is a well-formed token (ATTACH_TOKEN_LEN lowercase hex digits). */
bool attachment_token_valid(const char *s);

#endif
