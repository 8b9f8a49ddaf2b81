#!/bin/sh
# Install the Debian packages finsync needs to build and test, if missing.
# Uses sudo when not root.  Needs the network only when something is missing.
# Extra package names on the command line are installed too, when missing
# (tests/e2e/t8000-history-html.sh: scripts/install-deps.sh chromium); with
# everything already there it touches neither apt nor the network.
set -eu
PKGS="gcc make pkg-config libcurl4-openssl-dev libjansson-dev libcsv-dev \
libsqlite3-dev zlib1g-dev libdeflate-dev libutf8proc-dev libmicrohttpd-dev nettle-dev libxlsxwriter-dev libzip-dev sqlite3 curl jq python3"
[ $# -gt 0 ] && PKGS="$PKGS $*"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >/dev/null
