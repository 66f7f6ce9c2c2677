#!/bin/sh
# The bad-input catalog (tests/data/bad/cases): each case's exit code, its
# message and what its store holds; then the checks a manifest line cannot
# say: every prefix of a real report, escaping of hostile names in every
# output. Usage: bad.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

gen=$tmp/gen
mkdir -p "$gen"
rhel=$data/corpus/rhel7_3.10.log
raw=$data/wrappers/archlinux_raw_dmesg.log

# ---- inputs made at test time ----
{ head -c 52428800 /dev/zero | tr '\0' x; echo; cat "$rhel"; } >"$gen/long_line.txt"
# a report, then 8 MB of noise, cut at three quarters: the report is kept
{ cat "$rhel"; seq 1 200000 | sed 's/^/Jan  7 05:00:00 ws1 foo: noise line /'; } | gzip -c >"$gen/full.gz"
head -c $(($(wc -c <"$gen/full.gz") * 3 / 4)) "$gen/full.gz" >"$gen/cut.gz"
rm "$gen/full.gz"
cp "$rhel" "$gen/unreadable.txt" && chmod 000 "$gen/unreadable.txt"
ln -s loop2 "$gen/loop1" && ln -s loop1 "$gen/loop2"
mkfifo "$gen/fifo"
# two reports of one host, their lines alternating
one=$data/behaviour/synthetic_marker_text_in_comm.log
sed 's/4242/5151/g; s/stress/hog/g; s/\[ 9001\.0/[ 9001.5/' "$one" >"$gen/other.txt"
paste -d '\n' "$one" "$gen/other.txt" >"$gen/interleaved.txt"
to_kernlog() {
	awk -v wall="$1" '
		/^\[/ { ts = substr($0, 1, index($0, "]")); print wall " ws1 kernel: " $0; next }
		{ sub(/^ +/, ""); print wall " ws1 kernel: " ts " " $0 }' "$2"
}
{ to_kernlog "Dec 31 23:59:58" "$raw"; to_kernlog "Jan  1 00:00:02" "$raw" | sed 's/\[123456\./[123460./'; } >"$gen/rollover.txt"
touch -d '2026-01-01 00:10:00 UTC' "$gen/rollover.txt"
{ to_kernlog "Mar  5 10:00:00" "$raw"; to_kernlog "Mar  5 09:00:00" "$raw" | sed 's/\[123456\./[123460./'; } >"$gen/clock_jump.txt"
python3 "$src/tests/tools/bad-journal-export.py" "$data/journal/arch01.export.log" >"$gen/huge_fields.export"
python3 "$src/tests/tools/bad-journal-export.py" --corrupt-tail "$data/journal/arch01.export.log" >"$gen/corrupt_tail.export"
i=0 open='' close=''
while [ $i -lt 40 ]; do open="$open["; close="$close]"; i=$((i + 1)); done
printf 'rules:\n  - id: deep\n    when: %s1%s\n' "$open" "$close" >"$gen/deep.yaml"
"$bin" ingest -q --db "$gen/newer.db" "$rhel"
sqlite3 "$gen/newer.db" 'PRAGMA user_version = 99'
head -c 8192 /bin/sh >"$gen/corrupt.db"

# ---- the manifest ----
sub() { printf '%s' "$1" | sed "s|@db|$tmp/$name.db|g; s|@bad/|$data/bad/|g; s|@data/|$data/|g; s|@gen/|$gen/|g"; }
tab=$(printf '\t')
while IFS=$tab read -r name code msg sql expected args; do
	case $name in '#'* | '') continue ;; esac
	if [ "$name" = unreadable ] && [ "$(id -u)" -eq 0 ]; then
		echo "bad: $name skipped (root reads every file)" >&2
		continue
	fi
	set -f
	# shellcheck disable=SC2046
	expect_code "$name" "$code" "$bin" $(sub "$args")
	set +f
	[ "$msg" = - ] || expect_grep "$name: message" "$msg" "$tmp/err"
	if [ "$sql" != - ]; then
		db=$(sub "$(printf '%s' "$args" | sed -n 's/.*--db \([^ ]*\).*/\1/p')")
		got=$(sqlite3 -readonly "$db" "$sql" 2>&1)
		expect_eq "$name: store" "$got" "$expected"
	fi
done <"$data/bad/cases"

# ---- a report cut at every line boundary (and mid-line): no crash, at most
# one event, and what the prefix holds is right ----
n=$(wc -l <"$rhel")
full=$tmp/full.db
"$bin" ingest -q --no-classify --db "$full" "$rhel"
cols="trigger_comm, trigger_pid, victim_pid, victim_comm, task_rows"
i=1
while [ "$i" -le "$n" ]; do
	head -n "$i" "$rhel" >"$gen/prefix.txt"
	# every 16th prefix also ends in half of the next line
	[ $((i % 16)) -eq 0 ] && sed -n "$((i + 1))p" "$rhel" | head -c 20 >>"$gen/prefix.txt"
	rm -f "$tmp/prefix.db"
	"$bin" ingest -q --no-classify --db "$tmp/prefix.db" "$gen/prefix.txt" 2>"$tmp/err"
	code=$?
	if [ "$code" -ne 0 ]; then
		fail "prefix $i: exit $code ($(head -c 200 "$tmp/err"))"
		i=$((i + 1))
		continue
	fi
	events=$(sqlite3 "$tmp/prefix.db" 'SELECT count(*) FROM oom_events')
	[ "$events" -le 1 ] && ok || fail "prefix $i: $events events"
	# every field the prefix has is the full report's; task rows never more
	bad=$(sqlite3 "$tmp/prefix.db" "ATTACH '$full' AS f;
		SELECT count(*) FROM oom_events p, f.oom_events w WHERE
		(p.trigger_comm IS NOT NULL AND p.trigger_comm IS NOT w.trigger_comm) OR
		(p.trigger_pid IS NOT NULL AND p.trigger_pid IS NOT w.trigger_pid) OR
		(p.victim_pid IS NOT NULL AND p.victim_pid IS NOT w.victim_pid) OR
		(p.victim_comm IS NOT NULL AND p.victim_comm IS NOT w.victim_comm) OR
		(p.ts IS NOT NULL AND p.ts IS NOT w.ts) OR
		coalesce(p.task_rows, 0) > w.task_rows")
	expect_eq "prefix $i: fields right" "$bad" 0
	i=$((i + 1))
done
expect_eq "the whole report: complete" "$(sqlite3 "$full" "SELECT complete || ' ' || task_rows FROM oom_events")" "1 85"

# ---- two reports interleaved line by line: both kills are kept (above);
# the assembler holds one open report per host, so a header closes the
# other's report: three events, none of them both kills ----
db=$tmp/interleaved_cpus.db
expect_eq "interleaved: three events" "$(sqlite3 "$db" 'SELECT count(*) FROM oom_events')" 3
expect_eq "interleaved: each kill once" "$(sqlite3 "$db" 'SELECT count(*) FROM oom_kills GROUP BY event_id HAVING count(*) > 1')" ""

# ---- a corrupt export stream after good entries: named with its line; the
# file counts as failed (exit 4) and the events before the damage are kept
# (the two of the stream's good entries, as in journal_huge_fields) ----
rc=0
"$bin" ingest --db "$tmp/corrupt_tail.db" "$gen/corrupt_tail.export" 2>"$tmp/err" || rc=$?
expect_eq "export: corrupt tail, exit 4 (a file failed)" "$rc" 4
expect_grep "export: corrupt tail named" "corrupt_tail.export: line [0-9]*: field MESSAGE: binary length 4611686018427387904 is not plausible" "$tmp/err"
expect_eq "export: the events before the damage are kept" \
	"$(sqlite3 "$tmp/corrupt_tail.db" 'SELECT count(*) FROM oom_events')" 2

# ---- hostile names come out escaped ----
db=$tmp/names_markup.db
sed 's/^/Nov 20 10:00:00 web<i>1 kernel: /' "$data/bad/names_markup.log" >"$gen/names.txt"
"$bin" ingest -q --year 2026 --db "$tmp/names.db" "$gen/names.txt"
OOMSIFT_NOW=2026-11-25 "$bin" report --db "$tmp/names.db" -f html >"$tmp/r.html" 2>"$tmp/err"
expect_eq "html: no raw markup from the log" "$(grep -c '<img\|<b>\|<script>\|<i>' "$tmp/r.html")" 0
expect_grep "html: the names, escaped" "&lt;b&gt;&quot;it&#39;s&quot;&lt;/b&gt;\|&lt;b&gt;&#34;it&#39;s&#34;&lt;/b&gt;" "$tmp/r.html"
expect_grep "html: the host, escaped" "web&lt;i&gt;1" "$tmp/r.html"
"$bin" query --db "$db" -f json 'SELECT victim_comm FROM oom_events' >"$tmp/out"
expect_grep "json: quotes escaped" '"victim_comm":"<b>\\"it'"'"'s\\"</b>"' "$tmp/out"
"$bin" query --db "$db" -f markdown 'SELECT task_memcg FROM oom_events' >"$tmp/out"
expect_grep "markdown: markup as entities" '&lt;img src=x onerror=alert(1)&gt;' "$tmp/out"
"$bin" show --db "$db" -f json 1 | jq -r .victim.comm >"$tmp/out"
expect_grep "show json: round trip" "^<b>\"it's\"</b>$" "$tmp/out"
# control characters (an escape sequence in a task name) do not reach a terminal
printf '\033]0;pwned\007' >"$gen/esc"
sed "s/<b>\"it's\"<\/b>/e$(cat "$gen/esc")x/g" "$data/bad/names_markup.log" >"$gen/esc.txt"
"$bin" ingest -q --db "$tmp/esc.db" "$gen/esc.txt"
for how in "show --db $tmp/esc.db 1" "query --db $tmp/esc.db SELECT\ victim_comm\ FROM\ oom_events"; do
	set -f
	# shellcheck disable=SC2086
	"$bin" $how >"$tmp/out" 2>&1
	set +f
	expect_eq "no escape sequence: ${how%% *}" "$(tr -d '\n' <"$tmp/out" | grep -c "$(printf '\033')")" 0
done

# ---- show and its JSON over numbers at the 64-bit limit (sums saturate) ----
expect_code "numbers: show" 0 "$bin" show --db "$tmp/numbers_limits.db" 1
expect_code "numbers: show json" 0 "$bin" show --db "$tmp/numbers_limits.db" -f json 1
expect_grep "numbers: rss saturates" '"rss_kb": *9223372036854775807' "$tmp/out"

# ---- caps: task rows per report (200000) and raw text per report (4 MiB):
# past them the event is still stored, whole in its parsed fields ----
one=$data/behaviour/synthetic_marker_text_in_comm.log
{ head -n 6 "$one"
  seq 1 200010 | awk '{ printf "[ 9001.000202] [%7d]     0 %7d     1000      100    40960        0             0 t%d\n", $1 + 10000, $1 + 10000, $1 }'
  tail -n 2 "$one"; } >"$gen/tasks.txt"
expect_code "caps: 200010 task rows" 0 "$bin" ingest -q --no-classify --db "$tmp/caps.db" "$gen/tasks.txt"
expect_eq "caps: task rows stop at 200000, the kill is kept" \
	"$(sqlite3 "$tmp/caps.db" 'SELECT task_rows || " " || complete || " " || victim_pid FROM oom_events')" "200000 1 4242"
expect_eq "caps: raw text stops at 4 MiB" \
	"$(sqlite3 "$tmp/caps.db" 'SELECT length(text) <= 4 * 1048576 AND length(text) > 4 * 1048576 - 200 FROM raw')" 1

echo "bad e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
