#!/bin/sh
# Regenerates tests/data/wrappers/archlinux_dmesgF_*.log: real util-linux
# dmesg output (`dmesg -F FILE`, which reads a syslog(2)-format buffer from a
# file instead of the kernel) in the prefix forms of kernel-formats.md §2.2.
#
# The buffer is built from tests/data/wrappers/archlinux_raw_dmesg.log: every
# physical line gets the `<level>[uptime] ` prefix, as the kernel gives each
# line of a multi-line record in syslog(2) (the Mem-Info continuation lines
# carry their record's time stamp), with the levels of §1.3 L20.
#
# Caveat: -T, -e and --time-format iso add the boot time of the machine dmesg
# runs on. To make them the same on every run, dmesg runs in a time namespace
# (unshare --time, Linux >= 5.6, needs root) whose monotonic clock puts the
# boot at 2026-11-14T08:00:00Z (+ under a second: dmesg prints whole seconds
# of the boot time plus the record's own microseconds). TZ=UTC, LC_ALL=C.
# The expected events (*.expected.json) are written by hand and do not change
# with a rerun. Needs util-linux (dmesg, unshare) and python3. Run from the
# repository root.
set -eu

out=tests/data/wrappers
src=$out/archlinux_raw_dmesg.log
boot=1794643200 # 2026-11-14T08:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$src" >"$tmp/syslog.buf" <<'EOF'
import re, sys

LINE = re.compile(r"^\[\s*(\d+\.\d+)\] (.*)$")
PREFIX_WIDTH = len("[123456.789012] ")


def level(msg):
    """Per-message loglevel of kernel-formats.md §1.3 L20 (6.1 kernel)."""
    if "invoked oom-killer" in msg:
        return 4
    if msg.startswith(("Out of memory", "Memory cgroup out of memory")):
        return 3
    if msg.startswith(("Tasks state", "[", "oom-kill:", "oom_reaper:")):
        return 6
    return 4


ts = lvl = None
with open(sys.argv[1], encoding="utf-8") as f:
    for raw in f:
        line = raw.rstrip("\n")
        m = LINE.match(line)
        if m:
            ts, msg = m.group(1), m.group(2)
            lvl = level(msg)
        else:
            # util-linux indented the continuation to the prefix width;
            # the kernel's own text keeps what is left (one space).
            msg = line[PREFIX_WIDTH:]
        print("<%d>[%s] %s" % (lvl, ts, msg))
EOF

# CLOCK_MONOTONIC offset that makes (realtime - monotonic) = boot + a fraction.
offset=$(python3 -c "import time, sys
b = int(sys.argv[1])
now = time.clock_gettime(time.CLOCK_REALTIME)
mono = time.clock_gettime(time.CLOCK_MONOTONIC)
print(int(now - mono - b))" "$boot")

render() { # NAME dmesg-options...
	name=$1
	shift
	TZ=UTC LC_ALL=C unshare --time --monotonic "$offset" --boottime "$offset" \
		dmesg -F "$tmp/syslog.buf" "$@" >"$out/archlinux_dmesgF_$name.log"
}
render decode -x
render raw_level -r
render iso --time-format iso
render delta -d
render delta_only -t -d
render ctime -T
render ctime_delta -T -d
render decode_ctime -x -T
render reltime -e

# The boot time must have come out as intended, or the expected files are wrong.
grep -q '^\[Sun Nov 15 18:17:36 2026\] doxygen invoked oom-killer' \
	"$out/archlinux_dmesgF_ctime.log" ||
	{
		echo "dmesg-fixtures.sh: dmesg -T did not use the boot time $boot" >&2
		exit 1
	}
