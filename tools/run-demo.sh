#!/bin/sh
# `make run`'s last step: Moa in the foreground and, unless TURN=0, Debian's coturn beside it in
# the background, on loopback only, stopped when Moa stops (Ctrl-C or otherwise).
#
#   sh tools/run-demo.sh MOA_BINARY LISTEN DB TURN TURN_PORT [MOA OPTIONS...]
#
# Options after the fifth argument go to Moa as they are (`make run ARGS='--media-ip ...'`).
# The TURN demo keeps its files in var/: a generated secret (turn-secret, mode 600), a
# self-signed certificate for 127.0.0.1 (turn-cert.pem, turn-key.pem), the turnserver.conf that
# `moa turn-config` writes from the same options Moa runs with, coturn's user database, log and
# pid file. Browsers on this machine reach media directly, so they do not need the relay; it is
# here to show the deployment of docs/OPERATIONS.md ("TURN over TLS (coturn)") working end to end.
#
# Moa's standard output passes through announce(), which adds, once the server listens (not
# before), the address to open and one line about the demo logins.
set -eu
MOA=$1 LISTEN=$2 DB=$3 TURN=$4 TURN_PORT=$5
shift 5
mkdir -p var
announce() {
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case $line in
      *" listening on "*)
        url=${line##* listening on }
        case $url in *://0.0.0.0:* | *://\[::\]:*) url=$(printf '%s' "$url" | sed 's#//[^/]*:#//127.0.0.1:#') ;; esac
        echo "Moa is ready: open $url in a browser. It runs in the foreground; Ctrl-C stops it."
        echo "Demo logins: admin@moa.example, coord01@moa.example, member01a@moa.example ... (README.md lists them), password moa-demo-2025"
        ;;
    esac
  done
}
if [ "$TURN" = 0 ]; then
  "$MOA" --listen "$LISTEN" --db "$DB" --static web-static "$@" | announce
  exit 0
fi
if ! command -v turnserver >/dev/null 2>&1; then
  echo "coturn is not installed (make run installs it; TURN=0 leaves it out)" >&2
  exit 1
fi
if [ ! -s var/turn-secret ]; then
  (umask 077 && openssl rand -hex 32 > var/turn-secret)
fi
if [ ! -s var/turn-cert.pem ] || [ ! -s var/turn-key.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj /CN=moa-demo-turn \
    -addext subjectAltName=IP:127.0.0.1 -keyout var/turn-key.pem -out var/turn-cert.pem 2>/dev/null
  chmod 600 var/turn-key.pem
fi
TURN_URL="turns:127.0.0.1:$TURN_PORT?transport=tcp"
"$MOA" turn-config --turn-url "$TURN_URL" --turn-secret-file var/turn-secret --turn-listen "127.0.0.1:$TURN_PORT" \
  --turn-cert var/turn-cert.pem --turn-key var/turn-key.pem --media-ip 127.0.0.1 > var/turnserver.conf
chmod 600 var/turnserver.conf
turnserver -c var/turnserver.conf --db var/turndb --log-file var/turnserver.log --simple-log \
  --pidfile var/turnserver.pid --no-stdout-log 2>>var/turnserver.log &
TURN_PID=$!
trap 'kill "$TURN_PID" 2>/dev/null || true; wait "$TURN_PID" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sleep 1
if kill -0 "$TURN_PID" 2>/dev/null; then
  echo "coturn: TURN over TLS on 127.0.0.1:$TURN_PORT (log var/turnserver.log; TURN=0 leaves it out)"
else
  echo "coturn did not start (see var/turnserver.log); Moa runs without it" >&2
fi
"$MOA" --listen "$LISTEN" --db "$DB" --static web-static --turn-url "$TURN_URL" --turn-secret-file var/turn-secret "$@" | announce
