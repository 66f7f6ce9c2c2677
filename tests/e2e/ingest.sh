#!/bin/sh
# End-to-end tests of fleet ingestion: growing, rotated, compressed,
# archived and replaced logs, one kill through several wrappers, hosts
# from paths, bad inputs. Usage: ingest.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

db=$tmp/t.db
n() { q -f csv "$1" | tail -n 1 | tr -d '\r'; }

raw=$data/wrappers/archlinux_raw_dmesg.log
# The same report as kern.log (rsyslog's imklog: every physical line gets
# the syslog prefix and the kernel's timestamp), made from the raw dmesg.
to_kernlog() {
	awk -v wall="$1" -v host="$2" '
		/^\[/ { ts = substr($0, 1, index($0, "]")); print wall " " host " kernel: " $0; next }
		{ sub(/^ +/, ""); print wall " " host " kernel: " ts " " $0 }' "$3"
}
noise() { i=0; while [ $i -lt "$1" ]; do echo "Jan  7 05:00:0$((i % 10)) ws1 CRON[$i]: (root) CMD (run-parts)"; i=$((i + 1)); done; }

# ---- a growing kern.log: read on from the cursor, the cut report completed ----
mkdir -p "$tmp/h"
to_kernlog "Jan  7 04:05:06" ws1 "$raw" >"$tmp/full.log"
{ noise 50; head -n 100 "$tmp/full.log"; } >"$tmp/h/kern.log"
expect_code "growing: first part" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h/kern.log"
expect_eq "growing: the cut report is stored" "$(n 'SELECT count(*) || complete FROM oom_events')" 10
tail -n +101 "$tmp/full.log" >>"$tmp/h/kern.log"
noise 20 >>"$tmp/h/kern.log"
expect_code "growing: second part" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h/kern.log"
expect_grep "growing: resumed" "1 source (0 unchanged, 1 resumed)" "$tmp/err"
expect_eq "growing: one event, now complete" "$(n 'SELECT count(*) || complete || task_rows FROM oom_events')" 11112
expect_eq "growing: seen once" "$(n 'SELECT sightings FROM oom_events')" 1
expect_code "growing: unchanged" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h/kern.log"
expect_grep "growing: nothing read" "1 source (1 unchanged, 0 resumed), 0.0 MB, 0 lines" "$tmp/err"

# ---- logrotate: kern.log -> kern.log.1 -> kern.log.2.gz, nothing read twice ----
mv "$tmp/h/kern.log" "$tmp/h/kern.log.1"
noise 30 >"$tmp/h/kern.log"
expect_code "rotate: renamed and new" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h"
expect_grep "rotate: the renamed file is known" "2 sources (1 unchanged, 0 resumed)" "$tmp/err"
gzip -c "$tmp/h/kern.log.1" >"$tmp/h/kern.log.2.gz" && rm "$tmp/h/kern.log.1"
expect_code "rotate: compressed" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h"
expect_grep "rotate: the compressed copy resumes at its end" "2 sources (1 unchanged, 1 resumed), 0.0 MB, 0 lines, 0 OOM events" "$tmp/err"
expect_code "rotate: compressed, again" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/h"
expect_grep "rotate: now skipped unread" "2 sources (2 unchanged, 0 resumed)" "$tmp/err"
expect_eq "rotate: still one event" "$(n 'SELECT count(*) FROM oom_events')" 1

# ---- a file replaced under the same name is read from its start ----
cp "$raw" "$tmp/h/kern.log.new" && mv "$tmp/h/kern.log.new" "$tmp/h/kern.log"
expect_code "replaced" 0 "$bin" ingest --db "$db" --host ws1 --year 2026 "$tmp/h/kern.log"
expect_grep "replaced: read whole" "1 source (0 unchanged, 0 resumed)" "$tmp/err"

# ---- a file that is the start of another (a copy cut short, or the log a
# copy went on from): the longer one reads on as the same source, and a second
# run over both, in either order, reads nothing and adds no sighting ----
mkdir -p "$tmp/cut"
head -c 166 "$data/corpus/rhel7_3.10.log" >"$tmp/cut/a_short.log"
cp "$data/corpus/rhel7_3.10.log" "$tmp/cut/b_long.log"
for order in "a_short.log b_long.log" "b_long.log a_short.log"; do
	db=$tmp/cut-${order%% *}.db
	set -- $order
	expect_code "cut copy ($order): first run" 0 "$bin" ingest --db "$db" --no-classify "$tmp/cut/$1" "$tmp/cut/$2"
	before=$(n 'SELECT count(*) FROM event_source')
	expect_code "cut copy ($order): second run" 0 "$bin" ingest --db "$db" --no-classify "$tmp/cut/$1" "$tmp/cut/$2"
	expect_grep "cut copy ($order): nothing read again" "2 sources (2 unchanged, 0 resumed), 0.0 MB, 0 lines" "$tmp/err"
	expect_eq "cut copy ($order): no sighting added" "$(n 'SELECT count(*) FROM event_source')" "$before"
done
# the short file grown afterwards is read again, as a new source
cat "$tmp/cut/b_long.log" >>"$tmp/cut/a_short.log"
expect_code "cut copy: the short file grew" 0 "$bin" ingest --db "$tmp/cut-a_short.log.db" --no-classify "$tmp/cut/a_short.log"
expect_grep "cut copy: grown, read from its start" "1 source (0 unchanged, 0 resumed)" "$tmp/err"
expect_eq "cut copy: grown, each event once" "$(n 'SELECT count(*) FROM (SELECT 1 FROM oom_events GROUP BY fingerprint HAVING count(*) > 1)')" 0

# ---- one kill through dmesg and kern.log: one event, two sightings, the
# wall time from kern.log; --reread adds nothing ----
db=$tmp/dedup.db
expect_code "dedup: dmesg" 0 "$bin" ingest --db "$db" --host ws1 "$raw"
expect_eq "dedup: dmesg has no wall time" "$(n 'SELECT ts_quality FROM oom_events')" unknown
expect_code "dedup: kern.log" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/full.log"
expect_grep "dedup: already stored" "1 OOM event (0 new, 1 already stored)" "$tmp/err"
expect_eq "dedup: one event, two sources" "$(n "SELECT count(*) || ' ' || max(sightings) || ' ' || ts || ' ' || ts_quality FROM oom_events")" \
	"1 2 2026-01-07T04:05:06Z exact"
expect_eq "dedup: event_sources lists both" "$(n 'SELECT count(DISTINCT source_id) FROM event_sources')" 2
expect_code "dedup: reread both" 0 "$bin" ingest --db "$db" --reread --year 2026 --host ws1 "$raw" "$tmp/full.log"
expect_eq "dedup: still one" "$(n 'SELECT count(*) FROM oom_events')" 1

# ---- the same report on two boots (kern.log two days apart, identical
# uptimes): two events; a dmesg-only event is dated from its boot ----
db=$tmp/boots.db
to_kernlog "Jan  9 11:00:00" ws1 "$raw" >"$tmp/boot2.log"
expect_code "boots: two kern.logs" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/full.log" "$tmp/boot2.log"
expect_eq "boots: two events" "$(n 'SELECT count(*) || count(DISTINCT boot_time) FROM oom_events')" 22
sed 's/^\[123456\./[123999./' "$raw" >"$tmp/dmesg-later.txt"
touch -d '2026-01-07 06:00:00 UTC' "$tmp/dmesg-later.txt"
expect_code "boots: a later dmesg of boot 1" 0 "$bin" ingest --db "$db" --host ws1 "$tmp/dmesg-later.txt"
expect_grep "boots: dated" "1 dated from their boot" "$tmp/err"
expect_eq "boots: derived time" "$(n "SELECT ts_quality || ' ' || substr(ts, 1, 19) FROM oom_events WHERE uptime_s > 123900")" \
	"derived 2026-01-07T04:14:08"

# ---- compression by magic bytes, archives in place, hosts from paths ----
db=$tmp/fleet.db
mkdir -p "$tmp/fleet/hosts/web07" "$tmp/fleet/hosts/db02"
sed 's/^\[[^]]*\] //' "$raw" | xz >"$tmp/fleet/hosts/web07/kern.log"
cp "$data/corpus/rhel7_3.10.log" "$tmp/fleet/hosts/db02/messages"
zstd -q "$tmp/fleet/hosts/db02/messages" -o "$tmp/fleet/hosts/db02/messages-20261101.zst"
rm "$tmp/fleet/hosts/db02/messages"
expect_code "fleet: host from path" 0 "$bin" ingest --db "$db" --host-from 'hosts/(?<host>[^/]+)/' "$tmp/fleet"
expect_eq "fleet: hosts" "$(n "SELECT group_concat(host, ' ') FROM (SELECT host FROM oom_events ORDER BY host)")" "db02 web07"
(cd "$tmp/fleet" && tar czf "$tmp/fleet.tgz" hosts)
expect_code "fleet: tar.gz in place" 0 "$bin" ingest --db "$tmp/tar.db" --host-from 'hosts/(?<host>[^/]+)/' "$tmp/fleet.tgz"
expect_eq "fleet: tar members" "$("$bin" query --db "$tmp/tar.db" -f csv "SELECT group_concat(host || '=' || source_member, ' ') FROM (SELECT * FROM oom_events ORDER BY host)" | tail -n 1 | tr -d '\r')" \
	"db02=hosts/db02/messages-20261101.zst web07=hosts/web07/kern.log"
expect_code "bad --host-from" 2 "$bin" ingest --db "$db" --host-from 'hosts/([^/]+)/' "$tmp/fleet"
expect_grep "bad --host-from message" "no group named host" "$tmp/err"
printf '%s\n' "$tmp/fleet/hosts/web07/kern.log" | "$bin" ingest --db "$tmp/ff.db" --host-from 'hosts/(?<host>[^/]+)/' --files-from - 2>"$tmp/err"
expect_eq "--files-from -" "$("$bin" query --db "$tmp/ff.db" -f csv 'SELECT host FROM oom_events' | tail -n 1 | tr -d '\r')" web07
expect_code "glob" 0 "$bin" ingest --db "$tmp/glob.db" "$tmp/fleet/hosts/*/messages-*"
expect_eq "glob: one file" "$("$bin" query --db "$tmp/glob.db" -f csv 'SELECT count(*) FROM oom_events' | tail -n 1 | tr -d '\r')" 1

# ---- one host's journal through every wrapper (real journalctl renders and
# the native file): each of its two kills once, with its boot id ----
xz -dc "$data/journal/arch01.journal.xz" >"$tmp/arch01.journal"
db=$tmp/journal.db
expect_code "journal: every render" 0 "$bin" ingest --db "$db" --year 2026 "$tmp/arch01.journal" \
	"$data"/journal/arch01.json*.log "$data/journal/arch01.export.log" \
	"$data"/journal/arch01.short*.log "$data/journal/arch01.kernel.short-iso-precise.log"
expect_eq "journal: two kills" "$(n "SELECT count(*) || ' ' || count(DISTINCT boot_id) FROM oom_events")" "2 2"
expect_eq "journal: each seen in every render" "$(n 'SELECT min(sightings) FROM oom_events')" 14
expect_code "journal: a journal file in an archive" 4 "$bin" ingest --db "$db" "$data/journal/arch01.journal.xz"
expect_grep "journal: says how to read it" "journal.xz: a native journal file is read only as a plain file" "$tmp/err"

# ---- --format, --verbose ----
expect_code "unknown --format" 2 "$bin" ingest --db "$tmp/fmt.db" --format syslogx "$raw"
expect_grep "unknown --format lists the names" "unknown format 'syslogx' (one of: auto, dmesg" "$tmp/err"
expect_code "--format forces a wrapper" 0 "$bin" ingest --db "$tmp/fmt.db" --format short-monotonic "$data/journal/arch01.short-monotonic.log"
expect_eq "--format: both kills" "$("$bin" query --db "$tmp/fmt.db" -f csv 'SELECT count(*) FROM oom_events WHERE host = '"'arch01'" | tail -n 1 | tr -d '\r')" 2
expect_code "--verbose" 0 "$bin" ingest --db "$tmp/fmt.db" --verbose "$raw"
expect_grep "--verbose names each input" "archlinux_raw_dmesg.log: 1 event$" "$tmp/err"

# ---- merge: stores made on each host fold into one, each event once ----
"$bin" ingest -q --db "$tmp/m1.db" --host ws1 "$raw"
"$bin" ingest -q --db "$tmp/m2.db" --year 2026 "$tmp/full.log" "$data/corpus/rhel7_3.10.log"
expect_code "merge" 0 "$bin" merge --db "$tmp/central.db" "$tmp/m1.db" "$tmp/m2.db"
expect_grep "merge summary" "2 stores, 3 OOM events (2 new, 1 already stored)" "$tmp/err"
db=$tmp/central.db
expect_eq "merge: one ws1 event, seen in both stores' files" "$(n "SELECT count(*) || ' ' || sightings || ' ' || ts_quality || ' ' || task_rows FROM oom_events WHERE host = 'ws1'")" "1 2 exact 112"
expect_eq "merge: tasks and memory values came along" "$(n "SELECT count(*) > 100 FROM oom_meminfo m JOIN oom_events e ON e.id = m.event_id WHERE e.host = 'ws1'")" 1
expect_code "merge again" 0 "$bin" merge --db "$tmp/central.db" "$tmp/m1.db" "$tmp/m2.db"
expect_grep "merge again adds nothing" "3 OOM events (0 new, 3 already stored)" "$tmp/err"
expect_eq "merge: still two events" "$(n 'SELECT count(*) FROM oom_events')" 2
expect_code "merge a missing store" 4 "$bin" merge --db "$tmp/central.db" "$tmp/none.db"
expect_code "merge into itself" 4 "$bin" merge --db "$tmp/central.db" "$tmp/central.db"

# ---- a kill held for its follow-ups is not behind the cursor: the systemd notice
# that arrives in the next run is linked to it, and it stays one event ----
us=$data/userspace/kernel_memcg_then_systemd.log
mkdir -p "$tmp/us"
{ echo "Nov 20 10:10:00 db01 CRON[7]: (root) CMD (run-parts)"; head -n 21 "$us"; } >"$tmp/us/syslog"
expect_code "held: the kill alone" 0 "$bin" ingest --db "$tmp/held.db" --year 2026 "$tmp/us/syslog"
tail -n +22 "$us" >>"$tmp/us/syslog"
expect_code "held: its notices later" 0 "$bin" ingest --db "$tmp/held.db" --year 2026 "$tmp/us/syslog"
expect_grep "held: resumed" "1 source (0 unchanged, 1 resumed)" "$tmp/err"
expect_eq "held: one event with its unit" \
	"$("$bin" query --db "$tmp/held.db" -f csv "SELECT count(*) || ' ' || max(kind) || ' ' || max(unit) || ' ' || max(unit_result) || ' ' || max(sightings) FROM oom_events" | tail -n 1 | tr -d '\r')" \
	"1 memcg_oom mysqld.service oom-kill 1"

# the same systemd-oomd kills in syslog and in the journal's JSON (its entries as
# journalctl -o json writes them, made from the syslog lines): two events, each seen twice
expect_code "user-space: syslog and journal" 0 "$bin" ingest --db "$tmp/oomd.db" --year 2024 \
	"$data/userspace/oomd_swap.log" "$data/userspace/oomd_swap.journal.json"
expect_eq "user-space: one event per kill" \
	"$("$bin" query --db "$tmp/oomd.db" -f csv "SELECT group_concat(kind || ':' || sightings, ' ') FROM (SELECT * FROM oom_events ORDER BY id)" | tail -n 1 | tr -d '\r')" \
	"oomd_kill:2 oomd_kill:2"

# ---- bad inputs: one message each, the rest stored, exit 4 ----
db=$tmp/bad.db
mkdir -p "$tmp/bad"
head -c 3000 /bin/sh >"$tmp/bad/core.bin"
: >"$tmp/bad/empty.log"
gzip -c "$tmp/full.log" | head -c 3000 >"$tmp/bad/cut.log.gz"
cp "$data/corpus/rhel7_3.10.log" "$tmp/bad/good.log"
expect_code "bad: partial" 4 "$bin" ingest --db "$db" --year 2026 "$tmp/bad"
expect_grep "bad: binary named" "core.bin: binary data, not a log" "$tmp/err"
expect_grep "bad: empty named" "warning: .*empty.log: empty" "$tmp/err"
expect_grep "bad: truncated named" "error: .*cut.log.gz.*truncated" "$tmp/err"
expect_grep "bad: counted" "2 inputs failed" "$tmp/err"
expect_eq "bad: the good one stored" "$(n 'SELECT count(*) FROM oom_events')" 1

echo "ingest e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
