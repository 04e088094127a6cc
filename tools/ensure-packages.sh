#!/bin/sh
# Installs the Debian packages named as arguments when any is missing. As root it runs apt-get
# (updating the package lists first, which a fresh machine lacks); otherwise it prints the exact
# command to run and fails, so nothing is half-installed.
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
command -v node >/dev/null 2>&1 && missing=$(echo " $missing " | sed 's/ nodejs / /; s/ npm / /')
missing=$(echo $missing)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "apt-get install failed for: $missing" >&2; exit 1; }
else
  echo "Missing Debian packages. Run this, then repeat the make command:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
  exit 1
fi
