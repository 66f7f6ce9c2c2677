#!/bin/sh
# Concurrency (docs/schema.md "Concurrent use"): two `oomsift ingest` runs
# into one new store at once, over different and overlapping inputs (some
# files given to both, the same reports in several files), while queries and
# reports read it: every process exits 0 with no error on stderr, the store
# passes PRAGMA integrity_check, and it holds what one run after the other
# stores, each event once.
# Usage: concurrency.sh OOMSIFT_BINARY SOURCE_DIR GENERATOR [ROUNDS]
set -u
bin=$1
src=$2
gen=$3
rounds=${4:-3}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store_canon.sh"

make_inputs "$tmp" "$gen"
in=$tmp/in
# A: the fixtures and the fleet file; B: the per-host files (the same reports
# as the fleet file), plain and gzip, and some fixtures A reads too.
set -- "$in/corpus" "$in/kernels" "$in/userspace" "$in/gen/fleet.log"
a_args="$*"
set -- "$in/gen/hosts" "$in/gen/fleet.log.gz" "$in/corpus" "$in/wrappers" "$in/behaviour" "$in/journal"
b_args="$*"

# ---- the reference: A, then B, one after the other ----
# shellcheck disable=SC2086
expect_code "reference: A" 0 "$bin" ingest --quiet --year 2024 --db "$tmp/ref.db" $a_args
# shellcheck disable=SC2086
expect_code "reference: B" 0 "$bin" ingest --quiet --year 2024 --db "$tmp/ref.db" $b_args
store_canon "$tmp/ref.db" "$tmp/ref.txt" loose
events=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM oom_events')
test "$events" -gt 100 && ok || fail "reference: only $events events"
# B, then A: the same store but for what names the first copy read (the
# event's boot time is the earliest estimate of all its copies)
# shellcheck disable=SC2086
expect_code "reversed: B" 0 "$bin" ingest --quiet --year 2024 --db "$tmp/rev.db" $b_args
# shellcheck disable=SC2086
expect_code "reversed: A" 0 "$bin" ingest --quiet --year 2024 --db "$tmp/rev.db" $a_args
store_canon "$tmp/rev.db" "$tmp/rev.txt" loose
cmp -s "$tmp/ref.txt" "$tmp/rev.txt" && ok || fail "B then A stored other events than A then B: $(diff "$tmp/ref.txt" "$tmp/rev.txt" | head -n 4)"

# reader DB N: N rounds of queries and reports on DB, each one's exit status
# and stderr kept; stops early when $tmp/stop exists
reader() {
	i=0
	while [ "$i" -lt "$2" ] && [ ! -e "$tmp/stop" ]; do
		i=$((i + 1))
		"$bin" query --db "$1" -f csv 'SELECT count(*) FROM oom_events' >/dev/null 2>>"$tmp/reader.err" ||
			echo "query exit $?" >>"$tmp/reader.codes"
		"$bin" query --db "$1" -f csv 'SELECT e.host, count(t.row) FROM oom_events e LEFT JOIN oom_tasks t ON t.event_id = e.id GROUP BY 1' \
			>/dev/null 2>>"$tmp/reader.err" || echo "query exit $?" >>"$tmp/reader.codes"
		"$bin" report --db "$1" --since 2024-01-01 --until 2024-03-31 >/dev/null 2>>"$tmp/reader.err" ||
			echo "report exit $?" >>"$tmp/reader.codes"
		"$bin" report --db "$1" --format json --since 2024-01-01 --until 2024-03-31 >/dev/null \
			2>>"$tmp/reader.err" || echo "report exit $?" >>"$tmp/reader.codes"
	done
	echo "$i" >"$tmp/reader.rounds"
}

reads=0
round=0
while [ "$round" -lt "$rounds" ]; do
	round=$((round + 1))
	db=$tmp/c$round.db
	rm -f "$tmp/stop" "$tmp/reader.err" "$tmp/reader.codes"
	# Round 1 starts both on a store that does not exist yet (both create and
	# migrate it); the readers start once it has its schema.
	if [ "$round" -gt 1 ]; then
		: >"$tmp/empty"
		"$bin" ingest --quiet --no-classify --db "$db" "$tmp/empty"
	fi
	# shellcheck disable=SC2086
	"$bin" ingest --quiet --year 2024 --db "$db" $a_args 2>"$tmp/a.err" &
	pa=$!
	# shellcheck disable=SC2086
	"$bin" ingest --quiet --year 2024 --db "$db" $b_args 2>"$tmp/b.err" &
	pb=$!
	# the readers start once a writer has committed the schema (any version:
	# the migrations commit as one transaction)
	until [ "$(sqlite3 "$db" 'PRAGMA user_version' 2>/dev/null || echo 0)" -gt 0 ]; do
		sleep 0.01
	done
	reader "$db" 1000 &
	pr=$!
	wait "$pa"
	ca=$?
	wait "$pb"
	cb=$?
	: >"$tmp/stop"
	wait "$pr"
	n=$(cat "$tmp/reader.rounds")
	reads=$((reads + n * 4))
	expect_eq "round $round: ingest A exit" "$ca $(cat "$tmp/a.err")" "0 "
	expect_eq "round $round: ingest B exit" "$cb $(cat "$tmp/b.err")" "0 "
	expect_eq "round $round: readers" "$(cat "$tmp/reader.codes" "$tmp/reader.err" 2>/dev/null | head -n 5)" ""
	test "$n" -ge 1 && ok || fail "round $round: no reader ran"
	expect_eq "round $round: sound" "$(store_sound "$db")" ""
	store_canon "$db" "$tmp/got.txt" loose
	if cmp -s "$tmp/ref.txt" "$tmp/got.txt"; then
		ok
	else
		fail "round $round: the store differs from the sequential one:"
		diff "$tmp/ref.txt" "$tmp/got.txt" | head -n 20 >&2
	fi
done

echo "concurrency: $rounds rounds of two ingests with $reads queries and reports alongside; each store compared with the sequential one ($events events)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
