/* Unit tests of storage/file_sniff: every allowed type recognised by its magic bytes under its
 * extension (any case), content that does not match its name, names the allow-list refuses, and
 * malformed input: truncated signatures and ZIP headers, ZIP lengths that point past the bytes
 * given, a "mimetype" entry that lies or is compressed, text with NUL and control bytes, empty
 * input. Nothing may be read past n (ASan checks: head buffers are exactly n bytes long). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "storage/file_sniff.h"

/* file_sniff on a heap copy of exactly n bytes, so a read past n is an ASan error. */
static int sniff(const char *name, const void *data, size_t n, file_type *out) {
  unsigned char *copy = malloc(n ? n : 1);
  memcpy(copy, data, n);
  int rc = file_sniff(name, n ? copy : NULL, n, out);
  free(copy);
  return rc;
}

/* A ZIP local file header for one stored entry named name with content data. */
static size_t zip_entry(unsigned char *out, const char *name, const char *data, uint16_t method) {
  size_t nl = strlen(name), dl = strlen(data);
  memset(out, 0, 30);
  memcpy(out, "PK\x03\x04", 4);
  out[8] = (unsigned char)method;
  out[18] = (unsigned char)dl, out[22] = (unsigned char)dl; /* compressed and real sizes */
  out[26] = (unsigned char)nl;
  memcpy(out + 30, name, nl);
  memcpy(out + 30 + nl, data, dl);
  return 30 + nl + dl;
}

static void expect(const char *name, const void *data, size_t n, const char *type, bool image) {
  file_type ft;
  int rc = sniff(name, data, n, &ft);
  if (rc != FILE_SNIFF_OK) fail_msg("%s: %d", name, rc);
  assert_string_equal(ft.media_type, type);
  assert_int_equal(ft.image, image);
  assert_non_null(ft.label);
}

static void test_allowed_types(void **state) {
  (void)state;
  static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF";
  static const unsigned char webp[] = "RIFF\x24\0\0\0WEBPVP8 ";
  static const unsigned char ole[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0";
  expect("자료.pdf", "%PDF-1.7\n", 9, "application/pdf", false);
  expect("SCAN.PDF", "\xef\xbb\xbf%PDF-1.4", 12, "application/pdf", false); /* leading junk */
  expect("a.png", png, sizeof png - 1, "image/png", true);
  expect("a.JPG", jpeg, sizeof jpeg - 1, "image/jpeg", true);
  expect("a.jpeg", jpeg, sizeof jpeg - 1, "image/jpeg", true);
  expect("a.gif", "GIF89a\x01\0", 8, "image/gif", true);
  expect("a.gif", "GIF87a", 6, "image/gif", true);
  expect("a.webp", webp, sizeof webp - 1, "image/webp", true);
  expect("사업계획서.hwp", ole, sizeof ole - 1, "application/x-hwp", false);
  expect("old.hwp", "HWP Document File V3.00 \x1a", 25, "application/x-hwp", false);
  expect("a.doc", ole, sizeof ole - 1, "application/msword", false);
  expect("a.xls", ole, sizeof ole - 1, "application/vnd.ms-excel", false);
  expect("a.ppt", ole, sizeof ole - 1, "application/vnd.ms-powerpoint", false);
  unsigned char zip[256];
  size_t n = zip_entry(zip, "[Content_Types].xml", "<?xml", 8);
  expect("a.docx", zip, n, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false);
  expect("a.xlsx", zip, n, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false);
  expect("a.pptx", zip, n, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         false);
  expect("a.zip", zip, n, "application/zip", false);
  expect("empty.zip", "PK\x05\x06\0\0\0\0", 8, "application/zip", false);
  n = zip_entry(zip, "mimetype", "application/hwp+zip", 0);
  expect("공고문.hwpx", zip, n, "application/hwp+zip", false);
  n = zip_entry(zip, "mimetype", "application/vnd.oasis.opendocument.text", 0);
  expect("a.odt", zip, n, "application/vnd.oasis.opendocument.text", false);
  expect("notes.txt", "회의록\n- 1. 안건\r\n\t끝\f", 25, "text/plain", false);
  expect("list.csv", "\xc8\xb8\xbb\xe7,1\r\n", 8, "text/csv", false); /* CP949 */
  expect("u16.txt", "\xff\xfeH\0i\0", 6, "text/plain", false);        /* UTF-16 with its BOM */
  /* no extension: content that says what it is */
  expect("스캔본", png, sizeof png - 1, "image/png", true);
  expect("report", "%PDF-1.3", 8, "application/pdf", false);
  expect("trailing.", "GIF89a", 6, "image/gif", true);
  assert_true(strstr(file_sniff_allowed(), "hwpx") != NULL);
}

static void expect_rc(const char *name, const void *data, size_t n, int want, const char *claimed) {
  file_type ft;
  int rc = sniff(name, data, n, &ft);
  if (rc != want) fail_msg("%s: %d, wanted %d", name ? name : "(null)", rc, want);
  if (claimed) assert_string_equal(ft.label, claimed);
  if (rc != FILE_SNIFF_OK) assert_null(ft.media_type);
}

static void test_refused(void **state) {
  (void)state;
  /* names */
  expect_rc("setup.exe", "MZ", 2, FILE_SNIFF_NOT_ALLOWED, NULL);
  expect_rc("page.html", "<html>", 6, FILE_SNIFF_NOT_ALLOWED, NULL);
  expect_rc("logo.svg", "<svg>", 5, FILE_SNIFF_NOT_ALLOWED, NULL);
  expect_rc("a.verylongext", "%PDF-", 5, FILE_SNIFF_NOT_ALLOWED, NULL);
  expect_rc("noext", "MZ\x90\0", 4, FILE_SNIFF_NOT_ALLOWED, NULL);
  expect_rc("noext", "plain words", 11, FILE_SNIFF_NOT_ALLOWED, NULL); /* text needs .txt */
  expect_rc(NULL, "%PDF-", 5, FILE_SNIFF_NOT_ALLOWED, NULL);
  assert_false(file_sniff_name_allowed("a.exe"));
  assert_false(file_sniff_name_allowed(NULL));
  assert_true(file_sniff_name_allowed("a.HWPX"));
  assert_true(file_sniff_name_allowed("README"));
  /* content that is not what the name says */
  expect_rc("report.pdf", "MZ\x90\0\3\0", 6, FILE_SNIFF_MISMATCH, "PDF");
  expect_rc("photo.png", "%PDF-1.4", 8, FILE_SNIFF_MISMATCH, "PNG");
  expect_rc("photo.jpg", "\x89PNG\r\n\x1a\n", 8, FILE_SNIFF_MISMATCH, "JPEG");
  expect_rc("a.doc", "PK\x03\x04", 4, FILE_SNIFF_MISMATCH, "Word");
  expect_rc("a.docx", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, FILE_SNIFF_MISMATCH, "Word");
  expect_rc("a.webp", "RIFF\0\0\0\0WAVE", 12, FILE_SNIFF_MISMATCH, "WebP");
  expect_rc("a.gif", "GIF90a", 6, FILE_SNIFF_MISMATCH, "GIF");
  expect_rc("bin.txt", "ab\0cd", 5, FILE_SNIFF_MISMATCH, "text");
  expect_rc("esc.csv", "a,\x1b[31m", 7, FILE_SNIFF_MISMATCH, "CSV");
  expect_rc("del.txt", "a\x7f", 2, FILE_SNIFF_MISMATCH, "text");
  expect_rc("empty.txt", "", 0, FILE_SNIFF_MISMATCH, "text");
  expect_rc("empty.pdf", "", 0, FILE_SNIFF_MISMATCH, "PDF");
  expect_rc("a.docx", "PK\x05\x06\0\0", 6, FILE_SNIFF_MISMATCH, "Word"); /* an empty archive is no document */
  /* %PDF- further than 1024 bytes in */
  char late[1100];
  memset(late, ' ', sizeof late);
  memcpy(late + 1030, "%PDF-", 5);
  expect_rc("late.pdf", late, sizeof late, FILE_SNIFF_MISMATCH, "PDF");
}

static void test_malformed_zip(void **state) {
  (void)state;
  unsigned char zip[256];
  /* truncated headers */
  expect_rc("a.zip", "PK\x03\x04", 4, FILE_SNIFF_MISMATCH, "ZIP");
  expect_rc("a.zip", "PK\x03", 3, FILE_SNIFF_MISMATCH, "ZIP");
  expect_rc("a.hwpx", "PK\x03\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\0\0\0mime", 34,
            FILE_SNIFF_MISMATCH, "HWPX");
  /* a "mimetype" whose declared lengths point past the bytes given */
  size_t n = zip_entry(zip, "mimetype", "application/hwp+zip", 0);
  expect_rc("cut.hwpx", zip, n - 5, FILE_SNIFF_MISMATCH, "HWPX");
  zip[28] = 0xff, zip[29] = 0xff; /* an extra field of 65535 bytes */
  expect_rc("extra.hwpx", zip, n, FILE_SNIFF_MISMATCH, "HWPX");
  /* compressed, or sizes that lie */
  n = zip_entry(zip, "mimetype", "application/hwp+zip", 8);
  expect_rc("deflated.hwpx", zip, n, FILE_SNIFF_MISMATCH, "HWPX");
  n = zip_entry(zip, "mimetype", "application/hwp+zip", 0);
  zip[18] = 0xff, zip[19] = 0xff, zip[20] = 0xff, zip[21] = 0xff;
  expect_rc("size.hwpx", zip, n, FILE_SNIFF_MISMATCH, "HWPX");
  /* a format renamed: an OpenDocument text as .hwpx, .docx or .zip; an HWPX without its entry */
  n = zip_entry(zip, "mimetype", "application/vnd.oasis.opendocument.text", 0);
  expect_rc("renamed.hwpx", zip, n, FILE_SNIFF_MISMATCH, "HWPX");
  expect_rc("renamed.docx", zip, n, FILE_SNIFF_MISMATCH, "Word");
  expect_rc("renamed.zip", zip, n, FILE_SNIFF_MISMATCH, "ZIP");
  n = zip_entry(zip, "word/document.xml", "<w:document/>", 8);
  expect_rc("bare.hwpx", zip, n, FILE_SNIFF_MISMATCH, "HWPX");
  expect_rc("bare.odt", zip, n, FILE_SNIFF_MISMATCH, "OpenDocument");
  /* every prefix of a good HWPX is refused or accepted without reading past it */
  n = zip_entry(zip, "mimetype", "application/hwp+zip", 0);
  for (size_t i = 0; i < n; i++) expect_rc("prefix.hwpx", zip, i, FILE_SNIFF_MISMATCH, "HWPX");
  expect_rc("whole.hwpx", zip, n, FILE_SNIFF_OK, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_allowed_types),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_malformed_zip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
