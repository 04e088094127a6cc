/* Request handlers, one per message type, grouped by domain in handlers_<domain>.c. Each domain
 * exports a table terminated by {NULL}; dispatch.c merges the tables. A handler validates its
 * params, checks authorization, and replies exactly once (possibly later). */
#ifndef MOA_SIGNALING_HANDLERS_H
#define MOA_SIGNALING_HANDLERS_H

#include "signaling/hub.h"
#include "signaling/session_int.h" /* handlers read and set the session's fields */

extern const handler_def auth_handlers[];    /* auth.login, auth.resume, auth.logout */
extern const handler_def core_handlers[];    /* system.ping, me.get, consortium.list, consortium.get */
extern const handler_def chat_handlers[];    /* chat.* (handlers_chat.c) */
extern const handler_def partner_handlers[]; /* partner.*, inquiry.* (handlers_partner.c) */
extern const handler_def org_handlers[];     /* org.profile_get, org.profile_update (handlers_org.c) */
extern const handler_def room_handlers[];    /* room.* (handlers_room.c) */
/* room.archive, room.unarchive, room.delete, room.adaptation, room.recording_policy (handlers_room_admin.c)
 */
extern const handler_def room_admin_handlers[];
extern const handler_def media_handlers[]; /* media.* (handlers_media.c) */
extern const handler_def
    meeting_handlers[]; /* meeting.* scheduling, calendar.*, admin.activity (handlers_meeting.c) */
extern const handler_def guest_handlers[];  /* auth.guest (handlers_guest.c) */
extern const handler_def signup_handlers[]; /* signup.* company self sign-up (handlers_signup.c) */

/* Frees a sign-in attempt that never reached its password check (hub_free). (handlers_auth.c) */
void auth_login_drop(void *login_job);

/* Reminds online invitees of meetings starting within --reminder-lead (meeting.reminder); hub_poll
 * calls it about once a second. (handlers_meeting.c) */
void meeting_reminder_tick(hub *h);
/* Restores the guest scope of a session that resumed a guest's token. (handlers_guest.c) */
void meeting_guest_resume(hub *h, session *s);
/* Adds the `guest` block (meeting_id, room_id, role, until_segment, title) to a sign-in result and
 * to its `user` when s is a guest session; does nothing otherwise. (handlers_guest.c) */
void meeting_guest_add_block(hub *h, const session *s, json_t *result);
extern const handler_def control_handlers[]; /* meeting.* of a live room (handlers_control.c) */
/* meeting.record, meeting.recordings, meeting.recording_delete (handlers_recording.c) */
extern const handler_def recording_handlers[];

/* Makes session s a participant of room (chat membership, live room, media) and returns the
 * room.join result (new reference) with the participant in *out; NULL with an error code and
 * message (nothing changed). The caller checked admission (meeting_control_check), then sends
 * the result and calls rooms_send_initial_offer and meeting_control_after_join. (handlers_room.c) */
struct room_rec;
struct participant;
/* A participant's reported ICE path {type, candidate_type, protocol, relay_protocol?} (see
 * media.path in docs/PROTOCOL.md), or JSON null when it reported none (new reference).
 * (handlers_media.c) */
json_t *media_path_json(const struct participant *p);
json_t *room_enter(hub *h, session *s, const struct room_rec *room, struct participant **out,
                   const char **code, const char **message);

/* The table of per-user chat budgets (flood limit, typing) the hub owns: made by hub_new,
 * freed with free(). NULL when out of memory. (handlers_chat.c) */
struct chat_budget *chat_budgets_new(void);
/* hub_deliver (hub.h) under the name the chat, partner and meeting handlers call it by. */
size_t chat_deliver(hub *h, const int64_t *user_ids, size_t n, uint64_t except_session, int64_t except_user,
                    json_t *event);
/* Sends event (stolen) to every online session of the readers of conversation_id except from's
 * (from may be NULL), through the hub's index by user: O(readers). (handlers_chat.c) */
void chat_to_readers(hub *h, session *from, int64_t conversation_id, json_t *event);
/* The chat.message event of message (stolen) in conversation_id, with "conversation" (what the
 * conversation is for every reader: id, kind, title, consortium_id, ref_id; left out if it cannot
 * be read) so a client counts it unread without listing (docs/PROTOCOL.md). (handlers_chat.c) */
json_t *chat_message_event(hub *h, int64_t conversation_id, json_t *message);

extern const handler_def programme_handlers[]; /* programme.* of members (handlers_programme.c) */
/* programme.* of coordinators and admins (handlers_programme_admin.c) */
extern const handler_def programme_admin_handlers[];

#endif
