#!/bin/sh
# Loads the sample support-programme feeds (data/programmes, made by tools/gen_programmes.py) into
# the demo database: the latest snapshot of each source, so that `make run` again changes nothing
# (a file equal to its source's last import is skipped). Usage: load-programmes.sh MOA_BIN DB
set -e
moa=$1
db=$2
dir=$(dirname "$0")/../data/programmes
"$moa" programme import --db "$db" --source bizinfo --format bizinfo_json "$dir/bizinfo-2026-11-30.json" 2>/dev/null
"$moa" programme import --db "$db" --source kstartup --format kstartup "$dir/kstartup-2026-11-23.json" 2>/dev/null
"$moa" programme import --db "$db" --source smes24 --format smes24 "$dir/smes24-2026-11-23.json" 2>/dev/null
"$moa" programme import --db "$db" --source local --format csv "$dir/agencies-local-2026-11-23.csv" 2>/dev/null
