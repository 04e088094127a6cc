#!/bin/sh
# Proves that the two lint checks can fail (ctest lint_checks_fail): in a temporary copy of the
# tree's sources (never in the tree itself), the copy first passes both checks, then each of
# these breaks exactly one check, which must exit 1 and name the file and line (or the stale
# allow-list line):
#   - storage/db.c includes signaling/hub.h (a part above it);
#   - rooms/pacer.c includes signaling/hub.h (rooms/ includes signaling/);
#   - a storage/ header that is not on the allow list includes <jansson.h>;
#   - a codec (gateway/rtc/rtp.c) includes base/log.h;
#   - gateway/ws_batch.c includes signaling/session_int.h (a private header of another part);
#   - an allow-listed include is removed (tools/layers_allow.txt is stale);
#   - base/log.c gets a misformatted line;
#   - an allow-listed file of tools/format_allow.txt is formatted (the list is stale).
# Usage: check_lint_fail.sh [ROOT]   (default: the parent of tools/). Exit 0 when every case
# behaved, 1 otherwise.
set -u
root=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/moa-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
# Only the sources the checks read: *.c, *.h, the scripts, their lists and .clang-format.
(cd "$root" && find base storage gateway rooms signaling tests bench tools \
  \( -name build -o -name node_modules \) -prune -o -type f \
  \( -name '*.c' -o -name '*.h' -o -name '*.py' -o -name '*.sh' -o -name '*_allow.txt' \) -print |
  tar -cf - -T - .clang-format) | (cd "$tmp" && tar -xf -) || exit 2

bad=0
layers() { python3 "$tmp/tools/check_layers.py" "$tmp" >"$tmp/out" 2>&1; }
format() { sh "$tmp/tools/check_format.sh" "$tmp" >"$tmp/out" 2>&1; }
# expect WHAT RC PATTERN CHECK: CHECK must exit RC and (if PATTERN) print a line matching PATTERN.
expect() {
  what=$1 rc=$2 pattern=$3
  shift 3
  "$@"
  got=$?
  if [ "$got" -ne "$rc" ] || { [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/out"; }; then
    echo "FAIL: $what: exit $got (want $rc), output:"
    sed 's/^/  | /' "$tmp/out"
    bad=1
  else
    echo "ok: $what${pattern:+: $(grep -m1 -- "$pattern" "$tmp/out")}"
  fi
}
# edit FILE SED-SCRIPT: edits the copy's FILE in place (saved first, put back by restore).
edit() {
  cp "$tmp/$1" "$tmp/$1.orig" && sed -i "$2" "$tmp/$1"
}
restore() { mv "$tmp/$1.orig" "$tmp/$1"; }

expect "the unchanged copy passes the layer check" 0 "check_layers: OK" layers
expect "the unchanged copy passes the format check" 0 "check_format: OK" format

line=$(grep -n '^#include "' "$tmp/storage/db.c" | head -n 1 | cut -d: -f1)
edit storage/db.c "${line}a #include \"signaling/hub.h\""
expect "storage/db.c includes signaling/hub.h" 1 \
  "^storage/db.c:$((line + 1)): #include signaling/hub.h: storage/ includes signaling/, a part above it" layers
restore storage/db.c

edit rooms/pacer.c '1i #include "signaling/hub.h"'
expect "rooms/pacer.c includes signaling/hub.h" 1 \
  "^rooms/pacer.c:1: #include signaling/hub.h: rooms/ includes signaling/" layers
restore rooms/pacer.c

edit storage/store_status.h '1i #include <jansson.h>'
expect "storage/store_status.h includes jansson" 1 \
  "^storage/store_status.h:1: #include jansson.h: a storage/ header includes <jansson.h>" layers
restore storage/store_status.h

edit gateway/rtc/rtp.c '1i #include "base/log.h"'
expect "gateway/rtc/rtp.c includes base/log.h" 1 \
  "^gateway/rtc/rtp.c:1: #include base/log.h: gateway/rtc/ logs (it reports errors to its caller)" layers
restore gateway/rtc/rtp.c

edit gateway/ws_batch.c '1i #include "signaling/session_int.h"'
expect "gateway/ws_batch.c includes signaling/session_int.h" 1 \
  "^gateway/ws_batch.c:1: #include signaling/session_int.h: gateway/ includes signaling/session_int.h, a private header of signaling/" layers
restore gateway/ws_batch.c

allowed=$(sed 's/#.*//; /->/!d' "$tmp/tools/layers_allow.txt" | head -n 1)
if [ -n "$allowed" ]; then
  file=$(echo "$allowed" | sed 's/ *->.*//') hdr=$(echo "$allowed" | sed 's/.*-> *//')
  edit "$file" "\\|#include [<\"]$hdr[>\"]|d"
  expect "a tolerated include is gone, its allow-list line stays" 1 "no longer occurs: remove the line" layers
  restore "$file"
else
  echo "ok: tools/layers_allow.txt is empty (no stale-line case to try)"
fi

edit base/log.c '$a static   int   misformatted( void ){return 1;}'
n=$(wc -l <"$tmp/base/log.c")
expect "base/log.c has a misformatted line" 1 "^base/log.c:$n:[0-9]*: error: code should be clang-formatted" format
restore base/log.c

listed=$(sed 's/#.*//; /^[[:space:]]*$/d' "$tmp/tools/format_allow.txt" | head -n 1)
if [ -n "$listed" ]; then
  cp "$tmp/$listed" "$tmp/$listed.orig" && ${CLANG_FORMAT:-clang-format} -i "$tmp/$listed"
  expect "a tolerated file is formatted, its allow-list line stays" 1 "$listed is formatted now" format
  restore "$listed"
else
  echo "ok: tools/format_allow.txt is empty (no stale-line case to try)"
fi

expect "the restored copy passes the layer check again" 0 "check_layers: OK" layers
[ "$bad" -eq 0 ] && echo "check_lint_fail: OK" || echo "check_lint_fail: FAILED"
exit "$bad"
