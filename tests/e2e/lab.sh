#!/bin/sh
# End-to-end tests on what real kernels printed (tests/data/lab, made by
# tools/oom-lab/run): every scenario, read through every wrapper made of its
# capture, must give the events its ground truth (truth.json) names, with
# the victims the scenario saw die and the root cause (primary, and the
# contributing ones in "also") the built-in rules must find; and all the
# wrappers of one capture ingested together must give each event once.
# Usage: lab.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

# The events of store $1 as JSON, in the order they happened, with the name
# of the largest task of each task table.
events_of() {
	"$bin" query --db "$1" -f json "SELECT e.*, (SELECT t.name FROM oom_tasks t
		WHERE t.event_id = e.id ORDER BY t.rss_pages DESC, t.row LIMIT 1) AS largest_task,
		(SELECT json_group_array(c.cause) FROM classifications c
		 WHERE c.event_id = e.id) AS all_causes
		FROM oom_events e ORDER BY coalesce(e.uptime_s, e.ts_unix), e.id"
}

# Prints one line per difference between truth $1 and events $2 (JSON files),
# memory events $3.
differences() {
	jq -r -n --slurpfile t "$1" --slurpfile g "$2" --slurpfile m "$3" '
	def field_diffs($want; $got):
		$want | to_entries[] | .key as $k | .value as $v |
		if $k == "task_table" then
			if (($got.task_rows != null) != $v) then "task_table: expected \($v)" else empty end
		elif $k == "min_task_rows" then
			if (($got.task_rows // 0) < $v) then "task_rows: \($got.task_rows) < \($v)" else empty end
		elif $got[$k] != $v then "\($k): expected \($v | tojson), got \($got[$k] | tojson)"
		else empty end;
	$t[0] as $truth | $g[0] as $got |
	# "each_killed": one event like it per process the scenario saw killed;
	# an event without its own "cause" must have that of the scenario
	(if $truth.expect.each_killed then [$truth.killed[] | $truth.expect.each_killed]
	 else $truth.expect.events end | map({cause: $truth.cause} + .)) as $want |
	($truth.killed | map(.pid)) as $killed |
	(if ($got | length) != ($want | length)
	 then "events: expected \($want | length), got \($got | length)" else empty end),
	(range(0; [($got | length), ($want | length)] | min) as $i |
	 (field_diffs($want[$i]; $got[$i]) | "event \($i): " + .),
	 (($truth.also // [])[] as $c |
	  if ($got[$i].all_causes | fromjson | index($c)) == null
	  then "event \($i): cause \($c) not among \($got[$i].all_causes)" else empty end),
	 (if $truth.swap_kb != null and $got[$i].swap_total_kb != null
	     and $got[$i].swap_total_kb != $truth.swap_kb
	  then "event \($i): swap_total_kb \($got[$i].swap_total_kb), the guest had \($truth.swap_kb)"
	  else empty end),
	 (if ($killed | length) > 0 and $got[$i].victim_pid != null
	     and ($killed | index($got[$i].victim_pid)) == null
	  then "event \($i): victim pid \($got[$i].victim_pid) is not a process the scenario saw killed \($killed)"
	  else empty end)),
	(($truth.expect.memory_events // [])[] as $w |
	 if [$m[0][] | select(.kind == $w.kind and (($w.comm // null) == null or .comm == $w.comm)
	                     and (($w.cause // null) == null or .cause == $w.cause))]
	    | length == 0
	 then "memory event \($w | tojson) not found" else empty end)'
}

# check WHAT DB TRUTH: the store's events against the truth
check() {
	events_of "$2" >"$tmp/got.json"
	"$bin" query --db "$2" -f json "SELECT * FROM memory_events" >"$tmp/mem.json"
	differences "$3" "$tmp/got.json" "$tmp/mem.json" >"$tmp/diff"
	if [ -s "$tmp/diff" ]; then fail "$1: $(tr '\n' ';' <"$tmp/diff" | head -c 600)"; else ok; fi
}

scenarios=0
for truth in "$data"/lab/*/*/truth.json; do
	[ -f "$truth" ] || continue
	dir=$(dirname "$truth")
	name=$(basename "$(dirname "$dir")")/$(basename "$dir")
	host=$(jq -r .host "$truth")
	year=$(date -u -d "@$(jq -r .boot_time "$truth")" +%Y)
	all=$tmp/all.db
	rm -f "$all"*
	scenarios=$((scenarios + 1))
	for w in console.txt dmesg.txt kern.log journal.json journal.export; do
		[ -f "$dir/$w" ] || w=$w.xz # big captures are kept compressed
		[ -f "$dir/$w" ] || continue
		db=$tmp/one.db
		rm -f "$db"*
		expect_code "$name/$w: ingest" 0 "$bin" ingest -q --db "$db" --host "$host" --year "$year" "$dir/$w"
		check "$name/$w" "$db" "$truth"
		"$bin" ingest -q --db "$all" --host "$host" --year "$year" "$dir/$w" 2>/dev/null
	done
	check "$name: every wrapper together" "$all" "$truth"
done
[ "$scenarios" -gt 0 ] || fail "no lab captures under $data/lab"

echo "lab e2e: $scenarios captures, $passed passed, $failed failed"
[ "$failed" -eq 0 ]
