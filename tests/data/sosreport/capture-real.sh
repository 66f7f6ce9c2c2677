#!/bin/sh
# Runs a real `sos report` (Debian package sosreport; root) on this machine
# with the plugins that hold what oomsift reads, and keeps a trimmed copy of
# the tree it builds here: the sos markers (version.txt, sos_logs/ui.log),
# the links at its root, and the files oomsift classifies, exactly as sos
# wrote them. The copy is named like the tree sos made
# (sosreport-HOST-YYYY-MM-DD-RANDOM).
# Usage: capture-real.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sos report --batch --build --quiet -o kernel,memory,host,date,logs --tmp-dir "$tmp" >/dev/null
tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'sosreport-*')
name=$(basename "$tree")
rm -rf "${here:?}/$name"
mkdir -p "$here/$name"
cd "$tree"
# cp -P keeps the root links (hostname -> sos_commands/host/hostname) as links
for f in version.txt environment hostname date free uptime \
	sos_logs/ui.log \
	sos_commands/date/date sos_commands/date/date_--utc \
	sos_commands/host/hostname sos_commands/host/hostname_-f sos_commands/host/uptime \
	sos_commands/kernel/sysctl_-a sos_commands/memory/free \
	sos_commands/logs/journalctl_--disk-usage \
	proc/meminfo proc/swaps etc/sysctl.conf; do
	if [ -e "$f" ] || [ -L "$f" ]; then
		mkdir -p "$here/$name/$(dirname "$f")"
		cp -P "$f" "$here/$name/$f"
	fi
done
echo "$here/$name"
