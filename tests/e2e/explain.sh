#!/bin/sh
# End-to-end tests of oomsift explain and show: every corpus report and every
# lab capture explained (primary causes, key figures, JSON with the fields
# docs/explain.md documents), stdin, cut reports, inputs without a report,
# colour, Markdown, a golden text output, and show's sources, --raw and
# --format json. Usage: explain.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

corpus=$data/corpus

# ---- the corpus: each report's primary cause and key figures ----
# explain_has FILE PATTERN...: explain FILE, then each pattern must be in its text
explain_has() {
	file=$1
	shift
	expect_code "explain $(basename "$file")" 0 "$bin" explain "$file"
	for p in "$@"; do expect_grep "explain $(basename "$file")" "$p" "$tmp/out"; done
}
explain_has "$corpus/archlinux_6.1.1.log" "^  1\. single_hog (high, primary)" \
	"^  2\. swap_exhausted (high)" "doxygen (pid 473206, uid 504) killed: Out of memory" \
	"^  RAM  *15.7 GiB" "^  swap  *24.0 GiB, 84 KiB free (100.0% used)" \
	"^  anon  *11.1 GiB  *71.0%" "^  victim, trigger  *473206  *504  *8.8 GiB  *56.1%" \
	"Largest tasks: 10 of 112 by RSS" "^  report  *complete"
explain_has "$corpus/proxmox_5.15_cgroupv2.log" "^  1\. memcg_limit (high, primary)" \
	"^  2\. worker_storm (high)" "2025-08-12T03:54:03Z" "^  cgroup  */lxc/39004 (its limit was reached)" \
	"29.8 GiB used of a 29.8 GiB limit (100%), failcnt 83420" "^  memory.stat  *size  *of limit" \
	"^  anon  *29.0 GiB  *97.5%" "^  victim  *3902942  *1000  *12.2 GiB  *41.0%" \
	"^  trigger  *3923954"
explain_has "$corpus/rhel7_3.10.log" "^  1\. single_hog (high, primary)" \
	"mysqld (pid 6576) killed: Out of memory, score 651" "^  RAM  *32.0 GiB" \
	"^  victim  *6576  *12345  *19.7 GiB  *61.5%"
explain_has "$corpus/ubuntu2110_5.13.log" "^  1\. manual (info, primary)" "manual (SysRq-f)" \
	"unattended-upgr (pid 651, uid 0) killed"

# ---- the golden text: one report, byte for byte (80 columns, no colour) ----
golden=$data/explain/rhel7_3.10.txt
(cd "$src" && "$bin" explain tests/data/corpus/rhel7_3.10.log) >"$tmp/golden" 2>&1
if cmp -s "$tmp/golden" "$golden"; then ok; else
	fail "explain rhel7_3.10: differs from $golden: $(diff "$golden" "$tmp/golden" | head -c 600)"
fi

# docs/explain.md shows the same output
awk '/^## An example/ { on = 1 } on && /^```$/ { if (in_block) exit; in_block = 1; next }
	in_block { print }' "$src/docs/explain.md" >"$tmp/doc-example"
if cmp -s "$tmp/doc-example" "$golden"; then ok; else fail "the example of docs/explain.md is not $golden"; fi

# ---- JSON: one array, each object with the fields docs/explain.md lists ----
# doc_fields HEADING: the field names of the table under "### HEADING" in
# docs/explain.md, a field whose meaning says "only" (explain only, show
# --raw only) with a "?" after it: it may be absent
doc_fields() {
	awk -v h="### $1" '$0 == h { on = 1; next } /^### / { on = 0 } on && /^\| `/ {
		split($0, c, "`"); split($0, col, "|")
		print c[2] (col[4] ~ /(^| )only/ ? "?" : "") }' "$src/docs/explain.md"
}
doc_fields "Event objects" >"$tmp/event-fields"
doc_fields "Memory event objects" >"$tmp/memevent-fields"
if [ "$(grep -c . "$tmp/event-fields")" -gt 20 ] && [ "$(grep -c . "$tmp/memevent-fields")" -gt 10 ]; then
	ok
else
	fail "docs/explain.md: no field tables under '### Event objects' and '### Memory event objects'"
fi
# check_fields WHAT JSON_FILE FIELDS_FILE SUBJECT: the top-level keys of each
# object of that subject are the documented ones, and each documented
# "a.b", "a[].b", "a.b[].c" is there (where its parent is an object)
check_fields() {
	jq -r --arg s "$4" --rawfile f "$3" '
		def parent($o; $segs): reduce $segs[] as $g ($o;
			if . == null then null
			elif ($g | endswith("[]")) then (.[$g | rtrimstr("[]")] // [])[0]
			else .[$g] end);
		($f | split("\n") | map(select(length > 0))) as $doc |
		($doc | map(select(test("[.\\[]") | not))) as $top |
		($top | map(rtrimstr("?"))) as $allowed |
		($top | map(select(endswith("?") | not))) as $required |
		.[] | select(.subject == $s) as $o |
		(($o | keys_unsorted) - $allowed | map("undocumented: " + .)[]),
		(($required - ($o | keys_unsorted)) | map("missing: " + .)[]),
		($doc[] | select(test("[.\\[]")) | rtrimstr("?") as $p |
		 ($p | split(".")) as $segs |
		 parent($o; $segs[:-1]) as $v |
		 if ($v | type) != "object" or ($v | has($segs[-1])) then empty
		 else "missing: " + $p end)' "$2" | sort -u >"$tmp/field-diff"
	if [ -s "$tmp/field-diff" ]; then fail "$1: $(tr '\n' ' ' <"$tmp/field-diff")"; else ok; fi
}
for f in "$corpus"/*.log; do
	name=$(basename "$f" .log)
	expect_code "explain --format json $name" 0 "$bin" explain --format json "$f"
	cp "$tmp/out" "$tmp/$name.json"
	expect_eq "$name: json is one array of one event" "$(jq -r 'length' "$tmp/$name.json")" 1
	check_fields "$name: documented fields" "$tmp/$name.json" "$tmp/event-fields" event
done
expect_eq "json: primary causes of the corpus" \
	"$(for f in "$corpus"/*.log; do jq -r '.[0].causes[0] | "\(.cause) \(.primary)"' "$tmp/$(basename "$f" .log).json"; done | tr '\n' ' ')" \
	"single_hog true memcg_limit true single_hog true manual true "
expect_eq "json: figures" "$(jq -r '.[0] | "\(.victim.pid) \(.victim.rss_kb) \(.memory.total_kb) \(.memory.shares[0].name) \(.tasks.count) \(.tasks.largest[0].role) \(.sources[0].line)"' "$tmp/archlinux_6.1.1.json")" \
	"473206 9234324 16461600 anon 112 victim, trigger 1"
expect_eq "json: cgroup" "$(jq -r '.[0] | "\(.cgroup.oom_memcg) \(.cgroup.memory.limit_kb) \(.memory.scope) \(.memory.total_name) \(.kind) \(.complete)"' "$tmp/proxmox_5.15_cgroupv2.json")" \
	"/lxc/39004 31211520 cgroup limit memcg_oom true"

# ---- Markdown ----
expect_code "explain --format markdown" 0 "$bin" explain --format markdown "$corpus/rhel7_3.10.log"
expect_grep "markdown title" "^## OOM event: rhel7\\\\_3.10, time unknown" "$tmp/out"
expect_grep "markdown causes" "^1\. \*\*single\\\\_hog\*\* (high, primary)" "$tmp/out"
expect_grep "markdown memory table" "^| anon | 30.6 GiB | 95.7% |" "$tmp/out"
expect_grep "markdown task table" "^| victim | 6576 | 12345 | 19.7 GiB | 61.5% |" "$tmp/out"

# ---- stdin, several reports, cut reports, no report ----
expect_code "explain - (stdin)" 0 sh -c "\"$bin\" explain - <\"$corpus/rhel7_3.10.log\""
expect_grep "stdin: the cause" "^  1\. single_hog (high, primary)" "$tmp/out"
expect_grep "stdin: read from" "read from   stdin:1" "$tmp/out"
expect_code "explain --host" 0 sh -c "\"$bin\" explain --host db07 - <\"$corpus/rhel7_3.10.log\""
expect_grep "explain --host" "^OOM event: db07," "$tmp/out"
expect_code "explain: several reports" 0 "$bin" explain --year 2026 "$data/behaviour/synthetic_two_reports_back_to_back.log"
expect_eq "several reports: titles" "$(grep -c '^OOM event [123] of 3: ' "$tmp/out")" 3
expect_code "explain: cut report (end only)" 0 "$bin" explain "$data/behaviour/cut_report_end_only.log"
expect_grep "cut report: incomplete" "^  report  *incomplete: see 'Missing' below" "$tmp/out"
expect_grep "cut report: missing the header" "^  - the header (' invoked oom-killer:'" "$tmp/out"
expect_grep "cut report: missing the task table" "^  - the task table" "$tmp/out"
expect_grep "cut report: why" "^  Likely because the kernel prints the report before the kill at most 10" "$tmp/out"
expect_code "explain: cut report (begin only) json" 0 "$bin" explain -f json "$data/behaviour/cut_report_begin_only.log"
expect_eq "cut report: missing parts" "$(jq -r '.[0] | [.complete, (.missing[] | .part)] | join(" ")' "$tmp/out")" \
	"false meminfo task_table kill"
printf 'Nov 20 08:00:01 db02 kernel: e1000e: eth0 NIC Link is Up 1000 Mbps\n' >"$tmp/plain.log"
expect_code "explain: no report" 1 "$bin" explain "$tmp/plain.log"
expect_grep "no report: message" "no OOM report in '$tmp/plain.log'" "$tmp/err"
expect_eq "no report: nothing on stdout" "$(cat "$tmp/out")" ""
expect_code "explain: no report on stdin" 1 sh -c "\"$bin\" explain - <\"$tmp/plain.log\""
expect_grep "no report on stdin: message" "no OOM report in 'stdin'" "$tmp/err"
: >"$tmp/empty.log"
expect_code "explain: empty file" 1 "$bin" explain "$tmp/empty.log"
expect_code "explain: no such file" 4 "$bin" explain "$tmp/none.log"
expect_grep "no such file: message" "cannot open" "$tmp/err"
expect_code "explain: no input" 2 "$bin" explain
expect_code "explain: unknown format" 2 "$bin" explain --format yaml "$corpus/rhel7_3.10.log"
expect_code "explain: unknown input format" 2 "$bin" explain --input-format nope "$corpus/rhel7_3.10.log"
expect_code "explain: bad --color" 2 "$bin" explain --color sometimes "$corpus/rhel7_3.10.log"
expect_code "explain: bad --year" 2 "$bin" explain --year 12 "$corpus/rhel7_3.10.log"

# memory events: shown with their causes
expect_code "explain: memory events" 0 "$bin" explain --year 2024 -f json "$data/userspace/memory_events.log"
expect_eq "memory events: kinds and causes" \
	"$(jq -r '[.[] | "\(.subject):\(.kind):\(.cause)"] | join(" ")' "$tmp/out")" \
	"memory_event:page_alloc_failure:null memory_event:overcommit_refusal:strict_overcommit memory_event:overcommit_refusal:strict_overcommit memory_event:overcommit_refusal:strict_overcommit memory_event:page_alloc_failure:null memory_event:vmalloc_failure:null memory_event:page_alloc_stall:null"
check_fields "memory events: documented fields" "$tmp/out" "$tmp/memevent-fields" memory_event
expect_code "explain: memory events as text" 0 "$bin" explain --year 2024 "$data/userspace/memory_events.log"
expect_grep "memory event text" "^Memory event 2 of 7: db02, 2024-11-20T08:05:00Z, uptime 4928.101 s" "$tmp/out"
expect_grep "memory event cause" "strict_overcommit (medium, primary, rule strict_overcommit_refusal)" "$tmp/out"

# the rule options of ingest apply
expect_code "explain --disable" 0 "$bin" explain --disable single_hog "$corpus/archlinux_6.1.1.log"
expect_grep "explain --disable: the next cause" "^  1\. swap_exhausted (high, primary)" "$tmp/out"
mkdir -p "$XDG_CONFIG_HOME/oomsift/rules.d"
cat >"$XDG_CONFIG_HOME/oomsift/rules.d/e2e.yaml" <<'YAML'
rules:
  - id: e2e_doxygen
    title: doxygen again
    cause: e2e_doxygen
    severity: critical
    priority: 5000
    when: {field: victim_comm, equals: doxygen}
    evidence: "{victim_comm} was killed"
    advice: Run it elsewhere.
    examples:
      match:
        - event: {victim_comm: doxygen}
      no_match:
        - event: {victim_comm: mysqld}
YAML
expect_code "explain: user rules.d" 0 "$bin" explain "$corpus/archlinux_6.1.1.log"
expect_grep "user rules.d: its cause first" "^  1\. e2e_doxygen (critical, primary)$" "$tmp/out"
expect_code "explain --no-user-rules" 0 "$bin" explain --no-user-rules "$corpus/archlinux_6.1.1.log"
expect_grep "--no-user-rules: built-in" "^  1\. single_hog (high, primary)" "$tmp/out"
rm "$XDG_CONFIG_HOME/oomsift/rules.d/e2e.yaml"

# ---- colour: only on a terminal, never with NO_COLOR ----
esc=$(printf '\033')
expect_code "explain, not a terminal" 0 "$bin" explain "$corpus/rhel7_3.10.log"
if grep -q "$esc" "$tmp/out"; then fail "colour in a pipe"; else ok; fi
expect_code "explain --color always" 0 "$bin" explain --color always "$corpus/rhel7_3.10.log"
expect_grep "--color always" "$esc\[1mOOM event" "$tmp/out"
expect_code "json never coloured" 0 "$bin" explain --color always -f json "$corpus/rhel7_3.10.log"
if grep -q "$esc" "$tmp/out"; then fail "colour in json"; else ok; fi
if command -v script >/dev/null 2>&1; then
	script -qec "\"$bin\" explain \"$corpus/rhel7_3.10.log\"" /dev/null >"$tmp/tty" 2>&1
	expect_grep "colour on a terminal" "$esc\[1mOOM event" "$tmp/tty"
	NO_COLOR=1 script -qec "\"$bin\" explain \"$corpus/rhel7_3.10.log\"" /dev/null >"$tmp/tty" 2>&1
	if grep -q "$esc\[" "$tmp/tty"; then fail "colour despite NO_COLOR"; else ok; fi
fi
expect_code "COLUMNS widens the text" 0 env COLUMNS=200 "$bin" explain "$corpus/proxmox_5.15_cgroupv2.log"
expect_grep "COLUMNS: one line" "killed: Memory cgroup out of memory$" "$tmp/out"

# ---- the lab: what real kernels printed, through two wrappers ----
captures=0
for truth in "$data"/lab/*/*/truth.json; do
	[ -f "$truth" ] || continue
	dir=$(dirname "$truth")
	name=$(basename "$(dirname "$dir")")/$(basename "$dir")
	host=$(jq -r .host "$truth")
	year=$(date -u -d "@$(jq -r .boot_time "$truth")" +%Y)
	for w in console.txt.xz dmesg.txt.xz; do
		[ -f "$dir/$w" ] || continue
		captures=$((captures + 1))
		expect_code "$name/$w: explain" 0 "$bin" explain -f json --host "$host" --year "$year" "$dir/$w"
		# the primary cause of each event, in order; the contributing causes;
		# the memory events' causes
		jq -r -n --slurpfile t "$truth" --slurpfile g "$tmp/out" '
			$t[0] as $truth | [$g[0][] | select(.subject == "event")] as $ev |
			(if $truth.expect.each_killed then [$truth.killed[] | {}]
			 else $truth.expect.events end | map(.cause // $truth.cause)) as $want |
			(if ($ev | map(.cause)) != $want
			 then "causes \($ev | map(.cause)), expected \($want)" else empty end),
			($ev[] as $e | ($truth.also // [])[] as $c |
			 if ($e.causes | map(.cause) | index($c)) == null
			 then "event \($e.index): \($c) not among its causes" else empty end),
			($ev[] | select((.complete | not) and .missing_why == null)
			 | "event \(.index) incomplete, with no reason"),
			(($truth.expect.memory_events // [])[] as $m |
			 if [$g[0][] | select(.subject == "memory_event" and .kind == $m.kind
			                      and .cause == ($m.cause // .cause))] | length == 0
			 then "memory event \($m | tojson) not explained" else empty end)' >"$tmp/diff"
		if [ -s "$tmp/diff" ]; then fail "$name/$w: $(tr '\n' ';' <"$tmp/diff" | head -c 600)"; else ok; fi
	done
done
[ "$captures" -gt 0 ] || fail "no lab captures under $data/lab"

# what real kernels leave out: the task table with vm.oom_dump_tasks=0, and
# everything but the kill lines after 10 reports in 5 s (the worker storm)
lab=$data/lab/6.1.0-50-amd64
expect_code "lab no_dump_tasks" 0 "$bin" explain -f json --host lab "$lab/no_dump_tasks/dmesg.txt.xz"
expect_eq "no_dump_tasks: missing" "$(jq -r '.[] | select(.subject == "event") | "\([.missing[].part] | join(",")) \(.missing_why | test("vm.oom_dump_tasks=0"))"' "$tmp/out")" \
	"task_table true"
expect_code "lab worker_storm" 0 "$bin" explain -f json --host lab "$lab/worker_storm/dmesg.txt.xz"
expect_eq "worker_storm: the first ten complete" "$(jq -r '[.[:10][] | .complete] | unique | join(",")' "$tmp/out")" true
expect_eq "worker_storm: the 11th rate-limited" "$(jq -r '.[10] | "\([.missing[].part] | join(",")) \(.missing_why | test("10 times in 5 s")) \(.victim.comm)"' "$tmp/out")" \
	"header,stack,meminfo,task_table true worker"

# ---- show: the same view from the store, with its sources and --raw ----
# one kill read through dmesg and kern.log: one event, two sources
db=$tmp/show.db
dir=$lab/sysrq_manual
host=$(jq -r .host "$dir/truth.json")
year=$(date -u -d "@$(jq -r .boot_time "$dir/truth.json")" +%Y)
expect_code "ingest for show" 0 "$bin" ingest -q --db "$db" --host "$host" --year "$year" "$dir/dmesg.txt.xz" "$dir/kern.log.xz"
id=$(q -f csv "SELECT id FROM oom_events" | tail -n 1 | tr -d '\r')
expect_eq "one event, read twice" "$(q -f csv 'SELECT sightings FROM oom_events' | tail -n 1 | tr -d '\r')" 2
expect_code "show" 0 "$bin" show --db "$db" "$id"
expect_grep "show: title with its id" "^OOM event $id: $host, 20" "$tmp/out"
expect_grep "show: first source" "^  read from   .*sysrq_manual/dmesg.txt.xz:366" "$tmp/out"
expect_grep "show: second source" "^              .*sysrq_manual/kern.log.xz:366" "$tmp/out"
expect_grep "show: ingest times" "first read 20" "$tmp/out"
expect_grep "show: the same causes as explain" "^  1\. manual (info, primary)" "$tmp/out"
expect_code "show --raw" 0 "$bin" show --db "$db" --raw "$id"
expect_grep "show --raw: heading" "^Raw report$" "$tmp/out"
expect_grep "show --raw: the report's lines" "kworker/0:1 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1" "$tmp/out"
expect_code "show --format json" 0 "$bin" show --db "$db" --format json --raw "$id"
expect_eq "show json: one object with its sources" "$(jq -r '"\(.id) \(.sightings) \(.sources | length) \(.cause) \(.raw | test("invoked oom-killer"))"' "$tmp/out")" \
	"$id 2 2 manual true"
jq '[.]' "$tmp/out" >"$tmp/show.json"
check_fields "show json: documented fields" "$tmp/show.json" "$tmp/event-fields" event
expect_code "show --format markdown" 0 "$bin" show --db "$db" --format markdown "$id"
expect_grep "show markdown" "^## OOM event $id: " "$tmp/out"
expect_code "show: no such event" 1 "$bin" show --db "$db" 4242
expect_grep "show: no such event message" "no event 4242" "$tmp/err"
expect_code "show: bad id" 2 "$bin" show --db "$db" x1
expect_code "show: unknown format" 2 "$bin" show --db "$db" --format yaml "$id"
mdb=$tmp/mem.db
expect_code "ingest memory events" 0 "$bin" ingest -q --db "$mdb" --year 2024 "$data/userspace/memory_events.log"
mid=$("$bin" query --db "$mdb" -f csv "SELECT id FROM memory_events WHERE comm = 'java' AND kind = 'overcommit_refusal'" | tail -n 1 | tr -d '\r')
expect_code "show --memory-event" 0 "$bin" show --db "$mdb" --memory-event "$mid"
expect_grep "show memory event" "^Memory event $mid: db02" "$tmp/out"
expect_grep "show memory event: cause" "strict_overcommit (medium, primary" "$tmp/out"
expect_code "show --memory-event: no such row" 1 "$bin" show --db "$mdb" -m 4242

echo "explain e2e: $captures lab captures, $passed passed, $failed failed"
[ "$failed" -eq 0 ]
