#!/bin/sh
# End-to-end tests of oomsift report: golden outputs and the command line.
#
# A fixture store is built from known logs: examples/fleet (as `make demo`
# ingests it), tests/data/corpus, and the oom lab's leak and worker_storm
# captures of both kernels (kern.log, with --host and --year from their
# truth.json). Each report below, made with a fixed OOMSIFT_NOW, must equal
# tests/data/report/NAME.{txt,md,json} byte for byte. To regenerate them
# after a deliberate change (and then read the diff):
#   OOMSIFT_UPDATE_GOLDEN=1 sh tests/e2e/report.sh build/oomsift .
# Usage: report.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

golden=$data/report
db=$tmp/report.db
NOW=2026-11-17T00:00:00Z
export NO_COLOR= # the test decides about colour below

# the fixture store
"$bin" ingest -q --db "$db" --host-from 'fleet/(?<host>[^/]+)/' --year 2026 "$src/examples/fleet" 2>/dev/null ||
	fail "ingest examples/fleet"
"$bin" ingest -q --db "$db" "$data/corpus" 2>/dev/null # its .expected.json are no logs: exit 0 or 4
for scenario in 6.1.0-50-amd64/leak 6.1.0-50-amd64/worker_storm \
	6.12.117+deb12-amd64/leak 6.12.117+deb12-amd64/worker_storm; do
	truth=$data/lab/$scenario/truth.json
	year=$(date -u -d "@$(jq -r .boot_time "$truth")" +%Y)
	expect_code "ingest $scenario" 0 "$bin" ingest -q --db "$db" --host "$(jq -r .host "$truth")" \
		--year "$year" "$data/lab/$scenario/kern.log.xz"
done

# golden NAME EXT ARGS...: the report with ARGS against tests/data/report/NAME.EXT
golden() {
	name=$1 ext=$2
	shift 2
	OOMSIFT_NOW=$NOW "$bin" report --db "$db" "$@" >"$tmp/$name.$ext" 2>"$tmp/err"
	code=$?
	if [ "$code" -ne 0 ]; then
		fail "$name.$ext: exit $code ($(head -c 300 "$tmp/err"))"
		return
	fi
	if [ "${OOMSIFT_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/$name.$ext" "$golden/$name.$ext"
		echo "updated $golden/$name.$ext"
	fi
	if cmp -s "$tmp/$name.$ext" "$golden/$name.$ext"; then
		ok
	else
		fail "$name.$ext differs from the golden file: $(diff "$golden/$name.$ext" "$tmp/$name.$ext" | head -n 20)"
	fi
}

# the fleet's week: the last complete one before NOW (2026-W46)
golden fleet-w46 txt
golden fleet-w46 md -f markdown
golden fleet-w46 json -f json
# three days of it: a period before with kills, a recurring problem
golden fleet-days txt --since 2026-11-10 --until 2026-11-13
golden fleet-days json --since 2026-11-10 --until 2026-11-13 --format json
# the lab's leak (a leak suspect with its series) and worker storm (one incident)
golden lab-leak txt --week 2032-W53
golden lab-leak md --week 2032-W53 -f md
golden lab-leak json --week 2032-W53 -f json
golden lab-storm txt --week 2028-W49 --host 'lab-6-1*'
golden lab-storm json --week 2028-W49 --host 'lab-6-1*' -f json

# every JSON report is JSON with the documented top level
for f in "$tmp"/*.json; do
	expect_eq "$(basename "$f") keys" "$(jq -c 'keys_unsorted' "$f")" \
		'["schema_version","generated_at","period","previous_period","host_filter","incident_gap_s","recurring_since","leak_window_start","headline","causes","hosts","kills_per_day","victims","groups","leak_suspects","problems","problem_counts","actions","omitted"]'
done
# figures that the golden files must hold, checked against the store itself
expect_eq "w46 kills = the store's" "$(jq .headline.kills.value "$tmp/fleet-w46.json")" \
	"$(q -f csv "SELECT count(*) FROM oom_events WHERE has_kill AND ts_unix >= 1794182400 AND ts_unix < 1794787200" | tail -n 1 | tr -d '\r')"
expect_eq "storm: 120 kills in one incident" \
	"$(jq -c '[.headline.kills.value, .headline.incidents.value, .hosts[0].host]' "$tmp/lab-storm.json")" '[120,1,"lab-6-1-0"]'
expect_eq "leak: leakyd's series" \
	"$(jq -c '[.leak_suspects[0].name, [.leak_suspects[0].series[].rss_kb]]' "$tmp/lab-leak.json")" \
	'["leakyd",[41248,57616,73984,90352]]'
expect_eq "days: db01 mysqld recurs" \
	"$(jq -c '[.problems[] | select(.status == "recurring") | [.host, .victim, .kills_before]]' "$tmp/fleet-days.json")" \
	'[["db01","mysqld",1]]'

# the command line
expect_code "-o FILE" 0 env OOMSIFT_NOW=$NOW "$bin" report --db "$db" -o "$tmp/out.txt"
expect_eq "-o writes what stdout shows" "$(cmp -s "$tmp/out.txt" "$tmp/fleet-w46.txt" && echo same)" same
expect_code "OOMSIFT_NOW as epoch seconds" 0 env OOMSIFT_NOW=1794873600 "$bin" report --db "$db"
expect_eq "epoch NOW gives the same week" "$(cmp -s "$tmp/out" "$tmp/fleet-w46.txt" && echo same)" same
expect_code "--week spelled 2026w46" 0 env OOMSIFT_NOW=$NOW "$bin" report --db "$db" --week 2026w46
expect_eq "--week 2026w46 is the default week" "$(cmp -s "$tmp/out" "$tmp/fleet-w46.txt" && echo same)" same
expect_code "--incident-gap 1440" 0 env OOMSIFT_NOW=$NOW "$bin" report --db "$db" -f json --incident-gap 1440
expect_eq "a day's gap: pve01's two kills are one incident" \
	"$(jq '.hosts[] | select(.host == "pve01") | .incidents' "$tmp/out")" 1
expect_code "no colour into a pipe" 0 env OOMSIFT_NOW=$NOW "$bin" report --db "$db"
expect_eq "no escape codes" "$(grep -c "$(printf '\033')" "$tmp/out")" 0
if command -v script >/dev/null 2>&1; then
	OOMSIFT_NOW=$NOW script -qec "'$bin' report --db '$db'" /dev/null >"$tmp/tty" 2>&1
	expect_eq "colour on a terminal" "$(grep -q "$(printf '\033')\[1m" "$tmp/tty" && echo bold)" bold
	NO_COLOR=1 OOMSIFT_NOW=$NOW script -qec "'$bin' report --db '$db'" /dev/null >"$tmp/tty" 2>&1
	expect_eq "NO_COLOR on a terminal" "$(grep -c "$(printf '\033')" "$tmp/tty")" 0
fi
expect_code "--week with --since" 2 "$bin" report --db "$db" --week 2026-W46 --since 7d
expect_code "bad week" 2 "$bin" report --db "$db" --week 2026-W60
expect_grep "bad week message" "cannot read the week '2026-W60'" "$tmp/err"
expect_code "bad time" 2 "$bin" report --db "$db" --since yesterday-ish
expect_code "empty period" 2 "$bin" report --db "$db" --since 2026-11-10 --until 2026-11-01
expect_code "too long a period" 2 "$bin" report --db "$db" --since 2026-01-01 --until 2026-12-01
expect_grep "too long message" "at most 92 days" "$tmp/err"
expect_code "bad format" 2 "$bin" report --db "$db" -f pdf
expect_code "bad gap" 2 "$bin" report --db "$db" --incident-gap 0
expect_code "bad OOMSIFT_NOW" 2 env OOMSIFT_NOW=soon "$bin" report --db "$db"
expect_code "missing store" 5 "$bin" report --db "$tmp/none.db"
expect_code "unwritable -o" 70 "$bin" report --db "$db" -o "$tmp/no/such/dir/r.txt"
expect_code "report --help" 0 "$bin" report --help
expect_grep "--help names OOMSIFT_NOW" "OOMSIFT_NOW" "$tmp/out"
expect_code "a host pattern that matches nothing" 0 env OOMSIFT_NOW=$NOW "$bin" report --db "$db" --host 'nohost*' -f json
expect_eq "nothing matched: zero kills" "$(jq -c '[.headline.kills.value, (.hosts | length), .headline.undated_events]' "$tmp/out")" '[0,0,0]'

echo "report e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
