"""Cold start of `bedrock-assistant ask "Nova Micro price"` as a whole process, and its peak memory
(goal: under 1 s on this machine).

Run: .venv/bin/python benchmarks/bench_cold_start.py [--runs N]
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


def one_run(question: str) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", question], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0 or "$0.035" not in out:
        raise SystemExit(f"ask failed: {out}")
    return wall * 1000, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    one_run("Nova Micro price")  # warm the OS file cache and __pycache__
    walls, rss = zip(*(one_run("Nova Micro price") for _ in range(args.runs)), strict=True)
    print(f'cold start of `bedrock-assistant ask "Nova Micro price"` over {args.runs} runs:')
    print(f"wall p50 {statistics.median(walls):.0f} ms | min {min(walls):.0f} ms | max {max(walls):.0f} ms")
    print(f"peak memory (max RSS) {max(rss):.1f} MiB")


if __name__ == "__main__":
    main()
