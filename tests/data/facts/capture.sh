#!/bin/sh
# Captures this machine's host facts as the files `oomsift ingest --facts`
# reads, into the directory of this script:
#   NAME.sysctl   `sysctl -a`, its complaints included (sos keeps stderr too)
#   NAME.meminfo  /proc/meminfo
#   NAME.swaps    /proc/swaps
# With --swapfile (needs root) a 16 MiB swap file is switched on for the
# capture, so that /proc/swaps lists a device and SwapTotal counts it; it is
# switched off and removed afterwards.
# Usage: capture.sh [--swapfile] NAME
set -eu
swapfile=""
if [ "${1:-}" = "--swapfile" ]; then
	swapfile=$(mktemp /var/tmp/oomsift-swap.XXXXXX)
	shift
fi
name=${1:?usage: capture.sh [--swapfile] NAME}
out=$(dirname "$0")

cleanup() {
	if [ -n "$swapfile" ]; then
		swapoff "$swapfile" 2>/dev/null || true
		rm -f "$swapfile"
	fi
}
trap cleanup EXIT

if [ -n "$swapfile" ]; then
	dd if=/dev/zero of="$swapfile" bs=1M count=16 status=none
	chmod 600 "$swapfile"
	mkswap "$swapfile" >/dev/null
	swapon "$swapfile"
fi
sysctl -a >"$out/$name.sysctl" 2>&1
cat /proc/meminfo >"$out/$name.meminfo"
cat /proc/swaps >"$out/$name.swaps"
