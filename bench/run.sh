#!/bin/sh
# Runs every benchmark (`make bench` calls this after an optimized build):
#   - each executable BUILD_DIR/bench/bench_* (built by CMake from bench/bench_*.c), no arguments;
#   - each bench/bench_*.mjs with node, given the moa binary (BUILD_DIR/moa) and a freshly seeded
#     database (`moa db init --demo`); they start the server on 127.0.0.1 only.
# Each prints its figures under a heading. Exits non-zero if any benchmark fails.
#
# Usage: sh bench/run.sh BUILD_DIR
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: sh bench/run.sh BUILD_DIR   (e.g. build/bench, after an optimized build)" >&2
  exit 2
fi
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(cd "$1" && pwd)
MOA="$BUILD_DIR/moa"
if [ ! -x "$MOA" ]; then
  echo "bench/run.sh: $MOA not found; build first (make bench does)" >&2
  exit 2
fi

# Thousands of connections need file descriptors: raise the soft limit as far as the hard limit
# allows (servers started by the node benches inherit it).
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then
  for n in 1048576 262144 65536 32768 16384; do ulimit -n "$n" 2>/dev/null && break; done
else
  ulimit -n "$hard" 2>/dev/null || true
fi
echo "open files limit: $(ulimit -n)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/moa-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
SEED="$TMP/seed.db"
if ! "$MOA" db init --demo --db "$SEED" >"$TMP/seed.log" 2>&1; then
  echo "bench/run.sh: seeding the database failed:" >&2
  cat "$TMP/seed.log" >&2
  exit 1
fi

failed=""
ran=0

for b in "$BUILD_DIR"/bench/bench_*; do
  [ -f "$b" ] && [ -x "$b" ] || continue
  name=$(basename "$b")
  echo
  echo "== $name =="
  ran=$((ran + 1))
  if ! "$b"; then
    echo "!! $name failed" >&2
    failed="$failed $name"
  fi
done

for b in "$SRC_DIR"/bench/bench_*.mjs; do
  [ -f "$b" ] || continue
  name=$(basename "$b")
  echo
  echo "== $name =="
  ran=$((ran + 1))
  if ! command -v node >/dev/null 2>&1; then
    echo "!! $name: node not found (make bench installs it)" >&2
    failed="$failed $name"
    continue
  fi
  # node resolves the 'ws' package from the repository's node_modules (npm ci).
  if ! (cd "$SRC_DIR" && node "$b" "$MOA" "$SEED"); then
    echo "!! $name failed" >&2
    failed="$failed $name"
  fi
done

echo
if [ "$ran" -eq 0 ]; then
  echo "bench/run.sh: no benchmark found in $BUILD_DIR/bench or $SRC_DIR/bench" >&2
  exit 1
fi
if [ -n "$failed" ]; then
  echo "benchmarks failed:$failed" >&2
  exit 1
fi
echo "all $ran benchmarks passed"
