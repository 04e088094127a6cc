/* The HTTP documents of meetings: calendars and attendance, answered on the signaling thread from
 * the hub's database. Kept apart from http_ws_routes.c (the lws callback) so that routing and
 * authorization are plain functions.
 *
 *   GET /calendar/feed/<feed token>.ics         the token owner's upcoming meetings and the
 *                                               deadlines of the programmes they saved (iCalendar)
 *   GET /calendar/meeting/<id>.ics?t=<token>    one meeting; t: a feed token or a session token
 *                                               of someone invited to it
 *   GET /calendar/programme/<id>.ics?t=<token>  one programme's deadline; t: a feed or session
 *                                               token of any user
 *   GET /attendance/<id>.csv?t=<session token>  attendance (hosts, co-hosts, admins)
 */
#ifndef MOA_GATEWAY_HTTP_CALENDAR_H
#define MOA_GATEWAY_HTTP_CALENDAR_H

#include <stdbool.h>

#include "signaling/hub.h"

typedef struct http_doc {
  unsigned status;       /* 200, 400, 401, 403, 404, 500 */
  const char *type;      /* Content-Type */
  char disposition[256]; /* Content-Disposition ("" for none) */
  char *body;            /* malloc'd; the caller frees it */
  size_t len;
  char content_range[80]; /* Content-Range ("" for none: recordings' 206 and 416) */
  bool accept_ranges;     /* Accept-Ranges: bytes */
} http_doc;

/* True when path (no query) is one of the routes above; then *out is filled (an error status
 * has a short text/plain body). t is the value of the "t" query argument ("" when absent).
 * url_base is the app's origin the calendars' join links start with ("" for no links). */
bool http_calendar_route(hub *h, const char *path, const char *t, const char *url_base, http_doc *out);

#endif
