#!/usr/bin/env python3
"""Generate the oomsift demo fleet: examples/fleet/<host>/<file>.

    python3 examples/make-fleet.py [CORPUS_DIR] [--out DIR]

CORPUS_DIR defaults to ../shared/corpus/oomanalyser relative to the repository root (the
parent of this script's directory); OUT defaults to examples/fleet.  The script only uses the
standard library, a fixed random seed and fixed dates (it never reads the clock), so the same
corpus always gives byte-identical output.  It writes four hosts over Mon 2026-11-09 ..
Thu 2026-11-12 (UTC):

  db01    RHEL 7 /var/log/messages (rsyslog imjournal: no kernel timestamp, Mem-Info joined
          with #012): messages-20261110 (Mon+Tue) and messages (Wed+Thu)
  web01   Ubuntu kern.log + syslog (+ auth.log): RFC3164 with the kernel [uptime] after
          "kernel: "; every kernel line is in both kern.log and syslog
  pve01   Proxmox `dmesg -T` capture, English locale: dmesg-T.txt
  build01 raw `dmesg` capture, uptime only: dmesg.txt

The corpus OOM reports are embedded byte-exact; only the wrapper prefixes and a few
deliberate comm/pid changes (listed in REPORT_EDITS) differ.  After writing, the script
reads every embedded report back, strips the wrapper and compares it with the expected
text, and also writes examples/fleet-expected.json (the events a correct tool must find).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys

SEED = 20261109
UTC = dt.timezone.utc
MON = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

START = dt.datetime(2026, 11, 9, 0, 0, 0, tzinfo=UTC)     # Monday
END = dt.datetime(2026, 11, 13, 0, 0, 0, tzinfo=UTC)      # end of Thursday


def T(day, h, m, s, us=0):
    return dt.datetime(2026, 11, day, h, m, s, us, tzinfo=UTC)


def epoch(t):
    return (t - dt.datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()


def us_between(a, b):
    d = b - a
    return (d.days * 86400 + d.seconds) * 1000000 + d.microseconds


# --------------------------------------------------------------------------------------------
# corpus reports and the deliberate edits
# --------------------------------------------------------------------------------------------

def read_corpus(corpus, name):
    path = os.path.join(corpus, name + ".txt")
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("ascii")
    if not text.endswith("\n") or "\r" in text:
        sys.exit("make-fleet: unexpected line endings in %s" % path)
    return text


def edit(text, pairs, gone=()):
    """Apply exact substitutions; each old string must occur exactly once (or `n` times)."""
    for item in pairs:
        old, new = item[0], item[1]
        n = item[2] if len(item) > 2 else 1
        c = text.count(old)
        if c != n:
            sys.exit("make-fleet: corpus edit %r expected %d occurrence(s), found %d" % (old, n, c))
        text = text.replace(old, new)
    for g in gone:
        if re.search(r"\b%s\b" % re.escape(g), text):
            sys.exit("make-fleet: %r still present after edits" % g)
    return text


REPORT_EDITS = {
    # db01, Wednesday: mysqld was restarted (new pid 14388) and is killed again; this time a
    # java process (already in the task table, pid 27502) is the allocating task.
    "rhel7_second": [
        ("sed invoked oom-killer:", "java invoked oom-killer:"),
        ("sed cpuset=/ mems_allowed=0-1", "java cpuset=/ mems_allowed=0-1"),
        ("CPU: 4 PID: 29481 Comm: sed ", "CPU: 4 PID: 27502 Comm: java "),
        ("[ 6576] 12345  6576  8478546", "[14388] 12345 14388  8478546"),
        ("Out of memory: Kill process 6576 (mysqld)", "Out of memory: Kill process 14388 (mysqld)"),
        ("Killed process 6576 (mysqld)", "Killed process 14388 (mysqld)"),
    ],
    # pve01, 6 hours later: new php-fpm workers (trigger and victim pids changed).
    "proxmox_second": [
        ("CPU: 8 PID: 3923954 Comm: php-fpm", "CPU: 8 PID: 4021106 Comm: php-fpm"),
        ("[3923954]  1000 3923954", "[4021106]  1000 4021106"),
        ("[3902942]  1000 3902942", "[4013377]  1000 4013377"),
        (",pid=3902942,", ",pid=4013377,"),
        ("Killed process 3902942 (php-fpm)", "Killed process 4013377 (php-fpm)"),
    ],
    # build01: the same 6.1.1 report, but the allocating task and victim is a compiler job.
    "arch_cc1plus": [
        ("doxygen", "cc1plus", 6),
    ],
}


def lines_plain(text):
    """Report text -> list of (message, is_continuation) for reports without a prefix.

    The only multi-line printk record in the ubuntu/arch reports is the Mem-Info counter
    block: the line after "Mem-Info:" starts it, the following lines that begin with a space
    continue it."""
    out = []
    in_meminfo = False
    prev = None
    for ln in text.rstrip("\n").split("\n"):
        if prev == "Mem-Info:":
            out.append((ln, False))
            in_meminfo = True
        elif in_meminfo and ln.startswith(" "):
            out.append((ln, True))
        else:
            in_meminfo = False
            out.append((ln, False))
        prev = ln
    return out


GERMAN_PREFIX = "[Di Aug 12 03:54:03 2025] "


def lines_proxmox(text):
    """Strip the German dmesg -T prefix; continuation lines are indented by its width."""
    out = []
    w = len(GERMAN_PREFIX)
    for ln in text.rstrip("\n").split("\n"):
        if ln.startswith(GERMAN_PREFIX):
            out.append((ln[w:], False))
        elif ln.startswith(" " * w):
            out.append((ln[w:], True))
        else:
            sys.exit("make-fleet: unexpected proxmox line %r" % ln[:60])
    return out


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------

class Line(object):
    __slots__ = ("t", "up", "tag", "msg", "cont", "dest")

    def __init__(self, msg, t=None, up=None, tag="kernel", cont=False, dest=()):
        self.msg = msg
        self.t = t          # wall time (datetime) as the wrapper shows it
        self.up = up        # kernel uptime in microseconds, or None
        self.tag = tag      # syslog tag ("kernel", "systemd[1]", ...)
        self.cont = cont    # continuation line of a multi-line printk record
        self.dest = dest    # file keys this line is written to


class Unit(object):
    """A block of lines that stays contiguous in the output (one report, one login...)."""
    _seq = 0

    def __init__(self, key, lines, label=None, expect=None, atomic=False):
        Unit._seq += 1
        self.atomic = atomic or label is not None
        self.key = key
        self.seq = Unit._seq
        self.lines = lines
        self.label = label          # event label for the self-check and the expected list
        self.expect = expect        # expected unwrapped text of the lines (self-check)


def poisson(rng, t0, t1, per_hour):
    """Random instants between t0 and t1 (datetimes) at an average rate."""
    out = []
    t = t0
    while True:
        t = t + dt.timedelta(seconds=rng.expovariate(per_hour / 3600.0))
        if t >= t1:
            return out
        out.append(t)


def jitter(rng, t, lo, hi):
    return t + dt.timedelta(microseconds=rng.randint(int(lo * 1e6), int(hi * 1e6)))


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def clear_windows(units, windows, key=lambda u: u.key):
    """Drop random noise units that fall inside a protected window."""
    out = []
    for u in units:
        k = key(u)
        if any(a <= k <= b for a, b in windows):
            continue
        out.append(u)
    return out


class Sessions(object):
    """Hands out increasing logind session numbers in time order."""

    def __init__(self, first):
        self.first = first
        self.req = []

    def want(self, t, payload):
        self.req.append((t, len(self.req), payload))

    def assign(self):
        self.req.sort(key=lambda r: (r[0], r[1]))
        return [(t, self.first + i, p) for i, (t, _, p) in enumerate(self.req)]


# --------------------------------------------------------------------------------------------
# db01: RHEL 7, /var/log/messages via rsyslog imjournal
# --------------------------------------------------------------------------------------------

def host_db01(rng, rhel7):
    D = ("msg",)
    units = []

    def L(t, tag, msg):
        return Line(msg, t=t, tag=tag, dest=D)

    ROT = T(11, 0, 0, 1, 212000)      # logrotate (dateext, dateyesterday) at Wed 00:00
    rotate_dest = lambda t: "messages-20261110" if t < ROT else "messages"

    # ---- the two OOM reports (rsyslog reception time spills into the next second)
    reports = [
        ("db01-1", T(9, 3, 12, 44, 318000), rhel7, 97),
        ("db01-2", T(11, 2, 41, 9, 604000), edit(rhel7, REPORT_EDITS["rhel7_second"],
                                                    gone=("6576",)), 61),
    ]
    windows = []
    for label, t0, text, spill in reports:
        msgs = [m for m, _ in lines_plain(text)]
        lines = []
        for i, m in enumerate(msgs):
            t = t0 if i < spill else t0 + dt.timedelta(seconds=1)
            lines.append(L(t, "kernel", m))
        units.append(Unit(t0, lines, label=label, expect=text))
        windows.append((t0 - dt.timedelta(seconds=20), t0 + dt.timedelta(seconds=20)))

    # ---- logind sessions: cron jobs (sysstat every 10 min, cron.hourly) and admin logins
    sess = Sessions(28113)
    day = START
    while day < END:
        for minute in range(0, 24 * 60, 10):
            t = day + dt.timedelta(minutes=minute, seconds=1, microseconds=rng.randint(1000, 900000))
            sess.want(t, ("cron", "root"))
            if minute % 60 == 0:
                sess.want(t + dt.timedelta(seconds=0, microseconds=40000), ("cron", "root"))
        # two to four interactive logins in working hours
        for _ in range(rng.randint(2, 4)):
            t = day + dt.timedelta(hours=rng.randint(7, 18), minutes=rng.randint(0, 59),
                                   seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999999))
            sess.want(t, ("login", rng.choice(["dbadmin", "dbadmin", "oracle", "jwalsh"])))
        day += dt.timedelta(days=1)
    # after the Monday kill somebody looks at the box
    sess.want(T(9, 8, 6, 31, 402117), ("login", "dbadmin"))
    sess.want(T(11, 7, 58, 12, 88310), ("login", "dbadmin"))
    open_until = {}      # user -> end of the user's latest session (user slice lifetime)
    for t, n, (kind, user) in sess.assign():
        if kind == "cron":
            # the RHEL 7 classic: "Started" is logged before "Starting"
            units.append(Unit(t, [L(t, "systemd", "Started Session %d of user root." % n),
                                  L(t, "systemd", "Starting Session %d of user root." % n)]))
        else:
            t2 = jitter(rng, t, 240, 3400)
            prev = open_until.get(user)
            first = prev is None or prev[0] < t
            lines = []
            if first:
                lines += [L(t, "systemd", "Created slice User Slice of %s." % user),
                          L(t, "systemd", "Starting User Slice of %s." % user)]
            else:
                # an earlier session of this user is still open: the slice stays until the later end
                prev[1].lines = prev[1].lines[:1]
            lines += [L(t, "systemd-logind", "New session %d of user %s." % (n, user)),
                      L(t, "systemd", "Started Session %d of user %s." % (n, user)),
                      L(t, "systemd", "Starting Session %d of user %s." % (n, user))]
            units.append(Unit(t, lines))
            end = Unit(t2, [L(t2, "systemd-logind", "Removed session %d." % n),
                            L(t2, "systemd", "Removed slice User Slice of %s." % user),
                            L(t2, "systemd", "Stopping User Slice of %s." % user)])
            units.append(end)
            if prev is not None and not first and prev[0] > t2:
                end.lines = end.lines[:1]          # the earlier session outlives this one
                prev[1].lines = [prev[1].lines[0]] + [L(prev[0], "systemd", "Removed slice User Slice of %s." % user),
                                                      L(prev[0], "systemd", "Stopping User Slice of %s." % user)]
            else:
                open_until[user] = (t2, end)

    # ---- monitoring polls (snmpd logs every connection)
    day = START
    while day < END:
        for minute in range(4, 24 * 60, 15):
            t = day + dt.timedelta(minutes=minute, seconds=rng.randint(10, 14),
                                   microseconds=rng.randint(0, 999999))
            units.append(Unit(t, [L(t, "snmpd[11729]", "Connection from UDP: [10.20.0.15]:%d->[10.20.1.21]:161"
                                    % rng.randint(32768, 60999))]))
        # nightly LVM snapshot backup of the data volume
        t = day + dt.timedelta(hours=1, minutes=30, seconds=2, microseconds=rng.randint(0, 999999))
        units.append(Unit(t, [
            L(t, "kernel", "EXT4-fs (dm-7): 1 orphan inode deleted"),
            L(t, "kernel", "EXT4-fs (dm-7): recovery complete"),
            L(t, "kernel", "EXT4-fs (dm-7): mounted filesystem with ordered data mode. Opts: (null)"),
        ]))
        # systemd-tmpfiles-clean.timer (OnUnitActiveSec=1d)
        t = day + dt.timedelta(hours=14, minutes=27, seconds=33, microseconds=rng.randint(0, 999999))
        units.append(Unit(t, [L(t, "systemd", "Starting Cleanup of Temporary Directories..."),
                              L(t, "systemd", "Started Cleanup of Temporary Directories.")]))
        # abrt via dbus, once a day
        t = day + dt.timedelta(hours=rng.randint(9, 20), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        units.append(Unit(t, [
            L(t, "dbus[569]", "[system] Activating service name='org.freedesktop.problems' (using servicehelper)"),
            L(t, "dbus[569]", "[system] Successfully activated service 'org.freedesktop.problems'"),
        ]))
        day += dt.timedelta(days=1)

    t = T(10, 11, 3, 27, 551873)
    units.append(Unit(t, [L(t, "kernel", "TCP: request_sock_TCP: Possible SYN flooding on port 3306. "
                                         "Sending cookies.  Check SNMP counters.")]))
    t = T(10, 21, 44, 2, 100000)
    units.append(Unit(t, [L(t, "ntpd[2136]", "0.0.0.0 0612 02 freq_set kernel -11.873 PPM"),
                          L(t, "ntpd[2136]", "0.0.0.0 0615 05 clock_sync")]))
    units.append(Unit(ROT, [L(ROT, "rsyslogd", '[origin software="rsyslogd" swVersion="8.24.0-57.el7_9.3" '
                                               'x-pid="796" x-info="http://www.rsyslog.com"] rsyslogd was HUPed')]))

    units = [u for u in units if u.label or not any(a <= u.key <= b for a, b in windows)]
    units = [u for u in units if START <= u.key < END]
    for u in units:
        for ln in u.lines:
            ln.dest = (rotate_dest(u.key),)
    return units


# --------------------------------------------------------------------------------------------
# a 6.1.1-arch1-1 boot on the Z77 board of the archlinux report (build01, web01 after Wed)
# --------------------------------------------------------------------------------------------

def arch_boot(rng, host, root_uuid, systemd_banner, ubuntu):
    """List of (uptime_us, message).  Memory sizes match the report (4115400 pages RAM,
    97082 reserved, 25165820k swap)."""
    B = []

    def at(sec, msg):
        B.append((int(round(sec * 1e6)), msg))

    cmdline = ("BOOT_IMAGE=/boot/vmlinuz-6.1.1-arch1-1 root=UUID=%s ro quiet" % root_uuid) if ubuntu \
        else ("BOOT_IMAGE=/vmlinuz-linux root=UUID=%s rw loglevel=3" % root_uuid)
    z = 0.0
    for m in [
        "Linux version 6.1.1-arch1-1 (linux@archlinux) (gcc (GCC) 12.2.0, GNU ld (GNU Binutils) 2.39.0) "
        "#1 SMP PREEMPT_DYNAMIC Wed, 21 Dec 2022 22:27:55 +0000",
        "Command line: " + cmdline,
        "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'",
        "x86/fpu: Supporting XSAVE feature 0x002: 'SSE registers'",
        "x86/fpu: Supporting XSAVE feature 0x004: 'AVX registers'",
        "x86/fpu: xstate_offset[2]:  576, xstate_sizes[2]:  256",
        "x86/fpu: Enabled xstate features 0x7, context size is 832 bytes, using 'standard' format.",
        "signal: max sigframe size: 1776",
        "BIOS-provided physical RAM map:",
        "BIOS-e820: [mem 0x0000000000000000-0x000000000009d7ff] usable",
        "BIOS-e820: [mem 0x000000000009d800-0x000000000009ffff] reserved",
        "BIOS-e820: [mem 0x00000000000e0000-0x00000000000fffff] reserved",
        "BIOS-e820: [mem 0x0000000000100000-0x00000000dbf4ffff] usable",
        "BIOS-e820: [mem 0x00000000dbf50000-0x00000000dc8b4fff] reserved",
        "BIOS-e820: [mem 0x00000000dc8b5000-0x00000000dcaabfff] ACPI NVS",
        "BIOS-e820: [mem 0x00000000dcaac000-0x00000000dd4c2fff] reserved",
        "BIOS-e820: [mem 0x00000000dd4c3000-0x00000000dd4c3fff] usable",
        "BIOS-e820: [mem 0x00000000dd4c4000-0x00000000dd507fff] ACPI NVS",
        "BIOS-e820: [mem 0x00000000dd508000-0x00000000ddd4dfff] usable",
        "BIOS-e820: [mem 0x00000000ddd4e000-0x00000000ddff2fff] reserved",
        "BIOS-e820: [mem 0x00000000ddff3000-0x00000000ddffffff] usable",
        "BIOS-e820: [mem 0x00000000f8000000-0x00000000fbffffff] reserved",
        "BIOS-e820: [mem 0x00000000fec00000-0x00000000fec00fff] reserved",
        "BIOS-e820: [mem 0x00000000fed00000-0x00000000fed03fff] reserved",
        "BIOS-e820: [mem 0x00000000fed1c000-0x00000000fed1ffff] reserved",
        "BIOS-e820: [mem 0x00000000fee00000-0x00000000fee00fff] reserved",
        "BIOS-e820: [mem 0x00000000ff000000-0x00000000ffffffff] reserved",
        "BIOS-e820: [mem 0x0000000100000000-0x000000041f5fffff] usable",
        "NX (Execute Disable) protection: active",
        "SMBIOS 2.7 present.",
        "DMI: To Be Filled By O.E.M. To Be Filled By O.E.M./Z77 Extreme6, BIOS P2.80 07/01/2013",
        "tsc: Fast TSC calibration using PIT",
        "tsc: Detected 3492.%03d MHz processor" % rng.randint(40, 99),
    ]:
        at(z, m)
    for sec, m in [
        (0.000811, "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved"),
        (0.000813, "e820: remove [mem 0x000a0000-0x000fffff] usable"),
        (0.000818, "last_pfn = 0x41f600 max_arch_pfn = 0x400000000"),
        (0.001342, "x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  "),
        (0.001650, "last_pfn = 0xde000 max_arch_pfn = 0x400000000"),
        (0.006771, "Using GB pages for direct mapping"),
        (0.007158, "RAMDISK: [mem 0x35b2e000-0x36a0efff]"),
        (0.007163, "ACPI: Early table checksum verification disabled"),
        (0.007166, "ACPI: RSDP 0x00000000000F0490 000024 (v02 ALASKA)"),
        (0.007169, "ACPI: XSDT 0x00000000DCA4C078 00007C (v01 ALASKA A M I    01072009 AMI  00010013)"),
        (0.007262, "No NUMA configuration found"),
        (0.007263, "Faking a node at [mem 0x0000000000000000-0x000000041f5fffff]"),
        (0.007268, "NODE_DATA(0) allocated [mem 0x41f5f9000-0x41f5fcfff]"),
        (0.007291, "Zone ranges:"),
        (0.007292, "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]"),
        (0.007294, "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]"),
        (0.007295, "  Normal   [mem 0x0000000100000000-0x000000041f5fffff]"),
        (0.007296, "  Device   empty"),
        (0.034712, "Kernel command line: " + cmdline),
        (0.034766, "Unknown kernel command line parameters \"%s\", will be passed to user space."
         % cmdline.split()[0]),
        (0.036241, "Dentry cache hash table entries: 2097152 (order: 12, 16777216 bytes, linear)"),
        (0.036889, "Inode-cache hash table entries: 1048576 (order: 11, 8388608 bytes, linear)"),
        (0.036951, "Built 1 zonelists, mobility grouping on.  Total pages: 4018318"),
        (0.037003, "mem auto-init: stack:all(zero), heap alloc:on, heap free:off"),
        (0.061712, "Memory: 16073272K/16461600K available (16393K kernel code, 2134K rwdata, 12856K rodata, "
                   "2116K init, 3380K bss, 388328K reserved, 0K cma-reserved)"),
        (0.061935, "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=8, Nodes=1"),
        (0.061949, "ftrace: allocating 46212 entries in 181 pages"),
        (0.068123, "ftrace: allocated 181 pages with 5 groups"),
        (0.068171, "Dynamic Preempt: full"),
        (0.068201, "rcu: Preemptible hierarchical RCU implementation."),
        (0.068203, "NR_IRQS: 524544, nr_irqs: 488, preallocated irqs: 16"),
        (0.068443, "Console: colour dummy device 80x25"),
        (0.068452, "printk: console [tty0] enabled"),
        (0.068467, "ACPI: Core revision 20220331"),
        (0.068609, "clocksource: hpet: mask: 0xffffffff max_cycles: 0xffffffff, max_idle_ns: 133484882848 ns"),
        (0.068628, "APIC: Switch to symmetric I/O mode setup"),
        (0.085679, "clocksource: tsc-early: mask: 0xffffffffffffffff max_cycles: 0x325734e5a3c, "
                   "max_idle_ns: 440795297584 ns"),
        (0.085685, "Calibrating delay loop (skipped), value calculated using timer frequency.. "
                   "6984.19 BogoMIPS (lpj=11640230)"),
        (0.085689, "pid_max: default: 32768 minimum: 301"),
        (0.091122, "LSM: Security Framework initializing"),
        (0.091128, "landlock: Up and running."),
        (0.091130, "Yama: becoming mindful."),
        (0.091144, "Mount-cache hash table entries: 32768 (order: 6, 262144 bytes, linear)"),
        (0.091501, "CPU0: Thermal monitoring enabled (TM1)"),
        (0.091531, "Spectre V1 : Mitigation: usercopy/swapgs barriers and __user pointer sanitization"),
        (0.091533, "Spectre V2 : Mitigation: Retpolines"),
        (0.091535, "MDS: Mitigation: Clear CPU buffers"),
        (0.198223, "smpboot: CPU0: Intel(R) Core(TM) i7-3770K CPU @ 3.50GHz (family: 0x6, model: 0x3a, stepping: 0x9)"),
        (0.198412, "Performance Events: PEBS fmt1+, IvyBridge events, 16-deep LBR, full-width counters, "
                   "Intel PMU driver."),
        (0.198867, "smp: Bringing up secondary CPUs ..."),
        (0.198961, "x86: Booting SMP configuration:"),
        (0.198962, ".... node  #0, CPUs:      #1 #2 #3 #4 #5 #6 #7"),
        (0.212187, "smp: Brought up 1 node, 8 CPUs"),
        (0.212189, "smpboot: Max logical packages: 1"),
        (0.212190, "smpboot: Total of 8 processors activated (55873.52 BogoMIPS)"),
        (0.215410, "devtmpfs: initialized"),
        (0.231125, "PCI: Using configuration type 1 for base access"),
        (0.320114, "ACPI: Interpreter enabled"),
        (0.401223, "pci 0000:00:00.0: [8086:0150] type 00 class 0x060000"),
        (0.401371, "pci 0000:00:01.0: [8086:0151] type 01 class 0x060400"),
        (0.401822, "pci 0000:00:1f.2: [8086:1e02] type 00 class 0x010601"),
        (0.402218, "pci 0000:04:00.0: [8086:10d3] type 00 class 0x020000"),
        (0.612004, "clocksource: Switched to clocksource tsc-early"),
        (0.711234, "Freeing unused decrypted memory: 2036K"),
        (0.712341, "Freeing unused kernel image (initmem) memory: 2116K"),
        (0.733512, "Write protecting the kernel read-only data: 30720k"),
        (0.735811, "Run /init as init process"),
        (0.862211, "ahci 0000:00:1f.2: version 3.0"),
        (0.862518, "ahci 0000:00:1f.2: AHCI 0001.0300 32 slots 6 ports 6 Gbps 0x3f impl SATA mode"),
        (0.876122, "scsi host0: ahci"),
        (1.190324, "ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)"),
        (1.192011, "ata1.00: ATA-11: Samsung SSD 860 EVO 500GB, RVT04B6Q, max UDMA/133"),
        (1.195521, "scsi 0:0:0:0: Direct-Access     ATA      Samsung SSD 860  4B6Q PQ: 0 ANSI: 5"),
        (1.195902, "sd 0:0:0:0: [sda] 976773168 512-byte logical blocks: (500 GB/466 GiB)"),
        (1.195916, "sd 0:0:0:0: [sda] Write Protect is off"),
        (1.195930, "sd 0:0:0:0: [sda] Write cache: enabled, read cache: enabled, doesn't support DPO or FUA"),
        (1.199431, " sda: sda1 sda2 sda3"),
        (1.199650, "sd 0:0:0:0: [sda] Attached SCSI disk"),
        (1.512390, "EXT4-fs (sda2): mounted filesystem with ordered data mode. Quota mode: none."),
        (1.640112, "systemd[1]: " + systemd_banner),
        (1.640119, "systemd[1]: Detected architecture x86-64."),
        (1.641223, "systemd[1]: Hostname set to <%s>." % host),
        (1.802331, "systemd[1]: Queued start job for default target Multi-User System."),
        (1.823117, "systemd[1]: Created slice Slice /system/getty."),
        (1.823402, "systemd[1]: Created slice Slice /system/modprobe."),
        (1.823790, "systemd[1]: Created slice User and Session Slice."),
        (1.824118, "systemd[1]: Reached target Local Encrypted Volumes."),
        (1.851032, "systemd[1]: Listening on Journal Socket."),
        (1.901144, "systemd[1]: Started Journal Service."),
        (2.013877, "EXT4-fs (sda2): re-mounted. Quota mode: none."),
        (2.204412, "e1000e: Intel(R) PRO/1000 Network Driver"),
        (2.204415, "e1000e: Copyright(c) 1999 - 2015 Intel Corporation."),
        (2.204761, "e1000e 0000:04:00.0: Interrupt Throttling Rate (ints/sec) set to dynamic conservative mode"),
        (2.321188, "e1000e 0000:04:00.0 0000:04:00.0 (uninitialized): registered PHC clock"),
        (2.392270, "e1000e 0000:04:00.0 eth0: (PCI Express:2.5GT/s:Width x1) 68:05:ca:1a:%02x:%02x"
         % (rng.randint(0, 255), rng.randint(0, 255))),
        (2.392274, "e1000e 0000:04:00.0 eth0: Intel(R) PRO/1000 Network Connection"),
        (2.392290, "e1000e 0000:04:00.0 eth0: MAC: 3, PHY: 8, PBA No: E46981-008"),
        (2.411902, "e1000e 0000:04:00.0 enp4s0: renamed from eth0"),
        (2.553120, "Adding 25165820k swap on /dev/sda3.  Priority:-2 extents:1 across:25165820k SS"),
        (2.871550, "random: crng init done"),
        (6.140331, "e1000e 0000:04:00.0 enp4s0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx"),
    ]:
        if m.endswith(" "):
            m = m.rstrip()
        at(sec, m)
    return B


# --------------------------------------------------------------------------------------------
# web01: Ubuntu, kern.log + syslog + auth.log via rsyslog imklog
# --------------------------------------------------------------------------------------------

def pagealloc_lookalike():
    """A 5.13 page allocation failure (warn_alloc): stack and Mem-Info, no task table, no kill.
    Synthetic, written after kernel-formats.md §1.4; numbers consistent with the 2 GB VM of the
    ubuntu2110 report (DMA below its lowmem reserve, DMA32 without free blocks >= 64 kB)."""
    dma = [(4, 0, ""), (8, 0, ""), (16, 0, ""), (32, 2, " (U)"), (64, 1, " (U)"), (128, 0, ""),
           (256, 0, ""), (512, 1, " (U)"), (1024, 1, " (U)"), (2048, 1, " (M)"), (4096, 0, "")]
    dma32 = [(4, 9012, " (UME)"), (8, 3811, " (UME)"), (16, 782, " (UME)"), (32, 142, " (UM)"),
             (64, 0, ""), (128, 0, ""), (256, 0, ""), (512, 0, ""), (1024, 0, ""), (2048, 0, ""),
             (4096, 0, "")]

    def buddy(zone, lst):
        total = sum(k * n for k, n, _ in lst)
        return total, "Node 0 %s: %s = %dkB" % (zone, " ".join("%d*%dkB%s" % (n, k, f) for k, n, f in lst), total)

    dma_free, dma_line = buddy("DMA", dma)
    dma32_free, dma32_line = buddy("DMA32", dma32)
    free_pages = (dma_free + dma32_free) // 4
    text = [
        "kworker/1:2: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), "
        "nodemask=(null),cpuset=/,mems_allowed=0",
        "CPU: 1 PID: 2231 Comm: kworker/1:2 Not tainted 5.13.0-19-generic #19-Ubuntu",
        "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS ArchLinux 1.14.0-1 04/01/2014",
        "Workqueue: kaluad alua_rtpg_work [scsi_dh_alua]",
        "Call Trace:",
        " show_stack+0x52/0x58",
        " dump_stack+0x7d/0x9c",
        " warn_alloc.cold+0x7b/0xdf",
        " ? __alloc_pages_direct_compact+0x173/0x1b0",
        " __alloc_pages_slowpath.constprop.0+0xd2b/0xe00",
        " ? __cond_resched+0x1a/0x50",
        " __alloc_pages+0x30e/0x330",
        " alloc_pages+0x87/0x110",
        " kmalloc_order+0x2f/0xb0",
        " kmalloc_order_trace+0x1d/0x90",
        " __kmalloc+0x22f/0x270",
        " alua_rtpg+0x3a4/0x8f0 [scsi_dh_alua]",
        " alua_rtpg_work+0xee/0x4a0 [scsi_dh_alua]",
        " process_one_work+0x220/0x3c0",
        " worker_thread+0x53/0x420",
        " kthread+0x11f/0x140",
        " ? process_one_work+0x3c0/0x3c0",
        " ? set_kthread_struct+0x50/0x50",
        " ret_from_fork+0x22/0x30",
        "Mem-Info:",
        "active_anon:98213 inactive_anon:201877 isolated_anon:0",
        " active_file:61327 inactive_file:70145 isolated_file:0",
        " unevictable:4785 dirty:1187 writeback:0",
        " slab_reclaimable:18230 slab_unreclaimable:12411",
        " mapped:31874 shmem:8412 pagetables:3912 bounce:0",
        " free:%d free_pcp:402 free_cma:0" % free_pages,
        "Node 0 active_anon:392852kB inactive_anon:807508kB active_file:245308kB inactive_file:280580kB "
        "unevictable:19140kB isolated(anon):0kB isolated(file):0kB mapped:127496kB dirty:4748kB writeback:0kB "
        "shmem:33648kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB "
        "kernel_stack:4368kB pagetables:15648kB all_unreclaimable? no",
        "Node 0 DMA free:%dkB min:352kB low:440kB high:528kB reserved_highatomic:0KB active_anon:0kB "
        "inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB "
        "managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB" % dma_free,
        "lowmem_reserve[]: 0 1893 1893 1893 1893",
        "Node 0 DMA32 free:%dkB min:44700kB low:55872kB high:67044kB reserved_highatomic:0KB "
        "active_anon:392852kB inactive_anon:807508kB active_file:245308kB inactive_file:280580kB "
        "unevictable:19140kB writepending:4748kB present:2080640kB managed:2010036kB mlocked:19140kB "
        "bounce:0kB free_pcp:1608kB local_pcp:412kB free_cma:0kB" % dma32_free,
        "lowmem_reserve[]: 0 0 0 0 0",
        dma_line,
        dma32_line,
        "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
        "139884 total pagecache pages",
        "0 pages in swap cache",
        "Swap cache stats: add 0, delete 0, find 0/0",
        "Free swap  = 0kB",
        "Total swap = 0kB",
        "524158 pages RAM",
        "0 pages HighMem/MovableOnly",
        "17809 pages reserved",
        "0 pages hwpoisoned",
        "sd 3:0:0:1: alua_rtpg: kmalloc buffer failed",
    ]
    return "\n".join(text) + "\n"


def host_web01(rng, ubuntu, arch):
    KS = ("kern.log", "syslog")
    S = ("syslog",)
    A = ("auth.log",)
    units = []
    windows = []

    BOOT1 = dt.datetime(2026, 10, 28, 6, 14, 22, 518337, tzinfo=UTC)   # VM, 5.13.0-19-generic
    SHUT = T(11, 4, 57, 31, 0)                                         # migration reboot
    BOOT2 = T(11, 5, 1, 48, 102394)                                    # Z77, 6.1.1-arch1-1
    RSYS2 = BOOT2 + dt.timedelta(seconds=9, microseconds=917220)       # rsyslogd starts

    def kl(t, msg, cont=False, up=None, recv=None):
        """A kernel line printed at wall time t; syslog shows the reception time."""
        boot = BOOT2 if t >= BOOT2 else BOOT1
        if up is None:
            up = us_between(boot, t)
        return Line(msg, t=recv or t, up=up, tag="kernel", cont=cont, dest=KS)

    def sl(t, tag, msg):
        return Line(msg, t=t, tag=tag, dest=S)

    def al(t, tag, msg):
        return Line(msg, t=t, tag=tag, dest=A)

    def kernel_block(t0, rec_lines, label=None, expect=None, lag=(0.05, 1.3)):
        """Print a report: each printk record a few microseconds after the previous one,
        continuation lines share their record's timestamp; rsyslog reception lags."""
        lines = []
        t = t0
        n = len(rec_lines)
        for i, (m, cont) in enumerate(rec_lines):
            if not cont and i:
                t = t + dt.timedelta(microseconds=rng.randint(3, 40))
            recv = t + dt.timedelta(seconds=lag[0] + (lag[1] - lag[0]) * i / max(1, n - 1))
            recv = recv.replace(microsecond=0)
            lines.append(kl(t, m, cont=cont, recv=recv))
        return Unit(t0, lines, label=label, expect=expect)

    # ---------------- the OOM reports and the lookalike
    t_sysrq = T(9, 14, 37, 12, 271904)
    units.append(Unit(t_sysrq, [kl(t_sysrq, "sysrq: Manual OOM execution")]))
    t0 = t_sysrq + dt.timedelta(microseconds=1711)
    units.append(kernel_block(t0, lines_plain(ubuntu), label="web01-1", expect=ubuntu))
    t = T(9, 14, 37, 13, 402000)
    units.append(Unit(t, [
        sl(t, "systemd[1]", "unattended-upgrades.service: A process of this unit has been killed by the OOM killer."),
        sl(t, "systemd[1]", "unattended-upgrades.service: Main process exited, code=killed, status=9/KILL"),
        sl(t, "systemd[1]", "unattended-upgrades.service: Failed with result 'oom-kill'."),
    ]))
    windows.append((t_sysrq - dt.timedelta(seconds=30), t_sysrq + dt.timedelta(seconds=30)))

    look = pagealloc_lookalike()
    t0 = T(10, 16, 22, 41, 93652)
    units.append(kernel_block(t0, lines_plain(look), label="web01-lookalike", expect=look, lag=(0.0, 0.2)))
    windows.append((t0 - dt.timedelta(seconds=30), t0 + dt.timedelta(seconds=30)))

    t0 = T(12, 21, 48, 5, 618233)
    units.append(kernel_block(t0, lines_plain(arch), label="web01-2", expect=arch, lag=(0.4, 2.2)))
    t = T(12, 21, 48, 8, 771000)
    units.append(Unit(t, [sl(t, "systemd[1]", "session-2.scope: A process of this unit has been killed by the OOM killer.")]))
    windows.append((t0 - dt.timedelta(seconds=30), t0 + dt.timedelta(seconds=30)))

    # ---------------- migration reboot on Wednesday morning
    windows.append((T(11, 4, 57, 0), RSYS2 + dt.timedelta(seconds=60)))
    t = SHUT
    units.append(Unit(t, [
        sl(t, "systemd[1]", "Stopping Session 421 of user ops."),
        sl(t, "systemd[1]", "Removed slice Slice /system/modprobe."),
        sl(t, "systemd[1]", "Stopped target Graphical Interface."),
        sl(t, "systemd[1]", "Stopped target Multi-User System."),
        sl(t, "systemd[1]", "Stopping Regular background program processing daemon..."),
        sl(t, "systemd[1]", "Stopping The PHP 8.0 FastCGI Process Manager..."),
        sl(t, "systemd[1]", "Stopping A high performance web server and a reverse proxy server..."),
        sl(t, "systemd[1]", "Stopping System Logging Service..."),
        sl(t, "rsyslogd", '[origin software="rsyslogd" swVersion="8.2102.0" x-pid="609" '
                          'x-info="https://www.rsyslog.com"] exiting on signal 15.'),
    ]))
    boot_lines = [
        sl(RSYS2, "rsyslogd", "imuxsock: Acquired UNIX socket '/run/systemd/journal/syslog' (fd 3) from systemd.  [v8.2102.0]"),
        sl(RSYS2, "rsyslogd", "rsyslogd's groupid changed to 110"),
        sl(RSYS2, "rsyslogd", "rsyslogd's userid changed to 104"),
        sl(RSYS2, "rsyslogd", '[origin software="rsyslogd" swVersion="8.2102.0" x-pid="598" '
                              'x-info="https://www.rsyslog.com"] start'),
    ]
    banner = ("systemd 248.3-1ubuntu8 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK "
              "+SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD "
              "+LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY -P11KIT -QRENCODE +BZIP2 +LZ4 +XZ +ZLIB +ZSTD "
              "-XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)")
    boot = arch_boot(rng, "web01", "5c1e2f0a-7d43-4b8e-9a61-2f0c8d3e7b19", banner, ubuntu=True)
    aa_serial = 2
    extra = []
    for i, prof in enumerate(["lsb_release", "nvidia_modprobe", "nvidia_modprobe//kmod", "/usr/bin/man",
                              "man_filter", "man_groff", "/usr/sbin/tcpdump", "/usr/lib/snapd/snap-confine",
                              "/usr/sbin/rsyslogd", "php-fpm"]):
        up = int((3.412 + i * 0.0041) * 1e6)
        e = epoch(BOOT2) + up / 1e6
        extra.append((up, 'audit: type=1400 audit(%.3f:%d): apparmor="STATUS" operation="profile_load" '
                          'profile="unconfined" name="%s" pid=%d comm="apparmor_parser"'
                          % (e, aa_serial, prof, 512 + i // 3)))
        aa_serial += 1
    for up, m in sorted(boot + extra, key=lambda x: x[0]):
        boot_lines.append(kl(RSYS2, m, up=up, recv=RSYS2))
    t = RSYS2 + dt.timedelta(seconds=1)
    boot_lines += [
        sl(t, "systemd[1]", "Started System Logging Service."),
        sl(t, "systemd[1]", "Started A high performance web server and a reverse proxy server."),
        sl(t, "systemd[1]", "Started The PHP 8.0 FastCGI Process Manager."),
        sl(t, "systemd[1]", "Reached target Multi-User System."),
        sl(t, "systemd[1]", "Startup finished in 3.402s (kernel) + 8.119s (userspace) = 11.521s."),
        sl(t, "systemd-timesyncd[542]", "Initial synchronization to time server 185.125.190.57:123 (ntp.ubuntu.com)."),
    ]
    units.append(Unit(RSYS2, boot_lines, atomic=True))

    # ---------------- UFW blocks (internet background noise), both kernels
    def ufw(t):
        pre = t < BOOT2
        iface = "ens3" if pre else "enp4s0"
        mac = "52:54:00:3a:1f:07:52:54:00:9e:02:11:08:00" if pre else "68:05:ca:1a:4c:9e:00:1b:21:7f:30:c2:08:00"
        src = rng.choice(["198.51.100.", "203.0.113.", "192.0.2."]) + str(rng.randint(2, 254))
        ttl = rng.choice([44, 47, 50, 52, 110, 113, 116, 236, 240, 241, 243, 245, 246, 248])
        if rng.random() < 0.82:
            dpt = rng.choice([23, 23, 2323, 3389, 5900, 6379, 8080, 8443, 8888, 445, 1433, 3306, 5432, 9200,
                              22222, 2222, 81, 8000, 37215, 52869, 60001])
            m = ("[UFW BLOCK] IN=%s OUT= MAC=%s SRC=%s DST=203.0.113.10 LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d "
                 "PROTO=TCP SPT=%d DPT=%d WINDOW=%d RES=0x00 SYN URGP=0 "
                 % (iface, mac, src, rng.choice([40, 44, 60]), ttl, rng.randint(1, 65535),
                    rng.randint(1024, 65535), dpt, rng.choice([1024, 1025, 14600, 29200, 65535])))
        else:
            dpt = rng.choice([5060, 123, 1900, 161, 11211, 5353, 3478, 19])
            ln = rng.choice([28, 40, 52, 76, 432])
            m = ("[UFW BLOCK] IN=%s OUT= MAC=%s SRC=%s DST=203.0.113.10 LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d "
                 "PROTO=UDP SPT=%d DPT=%d LEN=%d "
                 % (iface, mac, src, ln, ttl, rng.randint(1, 65535), rng.randint(1024, 65535), dpt, ln - 20))
        return m

    noise = []
    for t in poisson(rng, START, END, 5.0):
        if SHUT <= t <= RSYS2 + dt.timedelta(seconds=30):
            continue
        lines = [kl(t, ufw(t))]
        if rng.random() < 0.08:      # a short scan burst
            for k in range(rng.randint(2, 5)):
                t2 = t + dt.timedelta(microseconds=rng.randint(20000, 900000) * (k + 1))
                lines.append(kl(t2, ufw(t2)))
        noise.append(Unit(t, lines))

    # ---------------- cron (syslog) + pam_unix (auth.log)
    used_pids = set()

    def pid_at(t):
        """PIDs grow with time (about 4300 forks a day) and restart after the reboot."""
        if t < BOOT2:
            p = 41200 + int((t - START).total_seconds() * 0.05)
        else:
            p = 1180 + int((t - BOOT2).total_seconds() * 0.05)
        while p in used_pids:
            p += 1
        used_pids.add(p)
        return p

    def cron(t, user, uid, cmd, dur):
        p = pid_at(t)
        u = [Unit(t, [al(t, "CRON[%d]" % p, "pam_unix(cron:session): session opened for user %s(uid=%d) by (uid=0)"
                         % (user, uid)),
                      sl(t, "CRON[%d]" % p, "(%s) CMD (%s)" % (user, cmd))])]
        t2 = t + dt.timedelta(seconds=dur, microseconds=rng.randint(0, 999999))
        u.append(Unit(t2, [al(t2, "CRON[%d]" % p, "pam_unix(cron:session): session closed for user %s" % user)]))
        return u

    def timer_unit(t, desc, unit):
        return Unit(t, [sl(t, "systemd[1]", "Starting %s..." % desc),
                        sl(t + dt.timedelta(seconds=1), "systemd[1]", "%s.service: Succeeded." % unit),
                        sl(t + dt.timedelta(seconds=1), "systemd[1]", "Finished %s." % desc)])

    day = START
    while day < END:
        for h in range(24):
            t = day + dt.timedelta(hours=h, minutes=17, seconds=1, microseconds=rng.randint(0, 300000))
            noise += cron(t, "root", 0, "   cd / && run-parts --report /etc/cron.hourly", 0)
            for q in range(4):
                t = day + dt.timedelta(hours=h, minutes=15 * q, seconds=1, microseconds=rng.randint(0, 300000))
                noise += cron(t, "www-data", 33, "php /var/www/shop/bin/console messenger:consume async "
                                                 "--time-limit=840 >/dev/null 2>&1", rng.randint(838, 846))
            for mm in (9, 39):
                t = day + dt.timedelta(hours=h, minutes=mm, seconds=rng.randint(0, 20), microseconds=rng.randint(0, 999999))
                noise.append(timer_unit(t, "Clean php session files", "phpsessionclean"))
        t = day + dt.timedelta(hours=6, minutes=25, seconds=1, microseconds=rng.randint(0, 300000))
        noise += cron(t, "root", 0, "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )", 1)
        t = day + dt.timedelta(seconds=0, microseconds=rng.randint(200000, 600000))
        noise.append(timer_unit(t, "Rotate log files", "logrotate"))
        noise.append(timer_unit(t + dt.timedelta(seconds=2), "Daily man-db regeneration", "man-db"))
        for desc, unit, hh in [("Daily apt download activities", "apt-daily", rng.randint(6, 8)),
                               ("Daily apt download activities", "apt-daily", rng.randint(15, 20)),
                               ("Daily apt upgrade and clean activities", "apt-daily-upgrade", 6),
                               ("Message of the Day", "motd-news", rng.randint(1, 11)),
                               ("Message of the Day", "motd-news", rng.randint(13, 23)),
                               ("Certbot", "certbot", rng.randint(0, 11)),
                               ("Certbot", "certbot", rng.randint(12, 23)),
                               ("Cleanup of Temporary Directories", "systemd-tmpfiles-clean", 6)]:
            t = day + dt.timedelta(hours=hh, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
                                   microseconds=rng.randint(0, 999999))
            noise.append(timer_unit(t, desc, unit))
        # ssh password guessing on the open port 22
        for t in poisson(rng, day, day + dt.timedelta(days=1), 0.9):
            p = pid_at(t)
            src = rng.choice(["198.51.100.", "203.0.113.", "192.0.2."]) + str(rng.randint(2, 254))
            user = rng.choice(["admin", "test", "oracle", "ubuntu", "user", "git", "postgres", "deploy", "ftpuser"])
            port = rng.randint(30000, 65000)
            t2 = t + dt.timedelta(microseconds=rng.randint(300000, 2500000))
            noise.append(Unit(t, [
                al(t, "sshd[%d]" % p, "Invalid user %s from %s port %d" % (user, src, port)),
                al(t2, "sshd[%d]" % p, "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (src, port)),
                al(t2, "sshd[%d]" % p, "Disconnected from invalid user %s %s port %d [preauth]" % (user, src, port)),
            ]))
        day += dt.timedelta(days=1)
    t = START + dt.timedelta(seconds=3, microseconds=118000)
    noise.append(Unit(t, [sl(t, "rsyslogd", '[origin software="rsyslogd" swVersion="8.2102.0" x-pid="609" '
                                             'x-info="https://www.rsyslog.com"] rsyslogd was HUPed')]))

    noise = clear_windows(noise, windows)

    # ---------------- interactive logins (scripted, so the session numbers tell a story)
    logins = [
        # (login, logout, user, uid, from, logind session, sudo commands [(offset_s, cmd)])
        (T(9, 9, 12, 4, 551820), T(9, 9, 40, 51, 18000), "ops", 1000, "10.20.0.5", 417, []),
        (T(9, 14, 31, 5, 220174), T(9, 14, 52, 40, 0), "ops", 1000, "10.20.0.5", 418,
         [(342, "/usr/bin/systemctl status unattended-upgrades.service"),
          (366, "/usr/bin/tee /proc/sysrq-trigger")]),
        (T(10, 10, 5, 31, 7712), T(10, 10, 21, 2, 0), "ops", 1000, "10.20.0.5", 419,
         [(200, "/usr/bin/apt-get -s upgrade")]),
        (T(10, 16, 40, 17, 337102), T(10, 17, 2, 44, 0), "ops", 1000, "10.20.0.5", 420,
         [(95, "/usr/bin/dmesg -T")]),
        (T(11, 4, 55, 2, 611000), None, "ops", 1000, "10.20.0.5", 421, [(148, "/usr/sbin/reboot")]),
        # after the move to new hardware logind counts from 1 again
        (T(11, 5, 12, 40, 330011), T(11, 5, 40, 9, 0), "ops", 1000, "10.20.0.5", 1,
         [(61, "/usr/bin/systemctl status nginx php8.0-fpm")]),
        (T(12, 21, 31, 40, 118800), T(12, 21, 52, 13, 0), "docbuild", 504, "10.20.0.31", 2, []),
        (T(12, 22, 5, 8, 901552), T(12, 22, 20, 37, 0), "ops", 1000, "10.20.0.5", 3,
         [(44, "/usr/bin/journalctl -k --since today")]),
    ]
    for (tin, tout, user, uid, ip, ses, sudo) in logins:
        p = pid_at(tin)
        port = rng.randint(40000, 64000)
        fp = {"ops": "SHA256:q3b7Jx0vK2m9YpT4cWfN8rL1sZ6eHdUaGiO5tBnXyQk",
              "docbuild": "SHA256:Z8fV2kP0wR7nL4yT1qS9mC3xB6hJ5gD0aE2uI8oKtWs"}[user]
        ses_real = ses
        units.append(Unit(tin, [
            al(tin, "sshd[%d]" % p, "Accepted publickey for %s from %s port %d ssh2: ED25519 %s" % (user, ip, port, fp)),
            al(tin, "sshd[%d]" % p, "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)" % (user, uid)),
            al(tin, "systemd-logind[613]" if tin < BOOT2 else "systemd-logind[601]",
               "New session %d of user %s." % (ses_real, user)),
            sl(tin, "systemd[1]", "Created slice User Slice of UID %d." % uid),
            sl(tin, "systemd[1]", "Starting User Runtime Directory /run/user/%d..." % uid),
            sl(tin, "systemd[1]", "Finished User Runtime Directory /run/user/%d." % uid),
            sl(tin, "systemd[1]", "Starting User Manager for UID %d..." % uid),
            sl(tin + dt.timedelta(seconds=1), "systemd[1]", "Started User Manager for UID %d." % uid),
            sl(tin + dt.timedelta(seconds=1), "systemd[1]", "Started Session %d of user %s." % (ses_real, user)),
        ]))
        for off, cmd in sudo:
            ts = tin + dt.timedelta(seconds=off, microseconds=rng.randint(0, 999999))
            units.append(Unit(ts, [
                al(ts, "sudo", "     %s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=%s" % (user, user, cmd)),
                al(ts, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=%d)" % (user, uid)),
                al(ts + dt.timedelta(seconds=1), "sudo", "pam_unix(sudo:session): session closed for user root"),
            ]))
        if tout is None:
            continue
        t2 = tout + dt.timedelta(seconds=10, microseconds=rng.randint(0, 999999))
        units.append(Unit(tout, [
            al(tout, "sshd[%d]" % p, "Received disconnect from %s port %d:11: disconnected by user" % (ip, port)),
            al(tout, "sshd[%d]" % p, "Disconnected from user %s %s port %d" % (user, ip, port)),
            al(tout, "sshd[%d]" % p, "pam_unix(sshd:session): session closed for user %s" % user),
            al(tout, "systemd-logind[613]" if tout < BOOT2 else "systemd-logind[601]",
               "Session %d logged out. Waiting for processes to exit." % ses_real),
            sl(tout, "systemd[1]", "session-%d.scope: Succeeded." % ses_real),
            al(tout, "systemd-logind[613]" if tout < BOOT2 else "systemd-logind[601]", "Removed session %d." % ses_real),
        ]))
        units.append(Unit(t2, [
            sl(t2, "systemd[1]", "Stopping User Manager for UID %d..." % uid),
            sl(t2, "systemd[1]", "user@%d.service: Succeeded." % uid),
            sl(t2, "systemd[1]", "Stopped User Manager for UID %d." % uid),
            sl(t2, "systemd[1]", "Stopping User Runtime Directory /run/user/%d..." % uid),
            sl(t2, "systemd[1]", "run-user-%d.mount: Succeeded." % uid),
            sl(t2, "systemd[1]", "user-runtime-dir@%d.service: Succeeded." % uid),
            sl(t2, "systemd[1]", "Stopped User Runtime Directory /run/user/%d." % uid),
            sl(t2, "systemd[1]", "Removed slice User Slice of UID %d." % uid),
        ]))

    units += noise
    return [u for u in units if START <= u.key < END]


# --------------------------------------------------------------------------------------------
# pve01: Proxmox VE host, `dmesg -T` (English locale)
# --------------------------------------------------------------------------------------------

def host_pve01(rng, proxmox):
    D = ("dmesg-T.txt",)
    units = []
    windows = []
    BOOT = dt.datetime(2026, 10, 2, 18, 40, 11, 0, tzinfo=UTC)
    def L(t, msg, cont=False):
        return Line(msg, t=t, up=us_between(BOOT, t), cont=cont, dest=D)

    def audit(t, body):
        # the audit serial is filled in file order by number_audits()
        return L(t, "audit: type=1400 audit(%.3f:%s): %s" % (epoch(t), SERIAL, body))

    # ---- the two memcg OOMs, 6 hours apart
    for label, t0, text in [
        ("pve01-1", T(11, 3, 54, 3, 211034), proxmox),
        ("pve01-2", T(11, 9, 54, 17, 640512), None),
    ]:
        if text is None:
            text = edit(proxmox, REPORT_EDITS["proxmox_second"], gone=("3902942", "3923954"))
        recs = lines_proxmox(text)
        lines = []
        t = t0
        for i, (m, cont) in enumerate(recs):
            if not cont and i:
                t = t + dt.timedelta(microseconds=rng.randint(2, 30))
            lines.append(L(t, m, cont=cont))
        expect = "\n".join(m for m, _ in recs) + "\n"
        units.append(Unit(t0, lines, label=label, expect=expect))
        windows.append((t0 - dt.timedelta(seconds=20), t0 + dt.timedelta(seconds=20)))

    # ---- apparmor denials from systemd sandboxing inside the containers
    comms = [("(ogrotate)", "/run/systemd/unit-root/"), ("(sd-gens)", "/run/systemd/unit-root/"),
             ("(resolved)", "/run/systemd/unit-root/proc/"), ("(networkd)", "/run/systemd/unit-root/proc/"),
             ("(d-logind)", "/run/systemd/unit-root/"), ("(tmpfiles)", "/run/systemd/unit-root/"),
             ("(an-clean)", "/run/systemd/unit-root/"), ("(sd-pam)", "/run/systemd/unit-root/")]
    ctpid = {39004: 3950000, 39007: 2210000, 39012: 1420000}
    for t in poisson(rng, START, END, 5.0):
        ct = rng.choice([39004, 39004, 39007, 39012])
        comm, name = rng.choice(comms)
        ctpid[ct] += rng.randint(40, 900)
        if "proc" in name:
            body = ('apparmor="DENIED" operation="mount" class="mount" info="failed flags match" error=-13 '
                    'profile="lxc-%d_</var/lib/lxc>" name="%s" pid=%d comm="%s" fstype="proc" srcname="proc" '
                    'flags="rw, nosuid, nodev, noexec"' % (ct, name, ctpid[ct], comm))
        else:
            body = ('apparmor="DENIED" operation="mount" class="mount" info="failed flags match" error=-13 '
                    'profile="lxc-%d_</var/lib/lxc>" name="%s" pid=%d comm="%s" srcname="/" flags="rw, rbind"'
                    % (ct, name, ctpid[ct], comm))
        units.append(Unit(t, [audit(t, body)]))

    # ---- nightly vzdump (snapshot mode, LVM-thin): snapshot mounts
    day = START
    while day < END:
        for k, (ct, dm) in enumerate([(39004, 23), (39007, 24), (39012, 25)]):
            t = day + dt.timedelta(hours=1, minutes=0 + 7 * k, seconds=rng.randint(5, 50),
                                   microseconds=rng.randint(0, 999999))
            units.append(Unit(t, [
                L(t, "EXT4-fs (dm-%d): recovery complete" % dm),
                L(t, "EXT4-fs (dm-%d): mounted filesystem with ordered data mode. Opts: (null). "
                     "Quota mode: none." % dm),
            ]))
        day += dt.timedelta(days=1)

    # ---- container 39007 restarted on Tuesday afternoon
    t = T(10, 14, 5, 12, 330118)
    veth = "veth39007i0"
    units.append(Unit(t, [
        L(t, "vmbr0: port 3(%s) entered disabled state" % veth),
        L(t, "device %s left promiscuous mode" % veth),
        L(t, "vmbr0: port 3(%s) entered disabled state" % veth),
    ]))
    t = T(10, 14, 5, 19, 902311)
    units.append(Unit(t, [
        L(t, "EXT4-fs (dm-12): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none."),
        audit(t, 'apparmor="STATUS" operation="profile_load" profile="/usr/bin/lxc-start" '
                 'name="lxc-39007_</var/lib/lxc>" pid=%d comm="apparmor_parser"' % 2291877),
        L(t + dt.timedelta(seconds=1), "vmbr0: port 3(%s) entered blocking state" % veth),
        L(t + dt.timedelta(seconds=1), "vmbr0: port 3(%s) entered disabled state" % veth),
        L(t + dt.timedelta(seconds=1), "device %s entered promiscuous mode" % veth),
        L(t + dt.timedelta(seconds=1), "eth0: renamed from vethQm2TzA"),
        L(t + dt.timedelta(seconds=1), "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready"),
        L(t + dt.timedelta(seconds=1), "vmbr0: port 3(%s) entered blocking state" % veth),
        L(t + dt.timedelta(seconds=1), "vmbr0: port 3(%s) entered forwarding state" % veth),
    ]))
    for t, m in [(T(9, 13, 2, 51, 4412), "perf: interrupt took too long (2507 > 2500), lowering "
                                         "kernel.perf_event_max_sample_rate to 79750"),
                 (T(11, 19, 40, 7, 998120), "perf: interrupt took too long (3142 > 3133), lowering "
                                            "kernel.perf_event_max_sample_rate to 63500"),
                 (T(12, 2, 11, 36, 120931), "hrtimer: interrupt took 21842 ns")]:
        units.append(Unit(t, [L(t, m)]))

    units = [u for u in units if u.label or not any(a <= u.key <= b for a, b in windows)]
    return [u for u in units if START <= u.key < T(12, 18, 2, 11)]


# --------------------------------------------------------------------------------------------
# build01: raw `dmesg`, uptime only
# --------------------------------------------------------------------------------------------

def host_build01(rng, arch):
    D = ("dmesg.txt",)
    BOOT = T(9, 9, 41, 27, 604118)         # only for the audit clocks; the file has no wall time
    OOM_UP = 198765432101                  # uptime of the report's first line, microseconds
    END_UP = 287200 * 1000000
    units = []

    def L(up, msg, cont=False):
        return Line(msg, up=up, dest=D, cont=cont)

    def audit(up, typ, body):
        return L(up, "audit: type=%d audit(%.3f:%s): %s" % (typ, epoch(BOOT) + up / 1e6, SERIAL, body))

    def unit_audit(up, typ, unit):
        return audit(up, typ, "pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=%s comm=\"systemd\" "
                              "exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'" % unit)

    def wall_to_up(t):
        return us_between(BOOT, t)

    # ---- boot
    banner = ("systemd 252.4-2-arch running in system mode (+PAM +AUDIT -SELINUX -APPARMOR -IMA +SMACK +SECCOMP "
              "+GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP "
              "+LIBFDISK +PCRE2 -PWQUALITY +P11KIT -QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD +BPF_FRAMEWORK "
              "+XKBCOMMON +UTMP -SYSVINIT default-hierarchy=unified)")
    boot = arch_boot(rng, "build01", "0b7d4c55-3e29-4f1a-8c6e-91d2a4b7f3e0", banner, ubuntu=False)
    blines = [L(up, m) for up, m in boot]
    up = 1920114
    for u in ["systemd-journald", "systemd-udev-trigger", "systemd-remount-fs", "systemd-sysctl",
              "systemd-tmpfiles-setup-dev", "systemd-udevd", "systemd-journal-flush", "systemd-tmpfiles-setup",
              "systemd-networkd", "systemd-resolved", "systemd-timesyncd", "dbus", "systemd-logind", "sshd",
              "docker", "getty@tty1"]:
        up += rng.randint(8000, 90000)
        blines.append(unit_audit(up, 1130, u))
    blines.append(L(up + 1201, "kauditd_printk_skb: 21 callbacks suppressed"))
    blines.append(L(3104882, "bridge: filtering via arp/ip/ip6tables is no longer available by default. "
                             "Update your scripts to load br_netfilter if you need this."))
    blines.append(L(3391207, "Initializing XFRM netlink socket"))
    blines.sort(key=lambda ln: ln.up)
    units.append(Unit(0, blines, atomic=True))

    # ---- the OOM report (cc1plus)
    text = edit(arch, REPORT_EDITS["arch_cc1plus"], gone=("doxygen",))
    lines = []
    up = OOM_UP
    for i, (m, cont) in enumerate(lines_plain(text)):
        if not cont and i:
            up += rng.randint(3, 40)
        lines.append(L(up, m, cont=cont))
    # the oom_reaper line is printed by another thread a little later
    lines[-1].up = up + 21877
    units.append(Unit(OOM_UP, lines, label="build01-1", expect=text))
    window = (OOM_UP - 30 * 10**6, OOM_UP + 30 * 10**6)

    # ---- ssh sessions (audit only: no syslog in a dmesg capture)
    sessions = [(640.2, 2210.9, "ops", 1000, "10.20.0.5"),
                (OOM_UP / 1e6 - 1012.6, OOM_UP / 1e6 + 380.2, "builder", 504, "10.20.0.40"),
                (OOM_UP / 1e6 + 611.0, OOM_UP / 1e6 + 1890.5, "ops", 1000, "10.20.0.5"),
                (262011.7, 263990.1, "ops", 1000, "10.20.0.5")]
    for ses, (a, b, user, uid, ip) in enumerate(sessions, 1):
        p = [1402, 471988, 476120, 698311][ses - 1]      # sshd [priv] pids (pid_max 4194304)
        g = "grantors=pam_shells,pam_faillock,pam_permit,pam_env,pam_faillock"
        tail = 'acct="%s" exe="/usr/bin/sshd" hostname=%s addr=%s terminal=ssh res=success\'' % (user, ip, ip)
        u0 = int(a * 1e6)
        units.append(Unit(u0, [
            audit(u0, 1101, "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting "
                            "grantors=pam_unix,pam_permit,pam_time %s" % (p, tail)),
            audit(u0 + 2210, 1103, "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred %s %s"
                  % (p, g, tail)),
            audit(u0 + 2391, 1006, "pid=%d uid=0 old-auid=4294967295 auid=%d tty=(none) old-ses=4294967295 "
                                   "ses=%d res=1" % (p, uid, ses)),
            unit_audit(u0 + 61200, 1130, "user-runtime-dir@%d" % uid),
            unit_audit(u0 + 120991, 1130, "user@%d" % uid),
            audit(u0 + 131502, 1105, "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_open "
                                     "grantors=pam_loginuid,pam_keyinit,pam_limits,pam_unix,pam_permit,pam_mail,"
                                     "pam_systemd,pam_env %s" % (p, uid, ses, tail)),
        ]))
        u1 = int(b * 1e6)
        units.append(Unit(u1, [
            audit(u1, 1106, "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_close "
                            "grantors=pam_loginuid,pam_keyinit,pam_limits,pam_unix,pam_permit,pam_mail,"
                            "pam_systemd,pam_env %s" % (p, uid, ses, tail)),
            audit(u1 + 1502, 1104, "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:setcred %s %s" % (p, uid, ses, g, tail)),
        ]))
        u2 = u1 + 10 * 10**6 + rng.randint(0, 900000)
        units.append(Unit(u2, [unit_audit(u2, 1131, "user@%d" % uid),
                               unit_audit(u2 + 30114, 1131, "user-runtime-dir@%d" % uid)]))

    # ---- CI jobs in docker containers
    noise = []
    t = 1800 * 10**6
    while t < END_UP:
        wall = BOOT + dt.timedelta(microseconds=t)
        busy = 6 <= wall.hour < 20 and wall.weekday() < 5
        gap = rng.randint(900, 2400) if busy else rng.randint(3600, 9000)
        t += gap * 10**6 + rng.randint(0, 999999)
        dur = rng.randint(240, 1500) * 10**6
        a, b = hexid(rng, 7), hexid(rng, 7)
        port = rng.randint(1, 3)
        s = [
            "docker0: port %d(veth%s) entered blocking state" % (port, a),
            "docker0: port %d(veth%s) entered disabled state" % (port, a),
            "device veth%s entered promiscuous mode" % a,
            "eth0: renamed from veth%s" % b,
            "IPv6: ADDRCONF(NETDEV_CHANGE): veth%s: link becomes ready" % a,
            "docker0: port %d(veth%s) entered blocking state" % (port, a),
            "docker0: port %d(veth%s) entered forwarding state" % (port, a),
        ]
        e = [
            "docker0: port %d(veth%s) entered disabled state" % (port, a),
            "veth%s: renamed from eth0" % b,
            "docker0: port %d(veth%s) entered disabled state" % (port, a),
            "device veth%s left promiscuous mode" % a,
            "docker0: port %d(veth%s) entered disabled state" % (port, a),
        ]
        u = t
        sl_ = []
        for k, m in enumerate(s):
            u += rng.randint(40, 400000) if k in (3, 4) else rng.randint(5, 900)
            sl_.append(L(u, m))
        noise.append(Unit(t, sl_))
        u = t + dur
        el = []
        for m in e:
            u += rng.randint(5, 90000)
            el.append(L(u, m))
        noise.append(Unit(t + dur, el))
        if rng.random() < 0.3:
            o = t + rng.randint(2, 5) * 10**6
            noise.append(Unit(o, [L(o, "overlayfs: fs on '/var/lib/docker/overlay2/%s/merged' does not support "
                                       "file handles, falling back to xino=off." % hexid(rng, 64))]))

    # ---- systemd timers (audit SERVICE_START/STOP)
    def timer(up, unit, dur_s):
        return Unit(up, [unit_audit(up, 1130, unit),
                         unit_audit(up + int(dur_s * 1e6), 1131, unit)])

    tt = 15 * 60 * 10**6 + 388211
    while tt < END_UP:
        noise.append(timer(tt, "systemd-tmpfiles-clean", 0.21))
        tt += 86400 * 10**6
    for d in (10, 11, 12):
        mid = wall_to_up(T(d, 0, 0, 0)) + rng.randint(1000, 900000)
        for k, (unit, dur) in enumerate([("shadow", 0.4), ("man-db", 11.2), ("logrotate", 0.9),
                                         ("plocate-updatedb", 7.6)]):
            noise.append(timer(mid + k * 1300000, unit, dur))
        noise.append(Unit(mid + 20 * 10**6, [L(mid + 20 * 10**6, "kauditd_printk_skb: 4 callbacks suppressed")]))
    for up, m in [(44711 * 10**6 + 120412, "perf: interrupt took too long (2502 > 2500), lowering "
                                            "kernel.perf_event_max_sample_rate to 79750"),
                  (131207 * 10**6 + 909311, "perf: interrupt took too long (3134 > 3127), lowering "
                                             "kernel.perf_event_max_sample_rate to 63750"),
                  (203302 * 10**6 + 44120, "usb 3-2: new high-speed USB device number 3 using xhci_hcd"),
                  (203302 * 10**6 + 201876, "usb 3-2: New USB device found, idVendor=0781, idProduct=5581, bcdDevice= 1.00"),
                  (203302 * 10**6 + 201880, "usb 3-2: New USB device strings: Mfr=1, Product=2, SerialNumber=3"),
                  (203302 * 10**6 + 201882, "usb 3-2: Product: Ultra"),
                  (203302 * 10**6 + 201884, "usb 3-2: Manufacturer: SanDisk"),
                  (203302 * 10**6 + 214017, "usb-storage 3-2:1.0: USB Mass Storage device detected"),
                  (203302 * 10**6 + 214233, "scsi host6: usb-storage 3-2:1.0"),
                  (203303 * 10**6 + 244901, "sd 6:0:0:0: [sdb] 60062500 512-byte logical blocks: (30.8 GB/28.6 GiB)"),
                  (203303 * 10**6 + 249876, " sdb: sdb1"),
                  (203303 * 10**6 + 250101, "sd 6:0:0:0: [sdb] Attached SCSI removable disk"),
                  (203411 * 10**6 + 7014, "usb 3-2: USB disconnect, device number 3")]:
        noise.append(Unit(up, [L(up, m)]))

    noise = [u for u in noise if not (window[0] <= u.key <= window[1])]
    # keep noise units from overlapping each other's and the sessions' first line order simple
    units += [u for u in noise if u.key < END_UP]
    return units


# --------------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------------

def rfc3164(host, ln, with_uptime):
    t = ln.t
    head = "%s %2d %02d:%02d:%02d %s %s:" % (MON[t.month], t.day, t.hour, t.minute, t.second, host, ln.tag)
    if ln.tag == "kernel" and with_uptime:
        return "%s [%5d.%06d] %s" % (head, ln.up // 1000000, ln.up % 1000000, ln.msg)
    return "%s %s" % (head, ln.msg)


def dmesg_ctime_prefix(t):
    return "[%s %s %2d %02d:%02d:%02d %d] " % (WDAY[t.weekday()], MON[t.month], t.day, t.hour, t.minute,
                                               t.second, t.year)


def dmesg_raw_prefix(up):
    return "[%5d.%06d] " % (up // 1000000, up % 1000000)


SERIAL = "@AUDIT-SERIAL@"
AUDIT_BASE = {"pve01": 88413, "build01": 1}


def number_audits(host, units):
    """Audit serials increase in the order the kernel printed the records."""
    n = AUDIT_BASE.get(host, 1)
    for u in units:
        for ln in u.lines:
            if SERIAL in ln.msg:
                ln.msg = ln.msg.replace(SERIAL, str(n))
                n += 1


def split_units(units, style):
    """Reports and boot blocks stay contiguous; other units are single lines sorted by time."""
    out = []
    for u in units:
        if u.atomic:
            out.append(u)
        else:
            for ln in u.lines:
                out.append(Unit(ln.up if style == "raw" else ln.t, [ln]))
    return sorted(out, key=lambda u: (u.key, u.seq))


def render(units, host, style):
    """Return {file: [text lines]} and {(label, file): first line number}."""
    files = {}
    where = {}
    indent = {}
    for u in units:
        for i, ln in enumerate(u.lines):
            for f in ln.dest:
                out = files.setdefault(f, [])
                if i == 0 and u.label:
                    where[(u.label, f)] = len(out) + 1
                if style == "rhel":
                    s = rfc3164(host, ln, False)
                elif style == "ubuntu":
                    s = rfc3164(host, ln, True)
                elif style in ("ctime", "raw"):
                    if ln.cont:
                        s = " " * indent[f] + ln.msg
                    else:
                        p = dmesg_ctime_prefix(ln.t) if style == "ctime" else dmesg_raw_prefix(ln.up)
                        indent[f] = len(p)
                        s = p + ln.msg
                out.append(s)
    return files, where, units


def check_order(host, units, style):
    """Wall times (or uptimes) must never go backwards in any file."""
    last = {}
    for u in sorted(units, key=lambda u: (u.key, u.seq)):
        for ln in u.lines:
            k = ln.up if style == "raw" else ln.t.replace(microsecond=0)   # what the file shows
            for f in ln.dest:
                if f in last and k < last[f]:
                    raise SystemExit("make-fleet: %s/%s goes back in time at %r" % (host, f, ln.msg[:60]))
                last[f] = k
            if style in ("ubuntu", "ctime") and ln.tag == "kernel" and ln.up is not None:
                kk = ("up", tuple(ln.dest))
                if kk in last and ln.up < last[kk] and not (style == "ubuntu" and ln.up < 20 * 10**6):
                    raise SystemExit("make-fleet: %s kernel uptime goes back at %r" % (host, ln.msg[:60]))
                last[kk] = ln.up


UNWRAP = {
    "rhel": re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: (.*)$"),
    "ubuntu": re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: \[ *\d+\.\d{6}\] (.*)$"),
    "ctime": re.compile(r"^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] (.*)$"),
    "raw": re.compile(r"^\[ *\d+\.\d{6}\] (.*)$"),
}


def selfcheck(files, where, units, style):
    """Read each embedded report back, strip the wrapper, compare with the expected text."""
    rx = UNWRAP[style]
    n = 0
    for u in units:
        if not u.label:
            continue
        for f in sorted({d for ln in u.lines for d in ln.dest}):
            start = where[(u.label, f)] - 1
            got = []
            width = None
            for s in files[f][start:start + len(u.lines)]:
                m = rx.match(s)
                if m:
                    got.append(m.group(1))
                    width = len(s) - len(m.group(1))
                elif style in ("ctime", "raw") and width and s.startswith(" " * width):
                    got.append(s[width:])
                else:
                    raise SystemExit("make-fleet: self-check: cannot unwrap %r" % s[:80])
            if "\n".join(got) + "\n" != u.expect:
                raise SystemExit("make-fleet: self-check failed for %s in %s" % (u.label, f))
            n += 1
    return n


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=os.path.join(root, "..", "shared", "corpus", "oomanalyser"),
                    help="OOMAnalyser corpus directory (default: ../shared/corpus/oomanalyser from the repo root)")
    ap.add_argument("--out", default=os.path.join(here, "fleet"), help="output directory (default: examples/fleet)")
    args = ap.parse_args()

    rhel7 = read_corpus(args.corpus, "rhel7_3.10")
    ubuntu = read_corpus(args.corpus, "ubuntu2110_5.13")
    arch = read_corpus(args.corpus, "archlinux_6.1.1")
    proxmox = read_corpus(args.corpus, "proxmox_5.15_cgroupv2")

    # sanity check on the de-prefixing of the proxmox sample: re-prefixing must give the file
    recs = lines_proxmox(proxmox)
    back = "\n".join((" " * len(GERMAN_PREFIX) if c else GERMAN_PREFIX) + m for m, c in recs) + "\n"
    if back != proxmox:
        sys.exit("make-fleet: proxmox prefix round trip failed")

    hosts = [
        ("db01", "rhel", host_db01(random.Random(SEED + 1), rhel7)),
        ("web01", "ubuntu", host_web01(random.Random(SEED + 2), ubuntu, arch)),
        ("pve01", "ctime", host_pve01(random.Random(SEED + 3), proxmox)),
        ("build01", "raw", host_build01(random.Random(SEED + 4), arch)),
    ]

    out = os.path.abspath(args.out)
    if os.path.isdir(out):
        if os.path.basename(out) != "fleet":
            sys.exit("make-fleet: refusing to clear %s (not named 'fleet')" % out)
        shutil.rmtree(out)
    os.makedirs(out)

    events = []
    total = 0
    checked = 0
    for host, style, units in hosts:
        units = split_units(units, style)
        number_audits(host, units)
        check_order(host, units, style)
        files, where, units = render(units, host, style)
        checked += selfcheck(files, where, units, style)
        os.makedirs(os.path.join(out, host))
        for f, lines in sorted(files.items()):
            path = os.path.join(out, host, f)
            with open(path, "w", encoding="ascii", newline="\n") as fh:
                fh.write("\n".join(lines) + "\n")
            # mtime = time of the last line (a collector keeps it); raw dmesg: capture time
            last = max((ln.t for u in units for ln in u.lines if f in ln.dest and ln.t), default=None)
            if last is None:
                last = T(12, 17, 24, 0)
            os.utime(path, (epoch(last), epoch(last)))
            total += len(lines)
            print("%-28s %6d lines %8d bytes" % (os.path.join(host, f), len(lines),
                                                  os.path.getsize(path)))
        for u in units:
            if not u.label or "lookalike" in u.label:
                continue
            first = u.lines[0]
            events.append({
                "label": u.label,
                "host": host,
                "sources": [{"file": "%s/%s" % (host, f), "line": where[(u.label, f)]}
                            for f in sorted({d for ln in u.lines for d in ln.dest})],
                "ts": first.t.strftime("%Y-%m-%dT%H:%M:%SZ") if first.t and style != "raw" else None,
                "uptime_s": (round(first.up / 1e6, 6) if style in ("ubuntu", "raw") else None),
            })
    print("total %d lines; %d embedded reports verified byte-exact after unwrapping" % (total, checked))

    facts = {
        "db01-1": dict(kind="kernel_oom", trigger_comm="sed", trigger_pid=29481, victim_pid=6576,
                       victim_comm="mysqld", kernel="3.10.0-514.6.1.el7.x86_64", corpus="rhel7_3.10"),
        "db01-2": dict(kind="kernel_oom", trigger_comm="java", trigger_pid=27502, victim_pid=14388,
                       victim_comm="mysqld", kernel="3.10.0-514.6.1.el7.x86_64", corpus="rhel7_3.10 (edited)"),
        "web01-1": dict(kind="kernel_oom", trigger_comm="kworker/0:2", trigger_pid=735, victim_pid=651,
                        victim_comm="unattended-upgr", kernel="5.13.0-19-generic", manual=1,
                        corpus="ubuntu2110_5.13"),
        "web01-2": dict(kind="kernel_oom", trigger_comm="doxygen", trigger_pid=473206, victim_pid=473206,
                        victim_comm="doxygen", kernel="6.1.1-arch1-1", corpus="archlinux_6.1.1"),
        "pve01-1": dict(kind="memcg_oom", trigger_comm="php-fpm", trigger_pid=3923954, victim_pid=3902942,
                        victim_comm="php-fpm", kernel="5.15.158-2-pve", oom_memcg="/lxc/39004",
                        corpus="proxmox_5.15_cgroupv2"),
        "pve01-2": dict(kind="memcg_oom", trigger_comm="php-fpm", trigger_pid=4021106, victim_pid=4013377,
                        victim_comm="php-fpm", kernel="5.15.158-2-pve", oom_memcg="/lxc/39004",
                        corpus="proxmox_5.15_cgroupv2 (edited)"),
        "build01-1": dict(kind="kernel_oom", trigger_comm="cc1plus", trigger_pid=473206, victim_pid=473206,
                          victim_comm="cc1plus", kernel="6.1.1-arch1-1", corpus="archlinux_6.1.1 (edited)"),
    }
    for e in events:
        e.update(facts[e.pop("label")])
    events.sort(key=lambda e: (e["host"], e["ts"] or "", e["uptime_s"] or 0))
    with open(os.path.join(os.path.dirname(out), "fleet-expected.json"), "w", encoding="ascii", newline="\n") as fh:
        json.dump({"description": "OOM kill events in examples/fleet (generated by make-fleet.py); "
                                  "the web01 report seen in kern.log and syslog is ONE event with two sources. "
                                  "Not events: the web01 page allocation failure on 2026-11-10 16:22:41, the "
                                  "systemd 'killed by the OOM killer' notices (user-space echoes of web01's two "
                                  "kernel kills), kauditd_printk_skb 'callbacks suppressed' lines.",
                   "year": 2026, "count": len(events), "events": events}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
