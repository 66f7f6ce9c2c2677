#!/bin/sh
# End-to-end tests of the oomsift binary: ingest, query, show, re-ingest,
# errors and exit codes. Usage: cli.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
data=$src/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# expect_eq WHAT ACTUAL EXPECTED
expect_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: expected '$3', got '$2'"; fi; }
# expect_code WHAT EXPECTED_CODE command...
expect_code() {
	what=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	if [ "$code" -eq "$want" ]; then ok; else fail "$what: exit $code, expected $want ($(head -c 300 "$tmp/err"))"; fi
}
expect_grep() { if grep -q -- "$2" "$3"; then ok; else fail "$1: '$2' not in $(head -c 300 "$3")"; fi; }
q() { "$bin" query --db "$db" "$@"; }

db=$tmp/t.db

# --help from the same tables the parser uses, for every command
for c in ingest query show; do
	expect_code "$c --help" 0 "$bin" "$c" --help
	expect_grep "$c --help usage" "usage: oomsift $c" "$tmp/out"
done
expect_code "oomsift --help" 0 "$bin" --help
expect_grep "exit codes in --help" "exit status" "$tmp/out"
expect_code "help <command>" 0 "$bin" help show
expect_grep "help <command> text" "usage: oomsift show" "$tmp/out"
expect_code "--version" 0 "$bin" --version
expect_grep "--version text" "^oomsift [0-9]" "$tmp/out"
expect_code "no command" 2 "$bin"
expect_code "switch with a value" 2 "$bin" ingest --quiet=yes x
expect_code "option without its value" 2 "$bin" query --db
expect_code "unknown command" 2 "$bin" frobnicate
expect_code "unknown option" 2 "$bin" ingest --frob x
expect_code "missing path" 2 "$bin" ingest --db "$db"

# ingest the corpus, then again: nothing is added
expect_code "ingest corpus" 0 "$bin" ingest --db "$db" "$data/corpus"
expect_grep "ingest summary" "8 files, .* 4 OOM events (4 new, 0 already stored)" "$tmp/err"
expect_code "re-ingest corpus" 0 "$bin" ingest --db "$db" "$data/corpus"
expect_grep "re-ingest summary" "4 OOM events (0 new, 4 already stored)" "$tmp/err"
expect_eq "events after re-ingest" "$(q -f csv 'SELECT count(*) AS n FROM oom_events' | tail -n 1 | tr -d '\r')" 4
expect_eq "store mode" "$(stat -c %a "$db")" 600

# query --format json: one array of objects keyed by column name
q -f json 'SELECT * FROM oom_events ORDER BY id' >"$tmp/events.json"
expect_eq "json is an array of 4" "$(jq length "$tmp/events.json")" 4
expect_eq "rhel7 victim" "$(jq -r '.[] | select(.host=="rhel7_3.10") | "\(.victim_pid) \(.victim_comm) \(.kill_score) \(.task_rows) \(.swap_total_kb)"' "$tmp/events.json")" \
	"6576 mysqld 651 85 8388604"
expect_eq "proxmox memcg" "$(jq -r '.[] | select(.kind=="memcg_oom") | "\(.oom_memcg) \(.memcg_limit_kb) \(.victim_pid) \(.ts)"' "$tmp/events.json")" \
	"/lxc/39004 31211520 3902942 2025-08-12T03:54:03Z"
expect_eq "arch nulls" "$(jq -r '.[] | select(.host=="archlinux_6.1.1") | "\(.ts) \(.memcg_limit_kb) \(.trigger_uid)"' "$tmp/events.json")" \
	"null null null"
expect_eq "ndjson lines" "$(q -f ndjson 'SELECT id, host FROM oom_events' | wc -l)" 4
expect_eq "--format=VALUE form" "$("$bin" query --db "$db" --format=csv 'SELECT 1 AS one' | head -n 1 | tr -d '\r')" "one"
expect_eq "-- ends options" "$("$bin" query --db "$db" -f csv -- 'SELECT 2 AS two' | tail -n 1 | tr -d '\r')" "2"
expect_eq "csv header" "$(q -f csv 'SELECT id, host FROM oom_events' | head -n 1 | tr -d '\r')" "id,host"
expect_eq "tasks by name" "$(q -f csv "SELECT count(*) FROM oom_tasks t JOIN oom_events e ON e.id = t.event_id WHERE e.host = 'archlinux_6.1.1'" | tail -n 1 | tr -d '\r')" 112

# a failed or writing query never exits 0
expect_code "bad SQL" 3 q 'SELEC nonsense'
expect_grep "bad SQL message" "syntax error" "$tmp/err"
expect_code "write refused" 3 q 'DELETE FROM event'
expect_grep "write refused message" "read-only" "$tmp/err"
expect_code "unknown format" 2 q -f yaml 'SELECT 1'
expect_code "missing store" 5 "$bin" query --db "$tmp/none.db" 'SELECT 1'
expect_eq "events intact after refused write" "$(q -f csv 'SELECT count(*) FROM oom_events' | tail -n 1 | tr -d '\r')" 4

# show
id=$(q -f csv "SELECT id FROM oom_events WHERE host = 'proxmox_5.15_cgroupv2'" | tail -n 1 | tr -d '\r')
expect_code "show" 0 "$bin" show --db "$db" "$id"
expect_grep "show victim" "php-fpm (pid 3902942, uid 1000) killed: Memory cgroup out of memory" "$tmp/out"
expect_grep "show cgroup" "memory .* 29.8 GiB used of 29.8 GiB limit (100%)" "$tmp/out"
expect_grep "show largest tasks" "Largest tasks (10 of 73, by RSS)" "$tmp/out"
expect_grep "show marks the victim" "victim *3902942" "$tmp/out"
expect_code "show --raw" 0 "$bin" show --db "$db" --raw "$id"
expect_grep "show --raw text" "invoked oom-killer" "$tmp/out"
expect_code "show missing" 1 "$bin" show --db "$db" 9999
expect_code "show bad id" 2 "$bin" show --db "$db" abc

# user-space actors and memory events: counted in the summary, stored once
expect_code "ingest userspace" 0 "$bin" ingest --db "$tmp/us.db" --year 2024 "$data/userspace/memory_events.log" "$data/userspace/oomd_swap.log"
expect_grep "memory events in the summary" "2 OOM events (2 new, 0 already stored), 7 memory events (7 new)" "$tmp/err"
expect_code "re-ingest userspace" 0 "$bin" ingest --db "$tmp/us.db" --year 2024 "$data/userspace/memory_events.log"
expect_grep "memory events stored once" "7 memory events (0 new)" "$tmp/err"
expect_eq "memory_events rows" "$("$bin" query --db "$tmp/us.db" -f csv "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM memory_events ORDER BY line)" | tail -n 1 | tr -d '\r')" \
	"page_alloc_failure overcommit_refusal overcommit_refusal overcommit_refusal page_alloc_failure vmalloc_failure page_alloc_stall"
id=$("$bin" query --db "$tmp/us.db" -f csv "SELECT id FROM oom_events WHERE host = 'build7'" | tail -n 1 | tr -d '\r')
expect_code "show oomd kill" 0 "$bin" show --db "$tmp/us.db" "$id"
expect_grep "show oomd kind" "kind        systemd-oomd kill" "$tmp/out"
expect_grep "show oomd unit" "unit        build.service, result oom-kill" "$tmp/out"

# stdin with --host, OOMSIFT_DB
expect_code "stdin" 0 sh -c "OOMSIFT_DB='$tmp/env.db' '$bin' ingest --host web9 - < '$data/corpus/rhel7_3.10.log'"
expect_eq "stdin host via OOMSIFT_DB" "$(OOMSIFT_DB=$tmp/env.db "$bin" query -f csv 'SELECT host FROM oom_events' | tail -n 1 | tr -d '\r')" web9

# an unreadable input: named, the rest stored, exit 4
expect_code "partial ingest" 4 "$bin" ingest --db "$tmp/p.db" "$tmp/missing.log" "$data/corpus/rhel7_3.10.log"
expect_grep "partial names the file" "cannot open '$tmp/missing.log'" "$tmp/err"
expect_eq "partial kept the rest" "$("$bin" query --db "$tmp/p.db" -f csv 'SELECT count(*) FROM oom_events' | tail -n 1 | tr -d '\r')" 1

# a store from a newer oomsift is refused, not damaged
cp "$db" "$tmp/new.db"
"$bin" query --db "$tmp/new.db" 'SELECT 1' >/dev/null 2>&1
sqlite3 "$tmp/new.db" 'PRAGMA user_version = 99'
expect_code "newer schema" 5 "$bin" ingest --db "$tmp/new.db" "$data/corpus"
expect_grep "newer schema message" "schema version 99" "$tmp/err"
expect_eq "newer schema untouched" "$(sqlite3 "$tmp/new.db" 'SELECT count(*) FROM event')" 4

# the example fleet: exactly the events examples/fleet-expected.json lists,
# the report in both kern.log and syslog stored once
for dir in "$src"/examples/fleet/*/; do
	"$bin" ingest -q --db "$tmp/fleet.db" --host "$(basename "$dir")" --year 2026 "$dir"
done
fields='{host, ts, uptime_s, kind, kernel, trigger_comm, trigger_pid, victim_pid, victim_comm}'
sortkey='sort_by(.host, .ts, .uptime_s)'
"$bin" query --db "$tmp/fleet.db" -f json 'SELECT * FROM oom_events' | jq -c "[.[] | $fields] | $sortkey" >"$tmp/fleet.actual"
jq -c "[.events[] | $fields] | $sortkey" "$src/examples/fleet-expected.json" >"$tmp/fleet.expected"
if cmp -s "$tmp/fleet.actual" "$tmp/fleet.expected"; then ok; else
	fail "example fleet: $(diff "$tmp/fleet.expected" "$tmp/fleet.actual" | head -c 600)"
fi
expect_eq "fleet duplicates merged" "$("$bin" query --db "$tmp/fleet.db" -f csv "SELECT group_concat(sightings, ' ') FROM (SELECT sightings FROM oom_events WHERE host = 'web01' ORDER BY ts_unix)" | tail -n 1 | tr -d '\r')" "2 2"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
