/* What each subscriber receives, as its media worker reports it: the latest ME_CONSUMER_LAYER
 * of each consumer (spatial and temporal layer, the allocator's reason, the bandwidth estimate)
 * kept in the participant's subscription slots, which room.stats reports (signaling/room_events.h).
 * Signaling thread only. Kept apart from registry.c so it can be tested without a registry. */
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
