#!/usr/bin/env python3
"""Turns a raw dmesg capture into a journal export stream, as journald would
have stored those kernel messages (kernel-formats.md §2.5-2.6).

Input lines: "[uptime] message" (raw dmesg). A line that starts with white
space and has no timestamp continues the previous record (a multi-line printk
record: one journal entry whose MESSAGE holds newlines). A message of the form
"@ident[pid]: text" is a user-space entry (systemd, earlyoom, ...).
"-- boot BOOTID BOOTTIME --" starts a new boot.

The stream is deterministic for given arguments. Feed it to
systemd-journal-remote to get a real journal file, then render it with
journalctl (tests/tools/journal-fixtures.sh).
"""
import argparse
import re
import struct
import sys

LINE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] ?(.*)$")
USER = re.compile(r"^@([\w.-]+)\[(\d+)\]: (.*)$")
BOOT = re.compile(r"^-- boot ([0-9a-f]{32}) (\d+) --$")


def priority(msg):
    if "invoked oom-killer" in msg:
        return 4
    if msg.startswith(("Out of memory", "Memory cgroup out of memory", "oom_reaper")):
        return 3
    return 6


def field(out, name, value):
    data = value.encode() if isinstance(value, str) else value
    printable = all(b >= 0x20 or b == 0x09 for b in data) and b"\n" not in data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        printable = False
    if printable:
        out.write(name.encode() + b"=" + data + b"\n")
    else:
        out.write(name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n")


def entry(out, a, boot, rec, seq):
    usec, msg = rec
    realtime = boot[1] * 1000000 + usec + 1500 + (seq % 7) * 100
    field(out, "__REALTIME_TIMESTAMP", str(realtime))
    field(out, "__MONOTONIC_TIMESTAMP", str(usec + 1500))
    field(out, "_BOOT_ID", boot[0])
    field(out, "_MACHINE_ID", a.machine_id)
    field(out, "_HOSTNAME", a.host)
    m = USER.match(msg)
    if m:
        ident, pid, text = m.groups()
        field(out, "_TRANSPORT", "journal" if ident == "systemd" else "stdout")
        field(out, "PRIORITY", "5" if ident != "systemd" else "4")
        field(out, "SYSLOG_FACILITY", "3")
        field(out, "SYSLOG_IDENTIFIER", ident)
        field(out, "_PID", pid)
        field(out, "_COMM", ident)
        field(out, "MESSAGE", text)
    else:
        field(out, "_TRANSPORT", "kernel")
        field(out, "PRIORITY", str(priority(msg)))
        field(out, "SYSLOG_FACILITY", "0")
        field(out, "SYSLOG_IDENTIFIER", "kernel")
        field(out, "_SOURCE_MONOTONIC_TIMESTAMP", str(usec))
        field(out, "MESSAGE", msg)
    out.write(b"\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("--host", required=True)
    p.add_argument("--boot-id", required=True, help="32 lowercase hex digits")
    p.add_argument("--boot-time", type=int, required=True, help="epoch seconds")
    p.add_argument("--machine-id", default="5b2f6c1e8d3a4f7b9c0d1e2f3a4b5c6d")
    a = p.parse_args()
    out = sys.stdout.buffer
    boot = (a.boot_id, a.boot_time)
    rec = None
    seq = 0
    with open(a.input, encoding="utf-8", errors="surrogateescape") as f:
        for raw in f:
            line = raw.rstrip("\n")
            b = BOOT.match(line)
            m = LINE.match(line)
            if rec and (b or m or not line[:1].isspace()):
                entry(out, a, boot, rec, seq)
                seq += 1
                rec = None
            if b:
                boot = (b.group(1), int(b.group(2)))
            elif m:
                rec = (int(m.group(1)) * 1000000 + int(m.group(2)), m.group(3))
            elif rec and line[:1].isspace():
                rec = (rec[0], rec[1] + "\n" + line.strip())
    if rec:
        entry(out, a, boot, rec, seq)


if __name__ == "__main__":
    main()
