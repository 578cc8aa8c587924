"""Per-question answer time over the whole question set, in process (goal: p99 under 10 ms).

Run: .venv/bin/python -m benchmarks.bench_answers [--rounds N]   (from the repo root, so this checkout is imported)
Prints p50, p90, p99 and max over every question × round, after one warm-up round, the catalog size, and
p99 per intent (the lifecycle / dimension / list answers scan the whole, larger catalog).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from bot.qa.engine import Engine
from bot.render_text import render

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "qa" / "questions.yaml"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    questions = [q["q"] for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]
    started = time.perf_counter()
    engine = Engine.load()
    load_ms = (time.perf_counter() - started) * 1000
    for q in questions:  # warm-up: first-use caches (regex, prompt files)
        render(engine.ask(q))
    samples: list[float] = []
    by_intent: dict[str, list[float]] = {}
    slowest: tuple[float, str] = (0.0, "")
    for _ in range(args.rounds):
        for q in questions:
            t0 = time.perf_counter_ns()
            answer = engine.ask(q)
            render(answer)
            ms = (time.perf_counter_ns() - t0) / 1e6
            samples.append(ms)
            by_intent.setdefault(answer.intent, []).append(ms)
            slowest = max(slowest, (ms, q))
    print(f"questions: {len(questions)} × {args.rounds} rounds = {len(samples)} answers (parse + answer + render)")
    catalog = engine.catalog
    print(f"engine load: {load_ms:.1f} ms ({len(catalog.models)} models, {len(catalog.layers)} generated layer)")
    print(
        f"p50 {percentile(samples, 50):.3f} ms | p90 {percentile(samples, 90):.3f} ms | "
        f"p99 {percentile(samples, 99):.3f} ms | max {max(samples):.3f} ms | mean {statistics.mean(samples):.3f} ms"
    )
    print(f"slowest: {slowest[0]:.3f} ms for {slowest[1]!r}")
    print("p99 by intent: " + ", ".join(f"{k} {percentile(v, 99):.2f} ms" for k, v in sorted(by_intent.items())))


if __name__ == "__main__":
    main()
