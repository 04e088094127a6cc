/* The attachment type check (see file_sniff.h): a table of allowed extensions, each with the
 * media type it is served as and the kind of content its bytes must show. Every read of head is
 * bounded by n; lengths read from the bytes (a ZIP header's name and data sizes) are checked
 * against n before they are used. Written by hand: libmagic would recognise far more than the
 * short allow-list needs, and its verdicts are not a security boundary either. */
#include "storage/file_sniff.h"

#include <stdint.h>
#include <string.h>

typedef enum {
  KIND_PDF,
  KIND_OLE,  /* OLE2 compound document: doc, xls, ppt */
  KIND_HWP,  /* HWP 5 (OLE2) or HWP 3 ("HWP Document File") */
  KIND_ZIP,  /* any ZIP archive (docx, xlsx, pptx, zip), no "mimetype" entry for another format */
  KIND_ZIPM, /* a ZIP whose first entry is the stored "mimetype" equal to the media type */
  KIND_TEXT,
  KIND_PNG,
  KIND_JPEG,
  KIND_GIF,
  KIND_WEBP,
} kind;

typedef struct entry {
  const char *ext;
  const char *media_type;
  const char *label;
  kind kind;
} entry;

static const entry TYPES[] = {
    {"pdf", "application/pdf", "PDF", KIND_PDF},
    {"hwp", "application/x-hwp", "HWP", KIND_HWP},
    {"hwpx", "application/hwp+zip", "HWPX", KIND_ZIPM},
    {"doc", "application/msword", "Word", KIND_OLE},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", KIND_ZIP},
    {"xls", "application/vnd.ms-excel", "Excel", KIND_OLE},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", KIND_ZIP},
    {"ppt", "application/vnd.ms-powerpoint", "PowerPoint", KIND_OLE},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint",
     KIND_ZIP},
    {"odt", "application/vnd.oasis.opendocument.text", "OpenDocument", KIND_ZIPM},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument", KIND_ZIPM},
    {"odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument", KIND_ZIPM},
    {"txt", "text/plain", "text", KIND_TEXT},
    {"csv", "text/csv", "CSV", KIND_TEXT},
    {"zip", "application/zip", "ZIP", KIND_ZIP},
    {"png", "image/png", "PNG", KIND_PNG},
    {"jpg", "image/jpeg", "JPEG", KIND_JPEG},
    {"jpeg", "image/jpeg", "JPEG", KIND_JPEG},
    {"gif", "image/gif", "GIF", KIND_GIF},
    {"webp", "image/webp", "WebP", KIND_WEBP},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

const char *file_sniff_allowed(void) {
  return "pdf, hwp, hwpx, doc, docx, xls, xlsx, ppt, pptx, odt, ods, odp, txt, csv, zip, png, jpg, jpeg, "
         "gif, "
         "webp";
}

/* The extension of name (after its last '.', lower-cased into ext, at most 7 bytes), or false
 * when it has none (no '.', or the '.' is first or last). */
static bool extension(const char *name, char ext[8]) {
  const char *dot = strrchr(name, '.');
  if (!dot || dot == name || !dot[1] || strlen(dot + 1) >= 8) {
    ext[0] = '\0';
    return dot && dot != name && dot[1]; /* a long extension is still an extension */
  }
  size_t i = 0;
  for (const char *p = dot + 1; *p; p++) ext[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  ext[i] = '\0';
  return true;
}

static const entry *by_ext(const char *ext) {
  for (size_t i = 0; i < NTYPES; i++)
    if (!strcmp(TYPES[i].ext, ext)) return &TYPES[i];
  return NULL;
}

bool file_sniff_name_allowed(const char *name) {
  char ext[8];
  if (!name) return false;
  if (!extension(name, ext)) return true;
  return by_ext(ext) != NULL;
}

static bool starts(const unsigned char *h, size_t n, const void *magic, size_t m) {
  return n >= m && memcmp(h, magic, m) == 0;
}

/* "%PDF-" at the start or within the first 1024 bytes (readers allow leading junk). */
static bool is_pdf(const unsigned char *h, size_t n) {
  size_t lim = n < 1024 ? n : 1024;
  for (size_t i = 0; i + 5 <= lim; i++)
    if (!memcmp(h + i, "%PDF-", 5)) return true;
  return false;
}

static bool is_ole(const unsigned char *h, size_t n) {
  return starts(h, n, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
}

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }

/* A ZIP archive: a local file header, or the end record of an empty archive (only for .zip).
 * want: the media type a first "mimetype" entry must hold (KIND_ZIPM), or NULL: then a
 * "mimetype" entry, if first, must not name a format (the file would be an OpenDocument or HWPX
 * renamed). */
static bool is_zip(const unsigned char *h, size_t n, const char *want, bool empty_ok) {
  if (starts(h, n, "PK\x05\x06", 4)) return empty_ok && !want;
  if (!starts(h, n, "PK\x03\x04", 4)) return false;
  if (n < 30) return false;
  uint32_t method = le16(h + 8), csize = le32(h + 18), usize = le32(h + 22);
  uint32_t nlen = le16(h + 26), xlen = le16(h + 28);
  bool mimetype = nlen == 8 && n >= 30 + 8 && !memcmp(h + 30, "mimetype", 8);
  if (!mimetype) return want == NULL;
  if (!want) return false;
  size_t off = 30 + (size_t)nlen + (size_t)xlen, wl = strlen(want);
  /* stored (method 0), its size the media type's, and all of it within head */
  return method == 0 && csize == wl && usize == wl && off <= n && n - off >= wl && !memcmp(h + off, want, wl);
}

/* Text: UTF-16 with a byte order mark, or bytes without NUL and without control characters other
 * than tab, line feed, form feed and carriage return (any 8-bit encoding, UTF-8 or CP949). */
static bool is_text(const unsigned char *h, size_t n) {
  if (n == 0) return false;
  if (starts(h, n, "\xFF\xFE", 2) || starts(h, n, "\xFE\xFF", 2)) return true;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = h[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7F) return false;
  }
  return true;
}

static bool is_png(const unsigned char *h, size_t n) { return starts(h, n, "\x89PNG\r\n\x1A\n", 8); }
static bool is_jpeg(const unsigned char *h, size_t n) { return starts(h, n, "\xFF\xD8\xFF", 3); }
static bool is_gif(const unsigned char *h, size_t n) {
  return starts(h, n, "GIF87a", 6) || starts(h, n, "GIF89a", 6);
}
static bool is_webp(const unsigned char *h, size_t n) {
  return n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4);
}

static bool content_is(const entry *e, const unsigned char *h, size_t n) {
  switch (e->kind) {
    case KIND_PDF:
      return is_pdf(h, n);
    case KIND_OLE:
      return is_ole(h, n);
    case KIND_HWP:
      return is_ole(h, n) || starts(h, n, "HWP Document File", 17);
    case KIND_ZIP:
      return is_zip(h, n, NULL, !strcmp(e->ext, "zip"));
    case KIND_ZIPM:
      return is_zip(h, n, e->media_type, false);
    case KIND_TEXT:
      return is_text(h, n);
    case KIND_PNG:
      return is_png(h, n);
    case KIND_JPEG:
      return is_jpeg(h, n);
    case KIND_GIF:
      return is_gif(h, n);
    case KIND_WEBP:
      return is_webp(h, n);
  }
  return false;
}

static void fill(file_type *out, const entry *e) {
  out->media_type = e->media_type;
  out->label = e->label;
  out->image = e->kind == KIND_PNG || e->kind == KIND_JPEG || e->kind == KIND_GIF || e->kind == KIND_WEBP;
}

int file_sniff(const char *name, const unsigned char *head, size_t n, file_type *out) {
  memset(out, 0, sizeof *out);
  char ext[8];
  if (!name || (!head && n)) return FILE_SNIFF_NOT_ALLOWED;
  if (!extension(name, ext)) {
    /* No extension: only content that says what it is. */
    static const char *const self[] = {"pdf", "png", "jpg", "gif", "webp"};
    for (size_t i = 0; i < sizeof self / sizeof self[0]; i++) {
      const entry *e = by_ext(self[i]);
      if (content_is(e, head, n)) {
        fill(out, e);
        return FILE_SNIFF_OK;
      }
    }
    return FILE_SNIFF_NOT_ALLOWED;
  }
  const entry *e = by_ext(ext);
  if (!e) return FILE_SNIFF_NOT_ALLOWED;
  if (!content_is(e, head, n)) {
    out->label = e->label;
    return FILE_SNIFF_MISMATCH;
  }
  fill(out, e);
  return FILE_SNIFF_OK;
}
