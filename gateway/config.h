/* Server configuration: defaults, then the --config file, then command-line flags (flags win).
 * The file has one `key = value` per line (# starts a comment); keys are the long option names
 * without the leading dashes. An unknown key or a bad value stops start-up with a message that
 * names it (and the file line). Filled once on the main thread before other threads start. */
#ifndef MOA_GATEWAY_CONFIG_H
#define MOA_GATEWAY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/log.h"

typedef struct moa_config {
  char listen_host[64]; /* literal IPv4 or IPv6 address */
  int listen_port;      /* 0 = pick a free port (printed on start) */
  char db_path[512];
  char static_dir[512];
  char tls_cert[512];
  char tls_key[512];
  char origins[1024]; /* comma-separated allowed WebSocket Origins; empty = derived from listen */
  log_level level;
  int session_ttl;            /* seconds a sign-in lasts */
  int max_message;            /* largest WebSocket message accepted, bytes */
  int rate;                   /* requests per second allowed per connection (sustained) */
  int rate_burst;             /* requests allowed in a burst */
  int outq_messages;          /* outbound queue bound per connection, messages */
  int outq_bytes;             /* outbound queue bound per connection, bytes */
  int ping_interval;          /* seconds of silence before a ping; the peer is dropped after 3x */
  int login_workers;          /* threads hashing passwords */
  int auth_timeout;           /* seconds a WebSocket may stay open without signing in */
  int max_conns_per_ip;       /* open WebSocket connections allowed per address (0 = no cap) */
  int fd_reserve;             /* descriptors kept free below the limit for sign-ins and the server's files */
  bool demo;                  /* load demo data into an empty database on start */
  char media_ip[64];          /* UDP bind address of the media workers */
  char media_announce_ip[64]; /* address written in ICE candidates ("" = media_ip) */
  int media_port;             /* UDP port of worker 0; worker i uses media_port + i (0 = any free port) */
  int media_tcp_port;         /* ICE-TCP port of worker 0; worker i uses it + i (0 = any free port, -1 = off,
                                 MEDIA_TCP_PORT_SAME = the media_port number) */
  int media_workers;          /* media worker threads (0 = one per core) */
  int reminder_lead;          /* seconds before a meeting starts that invitees are reminded */
  /* chat attachments (storage/attachment_store.h, gateway/http_files.h) */
  char attach_dir[512]; /* where files are kept ("" = "files" beside the database; none for :memory:) */
  int attach_max_mb;    /* MiB per file */
  int attach_quota_mb;  /* MiB per consortium */
  /* recordings (issue 17, signaling/meeting_record.h, docs/RECORDING.md) */
  char recording_dir[512];      /* spools and files of recordings ("" = "recordings" beside the database;
                                   none for :memory:) */
  int recording_retention_days; /* finished recordings older than this are removed (0 = kept forever) */
  /* TURN over TLS through a separate coturn (gateway/turn_config.h, signaling/turn_credential.h) */
  char turn_urls[1024];       /* comma-separated turn:/turns: URLs given to browsers ("" = no TURN) */
  char turn_secret_file[512]; /* file holding the secret shared with coturn */
  char turn_secret[256];      /* its content, read by config_load_turn_secret (not an option) */
  int turn_ttl;               /* seconds a credential lasts in a room without a schedule */
  char turn_realm[128];       /* coturn's realm */
  char turn_listen[80];       /* "ADDR:PORT" coturn's TLS listener (moa turn-config) */
  char turn_relay_ip[64];     /* address coturn relays from ("" = its listening address) */
  char turn_external_ip[64];  /* public address of the relay behind NAT ("" = none) */
  char turn_cert[512];        /* coturn's certificate and key ("" = --tls-cert / --tls-key) */
  char turn_key[512];
  /* company self sign-up: the confirmation mail (gateway/smtp_send.h, signaling/handlers_signup.c) */
  char smtp_url[512];           /* smtp://HOST:PORT or smtps://HOST:PORT ("" = no sign-up) */
  char smtp_from[256];          /* the sender address of the mail */
  char smtp_user[256];          /* "" = no authentication */
  char smtp_password_file[512]; /* file holding the SMTP password */
  char smtp_password[256];      /* its content, read by config_load_smtp_password (not an option) */
  char public_url[512];         /* how people reach the app, e.g. https://moa.example.org (links in mail) */
  /* support programmes collected by the server (gateway/programme_collector.h) */
  char programme_sources[512]; /* the sources file ("" = the server collects nothing itself) */
  int programme_interval;      /* seconds between two rounds of fetches */
} moa_config;

void config_defaults(moa_config *c);

/* Sets one option by its name (without dashes). Returns 0, or -1 with err naming key and value. */
int config_set(moa_config *c, const char *key, const char *value, char *err, size_t errlen);

/* Reads a config file. Returns 0, or -1 with err naming the file, line and key. */
int config_load_file(moa_config *c, const char *path, char *err, size_t errlen);

/* Parses argv (options only, after any subcommand words). --config is applied first wherever it
 * appears, then every other flag in order. Returns 0; 1 when --help or --version was handled
 * (text printed to stdout); -1 on error with err set. */
int config_parse_args(moa_config *c, int argc, char **argv, char *err, size_t errlen);

/* Reads the TURN secret from c->turn_secret_file into c->turn_secret (trailing newlines and
 * spaces dropped). Does nothing when no file is set. Fails (-1, err set) when the file cannot be
 * read, or the secret is shorter than 16 or longer than 255 bytes or has a byte outside
 * printable ASCII, a space or '#' (it goes into turnserver.conf as one word). Warns on stderr
 * when others may read the file. Called by the commands that need the secret, not by the parser,
 * so `moa user list` with a shared config file does not need to read it. */
int config_load_turn_secret(moa_config *c, char *err, size_t errlen);

/* Reads the SMTP password from c->smtp_password_file into c->smtp_password (trailing newlines
 * dropped). Does nothing when no file is set. Fails (-1, err set) when the file cannot be read or
 * the password is empty, longer than 255 bytes or has a control character. Warns on stderr when
 * others may read the file. Called by `moa` (serve) only. */
int config_load_smtp_password(moa_config *c, char *err, size_t errlen);

/* Parses "ADDR:PORT" or "[V6ADDR]:PORT" into host and port; 0 or -1. */
int config_parse_hostport(const char *s, char *host, size_t hostlen, int *port);

void config_print_help(const char *prog);

/* media_tcp_port's default: the same number as media_port. */
#define MEDIA_TCP_PORT_SAME (-2)

#endif
