/* Media system (see media.h). */
#include "gateway/media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mailbox.h"
#include "gateway/rtc/dtls.h"
#include "gateway/worker.h"

#define MAX_WORKERS 64

struct media_system {
  dtls_identity *identity;
  mailbox *events;
  int nworkers;
  media_worker *workers[MAX_WORKERS];
  int rooms[MAX_WORKERS];
  char announce_ip[64];
};

media_system *media_start(const moa_config *cfg, void (*wake)(void *), void *wake_arg) {
  media_system *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  snprintf(m->announce_ip, sizeof m->announce_ip, "%s",
           cfg->media_announce_ip[0] ? cfg->media_announce_ip : cfg->media_ip);
  int n = cfg->media_workers;
  if (n <= 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    n = cores > 0 ? (int)cores : 1;
  }
  if (n > MAX_WORKERS) n = MAX_WORKERS;
  char err[256];
  m->identity = dtls_identity_new(err, sizeof err);
  if (!m->identity) log_warn("%s", err);
  m->events = mailbox_new(8192, sizeof(media_event), wake, wake_arg);
  if (!m->identity || !m->events) goto fail;
  for (int i = 0; i < n; i++) {
    int port = cfg->media_port ? cfg->media_port + i : 0;
    /* One ICE-TCP port per worker, as for UDP: a room's transports live on one worker, and its
     * SDP names that worker's ports, so a connection lands on the thread that owns its
     * transport with no hand-over between threads (one shared port with SO_REUSEPORT would
     * spread connections by hash and need one). */
    int tcp = cfg->media_tcp_port == MEDIA_TCP_PORT_SAME ? cfg->media_port : cfg->media_tcp_port;
    int tcp_port = tcp > 0 ? tcp + i : tcp;
    m->workers[i] = worker_start((uint8_t)i, cfg->media_ip, port, tcp_port, m->identity, m->events);
    if (!m->workers[i]) goto fail;
    m->nworkers++;
  }
  return m;
fail:
  media_stop(m);
  return NULL;
}

void media_stop(media_system *m) {
  if (!m) return;
  for (int i = 0; i < m->nworkers; i++) worker_stop(m->workers[i]);
  mailbox_free(m->events);
  dtls_identity_free(m->identity);
  free(m);
}

int media_worker_count(const media_system *m) { return m->nworkers; }

int media_pick_worker(const media_system *m) {
  int best = 0;
  for (int i = 1; i < m->nworkers; i++)
    if (m->rooms[i] < m->rooms[best]) best = i;
  return best;
}

void media_room_added(media_system *m, int w) { m->rooms[w]++; }
void media_room_removed(media_system *m, int w) {
  if (m->rooms[w] > 0) m->rooms[w]--;
}

int media_post(media_system *m, int w, const media_cmd *cmd) {
  if (w < 0 || w >= m->nworkers) return -1;
  return worker_post(m->workers[w], cmd);
}

bool media_next_event(media_system *m, media_event *ev) { return mailbox_take(m->events, ev); }
const uint8_t *media_fingerprint(const media_system *m) {
  return dtls_identity_fingerprint_bytes(m->identity);
}
const char *media_announce_ip(const media_system *m) { return m->announce_ip; }
int media_worker_port(const media_system *m, int w) { return worker_port(m->workers[w]); }
int media_worker_tcp_port(const media_system *m, int w) { return worker_tcp_port(m->workers[w]); }

#define PUT(...)                                                          \
  do {                                                                    \
    int n_ = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__); \
    if (n_ > 0) off += (size_t)n_;                                        \
  } while (0)

static uint64_t sum(const media_system *m, size_t offset) {
  uint64_t total = 0;
  for (int i = 0; i < m->nworkers; i++) {
    const atomic_uint_fast64_t *v =
        (const atomic_uint_fast64_t *)((const char *)worker_counters(m->workers[i]) + offset);
    total += atomic_load_explicit(v, memory_order_relaxed);
  }
  return total;
}

#define SUM(field) sum(m, offsetof(sfu_counters, field))

size_t media_metrics_render(const media_system *m, char *buf, size_t len) {
  size_t off = 0;
  static const char *const gauges[][2] = {{"rooms", "Rooms live on media workers"},
                                          {"peers", "WebRTC transports (PeerConnections)"},
                                          {"producers", "Incoming tracks"},
                                          {"consumers", "Outgoing track copies"}};
  uint64_t g[4] = {SUM(routers), SUM(transports), SUM(producers), SUM(consumers)};
  for (int i = 0; i < 4; i++)
    PUT("# HELP moa_media_%s %s.\n# TYPE moa_media_%s gauge\nmoa_media_%s %llu\n", gauges[i][0], gauges[i][1],
        gauges[i][0], gauges[i][0], (unsigned long long)g[i]);
  PUT("# HELP moa_media_packets_total UDP packets, by direction.\n# TYPE moa_media_packets_total counter\n");
  PUT("moa_media_packets_total{direction=\"in\"} %llu\n", (unsigned long long)SUM(packets_in));
  PUT("moa_media_packets_total{direction=\"out\"} %llu\n", (unsigned long long)SUM(packets_out));
  PUT("# HELP moa_media_bytes_total UDP bytes, by direction.\n# TYPE moa_media_bytes_total counter\n");
  PUT("moa_media_bytes_total{direction=\"in\"} %llu\n", (unsigned long long)SUM(bytes_in));
  PUT("moa_media_bytes_total{direction=\"out\"} %llu\n", (unsigned long long)SUM(bytes_out));
  PUT("# HELP moa_media_rtp_forwarded_total RTP packets copied to consumers.\n"
      "# TYPE moa_media_rtp_forwarded_total counter\nmoa_media_rtp_forwarded_total %llu\n",
      (unsigned long long)SUM(rtp_forwarded));
  PUT("# HELP moa_media_forward_seconds_total CPU time spent forwarding RTP.\n"
      "# TYPE moa_media_forward_seconds_total counter\nmoa_media_forward_seconds_total %.6f\n",
      (double)SUM(forward_ns) / 1e9);
  PUT("# HELP moa_media_nacks_total NACKs, by direction.\n# TYPE moa_media_nacks_total counter\n");
  PUT("moa_media_nacks_total{direction=\"received\"} %llu\n", (unsigned long long)SUM(nacks_received));
  PUT("moa_media_nacks_total{direction=\"sent\"} %llu\n", (unsigned long long)SUM(nacks_sent));
  PUT("# HELP moa_media_retransmitted_total Packets resent from the retransmission buffer.\n"
      "# TYPE moa_media_retransmitted_total counter\nmoa_media_retransmitted_total %llu\n",
      (unsigned long long)SUM(retransmitted));
  PUT("# HELP moa_media_nack_requested_packets_total Sequence numbers asked for in NACKs sent to "
      "publishers.\n"
      "# TYPE moa_media_nack_requested_packets_total counter\nmoa_media_nack_requested_packets_total %llu\n",
      (unsigned long long)SUM(nacked_seqs));
  PUT("# HELP moa_media_rtx_received_total Lost packets recovered from publishers' retransmissions (RTX).\n"
      "# TYPE moa_media_rtx_received_total counter\nmoa_media_rtx_received_total %llu\n",
      (unsigned long long)SUM(rtx_received));
  PUT("# HELP moa_media_plis_total Keyframe requests, by direction.\n# TYPE moa_media_plis_total counter\n");
  PUT("moa_media_plis_total{direction=\"sent\"} %llu\n", (unsigned long long)SUM(plis_sent));
  PUT("moa_media_plis_total{direction=\"received\"} %llu\n", (unsigned long long)SUM(plis_received));
  static const char *const reasons[DROP_REASONS] = {"unknown_address",  "bad_stun",     "not_connected",
                                                    "unprotect_failed", "unknown_ssrc", "malformed",
                                                    "duplicate"};
  PUT("# HELP moa_media_dropped_total Packets dropped, by reason.\n# TYPE moa_media_dropped_total counter\n");
  for (int r = 0; r < DROP_REASONS; r++)
    PUT("moa_media_dropped_total{reason=\"%s\"} %llu\n", reasons[r],
        (unsigned long long)sum(m,
                                offsetof(sfu_counters, dropped) + (size_t)r * sizeof(atomic_uint_fast64_t)));
  PUT("# HELP moa_ice_tcp_connections ICE-TCP connections open on the media workers.\n"
      "# TYPE moa_ice_tcp_connections gauge\nmoa_ice_tcp_connections %llu\n",
      (unsigned long long)SUM(tcp_conns));
  PUT("# HELP moa_ice_tcp_accepted_total ICE-TCP connections accepted.\n"
      "# TYPE moa_ice_tcp_accepted_total counter\nmoa_ice_tcp_accepted_total %llu\n",
      (unsigned long long)SUM(tcp_accepted));
  static const char *const closes[ICE_TCP_CLOSE_REASONS] = {
      "not_stun", "ice_timeout", "idle", "oversized", "slow", "evicted", "full", "peer", "error"};
  PUT("# HELP moa_ice_tcp_closed_total ICE-TCP connections closed, by reason.\n"
      "# TYPE moa_ice_tcp_closed_total counter\n");
  for (int r = 0; r < ICE_TCP_CLOSE_REASONS; r++)
    PUT("moa_ice_tcp_closed_total{reason=\"%s\"} %llu\n", closes[r],
        (unsigned long long)sum(
            m, offsetof(sfu_counters, tcp_closed) + (size_t)r * sizeof(atomic_uint_fast64_t)));
  PUT("# HELP moa_ice_tcp_frames_total RFC 4571 frames on ICE-TCP connections, by direction.\n"
      "# TYPE moa_ice_tcp_frames_total counter\n");
  PUT("moa_ice_tcp_frames_total{direction=\"in\"} %llu\n", (unsigned long long)SUM(tcp_frames_in));
  PUT("moa_ice_tcp_frames_total{direction=\"out\"} %llu\n", (unsigned long long)SUM(tcp_frames_out));
  PUT("# HELP moa_ice_tcp_bytes_total Payload bytes of ICE-TCP frames, by direction.\n"
      "# TYPE moa_ice_tcp_bytes_total counter\n");
  PUT("moa_ice_tcp_bytes_total{direction=\"in\"} %llu\n", (unsigned long long)SUM(tcp_bytes_in));
  PUT("moa_ice_tcp_bytes_total{direction=\"out\"} %llu\n", (unsigned long long)SUM(tcp_bytes_out));
  PUT("# HELP moa_media_layer_changes_total Layer decisions of video consumers (bandwidth adaptation), by "
      "kind: up, down, paused, resumed.\n# TYPE moa_media_layer_changes_total counter\n");
  PUT("moa_media_layer_changes_total{change=\"up\"} %llu\n", (unsigned long long)SUM(layer_up));
  PUT("moa_media_layer_changes_total{change=\"down\"} %llu\n", (unsigned long long)SUM(layer_down));
  PUT("moa_media_layer_changes_total{change=\"paused\"} %llu\n", (unsigned long long)SUM(layer_paused));
  PUT("moa_media_layer_changes_total{change=\"resumed\"} %llu\n", (unsigned long long)SUM(layer_resumed));
  PUT("# HELP moa_media_paused_video Video consumers paused now by the allocator (bandwidth or hidden "
      "tile).\n"
      "# TYPE moa_media_paused_video gauge\nmoa_media_paused_video %llu\n",
      (unsigned long long)SUM(paused_video));
  PUT("# HELP moa_media_twcc_feedback_total Transport-cc feedback messages from subscribers, by result.\n"
      "# TYPE moa_media_twcc_feedback_total counter\n");
  PUT("moa_media_twcc_feedback_total{result=\"taken\"} %llu\n", (unsigned long long)SUM(twcc_feedback));
  PUT("moa_media_twcc_feedback_total{result=\"refused\"} %llu\n", (unsigned long long)SUM(twcc_refused));
  PUT("# HELP moa_media_rtx_over_budget_total NACKed packets not resent: the subscriber's retransmissions "
      "already took half its estimate.\n# TYPE moa_media_rtx_over_budget_total counter\n"
      "moa_media_rtx_over_budget_total %llu\n",
      (unsigned long long)SUM(rtx_over_budget));
  PUT("# HELP moa_media_nacks_unanswerable_total NACKed packets the server sent but could "
      "no longer resend (older than its buffer's second); each asks the publisher for a key frame, at most "
      "once a second per encoding.\n# TYPE moa_media_nacks_unanswerable_total counter\n"
      "moa_media_nacks_unanswerable_total %llu\n",
      (unsigned long long)SUM(nacks_unanswerable));
  PUT("# HELP moa_media_paced_packets_total Video packets toward constrained subscribers that waited in "
      "their pacer.\n# TYPE moa_media_paced_packets_total counter\nmoa_media_paced_packets_total %llu\n",
      (unsigned long long)SUM(paced_packets));
  PUT("# HELP moa_media_pacer_dropped_total Video packets refused because a subscriber's pacer queue was "
      "full.\n# TYPE moa_media_pacer_dropped_total counter\nmoa_media_pacer_dropped_total %llu\n",
      (unsigned long long)SUM(pacer_dropped));
  PUT("# HELP moa_media_probes_total Probe clusters sent to subscribers short of their estimate.\n"
      "# TYPE moa_media_probes_total counter\nmoa_media_probes_total %llu\n",
      (unsigned long long)SUM(probes_sent));
  PUT("# HELP moa_media_bandwidth_estimate_bps Estimates toward subscribers, one sample per allocation "
      "(every 100 ms per subscriber).\n# TYPE moa_media_bandwidth_estimate_bps histogram\n");
  uint64_t cum = 0;
  for (int b = 0; b < SUB_BWE_EST_NBUCKETS; b++) {
    cum += sum(m, offsetof(sfu_counters, est_bucket) + (size_t)b * sizeof(atomic_uint_fast64_t));
    if (b == SUB_BWE_EST_NBUCKETS - 1)
      PUT("moa_media_bandwidth_estimate_bps_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    else
      PUT("moa_media_bandwidth_estimate_bps_bucket{le=\"%llu\"} %llu\n",
          (unsigned long long)sub_bwe_bucket_bounds_kbps[b] * 1000ull, (unsigned long long)cum);
  }
  PUT("moa_media_bandwidth_estimate_bps_sum %llu\n", (unsigned long long)SUM(est_sum_kbps) * 1000ull);
  PUT("moa_media_bandwidth_estimate_bps_count %llu\n", (unsigned long long)SUM(est_count));
  PUT("# HELP moa_recording_active Recordings in progress on the media workers (started, not yet stopped).\n"
      "# TYPE moa_recording_active gauge\nmoa_recording_active %llu\n",
      (unsigned long long)SUM(rec.active));
  PUT("# HELP moa_recording_packets_total Records (RTP packets, sender reports, markers) written to "
      "recording spools.\n# TYPE moa_recording_packets_total counter\nmoa_recording_packets_total %llu\n",
      (unsigned long long)SUM(rec.packets));
  PUT("# HELP moa_recording_bytes_total Bytes written to recording spools.\n"
      "# TYPE moa_recording_bytes_total counter\nmoa_recording_bytes_total %llu\n",
      (unsigned long long)SUM(rec.bytes));
  PUT("# HELP moa_recording_dropped_total Records lost to recordings: the writer's queue was full, or a "
      "spool could not be created or written.\n# TYPE moa_recording_dropped_total counter\n"
      "moa_recording_dropped_total %llu\n",
      (unsigned long long)SUM(rec.dropped));
  return off < len ? off : len;
}

bool media_worker_stats(const media_system *m, int w, media_worker_counters *out) {
  if (w < 0 || w >= m->nworkers) return false;
  const sfu_counters *c = worker_counters(m->workers[w]);
#define LOAD(f) (uint64_t) atomic_load_explicit(&c->f, memory_order_relaxed)
  uint64_t dropped = 0;
  for (int r = 0; r < DROP_REASONS; r++) dropped += LOAD(dropped[r]);
  *out = (media_worker_counters){.rooms = LOAD(routers),
                                 .peers = LOAD(transports),
                                 .producers = LOAD(producers),
                                 .consumers = LOAD(consumers),
                                 .packets_in = LOAD(packets_in),
                                 .packets_out = LOAD(packets_out),
                                 .bytes_in = LOAD(bytes_in),
                                 .bytes_out = LOAD(bytes_out),
                                 .nacks_received = LOAD(nacks_received),
                                 .nacks_sent = LOAD(nacks_sent),
                                 .retransmitted = LOAD(retransmitted),
                                 .rtx_received = LOAD(rtx_received),
                                 .plis_sent = LOAD(plis_sent),
                                 .paced = LOAD(paced_packets),
                                 .pacer_dropped = LOAD(pacer_dropped),
                                 .dropped = dropped};
#undef LOAD
  return true;
}

/* ---- the rooms_media interface: each entry calls the function above of the same name ---- */

static int rm_post(void *m, int w, const media_cmd *cmd) { return media_post(m, w, cmd); }
static int rm_pick_worker(void *m) { return media_pick_worker(m); }
static void rm_room_added(void *m, int w) { media_room_added(m, w); }
static void rm_room_removed(void *m, int w) { media_room_removed(m, w); }
static bool rm_next_event(void *m, media_event *ev) { return media_next_event(m, ev); }
static const uint8_t *rm_fingerprint(void *m) { return media_fingerprint(m); }
static const char *rm_announce_ip(void *m) { return media_announce_ip(m); }
static int rm_worker_port(void *m, int w) { return media_worker_port(m, w); }
static int rm_worker_tcp_port(void *m, int w) { return media_worker_tcp_port(m, w); }
static bool rm_worker_stats(void *m, int w, media_worker_counters *out) {
  return media_worker_stats(m, w, out);
}
static size_t rm_metrics_render(void *m, char *buf, size_t len) { return media_metrics_render(m, buf, len); }

rooms_media media_interface(media_system *m) {
  return (rooms_media){.ctx = m,
                       .post = rm_post,
                       .pick_worker = rm_pick_worker,
                       .room_added = rm_room_added,
                       .room_removed = rm_room_removed,
                       .next_event = rm_next_event,
                       .fingerprint = rm_fingerprint,
                       .announce_ip = rm_announce_ip,
                       .worker_port = rm_worker_port,
                       .worker_tcp_port = rm_worker_tcp_port,
                       .worker_stats = rm_worker_stats,
                       .metrics_render = rm_metrics_render};
}
