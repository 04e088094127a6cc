/* The allow-list of chat attachment types and the check of an uploaded file against it: a pure
 * function of the file's name and its first bytes, so it is unit-tested and fuzzed without a
 * disk or a socket (the bytes are whatever a client sent: hostile).
 *
 * The name's extension says what the file claims to be (pdf, hwp/hwpx, the office formats, txt,
 * csv, zip; png, jpeg, gif, webp); the content must then be of that kind by its magic bytes: a
 * PDF header, an OLE2 compound document (doc, xls, ppt, hwp 5), a ZIP archive (docx, xlsx, pptx,
 * hwpx, odt, ods, odp, zip; for hwpx and the OpenDocument formats the archive's first entry must
 * be the stored "mimetype" naming that format), an image signature, or for txt and csv text
 * without NUL or control bytes (any 8-bit encoding: Korean spreadsheets write CP949) or UTF-16
 * with its byte order mark. A name without an extension is accepted only for content that
 * identifies itself (PDF and the four images). Everything else is refused: executables, HTML,
 * SVG (script), archives under a document's name. Only the four image types are ever shown
 * inline (previews); everything is served with X-Content-Type-Options: nosniff. */
#ifndef MOA_STORAGE_FILE_SNIFF_H
#define MOA_STORAGE_FILE_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#define FILE_SNIFF_HEAD 4096 /* bytes of a file's start that file_sniff looks at */

typedef enum {
  FILE_SNIFF_OK = 0,
  FILE_SNIFF_NOT_ALLOWED = -1, /* the extension is not on the allow-list (or none, and the content
                                  does not identify itself) */
  FILE_SNIFF_MISMATCH = -2,    /* the content is not what the extension says */
} file_sniff_status;

typedef struct file_type {
  const char *media_type; /* e.g. "application/pdf" (a static string) */
  const char *label;      /* what people call it, for messages: "PDF", "HWP", "PNG" ... */
  bool image;             /* png, jpeg, gif or webp: previewed, served inline */
} file_type;

/* The type of a file named name (UTF-8, any case) whose first n bytes are head; n is the smaller
 * of the file's size and FILE_SNIFF_HEAD (fewer bytes than the content check needs is a
 * mismatch, never a read past head). On FILE_SNIFF_OK *out is filled; on FILE_SNIFF_MISMATCH
 * out->label names what the extension claimed (for the message); otherwise *out is zeroed. */
int file_sniff(const char *name, const unsigned char *head, size_t n, file_type *out);

/* Whether name's extension is on the allow-list, or it has none (then only the content decides):
 * what can be checked before the bytes arrive. */
bool file_sniff_name_allowed(const char *name);

/* The allowed extensions, for messages: "pdf, hwp, hwpx, doc, docx, ...". */
const char *file_sniff_allowed(void);

#endif
