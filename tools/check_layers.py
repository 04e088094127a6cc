#!/usr/bin/env python3
"""Checks that Moa's parts include each other one way only (issue 16, docs/ARCHITECTURE.md).

Reads every `#include` of the *.c and *.h files under base/ storage/ gateway/ rooms/ signaling/
and fails, naming file:line and the rule, when a file includes a header of a part above it.
The parts, bottom up (a file may include its own part and the parts below it, never a part
beside or above it):

  base  <  codecs (gateway/rtc/), storage  <  rooms  <  signaling  <  gateway (the rest)
        <  gateway/main.c

and three rules of their own:
  - no header under storage/ includes <jansson.h> (storage speaks C structs, not JSON);
  - no file under rooms/ includes anything from signaling/ (the part order says so too);
  - gateway/rtc/ and storage/ include nothing from gateway/ (outside base/, also the order);
  - gateway/rtc/ and storage/ do not include base/log.h: they report errors to their caller.
  - a private header (`*_int.h`: a struct's body, e.g. signaling/session_int.h) is included only
    from its own part; the parts above it see the public header's opaque type.

Tolerated violations are listed in tools/layers_allow.txt, one `file -> header` per line (the
header as written in the #include; `#` starts a comment). A listed violation is not reported;
a listed line that no longer occurs is an error, so the list can only shrink.

Usage: check_layers.py [ROOT]   (ROOT: the source tree, default: the parent of tools/)
Exit status 0 when clean, 1 when a rule is broken or the allow list is stale, 2 on usage errors.
"""
import os
import re
import sys

PARTS_DIRS = ("base", "storage", "gateway", "rooms", "signaling")
# (name, rank); parts of the same rank are peers and may not include each other.
RANKS = {"base": 0, "codecs": 1, "storage": 1, "rooms": 2, "signaling": 3, "gateway": 4, "main": 5}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def part_of(path):
    """The part a repository path belongs to, or None for a path outside the parts."""
    if path == "gateway/main.c":
        return "main"
    if path.startswith("gateway/rtc/"):
        return "codecs"
    top = path.split("/", 1)[0]
    return top if top in PARTS_DIRS and "/" in path else None


def violations(root):
    """Yields (file, line, header, rule) for every broken rule under root."""
    for top in PARTS_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in ("build", "node_modules"))
            for name in sorted(filenames):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
                yield from file_violations(root, path)


def file_violations(root, path):
    me = part_of(path)
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for lineno, text in enumerate(f, 1):
            m = INCLUDE_RE.match(text)
            if not m:
                continue
            kind, header = m.group(1), m.group(2)
            if kind == "<":
                if header == "jansson.h" and path.startswith("storage/") and path.endswith(".h"):
                    yield path, lineno, header, "a storage/ header includes <jansson.h> (storage speaks C)"
                continue
            if header == "base/log.h" and me in ("codecs", "storage"):
                yield path, lineno, header, "%s logs (it reports errors to its caller)" % part_dir(me)
                continue
            other = part_of(header)
            if other is not None and other != me and header.endswith("_int.h"):
                yield path, lineno, header, "%s includes %s, a private header of %s" % (
                    part_dir(me), header, part_dir(other))
                continue
            if other is None or other == me:
                continue
            if me == "rooms" and other == "signaling":
                rule = "rooms/ includes signaling/ (rooms report through listeners)"
            elif me in ("codecs", "storage") and other in ("gateway", "main"):
                rule = "%s includes gateway/ (only base/ lies below it)" % part_dir(me)
            elif RANKS[other] > RANKS[me]:
                rule = "%s includes %s, a part above it" % (part_dir(me), part_dir(other))
            elif RANKS[other] == RANKS[me]:
                rule = "%s includes %s, a part beside it" % (part_dir(me), part_dir(other))
            else:
                continue
            yield path, lineno, header, rule


def part_dir(part):
    return {"codecs": "gateway/rtc/", "main": "gateway/main.c", "gateway": "gateway/"}.get(part, part + "/")


def read_allow(path):
    """{(file, header): allow-list line number}; raises ValueError on a malformed line."""
    allow = {}
    if not os.path.exists(path):
        return allow
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            text = text.split("#", 1)[0].strip()
            if not text:
                continue
            if "->" not in text:
                raise ValueError("%s:%d: expected `file -> header`" % (path, lineno))
            src, hdr = (s.strip() for s in text.split("->", 1))
            allow[(src, hdr)] = lineno
    return allow


def main(argv):
    if len(argv) > 2:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    allow_path = os.path.join(root, "tools", "layers_allow.txt")
    try:
        allow = read_allow(allow_path)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    failed = False
    seen = set()
    for path, lineno, header, rule in violations(root):
        if (path, header) in allow:
            seen.add((path, header))
            continue
        print("%s:%d: #include %s: %s" % (path, lineno, header, rule))
        failed = True
    for (src, hdr), lineno in sorted(allow.items(), key=lambda kv: kv[1]):
        if (src, hdr) not in seen:
            print("tools/layers_allow.txt:%d: `%s -> %s` no longer occurs: remove the line" % (lineno, src, hdr))
            failed = True
    if failed:
        print("check_layers: FAILED (the parts, bottom up: base < gateway/rtc, storage < rooms < signaling"
              " < gateway < gateway/main.c)")
        return 1
    if allow:
        print("check_layers: OK (%d tolerated violations listed in tools/layers_allow.txt)" % len(allow))
    else:
        print("check_layers: OK (no violation, none tolerated)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
