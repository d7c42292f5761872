"""Memory of the gunicorn workers, from /proc: how much an export makes a worker grow.

    python -m bench.workers snapshot MASTER_PID > before.json
    python -m bench.workers growth MASTER_PID before.json
    python -m bench.workers idle MASTER_PID

``idle`` waits until the workers have used no CPU for a second: wrk leaves them finishing
the requests it had in flight, which would otherwise slow the next measurement.

``snapshot`` also resets each worker's peak (``clear_refs``), so ``growth`` prints the
largest rise, in MB, from a worker's resident size before to its peak resident size
(VmHWM) after: a sync worker serves one request at a time, so that is what the costliest
request it served in between made it grow.
"""

import contextlib
import json
import sys
import time
from pathlib import Path


def children(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        text = (task / "children").read_text()
        pids += [int(pid) for pid in text.split()]
    return pids


def status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


def peak_reset(pid: int) -> None:
    # On a kernel without it, the peak is since the worker started: an upper bound.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def idle_wait(master: int, timeout: float = 600) -> None:
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        now = sum(cpu_ticks(pid) for pid in children(master))
        if last is not None and now - last <= 2:
            return
        last = now
        time.sleep(1)


def main(action: str, master: str, before_file: str = "") -> None:
    if action == "idle":
        idle_wait(int(master))
        return
    if action == "snapshot":
        for pid in children(int(master)):
            peak_reset(pid)
    now = {str(pid): status(pid) for pid in children(int(master))}
    if action == "snapshot":
        print(json.dumps(now))  # noqa: T201
        return
    before = json.loads(Path(before_file).read_text())
    rises = [now[pid]["VmHWM"] - before[pid]["VmRSS"] for pid in now if pid in before]
    print(f"{max(rises, default=0) / 1024:.0f}")  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:])
