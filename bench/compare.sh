#!/bin/sh
# Measures the working tree against a baseline commit in the same run: builds BASE (a git
# worktree under $TMPDIR, Release, with this tree's bench/ sources so both sides run the same
# benchmark code) and this tree (build/bench), seeds one demo database, then alternates
# bench_chat (1,000 members) and bench_directory (demo and 100,000 organizations) between the
# two for ROUNDS rounds. Figures go to stdout; docs/BENCHMARKS.md records them.
#
# Usage: sh bench/compare.sh BASE_COMMIT [ROUNDS]     (e.g. sh bench/compare.sh HEAD~1 3)
set -eu
if [ $# -lt 1 ]; then
  echo "usage: sh bench/compare.sh BASE_COMMIT [ROUNDS]" >&2
  exit 2
fi
BASE=$1
ROUNDS=${2:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/moa-compare.XXXXXX")
cleanup() { git -C "$SRC" worktree remove --force "$TMP/base" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

git -C "$SRC" worktree add --detach "$TMP/base" "$BASE" >/dev/null
rm -rf "$TMP/base/bench" && cp -R "$SRC/bench" "$TMP/base/bench"
echo "building $BASE and the working tree (Release)"
cmake -S "$TMP/base" -B "$TMP/base/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$TMP/base/build" -j2 --target moa bench_seed_users bench_directory >/dev/null
cmake -S "$SRC" -B "$SRC/build/bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$SRC/build/bench" -j2 --target moa bench_seed_users bench_directory >/dev/null
# seeded by the baseline: the working tree migrates its copies forward (the reverse is refused)
"$TMP/base/build/moa" db init --demo --db "$TMP/seed.db" >/dev/null 2>&1

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 65536 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi

cd "$SRC"
for r in $(seq 1 "$ROUNDS"); do
  echo "=== round $r $(date -u +%T) UTC, load $(cut -d' ' -f1 /proc/loadavg)"
  for side in base new; do
    if [ "$side" = base ]; then dir="$TMP/base/build"; label="$BASE"; else dir="$SRC/build/bench"; label="working tree"; fi
    echo "--- chat, $label"
    MEMBERS=1000 SENDERS=200 MSGS=10 node bench/bench_chat.mjs "$dir/moa" "$TMP/seed.db" >"$TMP/chat.log" 2>&1 || { cat "$TMP/chat.log"; exit 1; }
    grep -E "stored|delivered|CPU" "$TMP/chat.log"
  done
  for side in base new; do
    if [ "$side" = base ]; then dir="$TMP/base/build"; label="$BASE"; else dir="$SRC/build/bench"; label="working tree"; fi
    echo "--- directory, $label"
    "$dir/bench/bench_directory" "$TMP/seed.db" 2>&1 | grep -v "database migrated"
  done
done
