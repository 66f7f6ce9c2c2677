#!/usr/bin/env python3
"""Writes a journal export stream (systemd's Journal Export Format) that opens
with one entry of huge binary fields: a 24 MiB COREDUMP and a 3 MiB MESSAGE
holding newlines, NUL and 0xff bytes (past OOMSIFT_JOURNAL_FIELD_MAX), then the
export stream given as argument. With --corrupt-tail an entry whose binary
length (2^62) cannot be true follows. Used by tests/e2e/bad.sh; the output is
made at test time, not committed."""
import struct
import sys


def binary_field(out, name, data):
    out.write(name + b"\n" + struct.pack("<Q", len(data)) + data + b"\n")


def main():
    args = sys.argv[1:]
    corrupt = "--corrupt-tail" in args
    args = [a for a in args if a != "--corrupt-tail"]
    out = sys.stdout.buffer
    head = (b"__REALTIME_TIMESTAMP=1794643100000000\n__MONOTONIC_TIMESTAMP=1000\n"
            b"_BOOT_ID=0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b\n_HOSTNAME=arch01\n"
            b"_TRANSPORT=journal\nSYSLOG_IDENTIFIER=systemd-coredump\n")
    out.write(head)
    binary_field(out, b"COREDUMP", bytes(range(256)) * (24 << 12))
    binary_field(out, b"MESSAGE", b"x\n\0\xff" * (3 << 18))
    out.write(b"\n")
    with open(args[0], "rb") as f:
        out.write(f.read())
    if corrupt:
        out.write(head + b"MESSAGE\n" + struct.pack("<Q", 1 << 62) + b"abc\n\n")


main()
