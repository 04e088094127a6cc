/* Configuration (see config.h). Options are described once, in a table, which drives the
 * file parser, the flag parser and --help alike. */
#include "gateway/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum { OPT_STR, OPT_INT, OPT_BOOL, OPT_LISTEN, OPT_LEVEL } opt_kind;

typedef struct opt_def {
  const char *name;
  opt_kind kind;
  size_t offset;
  size_t size; /* for strings */
  int min, max;
  const char *arg;
  const char *help;
} opt_def;

#define S(f) OPT_STR, offsetof(moa_config, f), sizeof(((moa_config *)0)->f), 0, 0
#define I(f, lo, hi) OPT_INT, offsetof(moa_config, f), 0, lo, hi

static const opt_def opts[] = {
    {"listen", OPT_LISTEN, 0, 0, 0, 0, "ADDR:PORT",
     "address and port to serve HTTP and WebSocket on (default 127.0.0.1:8080)"},
    {"db", S(db_path), "FILE", "database file, created and migrated when needed (default var/moa.db)"},
    {"static", S(static_dir), "DIR", "directory of the browser app (default web-static)"},
    {"tls-cert", S(tls_cert), "FILE", "PEM certificate: serve HTTPS and WSS (needs --tls-key)"},
    {"tls-key", S(tls_key), "FILE", "PEM private key for --tls-cert"},
    {"origin", S(origins), "LIST",
     "comma-separated WebSocket Origins allowed, e.g. https://moa.example.org (default: every name the "
     "listen address is reached by here: a loopback address also as localhost; 0.0.0.0 or :: as localhost, "
     "the loopback addresses, the host name and each interface address)"},
    {"log-level", OPT_LEVEL, 0, 0, 0, 0, "LEVEL", "debug, info, warn or error (default info)"},
    {"session-ttl", I(session_ttl, 1, 31536000), "SECONDS",
     "how long a sign-in lasts; live connections end when it does (default 1209600, 14 days)"},
    {"max-message", I(max_message, 1024, 1048576), "BYTES",
     "largest WebSocket message accepted (default 65536)"},
    {"rate", I(rate, 1, 100000), "N", "requests per second allowed per connection (default 20)"},
    {"rate-burst", I(rate_burst, 1, 100000), "N", "requests allowed in a burst (default 60)"},
    {"outq-messages", I(outq_messages, 8, 1000000), "N",
     "queued outbound messages before a slow client is dropped (default 1024)"},
    {"outq-bytes", I(outq_bytes, 4096, 1 << 30), "BYTES",
     "queued outbound bytes before a slow client is dropped (default 4194304)"},
    {"ping-interval", I(ping_interval, 1, 3600), "SECONDS", "idle time before a WebSocket ping (default 30)"},
    {"login-workers", I(login_workers, 1, 64), "N", "threads verifying passwords (default 1)"},
    {"auth-timeout", I(auth_timeout, 1, 86400), "SECONDS",
     "close a WebSocket that has not signed in (auth.login, auth.resume, auth.guest) after this long "
     "(default 10)"},
    {"max-conns-per-ip", I(max_conns_per_ip, 0, 1000000), "N",
     "open WebSocket connections allowed per client address, loopback too; more get HTTP 429 (default 256; 0 "
     "= no cap)"},
    {"fd-reserve", I(fd_reserve, 0, 1000000), "N",
     "file descriptors kept free below the limit: past limit-N the oldest connections not signed in make "
     "room for new ones (default 256)"},
    {"media-ip", S(media_ip), "ADDR", "UDP address the media workers bind (default 127.0.0.1)"},
    {"media-announce-ip", S(media_announce_ip), "ADDR",
     "address given to browsers in ICE candidates, e.g. the public IP behind NAT (default: --media-ip)"},
    {"media-port", I(media_port, 0, 65535), "PORT",
     "UDP port of the first media worker; worker i uses PORT+i (default 40000; 0 = any free port)"},
    {"media-tcp-port", I(media_tcp_port, -1, 65535), "PORT",
     "TCP port for ICE over TCP (RFC 6544), for browsers whose network blocks UDP; worker i uses PORT+i "
     "(default: the --media-port number; 0 = any free port; -1 = no ICE-TCP)"},
    {"media-workers", I(media_workers, 0, 64), "N", "media worker threads (default 0 = one per core)"},
    {"reminder-lead", I(reminder_lead, 1, 86400), "SECONDS",
     "how long before a meeting starts its invitees get a reminder in the app (default 600, 10 minutes)"},
    {"attach-dir", S(attach_dir), "DIR",
     "where chat attachments are kept, content-addressed (default: files/ beside the --db file; back it up "
     "with the database)"},
    {"attach-max-mb", I(attach_max_mb, 1, 2047), "MIB", "largest chat attachment, per file (default 20)"},
    {"attach-quota-mb", I(attach_quota_mb, 1, 16777216), "MIB",
     "total size of the chat attachments one consortium may keep: its channel's, its rooms' and its members' "
     "conversations' (default 1024; docs/OPERATIONS.md)"},
    {"recording-dir", S(recording_dir), "DIR",
     "where recordings are kept: <DIR>/<id>/spool while recording, <DIR>/<id>/files once finalized (default: "
     "recordings/ beside the --db file; none for an in-memory database: recording is then off)"},
    {"recording-retention-days", I(recording_retention_days, 0, 36500), "DAYS",
     "finished recordings older than this are removed with their files, at start and daily (default 0: kept "
     "until a host deletes them)"},
    {"turn-url", S(turn_urls), "LIST",
     "comma-separated TURN URLs handed to browsers with fresh credentials, e.g. "
     "turns:turn.example.org:443?transport=tcp (default none: no TURN)"},
    {"turn-secret-file", S(turn_secret_file), "FILE",
     "file holding the secret shared with coturn (static-auth-secret; 16-255 printable characters; a file, "
     "so it is not on the command line)"},
    {"turn-ttl", I(turn_ttl, 60, 604800), "SECONDS",
     "how long TURN credentials last in rooms without a schedule; a meeting's last until its end plus an "
     "hour (default 43200)"},
    {"turn-realm", S(turn_realm), "NAME", "coturn's realm (default moa)"},
    {"turn-listen", S(turn_listen), "ADDR:PORT",
     "for 'moa turn-config': coturn's TLS listener (default 0.0.0.0:443)"},
    {"turn-relay-ip", S(turn_relay_ip), "ADDR",
     "for 'moa turn-config': address coturn relays from (default: its listening address)"},
    {"turn-external-ip", S(turn_external_ip), "ADDR",
     "for 'moa turn-config': public address of the relay when coturn is behind NAT (default none)"},
    {"turn-cert", S(turn_cert), "FILE",
     "for 'moa turn-config': coturn's PEM certificate (default --tls-cert)"},
    {"turn-key", S(turn_key), "FILE", "for 'moa turn-config': coturn's PEM private key (default --tls-key)"},
    {"smtp-url", S(smtp_url), "URL",
     "SMTP server that sends the companies' sign-up confirmation mail: smtp://HOST:PORT (STARTTLS when "
     "offered, required with --smtp-user) or smtps://HOST:PORT (default none: self sign-up is off; "
     "docs/OPERATIONS.md)"},
    {"smtp-from", S(smtp_from), "ADDRESS",
     "sender address of that mail, e.g. noreply@moa.example.org (needed with --smtp-url)"},
    {"smtp-user", S(smtp_user), "NAME",
     "SMTP user name, when the server wants one (needs --smtp-password-file)"},
    {"smtp-password-file", S(smtp_password_file), "FILE",
     "file holding the SMTP password (a file, so it is not on the command line)"},
    {"public-url", S(public_url), "URL",
     "the address people open the app at, e.g. https://moa.example.org: the confirmation links in mail point "
     "there (needed with --smtp-url)"},
    {"programme-sources", S(programme_sources), "FILE",
     "support-programme feeds the server fetches itself, one per line: NAME FORMAT URL [KEY-FILE] [partial] "
     "(docs/PROGRAMMES.md; default none: collect with `moa programme fetch` from cron instead)"},
    {"programme-fetch-interval", I(programme_interval, 1, 604800), "SECONDS",
     "time between two rounds of fetches of --programme-sources; the first round is 10 s after the start, or "
     "one interval when shorter (default 86400, a day)"},
    {"demo", OPT_BOOL, offsetof(moa_config, demo), 0, 0, 1, "BOOL",
     "load demo data into an empty database (default false)"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

void config_defaults(moa_config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
  c->listen_port = 8080;
  snprintf(c->db_path, sizeof c->db_path, "var/moa.db");
  snprintf(c->static_dir, sizeof c->static_dir, "web-static");
  c->level = LOG_LEVEL_INFO;
  c->session_ttl = 14 * 24 * 3600;
  c->max_message = 65536;
  c->rate = 20;
  c->rate_burst = 60;
  c->outq_messages = 1024;
  c->outq_bytes = 4 << 20;
  c->ping_interval = 30;
  c->login_workers = 1;
  c->auth_timeout = 10;
  c->max_conns_per_ip = 256;
  c->fd_reserve = 256;
  snprintf(c->media_ip, sizeof c->media_ip, "127.0.0.1");
  c->media_port = 40000;
  c->media_tcp_port = MEDIA_TCP_PORT_SAME;
  c->reminder_lead = 600;
  c->programme_interval = 86400;
  c->attach_max_mb = 20;
  c->attach_quota_mb = 1024;
  c->turn_ttl = 12 * 3600;
  snprintf(c->turn_realm, sizeof c->turn_realm, "moa");
  snprintf(c->turn_listen, sizeof c->turn_listen, "0.0.0.0:443");
}

int config_parse_hostport(const char *s, char *host, size_t hostlen, int *port) {
  const char *colon;
  char buf[64];
  if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (!close || close[1] != ':') return -1;
    size_t n = (size_t)(close - s - 1);
    if (n == 0 || n >= sizeof buf || n >= hostlen) return -1;
    memcpy(buf, s + 1, n);
    buf[n] = '\0';
    colon = close + 1;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, buf, &a6) != 1) return -1;
  } else {
    colon = strrchr(s, ':');
    if (!colon) return -1;
    size_t n = (size_t)(colon - s);
    if (n == 0 || n >= sizeof buf || n >= hostlen) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    struct in_addr a4;
    if (inet_pton(AF_INET, buf, &a4) != 1) return -1;
  }
  char *end;
  errno = 0;
  long p = strtol(colon + 1, &end, 10);
  if (errno || *end || end == colon + 1 || p < 0 || p > 65535) return -1;
  snprintf(host, hostlen, "%s", buf);
  *port = (int)p;
  return 0;
}

int config_set(moa_config *c, const char *key, const char *value, char *err, size_t errlen) {
  for (size_t i = 0; i < NOPTS; i++) {
    const opt_def *o = &opts[i];
    if (strcmp(o->name, key) != 0) continue;
    char *field = (char *)c + o->offset;
    switch (o->kind) {
      case OPT_STR:
        if (strlen(value) >= o->size) {
          snprintf(err, errlen, "value of %s is too long (max %zu bytes)", key, o->size - 1);
          return -1;
        }
        snprintf(field, o->size, "%s", value);
        return 0;
      case OPT_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || *end || end == value || v < o->min || v > o->max) {
          snprintf(err, errlen, "invalid value for %s: '%s' (an integer from %d to %d)", key, value, o->min,
                   o->max);
          return -1;
        }
        *(int *)field = (int)v;
        return 0;
      }
      case OPT_BOOL:
        if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
          *(bool *)field = true;
        else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "no"))
          *(bool *)field = false;
        else {
          snprintf(err, errlen, "invalid value for %s: '%s' (true or false)", key, value);
          return -1;
        }
        return 0;
      case OPT_LISTEN:
        if (config_parse_hostport(value, c->listen_host, sizeof c->listen_host, &c->listen_port) != 0) {
          snprintf(err, errlen, "invalid value for listen: '%s' (ADDR:PORT with a literal IP address)",
                   value);
          return -1;
        }
        return 0;
      case OPT_LEVEL:
        if (log_parse_level(value, &c->level) != 0) {
          snprintf(err, errlen, "invalid value for log-level: '%s' (debug, info, warn or error)", value);
          return -1;
        }
        return 0;
    }
  }
  snprintf(err, errlen, "unknown option '%s'", key);
  return -1;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
  return s;
}

int config_load_file(moa_config *c, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
    return -1;
  }
  char line[2048], sub[1024];
  int lineno = 0, rc = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      snprintf(err, errlen, "%s:%d: line too long", path, lineno);
      rc = -1;
      break;
    }
    char *s = trim(line);
    if (*s == '\0' || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
      rc = -1;
      break;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (strcmp(key, "config") == 0) {
      snprintf(err, errlen, "%s:%d: a config file cannot include another", path, lineno);
      rc = -1;
      break;
    }
    if (config_set(c, key, value, sub, sizeof sub) != 0) {
      snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
      rc = -1;
      break;
    }
  }
  fclose(f);
  return rc;
}

void config_print_help(const char *prog) {
  printf(
      "Usage: %s [options]                 start the server\n"
      "       %s db init [--demo]          create or migrate the database (and load demo data)\n"
      "       %s user add --email E --name N [--org ID] [--admin] [--consortium ID --role "
      "member|coordinator]\n"
      "       %s user list | user disable EMAIL | user enable EMAIL | user passwd EMAIL\n"
      "       %s org import FILE.tsv       import organizations (see docs/OPERATIONS.md)\n"
      "       %s programme import --source NAME [--format F] [--partial] [--now ISO] FILE\n"
      "                                    import a support-programme feed file; F is bizinfo_json,\n"
      "                                    bizinfo_rss, kstartup, smes24 or csv (default: NAME); the\n"
      "                                    file is the whole feed unless --partial (docs/PROGRAMMES.md)\n"
      "       %s programme fetch --source NAME [--format F] --url URL [--key-file FILE] [--partial]\n"
      "                                    fetch a feed (libcurl) and import it; {key} in URL is replaced\n"
      "                                    by FILE's content; run it from cron or a timer to collect\n"
      "       %s consortium list\n"
      "       %s rec finalize SPOOL_DIR [--out DIR] [--no-composite] [--ffmpeg PATH]\n"
      "                                    a recording's spools into WebM files (moa rec finalize --help)\n"
      "       %s turn-config               print coturn's turnserver.conf (TURN over TLS) for these options\n"
      "       %s turn-credential [--user ID] [--ttl SECONDS]  print a TURN credential, to check coturn\n"
      "Passwords are read from standard input (one line) or the MOA_PASSWORD environment variable,\n"
      "never from the command line. Every command takes --db FILE. MOA_UDP_GSO=0 in the environment\n"
      "sends media packet by packet instead of with UDP GSO (docs/OPERATIONS.md).\n\nOptions:\n",
      prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
  printf("  --config FILE          read options from FILE ('key = value' lines); flags override it\n");
  for (size_t i = 0; i < NOPTS; i++) {
    char left[64];
    snprintf(left, sizeof left, "--%s %s", opts[i].name, opts[i].arg);
    printf("  %-22s %s\n", left, opts[i].help);
  }
  printf("  --help                 show this text\n  --version              print the version\n");
  printf("\nDeployment, TLS, ports, backups, upgrades and the admin commands: docs/OPERATIONS.md\n");
}

static bool literal_ip(const char *s) {
  struct in6_addr a;
  return inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1;
}

/* The TURN options after every flag is in: URLs well formed, realm a plain name, addresses
 * literal, and a secret file whenever browsers are to be given TURN servers. */
static int check_turn(moa_config *c, char *err, size_t errlen) {
  char urls[sizeof c->turn_urls];
  snprintf(urls, sizeof urls, "%s", c->turn_urls);
  int n = 0;
  for (char *save = NULL, *u = strtok_r(urls, ",", &save); u; u = strtok_r(NULL, ",", &save)) {
    bool ok = (!strncmp(u, "turn:", 5) && u[5]) || (!strncmp(u, "turns:", 6) && u[6]);
    for (const char *p = u; ok && *p; p++) ok = *p > ' ' && *p <= '~' && *p != '"' && *p != '\\';
    if (!ok || ++n > 8) {
      snprintf(err, errlen, "invalid value for turn-url: '%s' (up to 8 comma-separated turn: or turns: URLs)",
               u);
      return -1;
    }
  }
  if (n && !c->turn_secret_file[0]) {
    snprintf(err, errlen, "--turn-url needs --turn-secret-file (the secret shared with coturn)");
    return -1;
  }
  size_t rl = strlen(c->turn_realm);
  bool ok = rl > 0;
  for (size_t i = 0; i < rl; i++) {
    char ch = c->turn_realm[i];
    ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '.' || ch == '-');
  }
  if (!ok) {
    snprintf(err, errlen, "invalid value for turn-realm: '%s' (letters, digits, '.' and '-')", c->turn_realm);
    return -1;
  }
  char host[64];
  int port;
  if (config_parse_hostport(c->turn_listen, host, sizeof host, &port) != 0 || port == 0) {
    snprintf(err, errlen, "invalid value for turn-listen: '%s' (ADDR:PORT with a literal IP address)",
             c->turn_listen);
    return -1;
  }
  const char *ips[2][2] = {{"turn-relay-ip", c->turn_relay_ip}, {"turn-external-ip", c->turn_external_ip}};
  for (int i = 0; i < 2; i++)
    if (ips[i][1][0] && !literal_ip(ips[i][1])) {
      snprintf(err, errlen, "invalid value for %s: '%s' (a literal IP address)", ips[i][0], ips[i][1]);
      return -1;
    }
  return 0;
}

/* Reads the small file path holding a secret (what names it in messages) into buf (bufsize
 * bytes, NUL-terminated) with trailing line ends dropped, and warns when every user of the
 * machine may read it. Returns its length, or -1 with err set when it cannot be read or does not
 * fit. */
static long config__read_secret(const char *path, const char *what, char *buf, size_t bufsize, char *err,
                                size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read the %s file %s: %s", what, path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH))
    fprintf(stderr, "moa: warning: %s is readable by every user of this machine (chmod 600 it)\n", path);
  size_t n = fread(buf, 1, bufsize - 1, f);
  bool more = fgetc(f) != EOF;
  fclose(f);
  buf[n] = '\0';
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
  if (more) {
    snprintf(err, errlen, "the %s file %s is too long", what, path);
    return -1;
  }
  return (long)n;
}

/* The sign-up mail options after every flag is in: all or none of URL, sender and public URL,
 * each well formed, and a password file with a user. */
static int check_smtp(moa_config *c, char *err, size_t errlen) {
  bool any = c->smtp_url[0] || c->smtp_from[0] || c->smtp_user[0] || c->smtp_password_file[0];
  if (!any) return 0;
  if (!c->smtp_url[0] || !c->smtp_from[0] || !c->public_url[0]) {
    snprintf(err, errlen, "--smtp-url, --smtp-from and --public-url go together (the sign-up mail)");
    return -1;
  }
  const char *host = !strncmp(c->smtp_url, "smtp://", 7)    ? c->smtp_url + 7
                     : !strncmp(c->smtp_url, "smtps://", 8) ? c->smtp_url + 8
                                                            : NULL;
  bool ok = host && *host && *host != '/';
  for (const char *p = c->smtp_url; ok && *p; p++) ok = *p > ' ' && *p <= '~';
  if (!ok) {
    snprintf(err, errlen, "invalid value for smtp-url: '%s' (smtp://HOST:PORT or smtps://HOST:PORT)",
             c->smtp_url);
    return -1;
  }
  ok = strchr(c->smtp_from, '@') && strchr(c->smtp_from, '@') != c->smtp_from &&
       !strchr(strchr(c->smtp_from, '@') + 1, '@');
  for (const char *p = c->smtp_from; ok && *p; p++)
    ok = *p > ' ' && *p <= '~' && !strchr("()<>[]\\,;:\"", *p);
  if (!ok) {
    snprintf(err, errlen,
             "invalid value for smtp-from: '%s' (a bare address such as noreply@moa.example.org)",
             c->smtp_from);
    return -1;
  }
  const char *u = c->public_url;
  ok = (!strncmp(u, "http://", 7) && u[7]) || (!strncmp(u, "https://", 8) && u[8]);
  for (const char *p = u; ok && *p; p++) ok = *p > ' ' && *p <= '~' && *p != '#' && *p != '?' && *p != '"';
  if (!ok) {
    snprintf(err, errlen,
             "invalid value for public-url: '%s' (http:// or https:// and the host, without ? or #)", u);
    return -1;
  }
  size_t n = strlen(c->public_url);
  while (n > 0 && c->public_url[n - 1] == '/') c->public_url[--n] = '\0';
  if (c->smtp_user[0] && !c->smtp_password_file[0]) {
    snprintf(err, errlen, "--smtp-user needs --smtp-password-file");
    return -1;
  }
  return 0;
}

int config_load_smtp_password(moa_config *c, char *err, size_t errlen) {
  c->smtp_password[0] = '\0';
  if (!c->smtp_password_file[0]) return 0;
  char b[sizeof c->smtp_password + 2];
  long n = config__read_secret(c->smtp_password_file, "SMTP password", b, sizeof b, err, errlen);
  if (n < 0) return -1;
  bool ok = n > 0 && (size_t)n < sizeof c->smtp_password;
  for (long i = 0; ok && i < n; i++) ok = (unsigned char)b[i] >= ' ' && b[i] != 0x7f;
  if (!ok) {
    snprintf(err, errlen, "the SMTP password in %s must be 1 to 255 bytes on one line",
             c->smtp_password_file);
    return -1;
  }
  memcpy(c->smtp_password, b, (size_t)n + 1);
  return 0;
}

int config_load_turn_secret(moa_config *c, char *err, size_t errlen) {
  c->turn_secret[0] = '\0';
  if (!c->turn_secret_file[0]) return 0;
  char buf[sizeof c->turn_secret + 2];
  long len = config__read_secret(c->turn_secret_file, "TURN secret", buf, sizeof buf, err, errlen);
  size_t n = len < 0 ? 0 : (size_t)len;
  while (n > 0 && strchr(" \t\r\n", buf[n - 1])) buf[--n] = '\0';
  bool ok = len >= 0 && n >= 16 && n < sizeof c->turn_secret;
  for (size_t i = 0; ok && i < n; i++) ok = buf[i] > ' ' && buf[i] <= '~' && buf[i] != '#';
  if (!ok) {
    if (len >= 0 || strstr(err, "too long"))
      snprintf(err, errlen,
               "the TURN secret in %s must be 16 to 255 printable characters without spaces or '#' "
               "(make one with: openssl rand -hex 32)",
               c->turn_secret_file);
    return -1;
  }
  memcpy(c->turn_secret, buf, n + 1);
  return 0;
}

int config_parse_args(moa_config *c, int argc, char **argv, char *err, size_t errlen) {
  /* Pass 1: help, version, config file. */
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      config_print_help("moa");
      return 1;
    }
    if (!strcmp(argv[i], "--version")) {
      printf("moa %s\n", MOA_VERSION);
      return 1;
    }
    if (!strncmp(argv[i], "--config", 8) && (argv[i][8] == '\0' || argv[i][8] == '=')) {
      const char *path = argv[i][8] == '=' ? argv[i] + 9 : (i + 1 < argc ? argv[++i] : NULL);
      if (!path) {
        snprintf(err, errlen, "--config needs a file name");
        return -1;
      }
      if (config_load_file(c, path, err, errlen) != 0) return -1;
    }
  }
  /* Pass 2: every other flag, in order. */
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0) {
      snprintf(err, errlen, "unexpected argument '%s' (see --help)", a);
      return -1;
    }
    char key[64];
    const char *value;
    const char *eq = strchr(a, '=');
    if (eq) {
      snprintf(key, sizeof key, "%.*s", (int)(eq - a - 2), a + 2);
      value = eq + 1;
    } else {
      snprintf(key, sizeof key, "%s", a + 2);
      value = NULL;
    }
    if (!strcmp(key, "config")) {
      if (!eq) i++;
      continue;
    }
    if (!value) {
      if (!strcmp(key, "demo"))
        value = "true";
      else if (i + 1 < argc)
        value = argv[++i];
      else {
        snprintf(err, errlen, "option --%s needs a value", key);
        return -1;
      }
    }
    if (config_set(c, key, value, err, errlen) != 0) return -1;
  }
  if ((c->tls_cert[0] != '\0') != (c->tls_key[0] != '\0')) {
    snprintf(err, errlen, "--tls-cert and --tls-key go together");
    return -1;
  }
  if (c->rate_burst < c->rate) c->rate_burst = c->rate;
  if (check_turn(c, err, errlen) != 0) return -1;
  if (check_smtp(c, err, errlen) != 0) return -1;
  struct in6_addr any;
  if (inet_pton(AF_INET, c->media_ip, &any) != 1 && inet_pton(AF_INET6, c->media_ip, &any) != 1) {
    snprintf(err, errlen, "invalid value for media-ip: '%s' (a literal IP address)", c->media_ip);
    return -1;
  }
  if (c->media_announce_ip[0] && inet_pton(AF_INET, c->media_announce_ip, &any) != 1 &&
      inet_pton(AF_INET6, c->media_announce_ip, &any) != 1) {
    snprintf(err, errlen, "invalid value for media-announce-ip: '%s' (a literal IP address)",
             c->media_announce_ip);
    return -1;
  }
  return 0;
}
