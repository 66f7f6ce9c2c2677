#!/bin/sh
# End-to-end tests of oomsift(1): the page the build wrote is what the binary
# prints, it renders without a warning (groff -ww, and man -l when man-db is
# there), it describes every command, every exit code and the environment,
# and `cmake --install` installs it with the binary and the rules.
# Usage: man.sh OOMSIFT_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$1
src=$2
build=$3
. "$(dirname "$0")/lib.sh"

page=$build/oomsift.1
if [ -f "$page" ]; then ok; else fail "the build wrote no $page"; fi
expect_code "oomsift --man" 0 "$bin" --man
if cmp -s "$tmp/out" "$page"; then ok; else fail "$page is not what 'oomsift --man' prints"; fi
if LC_ALL=C grep -q '[^ -~	]' "$page"; then fail "the page has bytes that are not ASCII"; else ok; fi

# renders without a warning
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$page" 2>"$tmp/warn"
	expect_eq "groff -ww: no warnings" "$(cat "$tmp/warn")" ""
	groff -man -Tutf8 -P-cbou "$page" 2>/dev/null >"$tmp/text"
else
	fail "groff is not installed (scripts/deps.sh installs groff-base)"
	: >"$tmp/text"
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$page" >"$tmp/man" 2>"$tmp/warn"
	expect_eq "man -l: no warnings" "$(cat "$tmp/warn")" ""
	expect_grep "man -l renders" "^NAME" "$tmp/man"
fi
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
	expect_grep "section $section" "^$section\$" "$tmp/text"
done

# every command of --help, and every command of a group, has its section
"$bin" --help >"$tmp/help"
sed -n '/^commands:/,/^$/p' "$tmp/help" | awk '/^  [a-z]/ { print $1 }' >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 7 ] && ok || fail "--help lists no commands"
while read -r c; do
	expect_grep "command $c" "^   oomsift $c\$" "$tmp/text"
	expect_grep "command $c: its summary" "$(grep "^  $c " "$tmp/help" | sed 's/^  [a-z]* *//' | cut -c1-30)" "$tmp/text"
done <"$tmp/commands"
for sub in list check test; do
	expect_grep "command rules $sub" "^   oomsift rules $sub\$" "$tmp/text"
done
expect_grep "explain's options" "--input-format NAME" "$tmp/text"
expect_grep "explain's examples" "journalctl -k -b -1 | oomsift explain -" "$tmp/text"

# every exit code of --help, and the environment
sed -n '/^exit status:/,/^$/p' "$tmp/help" | awk '/^  [0-9]/ { print $1 }' >"$tmp/codes"
[ "$(wc -l <"$tmp/codes")" -ge 8 ] && ok || fail "--help lists no exit codes"
sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' "$tmp/text" >"$tmp/exit"
while read -r code; do expect_grep "exit code $code" "^       $code  " "$tmp/exit"; done <"$tmp/codes"
for var in OOMSIFT_DB XDG_CONFIG_HOME NO_COLOR COLUMNS; do
	expect_grep "environment $var" "^       $var\$" "$tmp/text"
done
expect_grep "files: rules.d" "oomsift/rules.d/\*.yaml" "$tmp/text"
expect_grep "files: the reference rules" "share/oomsift/rules/default.yaml" "$tmp/text"

# cmake --install: the binary, the page, the rules
prefix=$tmp/prefix
if cmake --install "$build" --prefix "$prefix" >"$tmp/install" 2>&1; then ok; else
	fail "cmake --install: $(head -c 300 "$tmp/install")"
fi
expect_code "installed binary" 0 "$prefix/bin/oomsift" --version
if cmp -s "$prefix/share/man/man1/oomsift.1" "$page"; then ok; else fail "share/man/man1/oomsift.1 not installed"; fi
if cmp -s "$prefix/share/oomsift/rules/default.yaml" "$src/rules/default.yaml"; then ok; else
	fail "share/oomsift/rules/default.yaml not installed"
fi

echo "man e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
