#!/bin/sh
# The HTML report in headless Chromium: it renders, its SVG charts are in the
# DOM, it has no script element at all, and names from the logs that would be
# markup (tests/data/report/hostile.txt: <script>, an <img onerror>, &amp;, in
# process, cgroup and host names) are shown as text. Screenshots at desktop
# and phone widths are left in $OOMSIFT_SCREENSHOTS when it names a directory.
# Exit 77 (skipped) only when Chromium is missing or cannot start; CI
# installs it (scripts/deps.sh).
# Usage: report_html.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "report html: SKIP: no chromium (scripts/deps.sh installs it)"
	exit 77
fi
# chrome FLAGS...: headless Chromium with a private profile, bounded in time
chrome() {
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}
printf '<!DOCTYPE html><title>t</title><p>ok</p>' >"$tmp/probe.html"
if ! chrome --dump-dom "file://$tmp/probe.html" | grep -q '<p>ok</p>'; then
	echo "report html: SKIP: chromium cannot start: $(tail -n 3 "$tmp/chromium.log")"
	exit 77
fi

db=$tmp/h.db
expect_code "ingest hostile names" 0 "$bin" ingest -q --db "$db" --year 2032 "$data/report/hostile.txt"
expect_code "ingest the leak beside them" 0 "$bin" ingest -q --db "$db" --host lab-6-1-0 --year 2032 \
	"$data/lab/6.1.0-50-amd64/leak/kern.log.xz"
expect_code "html report" 0 "$bin" report --db "$db" --week 2032-W53 -f html -o "$tmp/report.html"
expect_eq "the page has no script tag" "$(grep -ci '<script' "$tmp/report.html")" 0
expect_eq "nothing is fetched" "$(grep -Eci '<[a-z][^>]* (src|href)=|url\(|@import' "$tmp/report.html")" 0

chrome --dump-dom "file://$tmp/report.html" >"$tmp/dom.html"
# the DOM as Chromium built it, read back with Python's HTML parser: the
# elements by tag, and the text (entities decoded)
python3 - "$tmp/dom.html" >"$tmp/dom.txt" <<'PY'
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = {}, []
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
    handle_startendtag = handle_starttag
    def handle_data(self, data):
        self.text.append(data)

d = Dom()
d.feed(open(sys.argv[1], encoding="utf-8").read())
for tag in ("svg", "rect", "path", "circle", "script", "img", "i", "table", "title"):
    print(f"tag {tag} {d.tags.get(tag, 0)}")
text = "".join(d.text)
for needle in ("<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>",
               "/&amp;.service", "lab<i>&amp;", "OOM report 2032-W53", "leakyd"):
    print(f"text {text.count(needle)} {needle}")
PY
tag() { awk -v t="$1" '$1 == "tag" && $2 == t { print $3 }' "$tmp/dom.txt"; }
has_text() { grep -F "$1" "$tmp/dom.txt" | awk '$1 == "text" { print $2; exit }'; }

expect_eq "no script element" "$(tag script)" 0
expect_eq "no img element" "$(tag img)" 0
expect_eq "no i element (the host's <i> is text)" "$(tag i)" 0
[ "$(tag svg)" -ge 3 ] && ok || fail "svg elements: $(tag svg), expected the three charts and more"
[ "$(tag rect)" -ge 20 ] && ok || fail "rect elements: $(tag rect)"
[ "$(tag path)" -ge 1 ] && ok || fail "path elements (the RSS trend): $(tag path)"
[ "$(tag circle)" -ge 4 ] && ok || fail "circle elements (leakyd's 4 points): $(tag circle)"
for needle in "<script>alert(1)</script>" "\"'><img src=x onerror=alert(1)>" "/&amp;.service" "lab<i>&amp;"; do
	n=$(has_text "$needle")
	[ "${n:-0}" -ge 1 ] && ok || fail "'$needle' is not shown as text"
done
expect_eq "the title and heading" "$(has_text "OOM report 2032-W53")" 2
for chart in 'aria-label="kills per day by cause"' 'aria-label="kills per host and day"' 'aria-label="RSS of leakyd on lab-6-1-0"'; do
	expect_grep "chart $chart" "$chart" "$tmp/dom.html"
done

# screenshots at a laptop's and a phone's width: the page renders to pixels
shots=${OOMSIFT_SCREENSHOTS:-$tmp}
for size in 1280,2400 390,2400; do
	png=$shots/report-${size%%,*}.png
	chrome --window-size="$size" --screenshot="$png" "file://$tmp/report.html" >/dev/null
	[ -s "$png" ] && ok || fail "no screenshot at $size"
done

echo "report html e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
