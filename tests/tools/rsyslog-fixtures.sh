#!/bin/sh
# Regenerates tests/data/wrappers/archlinux_rsyslog_*.log: real rsyslogd
# output of the kernel lines of one OOM report, in rsyslog's built-in file and
# forwarding templates (kernel-formats.md §2.3).
#
# A private rsyslogd (no daemon, its own config, pid file and work directory)
# listens on unix stream sockets (imptcp, octet-counted framing, so a message
# may hold newlines) and writes each stream with the templates below. The
# messages are the records of tests/data/wrappers/archlinux_raw_dmesg.log
# sent as host arch01, tag `kernel:`, with the wall time boot + uptime (boot at
# 2026-11-14T08:00:00Z), and two systemd lines around the report:
#
#   stream a (UTC)    one message per printk record, so the multi-line Mem-Info
#                     record arrives with newlines and rsyslog escapes them as
#                     #012 (what imjournal does); written with
#                     RSYSLOG_TraditionalFileFormat, RSYSLOG_FileFormat,
#                     RSYSLOG_SyslogProtocol23Format, and the two forwarding
#                     templates (RSYSLOG_TraditionalForwardFormat and
#                     RSYSLOG_ForwardFormat) with a line end added, as a
#                     receiver that stores what it got would write them
#   stream b (-05:00) RFC5424 messages with structured data and a procid on
#                     the systemd lines, written with RSYSLOG_SyslogProtocol23Format
#   stream c (+01:00) one message per physical line with the kernel's own
#                     `[uptime] ` after the tag (what imklog reads from
#                     /proc/kmsg), written with RSYSLOG_FileFormat
#
# The expected events (*.expected.json) are written by hand. Needs rsyslog and
# python3. Run from the repository root.
set -eu

out=tests/data/wrappers
src=$out/archlinux_raw_dmesg.log
tmp=$(mktemp -d)
rsyslog_pid=
cleanup() {
	if [ -n "$rsyslog_pid" ]; then
		kill "$rsyslog_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp")
module(load="imptcp")
input(type="imptcp" path="$tmp/a.sock" ruleset="a")
input(type="imptcp" path="$tmp/b.sock" ruleset="b")
input(type="imptcp" path="$tmp/c.sock" ruleset="c")
template(name="TraditionalForwardLine" type="string"
         string="<%PRI%>%TIMESTAMP% %HOSTNAME% %syslogtag:1:32%%msg:::sp-if-no-1st-sp%%msg%\n")
template(name="ForwardLine" type="string"
         string="<%PRI%>%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag:1:32%%msg:::sp-if-no-1st-sp%%msg%\n")
ruleset(name="a") {
	action(type="omfile" file="$tmp/traditional.log" template="RSYSLOG_TraditionalFileFormat")
	action(type="omfile" file="$tmp/rfc3339.log" template="RSYSLOG_FileFormat")
	action(type="omfile" file="$tmp/rfc5424.log" template="RSYSLOG_SyslogProtocol23Format")
	action(type="omfile" file="$tmp/forward_traditional.log" template="TraditionalForwardLine")
	action(type="omfile" file="$tmp/forward_rfc3339.log" template="ForwardLine")
}
ruleset(name="b") {
	action(type="omfile" file="$tmp/rfc5424_sd.log" template="RSYSLOG_SyslogProtocol23Format")
}
ruleset(name="c") {
	action(type="omfile" file="$tmp/rfc3339_kernel_ts.log" template="RSYSLOG_FileFormat")
}
EOF

rsyslogd -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslogd.pid" &
rsyslog_pid=$!
i=0
while [ ! -S "$tmp/c.sock" ]; do
	i=$((i + 1))
	if [ "$i" -gt 50 ]; then
		echo "rsyslog-fixtures.sh: rsyslogd did not open its sockets" >&2
		exit 1
	fi
	sleep 0.1
done

python3 - "$src" "$tmp" <<'EOF'
import re, socket, sys
from datetime import datetime, timedelta, timezone

BOOT = 1794643200  # 2026-11-14T08:00:00Z
HOST = "arch01"
LINE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] (.*)$")
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


def stamp(usec, hours):
    t = datetime.fromtimestamp(BOOT, timezone.utc) + timedelta(microseconds=usec)
    return t.astimezone(timezone(timedelta(hours=hours))).isoformat(timespec="microseconds")


# (uptime in usec, uptime text, [physical lines of the record])
records = []
with open(sys.argv[1], encoding="utf-8") as f:
    for raw in f:
        line = raw.rstrip("\n")
        m = LINE.match(line)
        if m:
            usec = int(m.group(1)) * 1000000 + int(m.group(2))
            records.append((usec, "%s.%s" % (m.group(1), m.group(2)), [m.group(3)]))
        else:
            records[-1][2].append(line[PREFIX_WIDTH:])
first, last = records[0][0], records[-1][0]
systemd = [
    (first - 6688912, "Started session-2.scope - Session 2 of User builder."),
    (last + 10000, "session-2.scope: A process of this unit has been killed by the OOM killer."),
]


def connect(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("%s/%s.sock" % (sys.argv[2], name))
    return s


def send(s, text):
    data = text.encode()
    s.sendall(b"%d %s" % (len(data), data))


a, b, c = connect("a"), connect("b"), connect("c")
send(a, "<30>%s %s systemd[1]: %s" % (stamp(systemd[0][0], 0), HOST, systemd[0][1]))
send(b, "<30>1 %s %s systemd 1 - [timeQuality tzKnown=\"1\" isSynced=\"1\"] %s"
     % (stamp(systemd[0][0], -5), HOST, systemd[0][1]))
send(c, "<30>%s %s systemd[1]: %s" % (stamp(systemd[0][0], 1), HOST, systemd[0][1]))
for usec, text, lines in records:
    pri = level(lines[0])
    send(a, "<%d>%s %s kernel: %s" % (pri, stamp(usec, 0), HOST, "\n".join(lines)))
    send(b, "<%d>1 %s %s kernel - - [timeQuality tzKnown=\"1\" isSynced=\"1\"] %s"
         % (pri, stamp(usec, -5), HOST, "\n".join(lines)))
    for piece in lines:
        send(c, "<%d>%s %s kernel: [%s] %s" % (pri, stamp(usec, 1), HOST, text, piece))
send(a, "<28>%s %s systemd[1]: %s" % (stamp(systemd[1][0], 0), HOST, systemd[1][1]))
send(b, "<28>1 %s %s systemd 1 - [timeQuality tzKnown=\"1\" isSynced=\"1\"] %s"
     % (stamp(systemd[1][0], -5), HOST, systemd[1][1]))
send(c, "<28>%s %s systemd[1]: %s" % (stamp(systemd[1][0], 1), HOST, systemd[1][1]))
for s in (a, b, c):
    s.close()
EOF

# rsyslogd writes everything it has received before it exits on SIGTERM.
sleep 1
kill "$rsyslog_pid"
wait "$rsyslog_pid" || true
rsyslog_pid=
for name in traditional rfc3339 rfc5424 forward_traditional forward_rfc3339 rfc5424_sd \
	rfc3339_kernel_ts; do
	if [ ! -s "$tmp/$name.log" ]; then
		echo "rsyslog-fixtures.sh: rsyslogd wrote no $name.log" >&2
		exit 1
	fi
	cp "$tmp/$name.log" "$out/archlinux_rsyslog_$name.log"
done
