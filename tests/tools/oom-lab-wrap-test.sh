#!/bin/sh
# tools/oom-lab/wrap on a synthetic /dev/kmsg capture: every file it writes
# (dmesg.txt, kern.log, journal.export, journal.json) is compared byte for
# byte with the content written out below, for the emulated and, where a mount
# namespace can be made, the real util-linux dmesg; a second run must give
# the same bytes; a broken kmsg.bin must be refused with its name.
#
# The capture (boot at 2025-11-05T23:59:58Z, so the kern.log day rolls over
# and is space-padded): a device message with dictionary lines, an OOM
# report's first line and a Mem-Info record of three lines (\x0a inside the
# record) from a task with a caller id, a message systemd wrote into
# /dev/kmsg (facility daemon), and a kill line whose comm holds a byte that
# is not UTF-8 (\xff).
#
# Usage: oom-lab-wrap-test.sh SOURCE_DIR. Exit 77 (skipped) when
# systemd-journal-remote (Debian package systemd-journal-remote) is missing.
set -u
src=$1
. "$src/tests/e2e/lib.sh"
wrap=$src/tools/oom-lab/wrap

if [ ! -x /lib/systemd/systemd-journal-remote ] && [ ! -x /usr/lib/systemd/systemd-journal-remote ]; then
	echo "SKIP: systemd-journal-remote is not installed"
	exit 77
fi

mkdir "$tmp/in" "$tmp/want"
printf '%s\n' \
	'6,1040,1234567,-,caller=T1;usb 1-4: new high-speed USB device number 9 using xhci_hcd' \
	' SUBSYSTEM=usb' \
	' DEVICE=c189:8' \
	'4,1041,2000000,-,caller=T4321;stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0' \
	'6,1042,2000150,-,caller=T4321;Mem-Info:' \
	'6,1043,2000200,-,caller=T4321;active_anon:1939433 inactive_anon:23409 isolated_anon:0\x0a active_file:180 inactive_file:33 isolated_file:0\x0a unevictable:0 dirty:0 writeback:0' \
	'30,1044,3500000,-,caller=T1;systemd[1]: stress.service: A process of this unit has been killed by the OOM killer.' \
	'3,1045,3600000,-,caller=T4321;Out of memory: Killed process 4321 (stress\xffng) total-vm:1048576kB, anon-rss:1000000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:2000kB oom_score_adj:0' \
	>"$tmp/in/kmsg.bin"
cat >"$tmp/in/truth.json" <<'EOF'
{"host": "lab-6-1", "boot_id": "4f1c2b3a5d6e7f8091a2b3c4d5e6f708", "boot_time": 1762387198, "kernel": "6.1"}
EOF

kill_line='Out of memory: Killed process 4321 (stress\377ng) total-vm:1048576kB, anon-rss:1000000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:2000kB oom_score_adj:0'

# util-linux dmesg: every facility, caller ids and dictionaries not shown,
# continuation lines indented to the width of "[    2.000200] ", \xff escaped
printf '%s\n' \
	'[    1.234567] usb 1-4: new high-speed USB device number 9 using xhci_hcd' \
	'[    2.000000] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0' \
	'[    2.000150] Mem-Info:' \
	'[    2.000200] active_anon:1939433 inactive_anon:23409 isolated_anon:0' \
	'                active_file:180 inactive_file:33 isolated_file:0' \
	'                unevictable:0 dirty:0 writeback:0' \
	'[    3.500000] systemd[1]: stress.service: A process of this unit has been killed by the OOM killer.' \
	'[    3.600000] Out of memory: Killed process 4321 (stress\xffng) total-vm:1048576kB, anon-rss:1000000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:2000kB oom_score_adj:0' \
	>"$tmp/want/dmesg.txt"

# rsyslog imklog: kernel facility only, one line per physical line, each with
# the kernel's [uptime][caller] prefix; the byte \xff as it is
{
	printf '%s\n' \
		'Nov  5 23:59:59 lab-6-1 kernel: [    1.234567][    T1] usb 1-4: new high-speed USB device number 9 using xhci_hcd' \
		'Nov  6 00:00:00 lab-6-1 kernel: [    2.000000][ T4321] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0' \
		'Nov  6 00:00:00 lab-6-1 kernel: [    2.000150][ T4321] Mem-Info:' \
		'Nov  6 00:00:00 lab-6-1 kernel: [    2.000200][ T4321] active_anon:1939433 inactive_anon:23409 isolated_anon:0' \
		'Nov  6 00:00:00 lab-6-1 kernel: [    2.000200][ T4321]  active_file:180 inactive_file:33 isolated_file:0' \
		'Nov  6 00:00:00 lab-6-1 kernel: [    2.000200][ T4321]  unevictable:0 dirty:0 writeback:0'
	printf "Nov  6 00:00:01 lab-6-1 kernel: [    3.600000][ T4321] $kill_line\n"
} >"$tmp/want/kern.log"

# journalctl -o export: the fields in the order the journal file holds them
# (by first appearance in the file), multi-line and non-UTF-8 MESSAGE values
# in the binary form (name, 64-bit little-endian length, bytes)
s=s=da318f85ac2603c8dec9e3d076107a2e
b=b=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
ids='_MACHINE_ID=321592dd0033042e6e767e7826f3e58a
_HOSTNAME=lab-6-1'
{
	cat <<EOF
__CURSOR=$s;i=1;$b;m=12d687;t=642e1bef79207;x=84f9e28b5bad8c16
__REALTIME_TIMESTAMP=1762387199234567
__MONOTONIC_TIMESTAMP=1234567
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_KERNEL_SUBSYSTEM=usb
_KERNEL_DEVICE=c189:8
_SOURCE_MONOTONIC_TIMESTAMP=1234567
_TRANSPORT=kernel
PRIORITY=6
SYSLOG_FACILITY=0
SYSLOG_IDENTIFIER=kernel
MESSAGE=usb 1-4: new high-speed USB device number 9 using xhci_hcd
$ids

__CURSOR=$s;i=2;$b;m=1e8480;t=642e1bf034000;x=b235737c3087074e
__REALTIME_TIMESTAMP=1762387200000000
__MONOTONIC_TIMESTAMP=2000000
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_TRANSPORT=kernel
SYSLOG_FACILITY=0
SYSLOG_IDENTIFIER=kernel
$ids
_SOURCE_MONOTONIC_TIMESTAMP=2000000
PRIORITY=4
MESSAGE=stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0

__CURSOR=$s;i=3;$b;m=1e8516;t=642e1bf034096;x=358268f0125d8c06
__REALTIME_TIMESTAMP=1762387200000150
__MONOTONIC_TIMESTAMP=2000150
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_TRANSPORT=kernel
PRIORITY=6
SYSLOG_FACILITY=0
SYSLOG_IDENTIFIER=kernel
$ids
_SOURCE_MONOTONIC_TIMESTAMP=2000150
MESSAGE=Mem-Info:

__CURSOR=$s;i=4;$b;m=1e8548;t=642e1bf0340c8;x=bc11934f9604934b
__REALTIME_TIMESTAMP=1762387200000200
__MONOTONIC_TIMESTAMP=2000200
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_TRANSPORT=kernel
PRIORITY=6
SYSLOG_FACILITY=0
SYSLOG_IDENTIFIER=kernel
$ids
_SOURCE_MONOTONIC_TIMESTAMP=2000200
EOF
	# 140 bytes
	printf 'MESSAGE\n\214\000\000\000\000\000\000\000'
	cat <<EOF
active_anon:1939433 inactive_anon:23409 isolated_anon:0
 active_file:180 inactive_file:33 isolated_file:0
 unevictable:0 dirty:0 writeback:0

__CURSOR=$s;i=5;$b;m=3567e0;t=642e1bf1a2360;x=365cb420188ef500
__REALTIME_TIMESTAMP=1762387201500000
__MONOTONIC_TIMESTAMP=3500000
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_TRANSPORT=kernel
PRIORITY=6
$ids
_SOURCE_MONOTONIC_TIMESTAMP=3500000
SYSLOG_FACILITY=3
SYSLOG_IDENTIFIER=systemd
SYSLOG_PID=1
MESSAGE=stress.service: A process of this unit has been killed by the OOM killer.

__CURSOR=$s;i=6;$b;m=36ee80;t=642e1bf1baa00;x=eb4afe26b19d0221
__REALTIME_TIMESTAMP=1762387201600000
__MONOTONIC_TIMESTAMP=3600000
_BOOT_ID=4f1c2b3a5d6e7f8091a2b3c4d5e6f708
_TRANSPORT=kernel
SYSLOG_FACILITY=0
SYSLOG_IDENTIFIER=kernel
$ids
_SOURCE_MONOTONIC_TIMESTAMP=3600000
PRIORITY=3
EOF
	# 153 bytes
	printf "MESSAGE\n\231\000\000\000\000\000\000\000$kill_line\n\n"
} >"$tmp/want/journal.export"

# journalctl -o json: the same entries, keys in export order; the message
# that is not UTF-8 as an array of byte values
m='"_MACHINE_ID":"321592dd0033042e6e767e7826f3e58a","_HOSTNAME":"lab-6-1"'
cat >"$tmp/want/journal.json" <<EOF
{"__CURSOR":"$s;i=1;$b;m=12d687;t=642e1bef79207;x=84f9e28b5bad8c16","__REALTIME_TIMESTAMP":"1762387199234567","__MONOTONIC_TIMESTAMP":"1234567","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_KERNEL_SUBSYSTEM":"usb","_KERNEL_DEVICE":"c189:8","_SOURCE_MONOTONIC_TIMESTAMP":"1234567","_TRANSPORT":"kernel","PRIORITY":"6","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"usb 1-4: new high-speed USB device number 9 using xhci_hcd",$m}
{"__CURSOR":"$s;i=2;$b;m=1e8480;t=642e1bf034000;x=b235737c3087074e","__REALTIME_TIMESTAMP":"1762387200000000","__MONOTONIC_TIMESTAMP":"2000000","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel",$m,"_SOURCE_MONOTONIC_TIMESTAMP":"2000000","PRIORITY":"4","MESSAGE":"stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"}
{"__CURSOR":"$s;i=3;$b;m=1e8516;t=642e1bf034096;x=358268f0125d8c06","__REALTIME_TIMESTAMP":"1762387200000150","__MONOTONIC_TIMESTAMP":"2000150","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_TRANSPORT":"kernel","PRIORITY":"6","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel",$m,"_SOURCE_MONOTONIC_TIMESTAMP":"2000150","MESSAGE":"Mem-Info:"}
{"__CURSOR":"$s;i=4;$b;m=1e8548;t=642e1bf0340c8;x=bc11934f9604934b","__REALTIME_TIMESTAMP":"1762387200000200","__MONOTONIC_TIMESTAMP":"2000200","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_TRANSPORT":"kernel","PRIORITY":"6","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel",$m,"_SOURCE_MONOTONIC_TIMESTAMP":"2000200","MESSAGE":"active_anon:1939433 inactive_anon:23409 isolated_anon:0\\n active_file:180 inactive_file:33 isolated_file:0\\n unevictable:0 dirty:0 writeback:0"}
{"__CURSOR":"$s;i=5;$b;m=3567e0;t=642e1bf1a2360;x=365cb420188ef500","__REALTIME_TIMESTAMP":"1762387201500000","__MONOTONIC_TIMESTAMP":"3500000","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_TRANSPORT":"kernel","PRIORITY":"6",$m,"_SOURCE_MONOTONIC_TIMESTAMP":"3500000","SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"systemd","SYSLOG_PID":"1","MESSAGE":"stress.service: A process of this unit has been killed by the OOM killer."}
{"__CURSOR":"$s;i=6;$b;m=36ee80;t=642e1bf1baa00;x=eb4afe26b19d0221","__REALTIME_TIMESTAMP":"1762387201600000","__MONOTONIC_TIMESTAMP":"3600000","_BOOT_ID":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel",$m,"_SOURCE_MONOTONIC_TIMESTAMP":"3600000","PRIORITY":"3","MESSAGE":[79,117,116,32,111,102,32,109,101,109,111,114,121,58,32,75,105,108,108,101,100,32,112,114,111,99,101,115,115,32,52,51,50,49,32,40,115,116,114,101,115,115,255,110,103,41,32,116,111,116,97,108,45,118,109,58,49,48,52,56,53,55,54,107,66,44,32,97,110,111,110,45,114,115,115,58,49,48,48,48,48,48,48,107,66,44,32,102,105,108,101,45,114,115,115,58,52,107,66,44,32,115,104,109,101,109,45,114,115,115,58,48,107,66,44,32,85,73,68,58,48,32,112,103,116,97,98,108,101,115,58,50,48,48,48,107,66,32,111,111,109,95,115,99,111,114,101,95,97,100,106,58,48]}
EOF

# check WHAT DIR: the four files of DIR against $tmp/want
check() {
	for f in dmesg.txt kern.log journal.export journal.json; do
		if cmp -s "$tmp/want/$f" "$2/$f"; then
			ok
		else
			fail "$1: $f differs from the expected content"
			diff "$tmp/want/$f" "$2/$f" | head -n 20 >&2
		fi
	done
}

cp -r "$tmp/in" "$tmp/emulated"
expect_code "wrap, emulated dmesg" 0 "$wrap" --dmesg emulated "$tmp/emulated"
check "emulated dmesg" "$tmp/emulated"
expect_code "wrap, second run" 0 "$wrap" --dmesg emulated "$tmp/emulated"
check "second run" "$tmp/emulated"

cp -r "$tmp/in" "$tmp/real"
"$wrap" --dmesg real "$tmp/real" >"$tmp/out" 2>"$tmp/err"
code=$?
if [ "$code" -eq 0 ]; then
	check "real dmesg" "$tmp/real"
elif grep -q "cannot run the real dmesg" "$tmp/err"; then
	echo "note: real dmesg not compared: $(cat "$tmp/err")"
else
	fail "wrap, real dmesg: exit $code ($(head -c 300 "$tmp/err"))"
fi

# a capture that is not one is refused, with the file's name
mkdir "$tmp/bad"
cp "$tmp/in/truth.json" "$tmp/bad/"
printf '6,1,100,-;fine\nnot a record\n' >"$tmp/bad/kmsg.bin"
expect_code "broken kmsg.bin" 1 "$wrap" "$tmp/bad"
expect_grep "broken kmsg.bin named" "$tmp/bad/kmsg.bin: byte 15 (record 2)" "$tmp/err"
rm "$tmp/bad/truth.json"
expect_code "missing truth.json" 1 "$wrap" "$tmp/bad"
expect_grep "missing truth.json named" "$tmp/bad/truth.json" "$tmp/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
