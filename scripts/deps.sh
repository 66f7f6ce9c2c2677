#!/bin/sh
# Installs the Debian packages oomsift needs to build and test (chromium:
# the HTML report is checked in headless Chromium, tests/e2e/report_html.sh;
# clang: `make fuzz`, whose libFuzzer ships in Debian 12's clang-14).
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

packages="build-essential cmake pkg-config libpcre2-dev libsqlite3-dev libyaml-dev
libcmocka-dev libxxhash-dev libarchive-dev libjansson-dev libsystemd-dev
jq sqlite3 gzip xz-utils zstd bzip2 tar python3 systemd-journal-remote groff-base
chromium clang"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "oomsift: missing Debian packages:$missing" >&2
	echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "oomsift: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
