#!/usr/bin/env python3
"""Turns kernel messages into a journal export stream, as journald would have
stored them (kernel-formats.md §2.5-2.6).

The default input is a raw dmesg capture: lines "[uptime] message". A line
that starts with white space and has no timestamp continues the previous
record (a multi-line printk record: one journal entry whose MESSAGE holds
newlines). A message of the form "@ident[pid]: text" is a user-space entry
(systemd, earlyoom, ...). "-- boot BOOTID BOOTTIME --" starts a new boot.

With --kmsg the input is a /dev/kmsg dump: the records one after the other,
as read() returned them: "PRI,SEQ,USEC,FLAG[,caller=T1];text\\n" with the
text's newlines and other odd bytes escaped as \\xNN, then dictionary lines
" KEY=value\\n" (kernel-formats.md §2.1). Each record becomes the entry that
systemd-journald 252 (Debian 12) stores for it, in the order it adds the
fields (dev_kmsg_record() in src/journal/journald-kmsg.c):
  _KERNEL_KEY=value               one per dictionary line
  _SOURCE_MONOTONIC_TIMESTAMP     USEC
  _TRANSPORT=kernel, PRIORITY=PRI&7, SYSLOG_FACILITY=PRI>>3
  SYSLOG_IDENTIFIER=kernel        facility 0; for a record that user space
                                  wrote into /dev/kmsg, the "ident[pid]: "
                                  prefix of the text becomes
                                  SYSLOG_IDENTIFIER and SYSLOG_PID
                                  (syslog_parse_identifier(), journald-syslog.c;
                                  applied to the escaped text, as journald does)
  MESSAGE                         the text with \\xNN undone
                                  (cunescape_length_with_prefix() with
                                  UNESCAPE_RELAX: "\\x00" stays as it is)
  _BOOT_ID, _MACHINE_ID, _HOSTNAME  added by server_dispatch_message()
journald reads /dev/kmsg as records appear, so its reception time is taken to
be the printk time: __REALTIME_TIMESTAMP = boot time + USEC,
__MONOTONIC_TIMESTAMP = USEC. Not reproduced: the _UDEV_* fields journald
looks up in the machine's udev database for a DEVICE= dictionary entry, and
its own "Missed N kernel messages" entry for a gap in sequence numbers. The
kernel escapes every backslash, so \\xNN is the only escape its text holds.

The stream is deterministic for given arguments. Feed it to
systemd-journal-remote to get a real journal file, then render it with
journalctl (tests/tools/journal-fixtures.sh, tools/oom-lab/wrap, which also
imports the /dev/kmsg reader from here).
"""
import argparse
import re
import struct
import sys
from typing import NamedTuple

LINE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] ?(.*)$")
USER = re.compile(r"^@([\w.-]+)\[(\d+)\]: (.*)$")
BOOT = re.compile(r"^-- boot ([0-9a-f]{32}) (\d+) --$")

# /dev/kmsg record header (printk.c info_print_ext_header(); 3.5 has no flag)
KMSG_HEADER = re.compile(rb"(\d+),(\d+),(\d+)((?:,[^,;\n]*)*);")
KMSG_ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})")
# journald rejects a record whose syslog prefix is out of this range
JOURNALD_MAX_PRIORITY = 999
# journald-syslog.c WHITESPACE
SYSLOG_WHITESPACE = b" \t\n\r"


class KmsgError(Exception):
    """A /dev/kmsg dump that is not one: the message names file and byte."""


class KmsgRecord(NamedTuple):
    offset: int  # byte offset of the record in the dump
    prefix: int  # facility * 8 + level
    seq: int
    usec: int  # printk time, microseconds since boot
    caller: str  # "T123" / "C1" (CONFIG_PRINTK_CALLER), or ""
    text: bytes  # as the kernel escaped it
    dictionary: list  # b"KEY=value" per dictionary line, escaped

    @property
    def facility(self):
        return self.prefix >> 3

    @property
    def level(self):
        return self.prefix & 7


def read_kmsg(path):
    """Splits a /dev/kmsg dump into its records; raises KmsgError."""
    with open(path, "rb") as f:
        data = f.read()
    records = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        m = KMSG_HEADER.match(data, pos)
        if not m or end < 0:
            what = "record without its newline" if m else "no /dev/kmsg record header"
            raise KmsgError("%s: byte %d (record %d): %s" % (path, pos, len(records) + 1, what))
        fields = m.group(4).split(b",")[1:]
        caller = [f[len(b"caller="):] for f in fields if f.startswith(b"caller=")]
        record = KmsgRecord(pos, int(m.group(1)), int(m.group(2)), int(m.group(3)),
                            caller[0].decode("ascii", "replace") if caller else "",
                            data[m.end():end], [])
        pos = end + 1
        while data[pos:pos + 1] == b" ":
            end = data.find(b"\n", pos)
            if end < 0:
                raise KmsgError("%s: byte %d: dictionary line without its newline" % (path, pos))
            record.dictionary.append(data[pos + 1:end])
            pos = end + 1
        records.append(record)
    return records


def kmsg_unescape(text, keep_nul=False):
    """Undoes the kernel's \\xNN escapes. keep_nul leaves "\\x00" as it is
    (journald's cunescape() refuses NUL and keeps a refused escape)."""
    def byte(m):
        value = int(m.group(1), 16)
        return m.group(0) if keep_nul and value == 0 else bytes([value])

    return KMSG_ESCAPE.sub(byte, text)


def syslog_identifier(text):
    """journald-syslog.c syslog_parse_identifier() (systemd 252):
    (identifier or None, pid or None, rest of the text)."""
    start = len(text) - len(text.lstrip(SYSLOG_WHITESPACE))
    token = re.match(rb"[^ \t\n\r]*", text[start:]).group(0)
    if not token.endswith(b":"):
        return None, None, text
    ident, pid = token[:-1], None
    if ident.endswith(b"]"):
        k = ident.rfind(b"[")
        if k >= 0:
            ident, pid = ident[:k], ident[k + 1:-1]
    rest = start + len(token)
    if text[rest:rest + 1] and text[rest:rest + 1] in SYSLOG_WHITESPACE:
        rest += 1
    return ident, pid, text[rest:]


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


def kmsg_entry(out, rec, host, boot_id, boot_time, machine_id):
    """Writes the journal entry journald 252 makes of one /dev/kmsg record."""
    if rec.prefix > JOURNALD_MAX_PRIORITY:
        return
    field(out, "__REALTIME_TIMESTAMP", str(boot_time * 1000000 + rec.usec))
    field(out, "__MONOTONIC_TIMESTAMP", str(rec.usec))
    for item in rec.dictionary:
        field(out, "_KERNEL_" + item.split(b"=", 1)[0].decode("ascii", "replace"),
              kmsg_unescape(item.split(b"=", 1)[1] if b"=" in item else b"", keep_nul=True))
    field(out, "_SOURCE_MONOTONIC_TIMESTAMP", str(rec.usec))
    field(out, "_TRANSPORT", "kernel")
    field(out, "PRIORITY", str(rec.level))
    field(out, "SYSLOG_FACILITY", str(rec.facility))
    text = rec.text
    if rec.facility == 0:
        field(out, "SYSLOG_IDENTIFIER", "kernel")
    else:
        ident, pid, text = syslog_identifier(text)
        if ident is not None:
            field(out, "SYSLOG_IDENTIFIER", ident)
        if pid is not None:
            field(out, "SYSLOG_PID", pid)
    field(out, "MESSAGE", kmsg_unescape(text, keep_nul=True))
    field(out, "_BOOT_ID", boot_id)
    field(out, "_MACHINE_ID", machine_id)
    field(out, "_HOSTNAME", host)
    out.write(b"\n")


def dmesg_entries(out, a):
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


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("--kmsg", action="store_true", help="the input is a /dev/kmsg dump")
    p.add_argument("--host", required=True)
    p.add_argument("--boot-id", required=True, help="32 lowercase hex digits")
    p.add_argument("--boot-time", type=int, required=True, help="epoch seconds")
    p.add_argument("--machine-id", default="5b2f6c1e8d3a4f7b9c0d1e2f3a4b5c6d")
    a = p.parse_args()
    out = sys.stdout.buffer
    if not a.kmsg:
        dmesg_entries(out, a)
        return
    try:
        records = read_kmsg(a.input)
    except (OSError, KmsgError) as e:
        sys.exit("journal-export.py: %s" % e)
    for rec in records:
        kmsg_entry(out, rec, a.host, a.boot_id, a.boot_time, a.machine_id)


if __name__ == "__main__":
    main()
