#!/usr/bin/env python3
"""Writes a scenario's ground truth: its .json (what the scenario sets up and
what a correct reader must find) completed with what its commands printed in
the guest (guest.txt): the kernel, the pid of each process by name, and how
each ended. Nothing here reads the kernel's log: the truth must not come from
the text under test.

guest.txt lines:
  lab scenario NAME | lab kernel RELEASE | lab memtotal_kb N | lab status N
  hog PID NAME start|got MIB|enomem MIB      (tools/oom-lab/hog.c)
  exit PID STATUS                            (the shell's $? for PID: 137 = SIGKILL)
  truth KEY VALUE                            (a fact the scenario measured)

Usage: truth.py SPEC.json guest.txt > truth.json
"""
import hashlib
import json
import sys

# Fixed, made-up wall clock for the captures: the boot starts here, one hour
# apart per scenario, so that every wrapper's times are reproducible.
BASE_BOOT_TIME = 1763280000  # 2025-11-16T08:00:00Z


def parse_guest(path):
    facts, procs, exits = {}, {}, {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) >= 3 and w[0] == "lab":
                facts[w[1]] = " ".join(w[2:])
            elif len(w) >= 4 and w[0] == "hog":
                p = procs.setdefault(int(w[1]), {"pid": int(w[1]), "name": w[2]})
                p[w[3]] = int(w[4]) if len(w) > 4 else True
            elif len(w) == 3 and w[0] == "exit":
                exits[int(w[1])] = int(w[2])
            elif len(w) >= 3 and w[0] == "truth":
                v = " ".join(w[2:])
                facts[w[1]] = int(v) if v.lstrip("-").isdigit() else v
    for pid, status in exits.items():
        procs.setdefault(pid, {"pid": pid})["exit"] = status
        procs[pid]["killed"] = status == 137
    return facts, sorted(procs.values(), key=lambda p: p["pid"])


def main():
    spec_path, guest_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        truth = json.load(f)
    facts, procs = parse_guest(guest_path)
    scenario = facts.get("scenario", "")
    kernel = facts.get("kernel", "")
    if facts.get("status") is None or "done" not in open(guest_path).read():
        sys.exit(f"{guest_path}: the scenario did not finish")
    if "error" in facts:
        sys.exit(f"{guest_path}: the scenario failed: {facts['error']}")
    missing = [k for k in truth.get("requires", []) if k not in facts]
    if missing:
        sys.exit(f"{guest_path}: the scenario did not report {', '.join(missing)}")
    truth.pop("requires", None)
    seed = hashlib.sha256(f"{kernel}/{scenario}".encode()).hexdigest()
    truth.pop("qemu_mem", None)
    truth.pop("cmdline", None)
    truth.update({
        "scenario": scenario,
        "kernel": kernel,
        "host": "lab-" + kernel.split("-")[0].replace(".", "-"),
        "boot_id": seed[:32],
        "boot_time": BASE_BOOT_TIME + int(seed[:4], 16) * 3600,
        "memtotal_kb": int(facts.get("memtotal_kb", 0)),
        "processes": procs,
        "killed": [p for p in procs if p.get("killed")],
        "facts": {k: v for k, v in facts.items()
                  if k not in ("scenario", "kernel", "memtotal_kb", "status", "done")},
    })
    # The swap the guest measured (/proc/swaps) is the truth, not the asked size.
    if "swap_kb" in facts:
        truth["swap_kb"] = facts["swap_kb"]
    json.dump(truth, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
