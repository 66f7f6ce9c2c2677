#!/bin/sh
# End-to-end tests of the oomsift binary: ingest, query, show, re-ingest,
# errors and exit codes. Usage: cli.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

db=$tmp/t.db

# --help from the same tables the parser uses, for every command
for c in ingest query show classify rules; do
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
expect_grep "show victim" "php-fpm (pid 3902942, uid 1000) killed: Memory cgroup out of" "$tmp/out"
expect_grep "show cgroup" "cgroup .* 29.8 GiB used of a 29.8 GiB limit (100%)" "$tmp/out"
expect_grep "show largest tasks" "Largest tasks: 10 of 73 by RSS" "$tmp/out"
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
expect_grep "show oomd kind" "what        systemd-oomd killed a cgroup" "$tmp/out"
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

# ---- root causes: classify, rules, show ----
# These hold for any rule set; the ones after "real rules" need the rule
# engine itself (rules/), and skip while the binary links the tests' stand-in.
cdb=$tmp/classify.db
cq() { "$bin" query --db "$cdb" -f csv "$1" | tail -n +2 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//'; }
expect_code "--help names exit 6" 0 "$bin" --help
expect_grep "--help exit 6" "6   a rule file is invalid" "$tmp/out"
for sub in list check test; do
	expect_code "rules $sub --help" 0 "$bin" rules "$sub" --help
	expect_grep "rules $sub --help usage" "usage: oomsift rules $sub" "$tmp/out"
done
expect_code "rules without a command" 2 "$bin" rules
expect_code "rules bogus" 2 "$bin" rules frobnicate
expect_grep "rules bogus message" "not a rules command" "$tmp/err"
expect_code "classify a missing store" 5 "$bin" classify --db "$tmp/none.db"
expect_eq "classify creates no store" "$(ls "$tmp/none.db" 2>/dev/null)" ""
expect_code "ingest --no-classify" 0 "$bin" ingest --no-classify --db "$cdb" "$data/corpus"
if grep -q "classified" "$tmp/err"; then fail "ingest --no-classify classified"; else ok; fi
expect_eq "nothing classified yet" "$(cq 'SELECT count(*) FROM classifications')" 0
expect_code "classify" 0 "$bin" classify --db "$cdb"
expect_grep "classify summary" "^oomsift: 4 events classified ([0-9]* changed)" "$tmp/err"
expect_eq "primary causes are the cause column" \
	"$(cq 'SELECT count(*) FROM classifications WHERE is_primary = 1')" \
	"$(cq 'SELECT count(*) FROM oom_events WHERE cause IS NOT NULL')"
expect_eq "one primary per classified event" \
	"$(cq 'SELECT count(*) FROM (SELECT event_id FROM classifications WHERE is_primary = 1 GROUP BY event_id HAVING count(*) > 1)')" 0
expect_eq "classifications name their event" \
	"$(cq 'SELECT count(*) FROM classifications c JOIN oom_events e ON e.id = c.event_id WHERE c.memory_event_id IS NULL')" \
	"$(cq 'SELECT count(*) FROM classifications')"
expect_eq "the view's columns" "$(cq "SELECT group_concat(name, ' ') FROM pragma_table_info('classifications')")" \
	"subject subject_id event_id memory_event_id rule_id cause severity is_primary evidence advice classified_at priority"
cq 'SELECT * FROM classifications ORDER BY 1, 2, 5' >"$tmp/classified.before"
expect_code "classify again" 0 "$bin" classify --db "$cdb"
expect_grep "classify again: nothing to do" "^oomsift: 0 events classified (0 changed)$" "$tmp/err"
expect_code "classify --all" 0 "$bin" classify --all --db "$cdb"
expect_grep "classify --all: all, unchanged" "^oomsift: 4 events classified (0 changed)" "$tmp/err"
cq 'SELECT * FROM classifications ORDER BY 1, 2, 5' >"$tmp/classified.after"
if cmp -s "$tmp/classified.before" "$tmp/classified.after"; then ok; else fail "classify --all rewrote rows"; fi
expect_code "classify -q" 0 "$bin" classify -q --db "$cdb"
expect_eq "classify -q is quiet" "$(cat "$tmp/err")" ""
expect_code "ingest classifies" 0 "$bin" ingest --db "$tmp/ingest-classify.db" "$data/corpus"
expect_grep "ingest classification summary" "^oomsift: 4 events classified" "$tmp/err"
expect_code "ingest again: nothing new" 0 "$bin" ingest --db "$tmp/ingest-classify.db" "$data/corpus"
expect_grep "ingest again: nothing classified" "^oomsift: 0 events classified (0 changed)$" "$tmp/err"
expect_code "ingest memory events classifies them" 0 "$bin" ingest --db "$tmp/us-classify.db" --year 2024 "$data/userspace/memory_events.log"
expect_grep "memory events classified" "0 events and 7 memory events classified" "$tmp/err"
id=$(cq "SELECT id FROM oom_events WHERE host = 'proxmox_5.15_cgroupv2'")
expect_code "show prints the cause" 0 "$bin" show --db "$cdb" "$id"
expect_grep "show cause section" "^Causes$" "$tmp/out"
# the rule set: built-in, the user's rules.d, --rules, --disable
"$bin" rules list --no-user-rules -f json >"$tmp/rules.json"
expect_eq "rules list: all built-in" "$(jq -r '[.[] | .origin] | unique | join(" ")' "$tmp/rules.json")" builtin
expect_eq "rules list: all enabled" "$(jq -r '[.[] | .enabled] | unique | join(" ")' "$tmp/rules.json")" 1
expect_eq "rules list: columns" "$(jq -r '.[0] | keys_unsorted | join(",")' "$tmp/rules.json")" \
	"id,cause,severity,priority,subject,origin,enabled,title"
first=$(jq -r '.[0].id' "$tmp/rules.json")
expect_eq "rules list --disable" "$("$bin" rules list -f json --disable "$first" | jq -r ".[] | select(.id == \"$first\") | .enabled")" 0
expect_code "--disable of no rule" 2 "$bin" classify --db "$cdb" --disable no_such_rule_e2e
expect_grep "--disable of no rule message" "no_such_rule_e2e" "$tmp/err"
expect_code "--rules of a missing file" 6 "$bin" classify --db "$cdb" --rules "$tmp/none.yaml"
expect_code "ingest: bad rules stop it first" 6 "$bin" ingest --db "$tmp/never.db" --rules "$tmp/none.yaml" "$data/corpus"
expect_eq "ingest: bad rules, no store" "$(ls "$tmp/never.db" 2>/dev/null)" ""
mkdir -p "$XDG_CONFIG_HOME/oomsift/rules.d"
printf 'rules: [\n' >"$XDG_CONFIG_HOME/oomsift/rules.d/broken.yaml"
expect_code "a broken user rule file" 6 "$bin" rules list
expect_grep "a broken user rule file is named" "rules.d/broken.yaml:" "$tmp/err"
expect_code "--no-user-rules" 0 "$bin" rules list --no-user-rules
rm "$XDG_CONFIG_HOME/oomsift/rules.d/broken.yaml"
expect_code "rules test" 0 "$bin" rules test
expect_grep "rules test summary" "^oomsift: [0-9]* rules*, [0-9]* examples*, 0 failed$" "$tmp/err"

# ---- real rules (need rules/, the rule engine) ----
{
	cat >"$tmp/good.yaml" <<'YAML'
rules:
  - id: e2e_any_kill
    title: Any kernel kill
    cause: e2e_test
    severity: info
    priority: 1
    when: {field: kind, in: [kernel_oom, memcg_oom]}
    evidence: "{victim_comm} was killed"
    advice: Nothing to do.
    examples:
      match:
        - event: {kind: kernel_oom}
      no_match:
        - event: {kind: oomd_kill}
YAML
	cat >"$tmp/bad.yaml" <<'YAML'
rules:
  - id: e2e_typo
    tittle: a key no rule has
YAML
	cat >"$tmp/failing.yaml" <<'YAML'
rules:
  - id: e2e_memcg
    title: A memcg kill
    cause: e2e_test
    severity: info
    priority: 1
    when: {field: kind, equals: memcg_oom}
    evidence: "{oom_memcg} hit its limit"
    advice: Nothing to do.
    examples:
      match:
        - log: |
            [  100.000000] Memory cgroup out of memory: Killed process 4242 (stress) total-vm:2000000kB, anon-rss:1600000kB, file-rss:0kB, shmem-rss:4kB, UID:1000 pgtables:3200kB oom_score_adj:0
      no_match:
        - log: |
            [  100.000000] Memory cgroup out of memory: Killed process 4242 (stress) total-vm:2000000kB, anon-rss:1600000kB, file-rss:0kB, shmem-rss:4kB, UID:1000 pgtables:3200kB oom_score_adj:0
YAML
	expect_code "rules check good" 0 "$bin" rules check "$tmp/good.yaml"
	expect_eq "rules check good output" "$(cat "$tmp/out")" "$tmp/good.yaml: 1 rule ok"
	expect_code "rules check bad" 6 "$bin" rules check "$tmp/good.yaml" "$tmp/bad.yaml"
	expect_grep "rules check: the good one still ok" "good.yaml: 1 rule ok" "$tmp/out"
	head -n 1 "$tmp/err" >"$tmp/err1"
	expect_grep "rules check bad: file:line:column" "^oomsift: $tmp/bad.yaml:3:5: ." "$tmp/err1"
	expect_eq "rules check bad: the line" "$(sed -n 2p "$tmp/err")" "    tittle: a key no rule has"
	expect_eq "rules check bad: the caret" "$(sed -n 3p "$tmp/err")" "    ^"
	expect_code "rules list --rules" 0 "$bin" rules list -f json --rules "$tmp/good.yaml"
	expect_eq "rules list: origin FILE:LINE" "$(jq -r '.[] | select(.id == "e2e_any_kill") | .origin' "$tmp/out")" "$tmp/good.yaml:2"
	expect_code "classify --rules" 0 "$bin" classify --db "$cdb" --rules "$tmp/good.yaml"
	expect_grep "classify --rules: the rules changed" "4 events classified .*the rules changed" "$tmp/err"
	expect_eq "classify --rules: every kill matched" "$(cq "SELECT count(*) FROM classifications WHERE rule_id = 'e2e_any_kill'")" 4
	expect_eq "classify --rules: evidence" \
		"$(cq "SELECT c.evidence FROM classifications c JOIN oom_events e ON e.id = c.event_id WHERE c.rule_id = 'e2e_any_kill' AND e.host = 'archlinux_6.1.1'")" \
		"doxygen was killed"
	expect_code "classify --rules again: nothing" 0 "$bin" classify --db "$cdb" --rules "$tmp/good.yaml"
	expect_grep "classify --rules again" "^oomsift: 0 events classified (0 changed)$" "$tmp/err"
	cp "$tmp/good.yaml" "$XDG_CONFIG_HOME/oomsift/rules.d/"
	expect_code "user rules.d" 0 "$bin" rules list -f json
	expect_eq "user rules.d: loaded" "$(jq -r '.[] | select(.id == "e2e_any_kill") | .origin' "$tmp/out")" "$XDG_CONFIG_HOME/oomsift/rules.d/good.yaml:2"
	rm "$XDG_CONFIG_HOME/oomsift/rules.d/good.yaml"
	expect_code "show: the matching rules" 0 "$bin" show --db "$cdb" "$id"
	expect_grep "show: evidence" "^     php-fpm was killed" "$tmp/out"
	expect_code "rules test --rules good" 0 "$bin" rules test --rules "$tmp/good.yaml"
	expect_code "rules check failing (log examples run by test)" 0 "$bin" rules check "$tmp/failing.yaml"
	expect_code "rules test failing" 6 "$bin" rules test --rules "$tmp/failing.yaml"
	expect_grep "rules test names the failure" "rule e2e_memcg: example 1 must not match" "$tmp/out"
	expect_grep "rules test summary counts it" "1 failed$" "$tmp/err"
}

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
