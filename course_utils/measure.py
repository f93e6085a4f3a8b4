"""Measuring on the learner's machine: wall time and memory (notebooks 00, 02, 03 and 05)."""

from __future__ import annotations

import time
from pathlib import Path


class Timer:
    """Context manager that measures wall time: `with Timer() as t: ...; t.seconds`."""

    def __enter__(self) -> "Timer":
        self.seconds = float("nan")
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start


def memory_mb(pid: int | None = None) -> dict[str, float]:
    """Resident memory of a process in MB, split into heap (anonymous) and file-backed pages.

    Notebook 03, "Memory mapping, measured": pages of a memory-mapped file count in RSS but are
    not the heap; `RssAnon` in /proc/<pid>/status is the heap, `RssFile` the mapped file pages.
    Off Linux (no /proc) psutil gives no such split: there "heap" is RSS less shared pages where
    psutil reports them (Linux only), else the whole RSS, and "file" is 0.
    """
    status = Path(f"/proc/{pid or 'self'}/status")
    if not status.exists():
        import psutil

        info = psutil.Process(pid).memory_info()
        shared = getattr(info, "shared", 0)
        return {"rss": info.rss / 2**20, "heap": (info.rss - shared) / 2**20, "file": shared / 2**20}
    fields = {}
    for line in status.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) / 1024  # kB -> MB
    return {"rss": fields["VmRSS"], "heap": fields["RssAnon"], "file": fields["RssFile"]}
