"""Run the course notebooks top to bottom; print wall time and peak memory of each.

    python scripts/run_notebooks.py [--store] [NAMES...]

With --store the executed notebooks (outputs, execution counts 1..n) are written back: this is
how the stored outputs are made (`make notebooks`). Without it nothing is written (`make
benchmark`). NAMES select notebooks by prefix ("03" or "03_datasets"); default: all.
Peak memory is the largest resident set of the kernel and its child processes, sampled.
"""

from __future__ import annotations

import argparse
import platform
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run(path: Path, store: bool, timeout: int) -> tuple[float, float, str]:
    """Execute one notebook in a fresh kernel; return (seconds, peak GiB, error or "")."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            if client.km is not None and client.km.has_kernel:
                pid = client.km.provisioner.process.pid  # type: ignore[union-attr]
                peak[0] = max(peak[0], tree_rss(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, error = time.perf_counter(), ""
    try:
        client.execute()
    except Exception as exc:  # report and go on with the other notebooks
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if store and not error:
        nbformat.write(nb, path)
    return seconds, peak[0] / 2**30, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook name prefixes, e.g. 03")
    parser.add_argument("--store", action="store_true", help="write the executed notebooks back")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args()
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in args.names)]
        if not paths:
            parser.error(f"no notebook in notebooks/ starts with {' or '.join(args.names)}")
    print(f"machine: {platform.machine()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB; python {platform.python_version()}")
    print(f"| notebook | wall time (s) | peak memory (GiB) | result |\n|---|---:|---:|---|")
    total, failed = 0.0, 0
    for path in paths:
        seconds, peak, error = run(path, args.store, args.timeout)
        total += seconds
        failed += bool(error)
        result = error or ("ok, stored" if args.store else "ok")
        print(f"| {path.name} | {seconds:.1f} | {peak:.2f} | {result} |", flush=True)
    print(f"| **total** | {total:.1f} | | {failed} failed |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
