#!/bin/sh
# Builds the seed corpora of the fuzz targets, fuzz/corpus/TARGET/, from
# tests/data and the rules (docs/testing.md, "Fuzzing"). Run from anywhere;
# an existing corpus directory is kept (what a run found stays), seeds are
# added or refreshed by name.
#
#   fuzz_envelope        one options byte, then 40 lines (at most 4 KiB) of
#                        every text log: every wrapper's lines
#   fuzz_parser          two chunk-seed bytes, then each whole log, cut to 64 KiB
#   fuzz_journal_export  two chunk-seed bytes, then 16 KiB of each journal export
#                        and JSON render (tests/data/journal, the lab's captures)
# Cut logs start a little before their first OOM report (window below).
#   fuzz_rules           rules/default.yaml, each of its rules on its own,
#                        and every YAML block of docs/rules.md
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/fuzz/corpus}"
data="$root/tests/data"
mkdir -p "$out/fuzz_envelope" "$out/fuzz_parser" "$out/fuzz_journal_export" "$out/fuzz_rules"

# seed NAME: a file name for a source path, unique across tests/data
seed_name() {
	echo "$1" | sed "s|^$data/||; s|/|_|g; s|\\.xz\$||"
}

# content PATH: the file's bytes, decompressed when it is .xz
content() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# window PATH BYTES: at most BYTES of the file, from a little before its first
# OOM marker (a boot log's report is rarely in its first 64 KiB), starting at
# an entry boundary of the journal formats when one is near: a blank line
# (export), `{` (json, json-pretty), RS (json-seq) or `data: ` (json-sse).
window() {
	m="$(content "$1" | grep -n -m1 -a -e 'invoked oom-killer' -e 'Out of memory' \
		-e 'Memory cgroup out of memory' | cut -d: -f1)"
	from=$(( ${m:-1} > 30 ? ${m:-1} - 30 : 1 ))
	start="$(content "$1" | head -n "$from" | grep -n -a -e '^$' -e '^{' -e "$(printf '^\036')" \
		-e '^data: ' | tail -n 1 | cut -d: -f1)"
	content "$1" | tail -n +"${start:-$from}" | head -c "$2"
}

# chunk_seed N: two bytes that seed the chunk sizes (fuzz/chunks.h), varied per file
chunk_seed() {
	printf "\\$(printf %03o $(($1 % 256)))\\$(printf %03o $(($1 * 7 % 256)))"
}

text_logs() {
	find "$data" -name '*.log' ! -path '*/journal/*json*' ! -path '*/journal/*export*' \
		! -path '*/sosreport/*'
	find "$data/lab" -name 'kern.log.xz' -o -name 'dmesg.txt.xz' -o -name 'console.txt.xz'
	find "$data/journal" -name '*short*.log' -o -name '*cat*.log'
}

n=0
for f in $(text_logs | sort -u); do
	n=$((n + 1))
	name="$(seed_name "$f")"
	{ printf '\000'; window "$f" 4096 | head -n 40; } >"$out/fuzz_envelope/$name"
	{ chunk_seed $n; window "$f" 65536; } >"$out/fuzz_parser/$name"
done

for f in $(find "$data/journal" -name '*json*.log' -o -name '*export*.log' | sort) \
	$(find "$data/lab" -name 'journal.json.xz' -o -name 'journal.export.xz' | sort); do
	n=$((n + 1))
	name="$(seed_name "$f")"
	{ chunk_seed $n; window "$f" 16384; } >"$out/fuzz_journal_export/$name"
	{ chunk_seed $n; window "$f" 65536; } >"$out/fuzz_parser/$name"
done

rules="$out/fuzz_rules"
cp "$root/rules/default.yaml" "$rules/default.yaml"
# each rule of default.yaml as a file of its own: "rules:" and one "  - id:" item
awk -v dir="$rules" '
	/^  - id: / { if (file) close(file); file = dir "/rule_" $3 ".yaml"; print "rules:" > file }
	/^[^ #]/ { if (file) close(file); file = "" }
	file { print > file }
' "$root/rules/default.yaml"
# every ```yaml block of docs/rules.md
awk -v dir="$rules" '
	/^```yaml/ { n++; file = dir "/doc_" n ".yaml"; next }
	/^```/ { if (file) close(file); file = ""; next }
	file { print > file }
' "$root/docs/rules.md"
