/* auth.guest: signing in with a guest link, and the scope of a guest's session.
 *
 * Redeeming a link (guest_store_redeem) creates a guest user for its meeting and a session
 * token as auth.login would; the connection is then a guest's: session.guest_meeting_id names
 * the meeting, and hub.c lets through only the types whose dispatch entry is flagged
 * HANDLER_GUEST (or HANDLER_PUBLIC): a guest may ping, read itself, enter and leave its meeting's
 * room (meeting_control checks it is that meeting's), negotiate media, use the room's chat (chat
 * membership is given by room.join, so no other conversation is readable), read its meeting, and
 * raise or lower a hand. Everything else is refused with `forbidden`. auth.resume with a guest's token
 * restores the same scope, and its reply carries the same `guest` block as auth.guest's
 * (meeting_guest_add_block), so a reloaded page knows it is a guest's and where its meeting is. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "signaling/handlers.h"
#include "signaling/user_json.h"
#include "storage/guest_store.h"
#include "storage/meeting_store.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

static void bind_guest(session *s, const guest_info *g) {
  s->guest_meeting_id = g->meeting_id;
  snprintf(s->guest_role, sizeof s->guest_role, "%s", g->role);
  s->guest_until_segment = g->until_segment;
}

void meeting_guest_resume(hub *h, session *s) {
  guest_info g;
  if (guest_store_of_user(hub_db(h), s->user_id, &g) == 1) bind_guest(s, &g);
}

/* {meeting_id, room_id, role, until_segment, title} of the guest session s; NULL when s is not a
 * guest's or its meeting cannot be read. */
static json_t *guest_block(hub *h, const session *s) {
  meeting_rec m;
  if (!s->guest_meeting_id || meeting_store_get(hub_db(h), s->guest_meeting_id, &m) != 1) return NULL;
  return json_pack("{s:I, s:I, s:s, s:i, s:s}", "meeting_id", (json_int_t)m.id, "room_id",
                   (json_int_t)m.room_id, "role", s->guest_role, "until_segment", s->guest_until_segment,
                   "title", m.title);
}

void meeting_guest_add_block(hub *h, const session *s, json_t *result) {
  json_t *g = guest_block(h, s);
  if (!g) return;
  json_t *user = json_object_get(result, "user");
  if (json_is_object(user)) json_object_set(user, "guest", g);
  json_object_set_new(result, "guest", g);
}

static void handle_auth_guest(hub *h, session *s, json_int_t id, json_t *req) {
  const char *token, *name;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_STRING("token", 1, 128, PARAM_REQUIRED, &token),
                         PARAM_STRING("name", 1, USER_NAME_MAX * 4, PARAM_REQUIRED, &name), PARAM_END}))
    return;
  if (s->user_id) {
    hub_error(h, s, id, ERR_CONFLICT, "already signed in on this connection; auth.logout first");
    return;
  }
  moa_db *db = hub_db(h);
  int64_t uid = 0;
  guest_info g;
  switch (guest_store_redeem(db, token, name, &uid, &g)) {
    case GUEST_OK:
      break;
    case GUEST_UNKNOWN:
      hub_error(h, s, id, ERR_NOT_FOUND, "this guest link is not valid");
      return;
    case GUEST_EXPIRED:
      hub_error(h, s, id, ERR_EXPIRED, "this guest link has expired");
      return;
    case GUEST_USED_UP:
      hub_error(h, s, id, ERR_GUEST_LINK_USED_UP, "this guest link has been used as often as it allows");
      return;
    case GUEST_INVALID:
      hub_error(h, s, id, ERR_INVALID_PARAMS, "\"name\" must be 1 to 100 characters of plain text");
      return;
    default:
      hub_error(h, s, id, ERR_INTERNAL, "cannot redeem the link");
      return;
  }
  meeting_rec m;
  if (meeting_store_get(db, g.meeting_id, &m) != 1) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the meeting");
    return;
  }
  /* The session lasts until an hour after the meeting ends (at most --session-ttl). */
  int64_t now = db_now(db), ttl = m.ends_at + 3600 - now;
  if (ttl < 60) ttl = 60;
  if (ttl > hub_config(h)->session_ttl) ttl = hub_config(h)->session_ttl;
  char session_token[SESSION_TOKEN_LEN + 1];
  int64_t expires;
  if (session_store_create(db, uid, ttl, s->address, session_token, &expires) != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "could not create a session");
    return;
  }
  hub_set_user(h, s, uid, false);
  bind_guest(s, &g);
  snprintf(s->token, sizeof s->token, "%s", session_token);
  s->expires_at = expires;
  log_info("guest %lld (%s) signed in for meeting %lld", (long long)uid, g.role, (long long)g.meeting_id);
  json_t *me = user_json_me(db, uid);
  json_t *result = json_pack("{s:o, s:s, s:I}", "user", me ? me : json_null(), "token", session_token,
                             "expires_at", (json_int_t)expires);
  meeting_guest_add_block(h, s, result);
  hub_reply(h, s, id, result);
}

const handler_def guest_handlers[] = {
    {"auth.guest", handle_auth_guest, HANDLER_PUBLIC},
    {NULL, NULL, 0},
};
