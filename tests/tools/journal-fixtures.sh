#!/bin/sh
# Regenerates tests/data/journal/: real journalctl output of the same kernel
# messages in every output mode oomsift reads. The expected events
# (NAME.expected.json) are written by hand and do not change with a rerun.
#
# tests/tools/scenarios/arch01.dmesg (two boots of one host, the same OOM
# report at the same uptimes in each) becomes a journal export stream
# (journal-export.py), systemd-journal-remote writes a real journal file from
# it, and journalctl renders that file in each mode. Needs the Debian packages
# systemd and systemd-journal-remote. Run from the repository root.
set -eu

out=tests/data/journal
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 tests/tools/journal-export.py tests/tools/scenarios/arch01.dmesg --host arch01 \
	--boot-id 0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b --boot-time 0 >"$tmp/arch01.export"
/lib/systemd/systemd-journal-remote -o "$tmp/arch01.journal" - <"$tmp/arch01.export" 2>/dev/null
xz -9 -c "$tmp/arch01.journal" >"$out/arch01.journal.xz"

# Every render is a fixture (NAME.log beside NAME.expected.json).
for mode in short short-precise short-iso short-iso-precise short-full short-monotonic \
	short-unix cat json json-seq json-pretty json-sse export; do
	TZ=UTC journalctl --file "$tmp/arch01.journal" --utc --no-pager -o "$mode" \
		>"$out/arch01.$mode.log"
done
# Kernel messages only, as `journalctl -k` shows them (one boot at a time).
TZ=UTC journalctl --file "$tmp/arch01.journal" --utc --no-pager -o short-iso-precise \
	_TRANSPORT=kernel >"$out/arch01.kernel.short-iso-precise.log"
# What a pager leaves when it ellipsizes long lines: --no-full.
TZ=UTC journalctl --file "$tmp/arch01.journal" --utc --no-pager --no-full -o short \
	>"$out/arch01.no-full.short.log"
