#!/bin/sh
# ingest --jobs N stores what --jobs 1 stores: the same rows in every table
# (compared by stable keys, without autoincrement ids and ingestion times),
# the same messages in the same order, the same summary and exit code, over
# a fleet of many files: examples/fleet, tests/data (with sosreports, binary
# and empty inputs), bench/gen per-host logs plain and gzip, an archive, the
# same file twice and a copy of one (a source a file before it changes: the
# writer reads the rest of that file itself), then a second run over grown,
# rotated and replaced files (cursors, unchanged files), and one with --reread.
# Usage: ingest_jobs.sh OOMSIFT_BINARY SOURCE_DIR BENCH_GEN_BINARY
set -u
bin=$1
src=$2
gen=$3
. "$(dirname "$0")/lib.sh"

# ---- the fleet ----
fleet=$tmp/fleet
mkdir -p "$fleet/gz" "$fleet/dup"
"$gen" --seed 11 --hosts 12 --days 2 --size 6M --density 256 --format hosts \
	--out "$fleet/gen" >/dev/null || fail "bench-gen"
for f in "$fleet"/gen/hosts/*.log; do gzip -c "$f" >"$fleet/gz/$(basename "$f").gz"; done
tar -C "$fleet/gen/hosts" -cJf "$fleet/hosts.tar.xz" node001.log node002.log node003.log
cp "$fleet/gen/hosts/node004.log" "$fleet/dup/copy-of-node004.log"
# A file that starts as a later one does: the later one is the same source,
# read on from where the first stopped (when a worker has read it from its
# start already, the writer reads it again itself).
pfx=
for n in 002 003 006 007; do
	head -n 3000 "$fleet/gen/hosts/node$n.log" >"$fleet/dup/start-of-node$n.log"
	pfx="$pfx $fleet/dup/start-of-node$n.log $fleet/gen/hosts/node$n.log"
done
printf '\000\001\002binary\n' >"$fleet/dup/binary.log"
: >"$fleet/dup/empty.log"
# The order matters: inputs are stored in the order given.
# shellcheck disable=SC2086 # $pfx: paths without blanks, one word each
set -- $pfx "$src/examples/fleet" "$data" "$fleet/gen/hosts" "$fleet/gz" "$fleet/hosts.tar.xz" \
	"$fleet/gen/hosts/node001.log" "$fleet/dup" "$fleet/missing.log" "$fleet/gen/hosts/node004.log"

# cols DB TABLE: its columns but ids, ids of other rows and ingestion times
cols() {
	sqlite3 "$1" "SELECT group_concat(name, ', ') FROM pragma_table_info('$2')
		WHERE name NOT IN ('id', 'event_id', 'source_id', 'fingerprint', 'ingested_at')"
}

# dump DB: every table, ids replaced by what they point to, sorted.
dump() {
	sqlite3 "$1" <<EOF
CREATE TEMP VIEW ev AS SELECT id, hex(fingerprint) AS fp FROM event;
CREATE TEMP VIEW src AS SELECT id, path || ':' || coalesce(member, '') AS name FROM source;
.mode list
SELECT 'event', fp, (SELECT name FROM src WHERE id = source_id), $(cols "$1" event)
  FROM event e JOIN ev USING (id) ORDER BY fp;
SELECT 'event_source', (SELECT fp FROM ev WHERE id = event_id),
       (SELECT name FROM src WHERE id = source_id), line FROM event_source ORDER BY 2, 3, 4;
SELECT 'task', (SELECT fp FROM ev WHERE id = event_id), $(cols "$1" task) FROM task
  ORDER BY 2, 3;
SELECT 'kill', (SELECT fp FROM ev WHERE id = event_id), $(cols "$1" kill) FROM kill
  ORDER BY 2, 3;
SELECT 'meminfo', (SELECT fp FROM ev WHERE id = event_id), section, key, value, unit
  FROM oom_meminfo ORDER BY 2, 3, 4;
SELECT 'raw', (SELECT fp FROM ev WHERE id = event_id), text FROM raw ORDER BY 2, 3;
SELECT 'event_key', key, (SELECT fp FROM ev WHERE id = event_id), kind, uptime_s, ts_unix
  FROM event_key ORDER BY 2, 3, 4, 5, 6;
SELECT 'source', path, member, wrapper, head_len, hex(head_fp), hex(head_prefix), cursor,
       cursor_line, cursor_fp, size, mtime, lines, bytes, events FROM source ORDER BY 2, 3, 5, 6;
SELECT 'source_file', dev, ino, member, (SELECT name FROM src WHERE id = source_id), path, size,
       mtime, complete FROM source_file ORDER BY 2, 3, 4;
SELECT 'boot', host, boot_id, boot_time FROM boot ORDER BY 2, 3, 4;
SELECT 'memory_event', hex(fingerprint), (SELECT name FROM src WHERE id = source_id),
       $(cols "$1" memory_event) FROM memory_event ORDER BY 2;
SELECT 'host_fact', $(cols "$1" host_fact) FROM host_fact ORDER BY 2, 3, 7;
SELECT 'classification', subject, (SELECT fp FROM ev WHERE id = subject_id), rule_id, cause,
       severity, priority, is_primary, evidence, advice, rules_fingerprint FROM classification
  ORDER BY 2, 3, 4, 5;
SELECT 'meta', key, value FROM meta ORDER BY 2;
EOF
}

# run JOBS DB ARGS...: ingest, keeping stderr (without the run's own paths
# and timing) and the exit code in $tmp/JOBS.*
run() {
	j=$1 store=$2
	shift 2
	"$bin" ingest --db "$store" --jobs "$j" "$@" >"$tmp/$j.out" 2>"$tmp/$j.err"
	echo "exit $?" >>"$tmp/$j.err"
}

# same WHAT: the two runs printed the same and left equal stores
same() {
	if cmp -s "$tmp/1.err" "$tmp/3.err"; then ok; else
		fail "$1: messages differ: $(diff "$tmp/1.err" "$tmp/3.err" | head -n 20)"
	fi
	expect_eq "$1: stdout" "$(cat "$tmp/3.out")" "$(cat "$tmp/1.out")"
	dump "$tmp/1.db" >"$tmp/1.dump"
	dump "$tmp/3.db" >"$tmp/3.dump"
	if cmp -s "$tmp/1.dump" "$tmp/3.dump"; then ok; else
		fail "$1: stores differ: $(diff "$tmp/1.dump" "$tmp/3.dump" | head -n 20)"
	fi
}

run 1 "$tmp/1.db" "$@"
run 3 "$tmp/3.db" "$@"
same "first run"
expect_grep "first run: exit 4 (bad inputs)" "exit 4" "$tmp/3.err"
expect_grep "first run: the missing file named" "missing.log" "$tmp/3.err"
expect_grep "first run: the binary file named" "binary.log: binary data" "$tmp/3.err"
expect_grep "first run: an sosreport read" "sosreport" "$tmp/3.err"
test "$(sqlite3 "$tmp/3.db" 'SELECT count(*) FROM event')" -gt 100 && ok || fail "first run: few events"
test "$(sqlite3 "$tmp/3.db" 'SELECT count(*) FROM task')" -gt 1000 && ok || fail "first run: few tasks"

# ---- the next day: grown, rotated and replaced files, the rest unchanged ----
h=$fleet/gen/hosts
mv "$h/node005.log" "$h/node005.log.1"
head -n 2000 "$h/node006.log" >"$h/node005.log"
cat "$h/node007.log" >>"$h/node008.log"
tail -n 3000 "$h/node009.log" >"$h/node009.log.new" && mv "$h/node009.log.new" "$h/node009.log"
run 1 "$tmp/1.db" "$@"
run 3 "$tmp/3.db" "$@"
same "second run"
expect_grep "second run: unchanged files" "unchanged" "$tmp/3.err"
expect_grep "second run: resumed files" "[1-9][0-9]* resumed" "$tmp/3.err"

# ---- --reread: every source from its start, cursors ignored ----
run 1 "$tmp/1.db" --reread --no-classify "$@"
run 3 "$tmp/3.db" --reread --no-classify "$@"
same "--reread"
expect_grep "--reread: nothing unchanged" "(0 unchanged, 0 resumed)" "$tmp/3.err"

# ---- any number of workers, and stdin among the files ----
for j in 2 5; do
	rm -f "$tmp/3.db"
	cat "$h/node010.log" | "$bin" ingest --db "$tmp/3.db" --jobs $j --no-classify \
		"$h/node001.log" - "$fleet/gz" >/dev/null 2>"$tmp/3.err"
	rm -f "$tmp/1.db"
	cat "$h/node010.log" | "$bin" ingest --db "$tmp/1.db" --jobs 1 --no-classify \
		"$h/node001.log" - "$fleet/gz" >/dev/null 2>"$tmp/1.err"
	: >"$tmp/1.out"
	: >"$tmp/3.out"
	same "--jobs $j with stdin"
done

expect_code "--jobs 0 is refused" 2 "$bin" ingest --db "$tmp/x.db" --jobs 0 "$h/node001.log"
expect_grep "--jobs 0: the message" "--jobs takes a number" "$tmp/err"
expect_code "--jobs 65 is refused" 2 "$bin" ingest --db "$tmp/x.db" --jobs 65 "$h/node001.log"

echo "ingest_jobs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
