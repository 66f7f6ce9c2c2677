#!/usr/bin/env python3
"""Writes tests/data/wrappers/archlinux_kmsg.log: the archlinux report of
archlinux_raw_dmesg.log as `cat /dev/kmsg` shows it (kernel-formats.md §2.1,
kernel/printk/printk.c): one record per printk, header
"<prefix>,<seq>,<usec>,<flag>,caller=T<pid>;" then the text with
non-printable bytes and newlines escaped as \\xNN, then the record's dictionary
lines (" KEY=value"). Synthetic: the kernel writes /dev/kmsg only for its own
messages, so the records are built here from the raw dmesg capture.

Around the report: a device message with its dictionary (as dev_printk()
gives it) and a message whose text holds a tab and a backslash (escaped by
the kernel). Run from the repository root.
"""
import re

SRC = "tests/data/wrappers/archlinux_raw_dmesg.log"
OUT = "tests/data/wrappers/archlinux_kmsg.log"
LINE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] (.*)$")
PREFIX_WIDTH = len("[123456.789012] ")
TASK = "T473206"
REAPER = "T57"


def level(msg):
    """Per-message loglevel of kernel-formats.md §1.3 L20 (6.1 kernel)."""
    if "invoked oom-killer" in msg:
        return 4
    if msg.startswith(("Out of memory", "Memory cgroup out of memory")):
        return 3
    if msg.startswith(("Tasks state", "[", "oom-kill:", "oom_reaper:")):
        return 6
    return 4


def escape(text):
    """printk.c msg_add_ext_text(): \\xNN for bytes < 0x20, >= 0x7f and '\\'."""
    out = []
    for b in text.encode():
        if b < 0x20 or b >= 0x7F or b == 0x5C:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def main():
    records = []
    with open(SRC, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = LINE.match(line)
            if m:
                records.append([int(m.group(1)) * 1000000 + int(m.group(2)), [m.group(3)]])
            else:
                records[-1][1].append(line[PREFIX_WIDTH:])
    seq = 2841
    with open(OUT, "w", encoding="utf-8") as out:
        def record(prefix, usec, caller, text, dictionary=()):
            nonlocal seq
            out.write("%d,%d,%d,-,caller=%s;%s\n" % (prefix, seq, usec, caller, escape(text)))
            for entry in dictionary:
                out.write(" %s\n" % entry)
            seq += 1

        first = records[0][0]
        record(6, first - 6688912, "T8812",
               "usb 1-4: new high-speed USB device number 9 using xhci_hcd",
               ("SUBSYSTEM=usb", "DEVICE=c189:8"))
        record(4, first - 1000, "T8812", "audit: path\t\\var\\log\\x: checked")
        for usec, lines in records:
            caller = REAPER if lines[0].startswith("oom_reaper:") else TASK
            record(level(lines[0]), usec, caller, "\n".join(lines))
        record(6, records[-1][0] + 210000, "C2",
               "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex",
               ("SUBSYSTEM=pci", "DEVICE=+pci:0000:00:19.0"))


if __name__ == "__main__":
    main()
