"""Cold start of `bedrock-assistant ask` as a whole process, and its peak memory (goal: under 1 s on this
machine), for a curated model and for one from the generated layer (the larger, merged catalog); plus the
in-process catalog load with and without the generated layer.

Run: .venv/bin/python -m benchmarks.bench_cold_start [--runs N]   (from the repo root, so this checkout is imported)
Each run is a fresh interpreter (`python -m bot ask ...`); wall time and the child's max RSS (wait4) are measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


QUESTIONS = (
    ("Nova Micro price", "$0.035"),  # a curated model
    ("Claude Sonnet 4.5 global이랑 us 프로필 가격 차이?", "$3.30"),  # generated layer, routes
)


def one_run(question: str, expect: str = "$0.035") -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", question], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0 or expect not in out:
        raise SystemExit(f"ask failed: {out}")
    return wall * 1000, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    catalog_load(args.runs)
    for question, expect in QUESTIONS:
        one_run(question, expect)  # warm the OS file cache and __pycache__
        walls, rss = zip(*(one_run(question, expect) for _ in range(args.runs)), strict=True)
        print(f'cold start of `bedrock-assistant ask "{question}"` over {args.runs} runs:')
        print(f"wall p50 {statistics.median(walls):.0f} ms | min {min(walls):.0f} ms | max {max(walls):.0f} ms")
        print(f"peak memory (max RSS) {max(rss):.1f} MiB")


def catalog_load(runs: int) -> None:
    """In-process `load_catalog` time: curated files only, and merged with the generated layer."""
    from bot.catalog.loader import load_catalog

    for layers in (False, True):
        times, count = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            count = len(load_catalog(layers=layers).models)
            times.append((time.perf_counter() - started) * 1000)
        label = "curated + generated layer" if layers else "curated files only"
        p50 = statistics.median(times)
        print(f"load_catalog ({label}, {count} models): p50 {p50:.0f} ms | max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
