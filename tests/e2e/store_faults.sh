#!/bin/sh
# A store on a full disk and a read-only store (issue 8, crash safety):
# `oomsift ingest` stops with exit 5 and an error that says so, the store
# stays sound with what was committed before, and a later run with room
# completes it to what one clean run stores. Needs a tmpfs of its own:
# exit 77 (skipped) where mount is not permitted.
# Usage: store_faults.sh OOMSIFT_BINARY SOURCE_DIR GENERATOR
set -u
bin=$1
src=$2
gen=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store_canon.sh"

disk=$tmp/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=1m,mode=0755 oomsift-test "$disk" 2>"$tmp/err"; then
	echo "SKIP: cannot mount a tmpfs ($(cat "$tmp/err")): needs root or CAP_SYS_ADMIN"
	exit 77
fi
trap 'umount "$disk" 2>/dev/null; rm -rf "$tmp"' EXIT

make_inputs "$tmp" "$gen"
ingest() { "$bin" ingest --quiet --year 2024 --db "$@" "$tmp/in"; }
expect_code "reference" 0 ingest "$tmp/ref.db"
store_canon "$tmp/ref.db" "$tmp/ref.txt"
ref_size=$(($(stat -c %s "$tmp/ref.db") / 1024))
events=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM oom_events')

# ---- full disk: 1 MB, less than the store needs (a fifth of it) ----
db=$disk/s.db
test "$ref_size" -gt 1500 && ok || fail "the store ($ref_size kB) would fit the 1 MB disk"
expect_code "full: ingest stops" 5 ingest "$db"
expect_grep "full: says so" "store '$db'.*no space left on the device" "$tmp/err"
expect_eq "full: one line of error" "$(wc -l <"$tmp/err")" 1
expect_eq "full: sound" "$(store_sound "$db")" ""
kept=$(sqlite3 "$db" 'SELECT count(*) FROM oom_events')
test "$kept" -gt 0 && test "$kept" -lt "$events" && ok ||
	fail "full: $kept events kept of $events (some, not all, were committed before the disk filled)"
# what was committed is what the clean run stored for those sources
sqlite3 "$db" 'SELECT fingerprint FROM oom_events ORDER BY 1' >"$tmp/kept"
sqlite3 "$tmp/ref.db" 'SELECT fingerprint FROM oom_events ORDER BY 1' >"$tmp/all"
expect_eq "full: no event the clean run lacks" "$(comm -23 "$tmp/kept" "$tmp/all")" ""
expect_code "full: query still answers" 0 "$bin" query --db "$db" -f csv 'SELECT count(*) FROM oom_events'
expect_eq "full: query count" "$(tail -n 1 "$tmp/out" | tr -d '\r')" "$kept"

# ---- room again: the next run completes the store ----
mount -o remount,size=16m "$disk"
expect_code "room: ingest completes" 0 ingest "$db"
expect_eq "room: sound" "$(store_sound "$db")" ""
store_canon "$db" "$tmp/got.txt"
if cmp -s "$tmp/ref.txt" "$tmp/got.txt"; then ok; else
	fail "room: the store differs from the clean run's"
	diff "$tmp/ref.txt" "$tmp/got.txt" | head -n 20 >&2
fi

# ---- read-only: the file system remounted read-only ----
mount -o remount,ro "$disk"
sum=$(cat "$disk"/* | cksum)
expect_code "read-only: ingest refuses" 5 ingest "$db"
expect_grep "read-only: says so" "store '$db'.*read-only" "$tmp/err"
expect_eq "read-only: one line of error" "$(wc -l <"$tmp/err")" 1
expect_eq "read-only: untouched" "$(cat "$disk"/* | cksum)" "$sum"
expect_code "read-only: query answers" 0 "$bin" query --db "$db" -f csv 'SELECT count(*) FROM oom_events'
expect_eq "read-only: query count" "$(tail -n 1 "$tmp/out" | tr -d '\r')" "$events"
expect_code "read-only: report answers" 0 "$bin" report --db "$db" --since 2024-01-01 --until 2024-03-31
# a new store cannot be made there either
expect_code "read-only: new store" 5 ingest "$disk/new.db"
expect_grep "read-only: new store: says so" "new.db.*Read-only file system" "$tmp/err"

echo "store faults: full disk ($kept of $events events kept, then completed), read-only store untouched"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
