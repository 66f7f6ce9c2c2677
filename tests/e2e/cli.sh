#!/bin/sh
# End-to-end tests of the oomsift binary: ingest, query, show, re-ingest,
# errors and exit codes. Usage: cli.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

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
expect_grep "ingest summary" "8 sources (0 unchanged, 0 resumed), .* 4 OOM events (4 new, 0 already stored)" "$tmp/err"
expect_grep "a JSON file is not a log" "expected.json: no log lines recognised" "$tmp/err"
expect_code "re-ingest corpus" 0 "$bin" ingest --db "$db" "$data/corpus"
expect_grep "re-ingest reads nothing" "8 sources (8 unchanged, 0 resumed), 0.0 MB, 0 lines, 0 OOM events" "$tmp/err"
expect_code "re-ingest --reread" 0 "$bin" ingest --reread --db "$db" "$data/corpus"
expect_grep "re-read stores nothing new" "4 OOM events (0 new, 4 already stored)" "$tmp/err"
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
expect_code "re-ingest userspace" 0 "$bin" ingest --reread --db "$tmp/us.db" --year 2024 "$data/userspace/memory_events.log"
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
# (as make demo runs it: each host's directory names its host)
"$bin" ingest -q --db "$tmp/fleet.db" --host-from 'fleet/(?<host>[^/]+)/' --year 2026 "$src/examples/fleet"
fields='{host, ts, uptime_s, kind, kernel, trigger_comm, trigger_pid, victim_pid, victim_comm}'
sortkey='sort_by(.host, .ts, .uptime_s)'
"$bin" query --db "$tmp/fleet.db" -f json 'SELECT * FROM oom_events' | jq -c "[.[] | $fields] | $sortkey" >"$tmp/fleet.actual"
jq -c "[.events[] | $fields] | $sortkey" "$src/examples/fleet-expected.json" >"$tmp/fleet.expected"
if cmp -s "$tmp/fleet.actual" "$tmp/fleet.expected"; then ok; else
	fail "example fleet: $(diff "$tmp/fleet.expected" "$tmp/fleet.actual" | head -c 600)"
fi
expect_eq "fleet duplicates merged" "$("$bin" query --db "$tmp/fleet.db" -f csv "SELECT group_concat(sightings, ' ') FROM (SELECT sightings FROM oom_events WHERE host = 'web01' ORDER BY ts_unix)" | tail -n 1 | tr -d '\r')" "2 2"

# an extracted sosreport: its logs read under its host name, its facts stored
sos=$data/sosreport/sosreport-db07-2026-11-18-abcdef
sosdb=$tmp/sos.db
sq() { "$bin" query --db "$sosdb" -f csv "$1" | tail -n +2 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//'; }
expect_code "ingest sosreport" 0 "$bin" ingest --db "$sosdb" --year 2026 "$sos"
expect_grep "sosreport summary" "1 sosreport, 60 host facts (60 new) from 3 facts files" "$tmp/err"
expect_eq "sosreport host" "$(sq 'SELECT DISTINCT host FROM oom_events')" db07
expect_eq "sosreport event from messages" \
	"$(sq "SELECT victim_pid || ' ' || victim_comm || ' ' || ts FROM oom_events WHERE source = '$sos/var/log/messages'")" \
	"6576 mysqld 2026-11-18T02:47:13Z"
# messages and sos's journalctl output hold the same kill: one event, seen in both
# (the two journalctl outputs are the same content, so one source)
expect_eq "sosreport logs read" \
	"$(sq "SELECT DISTINCT substr(path, length('$sos') + 2) FROM event_sources ORDER BY 1")" \
	"sos_commands/logs/journalctl_--no-pager_--boot var/log/messages"
expect_eq "sosreport one event" "$(sq 'SELECT count(*) || " " || sum(sightings) FROM oom_events')" "1 2"
expect_eq "sosreport facts" \
	"$(sq "SELECT key || '=' || value FROM host_facts WHERE host = 'db07' AND key IN ('vm.overcommit_memory', 'vm.overcommit_ratio', 'vm.panic_on_oom', 'vm.swappiness', 'MemTotal', 'SwapTotal', 'CommitLimit', 'Committed_AS', 'swap_devices') ORDER BY key")" \
	"CommitLimit=24762298 Committed_AS=41873012 MemTotal=32747388 SwapTotal=8388604 swap_devices=1 vm.overcommit_memory=0 vm.overcommit_ratio=50 vm.panic_on_oom=0 vm.swappiness=30"
expect_eq "facts collected when sos ran" "$(sq 'SELECT DISTINCT collected_at FROM host_facts')" "2026-11-18T03:20:11Z"
expect_eq "facts units" "$(sq "SELECT unit FROM host_facts WHERE key IN ('MemTotal', 'HugePages_Total') ORDER BY key")" "count kB"
expect_eq "swap devices" "$(sq "SELECT device || ' ' || type || ' ' || size_kb || ' ' || used_kb || ' ' || priority FROM host_swaps")" \
	"/dev/dm-1 partition 8388604 1476396 -1"
expect_code "re-ingest sosreport" 0 "$bin" ingest --db "$sosdb" --year 2026 "$sos"
expect_grep "re-ingest sosreport summary" "60 host facts (0 new)" "$tmp/err"
expect_eq "facts after re-ingest" "$(sq 'SELECT count(*) FROM host_facts')" 60
# the same sosreport as sos ships it, a .tar.xz read in place, its hostname file
# (sos_commands/host/hostname) after its logs in the archive: the same event and facts
(cd "$(dirname "$sos")" && tar -cJf "$tmp/sosreport-other-2026-11-18-abcdef.tar.xz" \
	--sort=name "$(basename "$sos")")
tdb=$tmp/sostar.db
tq() { "$bin" query --db "$tdb" -f csv "$1" | tail -n +2 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//'; }
expect_code "ingest sosreport archive" 0 "$bin" ingest --db "$tdb" --year 2026 "$tmp/sosreport-other-2026-11-18-abcdef.tar.xz"
expect_grep "sosreport archive summary" "1 sosreport, 60 host facts (60 new) from 3 facts files" "$tmp/err"
expect_eq "sosreport archive: host from its hostname file, one event" \
	"$(tq "SELECT host || ' ' || victim_comm || ' ' || sightings FROM oom_events")" "db07 mysqld 2"
expect_eq "sosreport archive facts" "$(tq "SELECT host || ' ' || collected_at || ' ' || n FROM (SELECT host, collected_at, count(*) AS n FROM host_facts GROUP BY host, collected_at)")" \
	"db07 2026-11-18T03:20:11Z 60"
# a directory of sosreports is walked: each is found by its layout
mkdir -p "$tmp/collected/case-1234"
cp -r "$sos" "$tmp/collected/case-1234/"
expect_code "sosreport found in a walk" 0 "$bin" ingest --db "$tmp/walk.db" --year 2026 "$tmp/collected"
expect_grep "sosreport found in a walk summary" "1 sosreport, 60 host facts" "$tmp/err"
expect_eq "sosreport found in a walk: host" "$("$bin" query --db "$tmp/walk.db" -f csv 'SELECT DISTINCT host FROM oom_events' | tail -n 1 | tr -d '\r')" db07
# the real tree `sos report` built (Debian 12, sos 4.0): host and facts, no logs
expect_code "ingest real sosreport" 0 "$bin" ingest --db "$sosdb" "$data/sosreport/sosreport-vm-2026-11-21-pcvvrxu"
expect_eq "real sosreport facts" "$(sq "SELECT key || '=' || value || ' ' || collected_at FROM host_facts WHERE host = 'vm' AND key IN ('MemTotal', 'swap_devices') ORDER BY key")" \
	"MemTotal=24684084 2026-11-21T22:19:07Z swap_devices=0 2026-11-21T22:19:07Z"

# --facts FILE --host NAME: sysctl -a and /proc/meminfo of this project's machine
fdb=$tmp/facts.db
fq() { "$bin" query --db "$fdb" -f csv "$1" | tail -n +2 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//'; }
expect_code "--facts without --host" 2 "$bin" ingest --db "$fdb" --facts "$data/facts/debian12.sysctl"
expect_grep "--facts without --host message" "needs --host" "$tmp/err"
expect_code "--facts" 0 "$bin" ingest --db "$fdb" --host web01 --facts "$data/facts/debian12.sysctl" --facts "$data/facts/debian12.meminfo"
expect_grep "--facts summary" "66 host facts (66 new) from 2 facts files" "$tmp/err"
expect_eq "--facts values" "$(fq "SELECT host || ' ' || key || '=' || value FROM host_facts WHERE key IN ('vm.overcommit_ratio', 'MemTotal') ORDER BY key")" \
	"web01 MemTotal=24684084 web01 vm.overcommit_ratio=50"
expect_eq "--facts collected at the file's mtime" "$(fq "SELECT collected_at FROM host_facts WHERE key = 'MemTotal'")" \
	"$(date -u -r "$data/facts/debian12.meminfo" +%Y-%m-%dT%H:%M:%SZ)"
expect_code "--facts again" 0 "$bin" ingest --db "$fdb" --host web01 --facts "$data/facts/debian12.meminfo"
expect_grep "--facts again adds nothing" "54 host facts (0 new)" "$tmp/err"
cp "$data/facts/debian12.meminfo" "$tmp/later.meminfo"
touch -d '2030-01-02 03:04:05 UTC' "$tmp/later.meminfo"
expect_code "--facts later" 0 "$bin" ingest --db "$fdb" --host web01 --facts "$tmp/later.meminfo"
expect_eq "a later collection is a new row set" "$(fq "SELECT count(*) FROM host_facts WHERE key = 'MemTotal'")" 2
expect_eq "latest value per host and key" "$(fq "SELECT collected_at || ' ' || source FROM host_facts_latest WHERE key = 'MemTotal'")" \
	"2030-01-02T03:04:05Z $tmp/later.meminfo"
expect_code "--facts with a log" 0 "$bin" ingest --db "$fdb" --host web9 --facts "$data/facts/debian12-swapfile.swaps" "$data/corpus/rhel7_3.10.log"
expect_eq "--facts with a log: both" "$(fq "SELECT (SELECT count(*) FROM oom_events WHERE host = 'web9') || ' ' || (SELECT value FROM host_facts WHERE host = 'web9' AND key = 'swap_devices')")" "1 1"
gzip -c "$data/facts/debian12.swaps" >"$tmp/web7.swaps.gz"
expect_code "--facts gzip" 0 "$bin" ingest --db "$fdb" --host web7 --facts "$tmp/web7.swaps.gz"
expect_eq "--facts gzip: read" "$(fq "SELECT value FROM host_facts WHERE host = 'web7' AND key = 'swap_devices'")" 0
expect_code "--facts not facts" 4 "$bin" ingest --db "$fdb" --host web01 --facts "$data/corpus/rhel7_3.10.log"
expect_grep "--facts not facts names file and line" "'$data/corpus/rhel7_3.10.log':1: not sysctl output" "$tmp/err"
expect_code "ingest --help names --facts" 0 "$bin" ingest --help
expect_grep "ingest --help --facts" "\-\-facts <FILE>" "$tmp/out"
expect_grep "ingest --help sosreport" "sosreport" "$tmp/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
