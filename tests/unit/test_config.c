/* Unit tests of gateway/config: the defaults; config_set for every kind of option (strings with
 * their length bound, integers with range and syntax checks, booleans, the listen address in its
 * IPv4 and bracketed IPv6 forms, the log level); config_load_file (comments, blank lines, spaces
 * around '=', errors that name the file and line, a file that tries to include another, a missing
 * file); and config_parse_args (flags win over the file whatever their order, --key=value, a flag
 * without its value, a stray positional argument, --tls-cert without --tls-key); the chat
 * attachment options; the sign-up mail (SMTP) options and their password file. Config files are
 * temporary files made with mkstemp and removed by each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "gateway/config.h"

/* A temporary config file holding text; path receives its name. The caller unlinks it. */
static void write_temp(char path[64], const char *text) {
  snprintf(path, 64, "/tmp/moa-test-config-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t n = strlen(text);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  assert_int_equal(close(fd), 0);
}

static bool contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle)) {
    print_error("'%s' does not contain '%s'\n", haystack, needle);
    return false;
  }
  return true;
}

static void test_defaults(void **state) {
  moa_config c;
  memset(&c, 0xa5, sizeof c);
  config_defaults(&c);
  assert_string_equal(c.listen_host, "127.0.0.1");
  assert_int_equal(c.listen_port, 8080);
  assert_string_equal(c.db_path, "var/moa.db");
  assert_string_equal(c.static_dir, "web-static");
  assert_string_equal(c.tls_cert, "");
  assert_string_equal(c.tls_key, "");
  assert_string_equal(c.origins, "");
  assert_int_equal(c.level, LOG_LEVEL_INFO);
  assert_int_equal(c.session_ttl, 1209600);
  assert_int_equal(c.max_message, 65536);
  assert_int_equal(c.rate, 20);
  assert_int_equal(c.rate_burst, 60);
  assert_int_equal(c.outq_messages, 1024);
  assert_int_equal(c.outq_bytes, 4194304);
  assert_int_equal(c.ping_interval, 30);
  assert_int_equal(c.login_workers, 1);
  assert_string_equal(c.attach_dir, "");
  assert_int_equal(c.attach_max_mb, 20);
  assert_int_equal(c.attach_quota_mb, 1024);
  assert_false(c.demo);
}

static void test_set_string(void **state) {
  moa_config c;
  char err[256] = "";
  config_defaults(&c);
  assert_int_equal(config_set(&c, "db", "x.db", err, sizeof err), 0);
  assert_string_equal(c.db_path, "x.db");
  assert_int_equal(config_set(&c, "origin", "https://a.example,https://b.example", err, sizeof err), 0);
  assert_string_equal(c.origins, "https://a.example,https://b.example");

  /* db_path holds 511 bytes and its NUL; 512 is one too many and leaves the old value. */
  char longest[512], toolong[513];
  memset(longest, 'a', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  memset(toolong, 'b', sizeof toolong - 1);
  toolong[sizeof toolong - 1] = '\0';
  assert_int_equal(config_set(&c, "db", longest, err, sizeof err), 0);
  assert_string_equal(c.db_path, longest);
  assert_int_equal(config_set(&c, "db", toolong, err, sizeof err), -1);
  assert_true(contains(err, "db"));
  assert_true(contains(err, "too long"));
  assert_string_equal(c.db_path, longest);

  assert_int_equal(config_set(&c, "nonsense", "1", err, sizeof err), -1);
  assert_true(contains(err, "nonsense"));
  assert_int_equal(config_set(&c, "", "1", err, sizeof err), -1);
}

static void test_set_int(void **state) {
  moa_config c;
  char err[256] = "";
  config_defaults(&c);
  assert_int_equal(config_set(&c, "rate", "1", err, sizeof err), 0);
  assert_int_equal(c.rate, 1);
  assert_int_equal(config_set(&c, "rate", "100000", err, sizeof err), 0);
  assert_int_equal(c.rate, 100000);
  assert_int_equal(config_set(&c, "session-ttl", "60", err, sizeof err), 0);
  assert_int_equal(c.session_ttl, 60);
  assert_int_equal(config_set(&c, "outq-bytes", "1073741824", err, sizeof err), 0);
  assert_int_equal(c.outq_bytes, 1 << 30);

  static const struct {
    const char *key, *value;
  } bad[] = {
      {"rate", "0"},
      {"rate", "100001"},
      {"rate", "-5"},
      {"rate", ""},
      {"rate", "abc"},
      {"rate", "12x"},
      {"rate", "12 "},
      {"rate", "1.5"},
      {"rate", "99999999999999999999"},
      {"session-ttl", "0"},
      {"login-workers", "65"},
      {"outq-bytes", "1073741825"},
      {"max-message", "1023"},
      {"ping-interval", "0"},
      {"outq-messages", "7"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    config_defaults(&c);
    err[0] = '\0';
    assert_int_equal(config_set(&c, bad[i].key, bad[i].value, err, sizeof err), -1);
    assert_true(contains(err, bad[i].key));
    char quoted[64];
    snprintf(quoted, sizeof quoted, "'%s'", bad[i].value);
    assert_true(contains(err, quoted));
    /* Nothing changed. */
    moa_config d;
    config_defaults(&d);
    assert_memory_equal(&c, &d, sizeof c);
  }
}

/* The attachment options: a directory, and sizes in MiB within their bounds. */
static void test_attachment_options(void **state) {
  (void)state;
  moa_config c;
  char err[256];
  config_defaults(&c);
  char *argv[] = {"--attach-dir", "/srv/moa/files", "--attach-max-mb=50", "--attach-quota-mb", "4096"};
  assert_int_equal(config_parse_args(&c, 5, argv, err, sizeof err), 0);
  assert_string_equal(c.attach_dir, "/srv/moa/files");
  assert_int_equal(c.attach_max_mb, 50);
  assert_int_equal(c.attach_quota_mb, 4096);
  assert_int_equal(config_set(&c, "attach-max-mb", "0", err, sizeof err), -1);
  assert_true(contains(err, "attach-max-mb"));
  assert_int_equal(config_set(&c, "attach-max-mb", "2048", err, sizeof err), -1);
  assert_int_equal(config_set(&c, "attach-quota-mb", "20MB", err, sizeof err), -1);
  assert_int_equal(c.attach_max_mb, 50);
}

static void test_set_bool(void **state) {
  moa_config c;
  char err[256] = "";
  config_defaults(&c);
  static const char *yes[] = {"true", "1", "yes"}, *no[] = {"false", "0", "no"};
  for (size_t i = 0; i < 3; i++) {
    c.demo = false;
    assert_int_equal(config_set(&c, "demo", yes[i], err, sizeof err), 0);
    assert_true(c.demo);
    assert_int_equal(config_set(&c, "demo", no[i], err, sizeof err), 0);
    assert_false(c.demo);
  }
  static const char *bad[] = {"", "TRUE", "on", "2", "true ", "y"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    c.demo = true;
    assert_int_equal(config_set(&c, "demo", bad[i], err, sizeof err), -1);
    assert_true(contains(err, "demo"));
    assert_true(c.demo);
  }
}

static void test_set_listen(void **state) {
  moa_config c;
  char err[256] = "";
  config_defaults(&c);
  assert_int_equal(config_set(&c, "listen", "127.0.0.1:8080", err, sizeof err), 0);
  assert_string_equal(c.listen_host, "127.0.0.1");
  assert_int_equal(c.listen_port, 8080);
  assert_int_equal(config_set(&c, "listen", "[::1]:0", err, sizeof err), 0);
  assert_string_equal(c.listen_host, "::1");
  assert_int_equal(c.listen_port, 0);
  assert_int_equal(config_set(&c, "listen", "0.0.0.0:65535", err, sizeof err), 0);
  assert_string_equal(c.listen_host, "0.0.0.0");
  assert_int_equal(c.listen_port, 65535);
  assert_int_equal(config_set(&c, "listen", "[2001:db8::7]:443", err, sizeof err), 0);
  assert_string_equal(c.listen_host, "2001:db8::7");
  assert_int_equal(c.listen_port, 443);

  static const char *bad[] = {
      "localhost:80", "1.2.3.4", "1.2.3.4:99999", "[::1]80",      "",
      "1.2.3.4:",     ":80",     "1.2.3.4:80x",   "1.2.3.4:-1",   "[::1]",
      "[]:80",        "[::1:80", "::1:80",        "[1.2.3.4]:80", "999.1.1.1:80",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    config_set(&c, "listen", "10.0.0.1:1234", err, sizeof err);
    err[0] = '\0';
    if (config_set(&c, "listen", bad[i], err, sizeof err) != -1) fail_msg("listen '%s' was accepted", bad[i]);
    assert_true(contains(err, "listen"));
    assert_string_equal(c.listen_host, "10.0.0.1");
    assert_int_equal(c.listen_port, 1234);
  }

  /* The parser alone, with a host buffer too small for the address. */
  char host[4];
  int port = -7;
  assert_int_equal(config_parse_hostport("10.0.0.1:80", host, sizeof host, &port), -1);
  assert_int_equal(port, -7);
}

static void test_set_log_level(void **state) {
  moa_config c;
  char err[256] = "";
  config_defaults(&c);
  static const struct {
    const char *s;
    log_level l;
  } ok[] = {{"debug", LOG_LEVEL_DEBUG},
            {"info", LOG_LEVEL_INFO},
            {"warn", LOG_LEVEL_WARN},
            {"error", LOG_LEVEL_ERROR}};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(config_set(&c, "log-level", ok[i].s, err, sizeof err), 0);
    assert_int_equal(c.level, ok[i].l);
  }
  assert_int_equal(config_set(&c, "log-level", "verbose", err, sizeof err), -1);
  assert_true(contains(err, "log-level"));
  assert_true(contains(err, "'verbose'"));
  assert_int_equal(config_set(&c, "log-level", "INFO", err, sizeof err), -1);
  assert_int_equal(config_set(&c, "log-level", "", err, sizeof err), -1);
  assert_int_equal(c.level, LOG_LEVEL_ERROR);
}

static void test_load_file(void **state) {
  char path[64], err[512] = "";
  write_temp(path,
             "# a comment\n"
             "\n"
             "   \t\n"
             "  # an indented comment\n"
             "db=a.db\n"
             "listen   =   [::1]:9000\n"
             "\trate = 5\t\r\n"
             "demo = yes\n"
             "origin = https://x.example\n"
             "log-level = warn"); /* no final newline */
  moa_config c;
  config_defaults(&c);
  assert_int_equal(config_load_file(&c, path, err, sizeof err), 0);
  assert_string_equal(c.db_path, "a.db");
  assert_string_equal(c.listen_host, "::1");
  assert_int_equal(c.listen_port, 9000);
  assert_int_equal(c.rate, 5);
  assert_true(c.demo);
  assert_string_equal(c.origins, "https://x.example");
  assert_int_equal(c.level, LOG_LEVEL_WARN);
  assert_string_equal(c.static_dir, "web-static"); /* untouched */
  unlink(path);
}

/* Loads text and expects failure with an error containing path:line and want. */
static void expect_file_error(const char *text, int line, const char *want) {
  char path[64], err[512] = "", where[96];
  write_temp(path, text);
  moa_config c;
  config_defaults(&c);
  assert_int_equal(config_load_file(&c, path, err, sizeof err), -1);
  snprintf(where, sizeof where, "%s:%d:", path, line);
  assert_true(contains(err, where));
  assert_true(contains(err, want));
  unlink(path);
}

static void test_load_file_errors(void **state) {
  expect_file_error("db = a.db\n\n# x\ncolour = blue\n", 4, "colour");
  expect_file_error("rate = 5\nrate = fast\n", 2, "'fast'");
  expect_file_error("rate = 5\nlisten = localhost:80\n", 2, "listen");
  expect_file_error("db = a.db\njust some words\n", 2, "key = value");
  expect_file_error("config = other.conf\n", 1, "cannot include");
  expect_file_error("  config=other.conf\n", 1, "cannot include");
  expect_file_error("= value\n", 1, "unknown option");

  /* A line longer than the reader's buffer. */
  char *big = malloc(5000);
  assert_non_null(big);
  snprintf(big, 5000, "db = ");
  memset(big + 5, 'x', 4000);
  snprintf(big + 4005, 5000 - 4005, "\n");
  expect_file_error(big, 1, "too long");
  free(big);

  char err[512] = "";
  moa_config c;
  config_defaults(&c);
  assert_int_equal(config_load_file(&c, "/nonexistent/moa/test.conf", err, sizeof err), -1);
  assert_true(contains(err, "/nonexistent/moa/test.conf"));
}

static void test_args_override_file(void **state) {
  char path[64], err[512] = "";
  write_temp(path, "db = from-file.db\nrate = 7\nstatic = file-static\n");
  moa_config c;

  /* The flag comes before --config, yet wins. */
  config_defaults(&c);
  char *argv1[] = {"--db", "x", "--config", path};
  assert_int_equal(config_parse_args(&c, 4, argv1, err, sizeof err), 0);
  assert_string_equal(c.db_path, "x");
  assert_int_equal(c.rate, 7);
  assert_string_equal(c.static_dir, "file-static");

  /* After --config, in --key=value form. */
  config_defaults(&c);
  char cfg_eq[96];
  snprintf(cfg_eq, sizeof cfg_eq, "--config=%s", path);
  char *argv2[] = {cfg_eq, "--db=y", "--rate=9", "--listen=[::1]:0", "--demo"};
  assert_int_equal(config_parse_args(&c, 5, argv2, err, sizeof err), 0);
  assert_string_equal(c.db_path, "y");
  assert_int_equal(c.rate, 9);
  assert_string_equal(c.listen_host, "::1");
  assert_int_equal(c.listen_port, 0);
  assert_true(c.demo);
  assert_string_equal(c.static_dir, "file-static");
  unlink(path);
}

static void test_args(void **state) {
  char err[512] = "";
  moa_config c;

  config_defaults(&c);
  assert_int_equal(config_parse_args(&c, 0, NULL, err, sizeof err), 0);

  /* rate_burst follows rate up when the burst would be smaller. */
  config_defaults(&c);
  char *a1[] = {"--rate", "100", "--log-level", "debug"};
  assert_int_equal(config_parse_args(&c, 4, a1, err, sizeof err), 0);
  assert_int_equal(c.rate, 100);
  assert_int_equal(c.rate_burst, 100);
  assert_int_equal(c.level, LOG_LEVEL_DEBUG);

  config_defaults(&c);
  char *a2[] = {"--rate", "5", "--db"};
  assert_int_equal(config_parse_args(&c, 3, a2, err, sizeof err), -1);
  assert_true(contains(err, "--db"));
  assert_true(contains(err, "needs a value"));

  config_defaults(&c);
  char *a3[] = {"--config"};
  assert_int_equal(config_parse_args(&c, 1, a3, err, sizeof err), -1);
  assert_true(contains(err, "--config"));

  config_defaults(&c);
  char *a4[] = {"--db", "x", "stray"};
  assert_int_equal(config_parse_args(&c, 3, a4, err, sizeof err), -1);
  assert_true(contains(err, "'stray'"));

  config_defaults(&c);
  char *a5[] = {"-d", "x"};
  assert_int_equal(config_parse_args(&c, 2, a5, err, sizeof err), -1);
  assert_true(contains(err, "'-d'"));

  config_defaults(&c);
  char *a6[] = {"--tls-cert", "cert.pem"};
  assert_int_equal(config_parse_args(&c, 2, a6, err, sizeof err), -1);
  assert_true(contains(err, "--tls-key"));

  config_defaults(&c);
  char *a7[] = {"--tls-key=key.pem"};
  assert_int_equal(config_parse_args(&c, 1, a7, err, sizeof err), -1);
  assert_true(contains(err, "--tls-cert"));

  config_defaults(&c);
  char *a8[] = {"--tls-key=key.pem", "--tls-cert", "cert.pem"};
  assert_int_equal(config_parse_args(&c, 3, a8, err, sizeof err), 0);
  assert_string_equal(c.tls_cert, "cert.pem");
  assert_string_equal(c.tls_key, "key.pem");

  config_defaults(&c);
  char *a9[] = {"--colour", "blue"};
  assert_int_equal(config_parse_args(&c, 2, a9, err, sizeof err), -1);
  assert_true(contains(err, "colour"));

  config_defaults(&c);
  char *a10[] = {"--rate=abc"};
  assert_int_equal(config_parse_args(&c, 1, a10, err, sizeof err), -1);
  assert_true(contains(err, "'abc'"));

  config_defaults(&c);
  char *a11[] = {"--config", "/nonexistent/moa/x.conf", "--db", "x"};
  assert_int_equal(config_parse_args(&c, 4, a11, err, sizeof err), -1);
  assert_true(contains(err, "/nonexistent/moa/x.conf"));

  /* An empty value given with '=' is a value, not a missing one. */
  config_defaults(&c);
  char *a12[] = {"--origin="};
  assert_int_equal(config_parse_args(&c, 1, a12, err, sizeof err), 0);
  assert_string_equal(c.origins, "");
}

/* The sign-up mail options: all of URL, sender and public URL or none; each well formed; a user
 * needs a password file, which is read with its trailing newline dropped. */
static void test_smtp_options(void **state) {
  (void)state;
  struct {
    const char *args[8];
    const char *error; /* NULL: accepted */
  } cases[] = {
      {{"--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "noreply@moa.example", "--public-url",
        "https://moa.example.org//"},
       NULL},
      {{"--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "noreply@moa.example"}, "go together"},
      {{"--smtp-url", "http://mail.example", "--smtp-from", "a@b.example", "--public-url", "http://x"},
       "smtp-url"},
      {{"--smtp-url", "smtps://mail.example", "--smtp-from", "a@b.example\r\nBcc: c", "--public-url",
        "http://x"},
       "smtp-from"},
      {{"--smtp-url", "smtps://mail.example", "--smtp-from", "<a@b.example>", "--public-url", "http://x"},
       "smtp-from"},
      {{"--smtp-url", "smtps://mail.example", "--smtp-from", "a@b.example", "--public-url", "ftp://x"},
       "public-url"},
      {{"--smtp-url", "smtps://mail.example", "--smtp-from", "a@b.example", "--public-url", "http://x/#/a"},
       "public-url"},
      {{"--smtp-url", "smtps://mail.example", "--smtp-from", "a@b.example", "--public-url", "http://x",
        "--smtp-user", "moa"},
       "smtp-password-file"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    moa_config c;
    config_defaults(&c);
    char err[256] = "";
    int argc = 0;
    while (argc < 8 && cases[i].args[argc]) argc++;
    int rc = config_parse_args(&c, argc, (char **)cases[i].args, err, sizeof err);
    if (!cases[i].error) {
      assert_int_equal(rc, 0);
      assert_string_equal(c.public_url, "https://moa.example.org"); /* trailing slashes dropped */
    } else {
      assert_int_equal(rc, -1);
      assert_true(contains(err, cases[i].error));
    }
  }
  char path[64];
  write_temp(path, "s3cret pass\n");
  moa_config c;
  config_defaults(&c);
  char err[256] = "";
  snprintf(c.smtp_password_file, sizeof c.smtp_password_file, "%s", path);
  assert_int_equal(config_load_smtp_password(&c, err, sizeof err), 0);
  assert_string_equal(c.smtp_password, "s3cret pass");
  unlink(path);
  write_temp(path, "\n");
  assert_int_equal(config_load_smtp_password(&c, err, sizeof err), -1);
  assert_true(contains(err, "SMTP password"));
  unlink(path);
}

static void test_version(void **state) {
  char err[64] = "";
  moa_config c;
  config_defaults(&c);
  char *argv[] = {"--db", "x", "--version"};
  assert_int_equal(config_parse_args(&c, 3, argv, err, sizeof err), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_set_string),
      cmocka_unit_test(test_set_int),
      cmocka_unit_test(test_set_bool),
      cmocka_unit_test(test_attachment_options),
      cmocka_unit_test(test_set_listen),
      cmocka_unit_test(test_set_log_level),
      cmocka_unit_test(test_load_file),
      cmocka_unit_test(test_load_file_errors),
      cmocka_unit_test(test_args_override_file),
      cmocka_unit_test(test_args),
      cmocka_unit_test(test_smtp_options),
      cmocka_unit_test(test_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
