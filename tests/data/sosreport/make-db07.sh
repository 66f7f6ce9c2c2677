#!/bin/sh
# Writes the logs of the sosreport fixture sosreport-db07-2026-11-18-abcdef
# from the real RHEL 7 report in tests/data/corpus/rhel7_3.10.log:
#   var/log/messages                       rsyslog (RFC3164, host db07) around the report;
#                                          the corpus text already carries rsyslog's #012
#   var/log/messages-20261115              the rotated file before it (no OOM)
#   sos_commands/logs/journalctl_--no-pager[_--boot]
#                                          the same records as journalctl (systemd 219) prints
#                                          them: a record's further lines indented under its
#                                          message, after a "-- Logs begin at …" header
# Every other file of the fixture is written by hand (see README.md).
# Usage: make-db07.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../corpus/rhel7_3.10.log
root=$here/sosreport-db07-2026-11-18-abcdef
stamp="Nov 18 02:47:13 db07 kernel:"

before() {
	cat <<'LOG'
Nov 18 02:40:01 db07 systemd: Started Session 31201 of user root.
Nov 18 02:40:01 db07 systemd: Starting Session 31201 of user root.
Nov 18 02:45:37 db07 mysqld: 2026-11-18T02:45:37.118204Z 0 [Note] InnoDB: page_cleaner: 1000ms intended loop took 4218ms.
LOG
}

after() {
	cat <<'LOG'
Nov 18 02:47:14 db07 systemd: mysqld.service: main process exited, code=killed, status=9/KILL
Nov 18 02:47:14 db07 systemd: Unit mysqld.service entered failed state.
Nov 18 02:47:14 db07 systemd: mysqld.service failed.
Nov 18 02:47:19 db07 systemd: mysqld.service holdoff time over, scheduling restart.
Nov 18 02:47:19 db07 systemd: Starting MySQL Server...
Nov 18 02:47:31 db07 systemd: Started MySQL Server.
Nov 18 03:00:01 db07 systemd: Started Session 31202 of user root.
Nov 18 03:00:01 db07 systemd: Starting Session 31202 of user root.
LOG
}

# rsyslog: one line per record, the record's newlines as #012
{
	before
	sed "s/^/$stamp /" "$corpus"
	after
} >"$root/var/log/messages"

cat >"$root/var/log/messages-20261115" <<'LOG'
Nov 15 03:48:01 db07 rsyslogd: [origin software="rsyslogd" swVersion="8.24.0-57.el7_9.3" x-pid="1012" x-info="http://www.rsyslog.com"] rsyslogd was HUPed
Nov 15 04:00:01 db07 systemd: Started Session 30811 of user root.
Nov 15 04:00:01 db07 systemd: Starting Session 30811 of user root.
LOG

# journalctl: the message's further lines under it, indented to its column;
# the identifier with its pid, where rsyslog's file format has none
pids() {
	sed 's/ systemd: / systemd[1]: /; s/ mysqld: / mysqld[2214]: /'
}

journal() {
	printf '%s\n' "-- Logs begin at $1, end at Wed 2026-11-18 03:20:11 UTC. --"
	before | pids
	awk -v stamp="$stamp" '{
		n = split($0, part, "#012")
		print stamp " " part[1]
		for (i = 2; i <= n; i++)
			printf "%" length(stamp) + 1 "s%s\n", "", part[i]
	}' "$corpus"
	after | pids
}
journal "Wed 2026-10-07 10:18:02 UTC" >"$root/sos_commands/logs/journalctl_--no-pager"
journal "Wed 2026-10-07 10:18:02 UTC" >"$root/sos_commands/logs/journalctl_--no-pager_--boot"
