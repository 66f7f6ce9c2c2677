#!/bin/sh
# Runs the fuzz targets built in BUILD (default build-fuzz) for SECONDS each
# (default 30): first every file of fuzz/regressions/TARGET/ once (inputs that
# once crashed), then libFuzzer from fuzz/corpus/TARGET/ (fuzz/seeds.sh makes
# it when there is none). Fails at the first crash, leak,
# sanitizer report or hang (-timeout); libFuzzer leaves the input that did it
# in BUILD/fuzz-artifacts/.
#
#   fuzz/run.sh [-b BUILD] [-t SECONDS] [TARGET...]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
seconds=30
while getopts b:t: opt; do
	case "$opt" in
	b) build="$OPTARG" ;;
	t) seconds="$OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- fuzz_envelope fuzz_parser fuzz_journal_export fuzz_rules

dict_of() {
	case "$1" in
	fuzz_envelope | fuzz_parser) echo "$root/fuzz/kernel.dict" ;;
	fuzz_journal_export) echo "$root/fuzz/journal.dict" ;;
	fuzz_rules) echo "$root/fuzz/rules.dict" ;;
	*) echo "fuzz/run.sh: unknown target $1" >&2 && exit 2 ;;
	esac
}

[ -d "$root/fuzz/corpus" ] || "$root/fuzz/seeds.sh"
mkdir -p "$build/fuzz-artifacts"
for t in "$@"; do
	bin="$build/fuzz/$t"
	dict="$(dict_of "$t")"
	reg="$root/fuzz/regressions/$t"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		echo "== $t: fuzz/regressions/$t ($(ls "$reg" | wc -l) inputs)"
		"$bin" -runs=1 "$reg"/*
	fi
	echo "== $t: ${seconds}s"
	mkdir -p "$root/fuzz/corpus/$t"
	"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -dict="$dict" \
		-artifact_prefix="$build/fuzz-artifacts/$t-" "$root/fuzz/corpus/$t"
done
