/* What each subscriber receives, as its media worker reports it: the latest ME_CONSUMER_LAYER
 * of each consumer (spatial and temporal layer, the allocator's reason, the bandwidth estimate)
 * kept in the participant's subscription slots, and their JSON for room.stats (registry.h).
 * Signaling thread only. Kept apart from registry.c so it can be tested without a hub. */
#include <assert.h>

#include "rooms/layer_alloc.h"
#include "rooms/registry.h"

bool rooms_note_layer(participant *p, const media_event *ev) {
  assert(p && ev);
  if (ev->type != ME_CONSUMER_LAYER || !p->sub_tid || ev->transport_id != p->sub_tid) return false;
  for (int i = 0; i < p->nsubs; i++) {
    sub_slot *s = &p->subs[i];
    if (!s->track.active || s->consumer_id != ev->consumer_id) continue;
    s->layer.known = true;
    s->layer.spatial = ev->layer.spatial < -1 ? -1 : ev->layer.spatial;
    s->layer.temporal = ev->layer.temporal < 0 ? 0 : ev->layer.temporal;
    s->layer.reason = ev->layer.reason <= LA_REASON_UNAVAILABLE ? ev->layer.reason : LA_REASON_UNAVAILABLE;
    s->layer.estimate_bps = ev->layer.estimate_bps;
    p->estimate_bps = ev->layer.estimate_bps;
    return true;
  }
  return false;
}

json_t *rooms_receiving_layers_json(const participant *p) {
  json_t *arr = json_array();
  for (int i = 0; i < p->nsubs; i++) {
    const sub_slot *s = &p->subs[i];
    if (!s->track.active || !s->layer.known) continue;
    json_array_append_new(
        arr,
        json_pack("{s:I, s:I, s:i, s:i, s:s, s:I}", "track_id", (json_int_t)s->producer_id, "participant_id",
                  (json_int_t)s->from_participant, "spatial", (int)s->layer.spatial, "temporal",
                  (int)s->layer.temporal, "reason", la_reason_name((la_reason)s->layer.reason),
                  "estimate_bps", (json_int_t)s->layer.estimate_bps));
  }
  return arr;
}
