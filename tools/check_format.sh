#!/bin/sh
# Checks that every *.c and *.h of the tree (base/ storage/ gateway/ rooms/ signaling/ tests/
# bench/ tools/; not build/ or node_modules/) is formatted as the root .clang-format says:
# `clang-format --dry-run -Werror` on each, which names file:line of the first difference.
#
# Files not yet formatted are listed in tools/format_allow.txt (one path a line, `#` starts a
# comment) and are not checked; a listed file that is formatted, or no longer exists, is an
# error, so the list can only shrink (it is emptied once the tree is formatted).
#
# Usage: check_format.sh [ROOT]   (default: the parent of tools/). CLANG_FORMAT names the binary.
# Exit status 0 when every checked file is formatted and the list is current, 1 otherwise.
set -u
root=${1:-$(dirname "$0")/..}
cf=${CLANG_FORMAT:-clang-format}
cd "$root" || exit 2
command -v "$cf" >/dev/null 2>&1 || {
  echo "check_format: $cf not found" >&2
  exit 2
}
allow=tools/format_allow.txt
allowed() { [ -f "$allow" ] && sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$allow" | grep -qxF "$1"; }

files=$(find base storage gateway rooms signaling tests bench tools \
  \( -name build -o -name node_modules \) -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print 2>/dev/null |
  sort)
# One clang-format run over every file; it names each difference as FILE:LINE:COL: error: ...
report=$("$cf" --dry-run -Werror $files 2>&1)
differ=$(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
failed=0 checked=0 skipped=0
for f in $files; do
  d=0
  printf '%s\n' "$differ" | grep -qxF "$f" && d=1
  if allowed "$f"; then
    if [ "$d" -eq 0 ]; then
      echo "$allow: $f is formatted now: remove its line"
      failed=1
    fi
    skipped=$((skipped + 1))
    continue
  fi
  checked=$((checked + 1))
  if [ "$d" -eq 1 ]; then
    printf '%s\n' "$report" | grep -F -A2 -m1 "$f:" # FILE:LINE:COL: error: code should be clang-formatted
    failed=1
  fi
done
if [ -f "$allow" ]; then
  for f in $(sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$allow"); do
    [ -f "$f" ] || {
      echo "$allow: $f does not exist: remove its line"
      failed=1
    }
  done
fi
if [ "$failed" -ne 0 ]; then
  echo "check_format: FAILED (clang-format -i FILE formats a file)"
  exit 1
fi
if [ "$skipped" -eq 0 ]; then
  echo "check_format: OK ($checked files formatted)"
else
  echo "check_format: OK ($checked files formatted; $skipped listed in $allow not checked)"
fi
