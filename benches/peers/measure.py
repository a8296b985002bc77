"""Runs a command; writes its wall time, CPU time and the peak RSS of all its processes.

    measure.py OUT_FILE COMMAND...

GNU time's peak RSS is that of the largest single process it waited for, and it misses
worker processes that are never waited for (datatrove's pool): so the command runs in a
session of its own, and every 0.1 s the RSS of each process in that session is read from
/proc and summed. The CPU time is the sum over those processes of the last user + system
time seen (so up to 0.1 s a process may be missed). Writes `wall_seconds cpu_seconds
peak_tree_rss_kib` to OUT_FILE; exits with the command's status.
"""

import os
import subprocess
import sys
import time


def sample(sid: int, cpu: dict) -> int:
    """Returns the summed RSS (KiB) of session `sid`; records each process's CPU ticks."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            # Fields after the command name (which may hold spaces) start after the last ')'.
            fields = stat[stat.rindex(b")") + 2 :].split()
            if int(fields[3]) != sid:  # field 6, session id
                continue
            cpu[pid] = int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
            with open(f"/proc/{pid}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
    return total


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    proc = subprocess.Popen(argv, start_new_session=True)
    peak = 0
    cpu: dict = {}
    while True:
        peak = max(peak, sample(proc.pid, cpu))
        try:
            proc.wait(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            pass
    wall = time.monotonic() - start
    with open(out, "w") as f:
        f.write(f"{wall:.3f} {sum(cpu.values()) / os.sysconf('SC_CLK_TCK'):.2f} {peak}\n")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
