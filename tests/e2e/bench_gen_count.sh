#!/bin/sh
# bench/gen writes ~2 MB of fleet logs in every format; ingesting each output
# into a fresh store finds exactly the number of events the generator printed.
# usage: bench_gen_count.sh OOMSIFT GENERATOR
set -eu
oomsift=$1
gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

written=$("$gen" --seed 7 --hosts 6 --days 3 --size 2M --density 64 --format all \
	--out "$dir/out" | sed -n 's/^events: //p')
test -n "$written" && test "$written" -gt 10 || {
	echo "FAIL: the generator wrote too few events: '$written'"
	exit 1
}

fail=0
check() { # name, then the inputs
	name=$1
	shift
	rm -f "$dir/store.db"
	"$oomsift" ingest --quiet --no-classify --year 2024 --db "$dir/store.db" "$@"
	found=$(sqlite3 "$dir/store.db" 'SELECT count(*) FROM oom_events')
	if [ "$found" = "$written" ]; then
		echo "ok: $name: $found events"
	else
		echo "FAIL: $name: found $found events, the generator wrote $written"
		fail=1
	fi
}
out=$dir/out
check plain "$out/fleet.log"
check gzip "$out/fleet.log.gz"
check zstd "$out/fleet.log.zst"
check json "$out/fleet.json"
check per-host "$out"/hosts/*.log
check per-host-gzip "$out"/hosts/*.log.gz
exit $fail
