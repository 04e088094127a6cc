#!/bin/sh
# Measures the working tree against a baseline commit in the same run: builds BASE (a git
# worktree under $TMPDIR, Release, with this tree's bench/ sources so both sides run the same
# benchmark code) and this tree (build/bench), seeds one demo database, then alternates
# bench_chat (1,000 members), bench_signaling's request phase (consortium.get and system.ping
# pipelined, with the server CPU per request) and bench_directory (demo and 100,000
# organizations) between the two for ROUNDS rounds, and ends with the medians of the chat CPU per
# message and of the consortium.get figures. Figures go to stdout; docs/BENCHMARKS.md records them.
#
# With `forward` as third argument it alternates bench_forward instead, three runs per round:
# BASE with a single-encoding publisher, the working tree with a single-encoding publisher, and
# the working tree with a simulcast (q/h/f) publisher (FWD_SIMULCAST=1), each with FWD_SUBS UDP
# subscribers (default 50) plus FWD_TCP_SUBS over ICE-TCP (default 10), FWD_ROUNDS (3) x 2 s, and
# prints each run's server CPU per forwarded packet at the full subscriber count, then the
# medians and the ratios simulcast / single-encoding (issue 11 asks <= 1.1x against BASE).
# Each run also measures the bare forwarding floor (bench_forward's FWD_BARE, bare_forward) at
# the same N: its medians and moa / bare per side are printed too (issue 13: with GCM at most
# 1.3x), and the p99 added latency per side. FWD_CM=1 adds two runs per round with the peers
# offering only AES_CM_128_HMAC_SHA1_80 (BASE and the working tree, one encoding).
#
# Env BENCH_CFLAGS: extra C flags for both builds (e.g. -Wno-error=maybe-uninitialized when a
# baseline does not build at -O2 with -Werror).
#
# Usage: sh bench/compare.sh BASE_COMMIT [ROUNDS] [forward]   (e.g. sh bench/compare.sh HEAD~1 3)
set -eu
if [ $# -lt 1 ]; then
  echo "usage: sh bench/compare.sh BASE_COMMIT [ROUNDS] [forward]" >&2
  exit 2
fi
BASE=$1
ROUNDS=${2:-3}
MODE=${3:-chat}
case $MODE in chat | forward) ;; *) echo "compare.sh: unknown mode '$MODE' (forward, or none)" >&2; exit 2 ;; esac
if [ "$MODE" = forward ]; then TARGETS="moa bench_seed_users bench_srtp forward_peers bare_forward"; else TARGETS="moa bench_seed_users bench_directory"; fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/moa-compare.XXXXXX")
cleanup() { git -C "$SRC" worktree remove --force "$TMP/base" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

git -C "$SRC" worktree add --detach "$TMP/base" "$BASE" >/dev/null
rm -rf "$TMP/base/bench" && cp -R "$SRC/bench" "$TMP/base/bench"
echo "building $BASE and the working tree (Release)"
cmake -S "$TMP/base" -B "$TMP/base/build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=${BENCH_CFLAGS:-}" >/dev/null
# The C benchmarks and helpers call Moa's internal API, which a refactor changes (base/, stores
# that speak C): when this tree's do not build against BASE, BASE builds its own bench/*.c (the
# node load generators and these scripts stay this tree's), and the run says so.
if ! cmake --build "$TMP/base/build" -j2 --target $TARGETS >"$TMP/base-build.log" 2>&1; then
  echo "note: this tree's bench/*.c do not build against $BASE; $BASE's own bench/*.c are used there"
  git -C "$TMP/base" checkout -q -- 'bench/*.c' bench/CMakeLists.txt
  cmake --build "$TMP/base/build" -j2 --target $TARGETS >"$TMP/base-build.log" 2>&1 || { cat "$TMP/base-build.log"; exit 1; }
fi
cmake -S "$SRC" -B "$SRC/build/bench" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=${BENCH_CFLAGS:-}" >/dev/null
cmake --build "$SRC/build/bench" -j2 --target $TARGETS >/dev/null
# seeded by the baseline: the working tree migrates its copies forward (the reverse is refused)
"$TMP/base/build/moa" db init --demo --db "$TMP/seed.db" >/dev/null 2>&1

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 65536 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi

cd "$SRC"
if [ "$MODE" = forward ]; then
  : "${FWD_SUBS:=50}" "${FWD_TCP_SUBS:=10}" "${FWD_ROUNDS:=3}"
  export FWD_SUBS FWD_TCP_SUBS FWD_ROUNDS
  : >"$TMP/fwd.tsv"
  SIDES="base-single new-single new-simulcast"
  [ "${FWD_CM:-0}" = 1 ] && SIDES="$SIDES base-single-cm new-single-cm"
  for r in $(seq 1 "$ROUNDS"); do
    echo "=== round $r $(date -u +%T) UTC, load $(cut -d' ' -f1 /proc/loadavg)"
    for side in $SIDES; do
      case $side in
      base-*) dir="$TMP/base/build"; label="$BASE" ;;
      *) dir="$SRC/build/bench"; label="working tree" ;;
      esac
      case $side in *simulcast) sim=1 ;; *) sim=0 ;; esac
      case $side in *-cm) prof=SRTP_AES128_CM_SHA1_80 ;; *) prof= ;; esac
      echo "--- forward, $label, $([ $sim = 1 ] && echo 'simulcast q/h/f' || echo 'one encoding')${prof:+, $prof}"
      env FWD_SIMULCAST=$sim ${prof:+FWD_SRTP_PROFILE=$prof} node bench/bench_forward.mjs "$dir/moa" "$TMP/seed.db" >"$TMP/fwd.log" 2>&1 || { cat "$TMP/fwd.log"; exit 1; }
      # the first table's last row: every subscriber (UDP and ICE-TCP) joined
      row=$(awk '/^subscribers /{if (done) exit; t=1; next} t && NF==8 {last=$0} t && NF!=8 {t=0; done=1} END {print last}' "$TMP/fwd.log")
      echo "subscribers  fwd pkt/s  CPU µs/pkt  CPU/SRTP  loss %  p50 ms  p99 ms  max ms"
      echo "$row"
      grep -E "^ +[0-9+a-z]+ subs:" "$TMP/fwd.log" | tail -1
      # the bare floor's last UDP level: subscribers, moa, bare, moa/bare, bare+SRTP, ...
      bare=$(awk '/^bare forwarding floor/{t=1; next} t && /^subscribers /{next} t && /^[0-9]/ {last=$0} t && !/^[0-9]/ {t=0} END {print last}' "$TMP/fwd.log")
      [ -n "$bare" ] && echo "bare floor: $bare"
      echo "$side $(echo "$row" | awk '{print $3, $7}') $(echo "$bare" | awk '{print $3, $5}')" >>"$TMP/fwd.tsv"
    done
  done
  echo "=== server CPU µs per forwarded packet, median of $ROUNDS runs each ($FWD_SUBS UDP + $FWD_TCP_SUBS ICE-TCP subscribers)"
  awk 'function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { v[$1] = v[$1] " " $2; p[$1] = p[$1] " " $3; b[$1] = b[$1] " " $4; bs[$1] = bs[$1] " " $5; if (!($1 in seen)) { seen[$1] = 1; order[++nk] = $1 } }
    END {
    for (i = 1; i <= nk; i++) { k = order[i]; m[k] = med(v[k]); printf "%-16s %6.2f   (runs:%s)   p99 ms %s (runs:%s)", k, m[k], v[k], med(p[k]), p[k]
      if (b[k] ~ /[0-9]/) printf "   bare %.2f, bare+SRTP %.2f: moa/bare %.2fx, moa/(bare+SRTP) %.2fx", med(b[k]), med(bs[k]), m[k] / med(b[k]), m[k] / med(bs[k])
      printf "\n" }
    printf "simulcast / %s single-encoding: %.2fx\n", base, m["new-simulcast"] / m["base-single"]
    printf "simulcast / working tree single-encoding: %.2fx\n", m["new-simulcast"] / m["new-single"]
    printf "working tree / %s, single encoding: %.2fx\n", base, m["new-single"] / m["base-single"]
    if ("new-single-cm" in m) printf "working tree / %s, single encoding, AES_CM_128_HMAC_SHA1_80: %.2fx\n", base, m["new-single-cm"] / m["base-single-cm"]
  }' base="$BASE" "$TMP/fwd.tsv"
  exit 0
fi
for r in $(seq 1 "$ROUNDS"); do
  echo "=== round $r $(date -u +%T) UTC, load $(cut -d' ' -f1 /proc/loadavg)"
  for side in base new; do
    if [ "$side" = base ]; then dir="$TMP/base/build"; label="$BASE"; else dir="$SRC/build/bench"; label="working tree"; fi
    echo "--- chat, $label"
    MEMBERS=1000 SENDERS=200 MSGS=10 node bench/bench_chat.mjs "$dir/moa" "$TMP/seed.db" >"$TMP/chat.log" 2>&1 || { cat "$TMP/chat.log"; exit 1; }
    grep -E "stored|delivered|CPU" "$TMP/chat.log"
    echo "$side chat $(sed -n 's/.* s, \([0-9]*\) µs per message.*/\1/p' "$TMP/chat.log")" >>"$TMP/sum.tsv"
  done
  for side in base new; do
    if [ "$side" = base ]; then dir="$TMP/base/build"; label="$BASE"; else dir="$SRC/build/bench"; label="working tree"; fi
    echo "--- requests, $label"
    BENCH_PHASES=requests node bench/bench_signaling.mjs "$dir/moa" "$TMP/seed.db" >"$TMP/req.log" 2>&1 || { cat "$TMP/req.log"; exit 1; }
    grep -E "^(system.ping|consortium.get)" "$TMP/req.log"
    awk -v s="$side" '/^consortium.get req\/s/ { print s, "get_rate", $3; for (i = 1; i <= NF; i++) if ($i == "us/req") print s, "get_cpu", $(i - 1) }' "$TMP/req.log" >>"$TMP/sum.tsv"
  done
  for side in base new; do
    if [ "$side" = base ]; then dir="$TMP/base/build"; label="$BASE"; else dir="$SRC/build/bench"; label="working tree"; fi
    echo "--- directory, $label"
    "$dir/bench/bench_directory" "$TMP/seed.db" 2>&1 | grep -v "database migrated"
  done
done
echo "=== medians of $ROUNDS rounds: $BASE -> working tree"
awk 'function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { v[$1 " " $2] = v[$1 " " $2] " " $3 }
  END {
    printf "chat, server CPU µs per message fanned out to 999: %s -> %s  (%.2fx less; runs:%s ->%s)\n", med(v["base chat"]), med(v["new chat"]), med(v["base chat"]) / med(v["new chat"]), v["base chat"], v["new chat"]
    printf "consortium.get req/s: %s -> %s  (x%.2f; runs:%s ->%s)\n", med(v["base get_rate"]), med(v["new get_rate"]), med(v["new get_rate"]) / med(v["base get_rate"]), v["base get_rate"], v["new get_rate"]
    printf "consortium.get server CPU µs/req: %s -> %s  (x%.2f)\n", med(v["base get_cpu"]), med(v["new get_cpu"]), med(v["new get_cpu"]) / med(v["base get_cpu"])
  }' "$TMP/sum.tsv"
