#!/bin/sh
# Crash safety (docs/schema.md "Exactly once"): `oomsift ingest` killed with
# SIGKILL at seeded random moments over a multi-file input (plain and gzip,
# the same reports in several files), then run again to its end, leaves the
# store a clean run makes: the same events, task rows, kills, Mem-Info rows,
# memory events, sources and classifications, none doubled, none lost, and
# PRAGMA integrity_check ok. Then kills during the classification that ends an
# ingest: the next run classifies what the killed one did not.
# Usage: crash.sh OOMSIFT_BINARY SOURCE_DIR GENERATOR [ROUNDS] [SEED]
set -u
bin=$1
src=$2
gen=$3
rounds=${4:-20}
seed=${5:-8}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/store_canon.sh"

make_inputs "$tmp" "$gen"
ingest() { "$bin" ingest --quiet --year 2024 --db "$@" "$tmp/in"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the reference: one clean run ----
t0=$(now_ms)
expect_code "reference ingest" 0 ingest "$tmp/ref.db"
run_ms=$(($(now_ms) - t0))
store_canon "$tmp/ref.db" "$tmp/ref.txt"
# a second clean run: the delays are scaled to the faster of the two (the
# first also warms the page cache), and it must store the same
t0=$(now_ms)
expect_code "second clean ingest" 0 ingest "$tmp/ref2.db"
t1=$(($(now_ms) - t0))
[ "$t1" -lt "$run_ms" ] && run_ms=$t1
store_canon "$tmp/ref2.db" "$tmp/ref2.txt"
cmp -s "$tmp/ref.txt" "$tmp/ref2.txt" && ok || fail "two clean runs stored different things"
rm -f "$tmp/ref2.db" "$tmp/ref2.db-wal" "$tmp/ref2.db-shm"
events=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM oom_events')
tasks=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM oom_tasks')
classified=$(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM classifications')
test "$events" -gt 100 && test "$tasks" -gt 1000 && test "$classified" -gt 100 && ok ||
	fail "reference: too little to compare ($events events, $tasks tasks, $classified classifications)"
expect_eq "reference: sound" "$(store_sound "$tmp/ref.db")" ""
# The same input again, unchanged: the store does not change.
expect_code "reference: again" 0 ingest "$tmp/ref.db"
store_canon "$tmp/ref.db" "$tmp/again.txt"
cmp -s "$tmp/ref.txt" "$tmp/again.txt" && ok || fail "reference: a second run changed the store"

# same_as_reference WHAT DB: the store holds what the clean run stored
same_as_reference() {
	bad=$(store_sound "$2")
	if [ -n "$bad" ]; then
		fail "$1: $(echo "$bad" | head -n 3)"
		return
	fi
	store_canon "$2" "$tmp/got.txt"
	if cmp -s "$tmp/ref.txt" "$tmp/got.txt"; then
		ok
	else
		fail "$1: the store differs from the clean run's:"
		diff "$tmp/ref.txt" "$tmp/got.txt" | head -n 20 >&2
	fi
}

# kill_after SECONDS PROGRAM ARGS...: runs the program (not a shell function:
# the kill must reach the process itself), SIGKILLs it after SECONDS;
# stderr in $tmp/killed.err; returns its exit status (137 when killed)
kill_after() {
	d=$1
	shift
	"$@" 2>"$tmp/killed.err" &
	pid=$!
	sleep "$d"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null # without the shell's "Killed"
}

# Seeded delays from 5 ms to the clean run's time (plus a fifth): odd rounds
# spread evenly, even rounds spread on a log scale (more early kills: opening,
# migrating, the first sources).
delays() {
	awk -v seed="$seed" -v n="$1" -v t="$2" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			r = rand()
			d = i % 2 ? 0.005 + r * t : 0.005 * exp(r * log(t / 0.005))
			printf "%.3f\n", d
		}
	}'
}

# ---- rounds: killed at a random moment, then run to the end ----
span=$(awk -v ms="$run_ms" 'BEGIN { printf "%.3f", ms * 1.2 / 1000 }')
kills=0
round=0
for d in $(delays "$rounds" "$span"); do
	round=$((round + 1))
	db=$tmp/r$round.db
	kill_after "$d" "$bin" ingest --quiet --year 2024 --db "$db" "$tmp/in"
	code=$?
	if [ "$code" -eq 137 ]; then
		kills=$((kills + 1))
	elif [ "$code" -ne 0 ]; then
		fail "round $round: the killed run exited $code: $(head -c 300 "$tmp/killed.err")"
	fi
	expect_code "round $round: the run after the kill at ${d}s" 0 ingest "$db"
	same_as_reference "round $round (kill at ${d}s)" "$db"
	rm -f "$db" "$db-wal" "$db-shm"
done
# most delays are shorter than a run, so most rounds kill it (at least half:
# on a loaded machine run times vary by more than the delays' margin)
test "$kills" -ge $((rounds / 2)) && ok || fail "only $kills of $rounds rounds killed the run"

# ---- kills during classification: the input stored without it, then an
# ingest that finds every source unchanged and classifies everything ----
expect_code "classify rounds: store" 0 ingest "$tmp/base.db" --no-classify
t0=$(now_ms)
cp "$tmp/base.db" "$tmp/c.db"
"$bin" ingest --year 2024 --db "$tmp/c.db" "$tmp/in" 2>"$tmp/err"
class_ms=$(($(now_ms) - t0))
expect_grep "classify rounds: nothing read" "0 new, " "$tmp/err"
expect_grep "classify rounds: classified" "events and .* memory events classified" "$tmp/err"
same_as_reference "classify rounds: classified after the fact" "$tmp/c.db"
crounds=$(((rounds + 2) / 3))
span=$(awk -v ms="$class_ms" 'BEGIN { printf "%.3f", ms / 1000 }')
mid=0
round=0
for d in $(delays "$crounds" "$span"); do
	round=$((round + 1))
	cp "$tmp/base.db" "$tmp/c.db"
	kill_after "$d" "$bin" ingest --year 2024 --db "$tmp/c.db" "$tmp/in"
	code=$?
	# The summary is printed when the reading is done, before classifying.
	if [ "$code" -eq 137 ] && grep -q "OOM events" "$tmp/killed.err" &&
		! grep -q "classified" "$tmp/killed.err"; then
		mid=$((mid + 1))
	fi
	expect_code "classify round $round: the run after the kill at ${d}s" 0 ingest "$tmp/c.db"
	same_as_reference "classify round $round (kill at ${d}s)" "$tmp/c.db"
done
# And kills as soon as the summary is out, until one lands in the
# classification (up to 10 tries). The summary is read from a pipe, so the
# kill follows it at once: polling a file let a classification of a few
# milliseconds end first on a loaded machine.
mkfifo "$tmp/err.fifo"
try=0
while [ "$mid" -eq 0 ] && [ "$try" -lt 10 ]; do
	try=$((try + 1))
	cp "$tmp/base.db" "$tmp/c.db"
	"$bin" ingest --year 2024 --db "$tmp/c.db" "$tmp/in" 2>"$tmp/err.fifo" &
	pid=$!
	{
		while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in *"OOM events"*)
				kill -KILL "$pid" 2>/dev/null
				break
				;;
			esac
		done
		cat
	} <"$tmp/err.fifo" >"$tmp/killed.err"
	wait "$pid" 2>/dev/null
	code=$?
	crounds=$((crounds + 1))
	if [ "$code" -eq 137 ] && ! grep -q "classified" "$tmp/killed.err"; then mid=$((mid + 1)); fi
	expect_code "classify round $crounds: the run after the kill at the summary" 0 ingest "$tmp/c.db"
	same_as_reference "classify round $crounds (kill at the summary)" "$tmp/c.db"
done
test "$mid" -ge 1 && ok || fail "no kill of $crounds landed in the classification"

echo "crash: $rounds rounds ($kills killed), $crounds classify rounds ($mid killed while classifying); each compared with the clean run: $events events, $tasks task rows, $classified classifications (run ${run_ms} ms)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
