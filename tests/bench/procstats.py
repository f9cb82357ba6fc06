"""CPU time and peak memory of processes, read from /proc (Linux)."""

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Process:
    role: str  # "web", "worker", "rasa", ...
    pid: int


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def pids_named(name: str) -> list[int]:
    """Every process whose command name is `name` (e.g. the machine's postgres backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


class CpuMeter:
    """CPU seconds each role used between start() and stop()."""

    def __init__(self, processes):
        self._processes = processes  # a callable: the current list of Process

    def snapshot(self) -> dict[int, tuple[str, float]]:
        return {p.pid: (p.role, cpu_seconds(p.pid)) for p in self._processes()}

    def start(self) -> None:
        self._before = self.snapshot()

    def stop(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (role, seconds) in self.snapshot().items():
            before = self._before.get(pid, (role, 0.0))[1]
            used[role] = used.get(role, 0.0) + max(0.0, seconds - before)
        return used
