# Sourced by crash.sh and concurrency.sh: a store's content as sorted text,
# without what depends on when or in which order it was ingested, so that two
# stores holding the same events compare equal with cmp.
#
# store_canon DB OUT [loose]
#   Writes to OUT every column of oom_events and memory_events but their id and
#   ingested_at; the task rows, kills, Mem-Info rows and classifications of each
#   event (joined by the event's fingerprint, never by its id; classified_at
#   left out); and the places each event was read from (event_sources: path,
#   member, line, wrapper; the source ids and times left out).
#   With "loose" (concurrent ingests, whose order is not fixed), what names the
#   first copy read is left out too: an event's fingerprint, source, line and
#   source_member, and the places it was read from become their count; events
#   are then joined by their content (host, kind, ts, uptime, victim, trigger).

# cols VIEW PREFIX EXCLUDED...: the view's columns, comma-separated
canon_cols() {
	view=$1 prefix=$2
	shift 2
	excl="'id'"
	for c in "$@"; do excl="$excl,'$c'"; done
	sqlite3 "$canon_db" "SELECT group_concat('$prefix' || name, ',') FROM pragma_table_info('$view') WHERE name NOT IN ($excl)"
}

store_canon() {
	canon_db=$1
	out=$2
	if [ "${3:-}" = loose ]; then
		ex_ev="fingerprint source line source_member"
		key="e.host || '/' || e.kind || '/' || ifnull(e.ts, '-') || '/' || ifnull(e.uptime_s, '-') || '/' || ifnull(e.victim_pid, '-') || '/' || ifnull(e.trigger_pid, '-')"
		mkey="m.host || '/' || m.kind || '/' || ifnull(m.ts, '-') || '/' || ifnull(m.uptime_s, '-') || '/' || m.message"
		places="SELECT $key, count(*) FROM event_sources s JOIN oom_events e ON e.id = s.event_id GROUP BY 1 ORDER BY 1, 2;"
		ex_me="fingerprint source line"
	else
		ex_ev=""
		key="e.fingerprint"
		mkey="m.fingerprint"
		places="SELECT $key, s.path, s.member, s.line, s.wrapper FROM event_sources s JOIN oom_events e ON e.id = s.event_id ORDER BY 1, 2, 3, 4, 5;"
		ex_me=""
	fi
	# shellcheck disable=SC2086
	ev=$(canon_cols oom_events "" ingested_at $ex_ev)
	# shellcheck disable=SC2086
	me=$(canon_cols memory_events "" ingested_at $ex_me)
	tk=$(canon_cols oom_tasks t. event_id)
	kl=$(canon_cols oom_kills k. event_id)
	mi=$(canon_cols oom_meminfo b. event_id)
	cl="c.rule_id, c.cause, c.severity, c.is_primary, c.evidence, c.advice, c.priority"
	sqlite3 "$canon_db" >"$out" <<EOF
.nullvalue NULL
SELECT 'events', count(*) FROM oom_events;
SELECT $ev FROM oom_events ORDER BY $ev;
SELECT 'memory_events', count(*) FROM memory_events;
SELECT $me FROM memory_events ORDER BY $me;
SELECT 'tasks', count(*) FROM oom_tasks;
SELECT $key, $tk FROM oom_tasks t JOIN oom_events e ON e.id = t.event_id ORDER BY 1, $tk;
SELECT 'kills', count(*) FROM oom_kills;
SELECT $key, $kl FROM oom_kills k JOIN oom_events e ON e.id = k.event_id ORDER BY 1, $kl;
SELECT 'meminfo', count(*) FROM oom_meminfo;
SELECT $key, $mi FROM oom_meminfo b JOIN oom_events e ON e.id = b.event_id ORDER BY 1, $mi;
SELECT 'event_sources', count(*) FROM event_sources;
$places
SELECT 'classifications', count(*) FROM classifications;
SELECT $key, $cl FROM classifications c JOIN oom_events e ON e.id = c.event_id ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
SELECT $mkey, $cl FROM classifications c JOIN memory_events m ON m.id = c.memory_event_id ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
EOF
}

# store_sound DB: prints what is wrong with the store (nothing when sound):
# PRAGMA integrity_check, and an event or memory event stored twice.
store_sound() {
	sqlite3 "$1" "PRAGMA integrity_check" | grep -vx ok
	sqlite3 "$1" "SELECT 'event stored twice: ' || fingerprint FROM oom_events GROUP BY fingerprint HAVING count(*) > 1;
		SELECT 'memory event stored twice: ' || fingerprint FROM memory_events GROUP BY fingerprint HAVING count(*) > 1;"
}

# make_inputs DIR GENERATOR: a fixed multi-file input in DIR/in — the fixture
# logs of tests/data (sosreports aside) and ~2 MB of generated fleet logs,
# each report in four copies (the fleet file and the per-host files, plain and
# gzip) — to be ingested with --year 2024 (RFC3164 has no year).
make_inputs() {
	mkdir -p "$1/in"
	(cd "$data" && find . -name '*.log' ! -path './sosreport/*') | while read -r f; do
		mkdir -p "$1/in/${f%/*}"
		cp "$data/$f" "$1/in/$f"
	done
	"$2" --seed 11 --hosts 4 --days 2 --size 2M --density 16 --format plain,hosts,gz \
		--out "$1/in/gen" >/dev/null
}
