# Shared by the end-to-end scripts: sourced after bin and src are set.
# Provides $data, a private $tmp (removed on exit), counters and expect_*.
data=$src/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The user's own rules (~/.config/oomsift/rules.d) stay out of the tests.
XDG_CONFIG_HOME=$tmp/config
export XDG_CONFIG_HOME
# show and explain wrap at 80 columns, without colour, whatever the caller's terminal
unset COLUMNS NO_COLOR
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# expect_eq WHAT ACTUAL EXPECTED
expect_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: expected '$3', got '$2'"; fi; }
# expect_code WHAT EXPECTED_CODE command...: stdout in $tmp/out, stderr in $tmp/err
expect_code() {
	what=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	if [ "$code" -eq "$want" ]; then ok; else fail "$what: exit $code, expected $want ($(head -c 300 "$tmp/err"))"; fi
}
expect_grep() { if grep -q -- "$2" "$3"; then ok; else fail "$1: '$2' not in $(head -c 300 "$3")"; fi; }
# q ARGS...: query the store $db
q() { "$bin" query --db "$db" "$@"; }
