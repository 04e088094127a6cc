/* Path rules of the static file server (see http_path.h). */
#include "gateway/http_path.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *ext, *type;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

const char *http_mime_type(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot || strchr(dot, '/')) return NULL;
  for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
    if (strcmp(dot, mime_types[i].ext) == 0) return mime_types[i].type;
  return NULL;
}

int http_static_path(const char *uri, char *rel, size_t relcap) {
  size_t n = strlen(uri);
  if (n == 0 || uri[0] != '/' || n + 16 > relcap) return -1;
  for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '\\') return -1;
  if (strstr(uri, "/../") || strstr(uri, "/./") || (n >= 3 && strcmp(uri + n - 3, "/..") == 0) ||
      (n >= 2 && strcmp(uri + n - 2, "/.") == 0))
    return -1;
  snprintf(rel, relcap, "%s%s", uri, uri[n - 1] == '/' ? "index.html" : "");
  return 0;
}
