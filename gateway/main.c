/* moa: the server, and the operators' commands on the same database file.
 *
 *   moa [options]                       start the server (see --help)
 *   moa db init [--demo]                create/migrate the database, load reference (and demo) data
 *   moa user add|list|disable|enable|passwd ...
 *   moa org import FILE.tsv
 *   moa programme import --source NAME [--format F] [--partial] [--now ISO] FILE
 *   moa programme fetch --source NAME [--format F] --url URL [--key-file FILE] [--partial] [--now ISO]
 *   moa consortium list
 *   moa rec finalize SPOOL_DIR [--out DIR] [--no-composite] [--ffmpeg PATH]   spools into WebM (exit 0/1/2)
 *   moa turn-config                     print coturn's turnserver.conf for this configuration
 *   moa turn-credential [--user U] [--ttl S]   print a TURN credential (to check coturn)
 *
 * Exit status: 0 on success, 1 on a runtime failure, 2 on a usage error. */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "gateway/config.h"
#include "gateway/http_files.h"
#include "gateway/http_ws.h"
#include "gateway/hub_options.h"
#include "gateway/media.h"
#include "gateway/programme_collector.h"
#include "gateway/programme_fetch.h"
#include "gateway/programme_sources.h"
#include "gateway/rec_cli.h"
#include "gateway/rec_finalize.h"
#include "gateway/smtp_send.h"
#include "gateway/turn_config.h"
#include "signaling/hub.h"
#include "signaling/meeting_record.h"
#include "signaling/turn_credential.h"
#include "storage/attachment_store.h"
#include "storage/consortium_store.h"
#include "storage/db.h"
#include "storage/demo_data.h"
#include "storage/embedded.h"
#include "storage/feed.h"
#include "storage/org_store.h"
#include "storage/password.h"
#include "storage/programme_store.h"
#include "storage/programme_summary.h"
#include "storage/reference_store.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

static server *the_server;

static void on_signal(int sig) {
  (void)sig;
  if (the_server) server_request_stop(the_server);
}

static int usage(const char *msg) {
  fprintf(stderr, "moa: %s\nTry 'moa --help'.\n", msg);
  return 2;
}

/* Storage reports through this (storage/db.h): into the log, at the same level. */
static void main__db_report(void *arg, db_report_level level, const char *msg) {
  (void)arg;
  static const log_level levels[] = {[DB_REPORT_DEBUG] = LOG_LEVEL_DEBUG,
                                     [DB_REPORT_INFO] = LOG_LEVEL_INFO,
                                     [DB_REPORT_WARN] = LOG_LEVEL_WARN,
                                     [DB_REPORT_ERROR] = LOG_LEVEL_ERROR};
  log_write(levels[level], "%s", msg);
}

/* The hub's mail sender (signaling/signup_mail.h): gateway/smtp_send.h with the smtp-* options
 * of ctx, the server's moa_config (it outlives the hub). */
static int main__send_mail(void *ctx, const char *rcpt, const char *message, size_t len, char *err,
                           size_t errlen) {
  return smtp_send(ctx, rcpt, message, len, err, errlen);
}

/* Creates the directory of path when missing (one level, like var/). */
static void ensure_parent_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return;
  char dir[512];
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  if (mkdir(dir, 0750) != 0 && errno != EEXIST) log_warn("cannot create %s: %s", dir, strerror(errno));
}

static moa_db *open_db(const moa_config *cfg, bool checkpointer) {
  char err[512];
  ensure_parent_dir(cfg->db_path);
  moa_db *db = db_open(cfg->db_path, checkpointer, err, sizeof err);
  if (!db) {
    fprintf(stderr, "moa: %s\n", err);
    return NULL;
  }
  if (reference_load(db, embedded_data("consortia.tsv"), err, sizeof err) < 0) {
    fprintf(stderr, "moa: loading reference data: %s\n", err);
    db_close(db);
    return NULL;
  }
  return db;
}

/* Reads a password from MOA_PASSWORD or one line of standard input. */
static int read_password(char *out, size_t outlen) {
  const char *env = getenv("MOA_PASSWORD");
  if (env) {
    snprintf(out, outlen, "%s", env);
  } else {
    if (isatty(STDIN_FILENO)) fprintf(stderr, "Password: ");
    if (!fgets(out, (int)outlen, stdin)) return -1;
    out[strcspn(out, "\r\n")] = '\0';
  }
  const char *why = password_policy_error(out);
  if (why) {
    fprintf(stderr, "moa: %s\n", why);
    return -1;
  }
  return 0;
}

/* Splits argv into leading words (subcommand and its operands) and --options. */
typedef struct cmdline {
  char *words[8];
  int nwords;
  char *opts[64];
  int nopts;
} cmdline;

static int split_args(int argc, char **argv, cmdline *cl) {
  memset(cl, 0, sizeof *cl);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--", 2) == 0 || strcmp(argv[i], "-h") == 0) {
      if (cl->nopts >= 62) return -1;
      cl->opts[cl->nopts++] = argv[i];
      /* a flag's value follows it unless it is --flag=value or a bare switch */
      if (!strchr(argv[i], '=') && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 &&
          strcmp(argv[i], "--help") && strcmp(argv[i], "-h") && strcmp(argv[i], "--version") &&
          strcmp(argv[i], "--demo") && strcmp(argv[i], "--admin") && strcmp(argv[i], "--partial"))
        cl->opts[cl->nopts++] = argv[++i];
    } else {
      if (cl->nwords >= 8) return -1;
      cl->words[cl->nwords++] = argv[i];
    }
  }
  return 0;
}

/* Takes the command's own option (e.g. --email) out of the list, returning its value. */
static const char *take_opt(cmdline *cl, const char *name, bool is_switch, bool *present) {
  for (int i = 0; i < cl->nopts; i++) {
    const char *a = cl->opts[i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '=')) continue;
    const char *value = a[n] == '=' ? a + n + 1 : NULL;
    int used = 1;
    if (!value && !is_switch && i + 1 < cl->nopts) {
      value = cl->opts[i + 1];
      used = 2;
    }
    memmove(&cl->opts[i], &cl->opts[i + used], (size_t)(cl->nopts - i - used) * sizeof cl->opts[0]);
    cl->nopts -= used;
    if (present) *present = true;
    return value ? value : "";
  }
  if (present) *present = false;
  return NULL;
}

static int cmd_db_init(moa_config *cfg, bool demo) {
  moa_db *db = open_db(cfg, false);
  if (!db) return 1;
  int rc = 0;
  if (demo) {
    char err[512], done[8];
    bool already = db_meta_get(db, "demo_loaded", done, sizeof done);
    if (demo_data_load(db, err, sizeof err) < 0) {
      fprintf(stderr, "moa: loading demo data: %s\n", err);
      rc = 1;
    } else if (!already) {
      printf("Demo data loaded into %s.\n", cfg->db_path);
      demo_data_print_logins(stdout);
    }
  }
  printf("Database %s is at schema version %d.\n", cfg->db_path, db_schema_version(db));
  db_close(db);
  return rc;
}

/* One line of `moa user list`. */
static void print_user(void *arg, const user_summary *u) {
  (void)arg;
  printf("%-6lld %-32s %-16s %-6s %-8s %s\n", (long long)u->id, u->email ? u->email : "",
         u->name ? u->name : "", u->is_admin ? "yes" : "no", u->disabled ? "yes" : "no",
         u->roles ? u->roles : "-");
}

static int cmd_user(moa_config *cfg, cmdline *cl) {
  const char *verb = cl->nwords > 1 ? cl->words[1] : "";
  bool admin = false;
  const char *email = take_opt(cl, "--email", false, NULL);
  const char *name = take_opt(cl, "--name", false, NULL);
  const char *org = take_opt(cl, "--org", false, NULL);
  const char *consortium = take_opt(cl, "--consortium", false, NULL);
  const char *role = take_opt(cl, "--role", false, NULL);
  take_opt(cl, "--admin", true, &admin);
  char err[512];
  if (config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err) != 0) return usage(err);
  if (strcmp(verb, "list") == 0) {
    moa_db *db = open_db(cfg, false);
    if (!db) return 1;
    printf("%-6s %-32s %-16s %-6s %-8s %s\n", "id", "email", "name", "admin", "disabled", "roles");
    int rc = user_store_list(db, print_user, NULL) == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "moa: cannot read the users\n");
    db_close(db);
    return rc;
  }
  if (strcmp(verb, "add") == 0) {
    if (!email || !name) return usage("user add needs --email and --name");
    consortium_role r = ROLE_NONE;
    if (consortium || role) {
      if (!consortium || !role) return usage("--consortium and --role go together");
      if (!strcmp(role, "member"))
        r = ROLE_MEMBER;
      else if (!strcmp(role, "coordinator"))
        r = ROLE_COORDINATOR;
      else
        return usage("--role must be member or coordinator");
    }
    char pw[PASSWORD_MAX_LEN + 2], hash[PASSWORD_HASH_MAX];
    if (read_password(pw, sizeof pw) != 0) return 1;
    if (password_hash(pw, hash, sizeof hash) != 0) return 1;
    moa_db *db = open_db(cfg, false);
    if (!db) return 1;
    db_begin(db);
    int64_t uid = user_store_add(db, email, name, hash, org ? atoll(org) : 0, admin, err, sizeof err);
    if (uid > 0 && r != ROLE_NONE && user_store_set_role(db, uid, atoll(consortium), r) != 0) {
      snprintf(err, sizeof err, "no consortium %s", consortium);
      uid = -1;
    }
    if (uid < 0) {
      db_rollback(db);
      db_close(db);
      fprintf(stderr, "moa: %s\n", err);
      return 1;
    }
    db_commit(db);
    printf("Added user %lld <%s>.\n", (long long)uid, email);
    db_close(db);
    return 0;
  }
  if (!strcmp(verb, "disable") || !strcmp(verb, "enable") || !strcmp(verb, "passwd")) {
    const char *who = cl->nwords > 2 ? cl->words[2] : email;
    if (!who) return usage("which user? give the email address");
    char pw[PASSWORD_MAX_LEN + 2], hash[PASSWORD_HASH_MAX];
    if (!strcmp(verb, "passwd") &&
        (read_password(pw, sizeof pw) != 0 || password_hash(pw, hash, sizeof hash) != 0))
      return 1;
    moa_db *db = open_db(cfg, false);
    if (!db) return 1;
    user_rec u;
    int rc = 1;
    if (user_store_find_by_email(db, who, &u) != 1) {
      fprintf(stderr, "moa: no user with email %s\n", who);
    } else if (!strcmp(verb, "passwd")) {
      rc = user_store_set_password(db, u.id, hash) == 0 ? 0 : 1;
      if (!rc) printf("Password of %s changed; their sessions are ended.\n", u.email);
    } else {
      bool dis = !strcmp(verb, "disable");
      rc = user_store_set_disabled(db, u.id, dis) == 0 ? 0 : 1;
      if (!rc) printf("User %s %s.\n", u.email, dis ? "disabled; their sessions are ended" : "enabled");
    }
    db_close(db);
    return rc;
  }
  return usage("user needs add, list, disable, enable or passwd");
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len - 1 == 0) {
      char *nb = cap > (64u << 20) ? NULL : realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

static int cmd_org(moa_config *cfg, cmdline *cl) {
  char err[512];
  if (config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err) != 0) return usage(err);
  if (cl->nwords != 3 || strcmp(cl->words[1], "import") != 0) return usage("usage: moa org import FILE.tsv");
  char *text = read_file(cl->words[2]);
  if (!text) {
    fprintf(stderr, "moa: cannot read %s: %s\n", cl->words[2], strerror(errno));
    return 1;
  }
  moa_db *db = open_db(cfg, false);
  if (!db) {
    free(text);
    return 1;
  }
  int n = 0;
  int rc = org_import_tsv(db, text, &n, err, sizeof err);
  free(text);
  db_close(db);
  if (rc != 0) {
    fprintf(stderr, "moa: %s: %s (nothing imported)\n", cl->words[2], err);
    return 1;
  }
  printf("Imported %d organizations.\n", n);
  return 0;
}

/* Reads a whole file (binary-safe, up to FEED_MAX_BYTES + 1). NULL on error, errno set. */
static char *read_feed_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = (size_t)FEED_MAX_BYTES + 2;
  char *buf = malloc(cap);
  *len = buf ? fread(buf, 1, cap - 1, f) : 0;
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    errno = buf ? EIO : ENOMEM;
    return NULL;
  }
  return buf;
}

static void print_reject(void *ctx, int64_t index, const char *item_id, const char *reason) {
  fprintf(ctx, "  rejected item %lld%s%s%s: %s\n", (long long)index + 1, *item_id ? " (" : "", item_id,
          *item_id ? ")" : "", reason);
}

/* The feed URL with "{key}" replaced by the first line of key_file (kept off the command line
 * and out of the process list). Returns malloc'd text or NULL with err set. */
static void print_report(const char *what, const char *source, const programme_import_report *r, moa_db *db) {
  char line[512];
  programme_import_summary(what, source, r, line, sizeof line);
  printf("%s\n", line);
  if (!r->duplicate_file) programme_import_rejects(db, r->import_id, print_reject, stderr);
}

static int cmd_programme(moa_config *cfg, cmdline *cl) {
  static const char use[] =
      "usage: moa programme import --source NAME [--format F] [--partial] [--now ISO] FILE\n"
      "       moa programme fetch --source NAME [--format F] --url URL [--key-file FILE] [--partial] [--now "
      "ISO]";
  bool partial = false;
  const char *source = take_opt(cl, "--source", false, NULL);
  const char *format = take_opt(cl, "--format", false, NULL);
  const char *now_iso = take_opt(cl, "--now", false, NULL);
  const char *url = take_opt(cl, "--url", false, NULL);
  const char *key_file = take_opt(cl, "--key-file", false, NULL);
  take_opt(cl, "--partial", true, &partial);
  char err[512];
  if (config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err) != 0) return usage(err);
  bool import = cl->nwords == 3 && strcmp(cl->words[1], "import") == 0;
  bool fetch = cl->nwords == 2 && strcmp(cl->words[1], "fetch") == 0 && url;
  if ((!import && !fetch) || !source || !*source) return usage(use);
  feed_source fmt;
  if (!feed_source_from_name(format ? format : source, &fmt))
    return usage("--format must be bizinfo_json, bizinfo_rss, kstartup, smes24 or csv");
  int64_t now = (int64_t)time(NULL);
  if (now_iso && !seoul_parse_iso(now_iso, &now))
    return usage("--now takes an ISO time such as 2026-11-20T09:00");
  size_t len = 0;
  char *data = NULL;
  if (import && !(data = read_feed_file(cl->words[2], &len))) {
    fprintf(stderr, "moa: cannot read %s: %s\n", cl->words[2], strerror(errno));
    return 1;
  }
  char *full_url = fetch ? programme_feed_url(url, key_file, err, sizeof err) : NULL;
  if (fetch && !full_url) {
    fprintf(stderr, "moa: %s\n", err);
    return 1;
  }
  moa_db *db = open_db(cfg, false);
  if (!db) {
    free(data);
    free(full_url);
    return 1;
  }
  programme_import_report r;
  const char *what = import ? cl->words[2] : url;
  int rc;
  if (import) {
    const char *slash = strrchr(cl->words[2], '/');
    rc = programme_import(db, source, fmt, data, len, slash ? slash + 1 : cl->words[2], !partial, now, 0, &r,
                          err, sizeof err);
  } else {
    rc = programme_fetch(db, source, fmt, full_url, !partial, now, &r, err, sizeof err);
  }
  free(data);
  free(full_url);
  if (rc != 0) {
    fprintf(stderr, "moa: %s: %s: %s (nothing changed)\n", source, import ? what : "fetch", err);
    db_close(db);
    return 1;
  }
  print_report(what, source, &r, db);
  db_close(db);
  return 0;
}

/* One line of `moa consortium list`. */
static void print_consortium(void *arg, const consortium_info *c) {
  (void)arg;
  char lead[96];
  snprintf(lead, sizeof lead, "%s %s", c->lead_region ? c->lead_region : "",
           c->lead_complex ? c->lead_complex : "");
  printf("%-3lld %-28s %-22s %-6lld %s\n", (long long)c->id, c->sector_en ? c->sector_en : "", lead,
         (long long)c->organization_count, c->name_ko ? c->name_ko : "");
}

static int cmd_consortium(moa_config *cfg, cmdline *cl) {
  char err[512];
  if (config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err) != 0) return usage(err);
  if (cl->nwords != 2 || strcmp(cl->words[1], "list") != 0) return usage("usage: moa consortium list");
  moa_db *db = open_db(cfg, false);
  if (!db) return 1;
  printf("%-3s %-28s %-22s %-6s %s\n", "id", "sector", "lead", "orgs", "name");
  int rc = consortium_store_list(db, print_consortium, NULL) == STORE_OK ? 0 : 1;
  if (rc) fprintf(stderr, "moa: cannot read the consortia\n");
  db_close(db);
  return rc;
}

/* moa turn-config: coturn's configuration on stdout (gateway/turn_config.h). */
static int cmd_turn_config(moa_config *cfg, cmdline *cl) {
  char err[512];
  int rc = config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err);
  if (rc == 1) return 0;
  if (rc != 0) return usage(err);
  if (cl->nwords != 1) return usage("usage: moa turn-config [options]");
  if (config_load_turn_secret(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "moa: %s\n", err);
    return 1;
  }
  if (turn_config_write(stdout, cfg, err, sizeof err) != 0 || fflush(stdout) != 0) {
    fprintf(stderr, "moa: %s\n", err);
    return 1;
  }
  return 0;
}

/* moa turn-credential: one credential as the server would mint it, as JSON, for checking a
 * coturn by hand (turnutils_uclient -u USERNAME -w CREDENTIAL). --ttl from 1 second, so an
 * expired one is easy to make. */
static int cmd_turn_credential(moa_config *cfg, cmdline *cl) {
  const char *user = take_opt(cl, "--user", false, NULL);
  const char *ttl_s = take_opt(cl, "--ttl", false, NULL);
  char err[512];
  int rc = config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err);
  if (rc == 1) return 0;
  if (rc != 0) return usage(err);
  if (cl->nwords != 1) return usage("usage: moa turn-credential [--user ID] [--ttl SECONDS]");
  char *end = NULL;
  long ttl = ttl_s ? strtol(ttl_s, &end, 10) : cfg->turn_ttl;
  if (ttl_s && (*end || end == ttl_s || ttl < 1 || ttl > 604800))
    return usage("--ttl must be 1 to 604800 seconds");
  if (config_load_turn_secret(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "moa: %s\n", err);
    return 1;
  }
  if (!cfg->turn_secret[0]) return usage("give --turn-secret-file");
  char username[TURN_USERNAME_MAX], password[TURN_PASSWORD_MAX];
  int64_t expiry = (int64_t)time(NULL) + ttl;
  if (turn_credential_make(cfg->turn_secret, strlen(cfg->turn_secret), expiry, user ? user : "0", username,
                           sizeof username, password, sizeof password) != 0)
    return usage("--user must be 1 to 64 printable characters without ':' or spaces");
  printf("{\"username\": \"%s\", \"credential\": \"%s\", \"expires_at\": %lld}\n", username, password,
         (long long)expiry);
  return 0;
}

/* Every connection is a file descriptor: raise the soft limit to the hard one (at most 2^20, as
 * lws sizes a table by it) before lws reads it, so the server is not capped at a login shell's
 * 1,024. The gateway keeps --fd-reserve of them free (http_ws.c). */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (1u << 20) ? (1u << 20) : rl.rlim_max;
  if (rl.rlim_cur >= want) return;
  rlim_t was = rl.rlim_cur;
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
    log_info("file descriptor limit raised from %llu to %llu", (unsigned long long)was,
             (unsigned long long)want);
}

/* --programme-sources: read and check the file before anything starts, so a mistake in it
 * stops the server with the line at fault rather than leave a source silently uncollected.
 * Returns the number of sources (0 without the option) or -1 (reported). */
static int load_programme_sources(const moa_config *cfg, programme_source_spec *out, size_t cap) {
  if (!cfg->programme_sources[0]) return 0;
  size_t len = 0;
  char *text = read_feed_file(cfg->programme_sources, &len);
  if (!text) {
    fprintf(stderr, "moa: cannot read %s: %s\n", cfg->programme_sources, strerror(errno));
    return -1;
  }
  char err[256];
  int n = programme_sources_parse(text, len, out, cap, err, sizeof err);
  free(text);
  if (n < 0)
    fprintf(stderr, "moa: %s: %s\n", cfg->programme_sources, err);
  else if (n == 0)
    fprintf(stderr, "moa: %s: no source in it\n", cfg->programme_sources);
  return n > 0 ? n : -1;
}

static int cmd_serve(moa_config *cfg, cmdline *cl) {
  char err[512];
  int rc = config_parse_args(cfg, cl->nopts, cl->opts, err, sizeof err);
  if (rc == 1) return 0;
  if (rc != 0) return usage(err);
  log_set_level(cfg->level);
  if (config_load_turn_secret(cfg, err, sizeof err) != 0 ||
      config_load_smtp_password(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "moa: %s\n", err);
    return 1;
  }
  static programme_source_spec sources[PS_MAX_SOURCES];
  int nsources = load_programme_sources(cfg, sources, PS_MAX_SOURCES);
  if (nsources < 0) return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: the sign-up mail is sent from one */
  moa_db *db = open_db(cfg, true);
  if (!db) return 1;
  if (cfg->demo && demo_data_load(db, err, sizeof err) < 0) {
    fprintf(stderr, "moa: loading demo data: %s\n", err);
    db_close(db);
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  /* The parts, each over the one before: the server's loop (bound, not yet serving), the hub
   * (woken by the loop), the media workers (reporting to the hub), the attachment store; then
   * the server serves the hub. One cleanup path below frees what was made, in reverse. */
  int status = 1;
  hub *h = NULL;
  media_system *media = NULL;
  attachment_store *files = NULL;
  programme_collector *collector = NULL;
  server *srv = server_start(cfg);
  if (!srv) goto done;
  hub_options hopt; /* what signaling uses of cfg, and the services it calls */
  hub_options_from_config(cfg, &hopt);
  if (cfg->smtp_url[0]) { /* without an SMTP server, company sign-up is off */
    hopt.signup.send = main__send_mail;
    hopt.signup.send_ctx = cfg;
  }
  hopt.rec_finalize = rec_finalize;
  h = hub_new(db, &hopt, server_wake, srv);
  if (!h) {
    log_error("cannot start the signaling hub");
    goto done;
  }
  media = media_start(cfg, server_wake, srv);
  if (!media) {
    log_error("cannot start the media workers on %s (port %d)", cfg->media_ip, cfg->media_port);
    goto done;
  }
  rooms_media media_if = media_interface(media);
  hub_set_media(h, &media_if);
  if (http_files_open(cfg, db, &files) != 0) goto done;
  hub_set_attachments(h, files);
  int recovered = meeting_record_recover(h, rec_finalize); /* what a crash or a stop left unfinished */
  if (recovered > 0) log_info("finalizing %d recordings left unfinished by the last run", recovered);
  server_serve(srv, h);
  the_server = srv;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  bool v6 = strchr(cfg->listen_host, ':') != NULL;
  printf("moa %s listening on %s://%s%s%s:%d\n", MOA_VERSION, cfg->tls_cert[0] ? "https" : "http",
         v6 ? "[" : "", cfg->listen_host, v6 ? "]" : "", server_port(srv));
  fflush(stdout);
  if (nsources > 0) {
    int first = cfg->programme_interval < 10 ? cfg->programme_interval : 10;
    collector =
        programme_collector_start(cfg->db_path, sources, (size_t)nsources, first, cfg->programme_interval);
    if (!collector)
      log_warn("programme collector: could not start its thread; nothing is collected");
    else
      log_info("programme collector: %d sources, fetched %d s after the start and every %d s", nsources,
               first, cfg->programme_interval);
  }
  server_run(srv);
  status = 0;
done:
  programme_collector_stop(collector);
  the_server = NULL;
  server_free(srv); /* closes the connections left: their sessions close in the hub */
  media_stop(media);
  hub_free(h);
  attachment_store_close(files);
  db_close(db); /* checkpoints and truncates the WAL */
  if (status == 0) log_info("stopped cleanly");
  return status;
}

int main(int argc, char **argv) {
  moa_config cfg;
  config_defaults(&cfg);
  db_set_report(main__db_report, NULL); /* before any thread or database */
  /* before split_args: its switches (--no-composite) take no value */
  if (argc >= 2 && !strcmp(argv[1], "rec")) return rec_cli_main(argc - 1, argv + 1);
  cmdline cl;
  if (split_args(argc, argv, &cl) != 0) return usage("too many arguments");
  if (cl.nwords == 0) return cmd_serve(&cfg, &cl);
  const char *cmd = cl.words[0];
  if (!strcmp(cmd, "user")) return cmd_user(&cfg, &cl);
  if (!strcmp(cmd, "org")) return cmd_org(&cfg, &cl);
  if (!strcmp(cmd, "programme")) return cmd_programme(&cfg, &cl);
  if (!strcmp(cmd, "consortium")) return cmd_consortium(&cfg, &cl);
  if (!strcmp(cmd, "turn-config")) return cmd_turn_config(&cfg, &cl);
  if (!strcmp(cmd, "turn-credential")) return cmd_turn_credential(&cfg, &cl);
  if (!strcmp(cmd, "db")) {
    bool demo = false;
    take_opt(&cl, "--demo", true, &demo);
    char err[512];
    int rc = config_parse_args(&cfg, cl.nopts, cl.opts, err, sizeof err);
    if (rc == 1) return 0;
    if (rc != 0) return usage(err);
    if (cl.nwords != 2 || strcmp(cl.words[1], "init") != 0) return usage("usage: moa db init [--demo]");
    return cmd_db_init(&cfg, demo);
  }
  char msg[128];
  snprintf(msg, sizeof msg, "unknown command '%s'", cmd);
  return usage(msg);
}
