#!/bin/sh
# Runs every libFuzzer target built in BUILD (tests/fuzz/fuzz_<name>, see tests/fuzz/CMakeLists.txt)
# for SECONDS each, JOBS targets at a time, and prints the executions of each. `make fuzz` calls it:
#
#   sh tests/fuzz/run.sh BUILD SECONDS [JOBS] [NAME...]
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<name>, read only) and from what earlier
# runs found (BUILD/corpus/<name>, the scratch directory where new inputs are kept; delete it to
# start over). An input that crashes a target, leaks, runs out of memory or takes over 10 s is saved
# to tests/fuzz/crashes/<name>/ (crash-<sha1>, leak-..., oom-..., timeout-...) and the run fails:
# fix the bug, keep the file (ctest replays it from then on, fuzz_replay_<name>) and add a unit
# test. The log of each target is BUILD/fuzz-<name>.log. Exit status: 0 when no target failed.
set -u
if [ "${1:-}" = "--one" ]; then
  build=$2 seconds=$3 name=$4
  src=$(cd "$(dirname "$0")" && pwd)
  mkdir -p "$build/corpus/$name" "$src/crashes/$name"
  log="$build/fuzz-$name.log"
  nice -n 10 "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$src/crashes/$name/" "$build/corpus/$name" "$src/corpus/$name" \
    >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" = 0 ]; then status=ok; else status="FAILED (exit $rc, see $log)"; fi
  printf '%-10s %14s execs %9s/s  cov %6s  corpus %6s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "$(ls "$build/corpus/$name" | wc -l)" "$status"
  [ "$rc" = 0 ]
  exit $?
fi

build=${1:?usage: run.sh BUILD SECONDS [JOBS] [NAME...]}
seconds=${2:?usage: run.sh BUILD SECONDS [JOBS] [NAME...]}
jobs=${3:-1}
[ $# -ge 3 ] && shift 3 || shift $#
names=" $*"
if [ -z "$*" ]; then
  names=""
  for f in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$f" ] && names="$names ${f##*/fuzz_}"
  done
fi
[ -n "$names" ] || { echo "no fuzz targets in $build/tests/fuzz (run make fuzz)" >&2; exit 1; }
echo "fuzzing$names for $seconds s each, $jobs at a time"
failed=0
printf '%s\n' $names | xargs -P "$jobs" -I{} sh "$0" --one "$build" "$seconds" {} || failed=1
if [ "$failed" != 0 ]; then
  echo "a target failed: its input is in tests/fuzz/crashes/<name>/ (see docs/FUZZING.md)" >&2
  exit 1
fi
