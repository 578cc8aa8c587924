"""Slash-command ack latency of `bedrock-assistant serve` over HTTP under concurrency (goal: p99 < 100 ms).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_slack_ack [--requests 1000] [--concurrency 50] [--pace burst|closed]
        [--workers 2] [--threads 32] [--deadline 300]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

Starts the local Slack mock and serve (HTTP mode, gunicorn with --workers processes of --threads threads), waits
for /healthz, warms up with 20 commands, then sends --requests signed `/bedrock price nova-pro` commands from
--concurrency client threads, each on its own keep-alive connection: in waves of --concurrency simultaneous
requests (--pace burst, the goal's "50 concurrent requests"), or as a closed loop at full load (--pace closed, a
throughput test: there latency is concurrency ÷ throughput, whatever the server does). A request is timed from
sending it to having read the whole response: the ack (the answer itself goes to the response_url afterwards).
Prints p50/p90/p99/max, throughput, and how many ephemeral answers reached the mock. Exits 1 if any status was not
200, any command went unanswered, or the deadline passed. The clients run in a child process, so the mock (which
receives the answers in this process) does not hold their interpreter lock; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter as Tally
from collections.abc import Callable
from typing import Any

from benchmarks.slack_server import (
    Acks,
    Deadline,
    ServeFailed,
    add_serve_options,
    percentile,
    post_concurrently,
    running_serve,
    signed_command,
    start_run,
    wait_calls,
)
from tests.support.slack_mock import Call, SlackMock

COMMAND = "price nova-pro"
WARM_UP = 20
GOAL_P99_MS = 100.0


def send_commands(
    base_url: str, mock: SlackMock, prefix: str, count: int, concurrency: int, deadline: Deadline, burst: bool = False
) -> Acks:
    """`count` commands from `concurrency` threads; command i answers to the response_url `{prefix}-{i}`.
    `burst`: waves of `concurrency` simultaneous requests (as a busy channel produces); otherwise a closed loop
    at full load, which measures throughput (latency is then concurrency ÷ throughput)."""

    def request_for(i: int) -> tuple[str, dict[str, str]]:
        return signed_command(COMMAND, response_url=mock.response_url(f"{prefix}-{i}"))

    return post_concurrently(base_url, "/slack/commands", request_for, count, concurrency, deadline, burst)


def in_child(run: Callable[..., Acks], *args: Any) -> Acks:
    """Run the clients in a forked process: the mock (which receives the answers) keeps this process's GIL, so
    the clients' clocks do not wait on it. Only the results come back."""
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[tuple[list[float], dict[int, int], list[str]]] = context.Queue()

    def child() -> None:
        done = run(*args)
        queue.put((done.latencies_ms, done.bad_status, done.errors))

    process = context.Process(target=child, daemon=True)
    process.start()
    latencies, bad, errors = queue.get()
    process.join()
    return Acks(latencies_ms=latencies, bad_status=Tally(bad), errors=errors)


def answered(calls: list[Call], prefix: str) -> set[str]:
    """The response_url names under `prefix` that received an ephemeral answer."""
    return {
        c.path.rsplit("/", 1)[-1]
        for c in calls
        if c.method == "response_url"
        and c.path.startswith(f"/response/{prefix}-")
        and c.params.get("response_type") == "ephemeral"
    }


def wait_answers(mock: SlackMock, prefix: str, count: int, deadline: Deadline) -> int:
    """Wait for the answers under `prefix` (until all came, none came for 15 s, or the deadline); their number."""
    return wait_calls(mock, lambda calls: len(answered(calls, prefix)), count, deadline.remaining())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="measured commands (default 1000)")
    parser.add_argument(
        "--pace",
        choices=("burst", "closed"),
        default="burst",
        help="burst: waves of --concurrency simultaneous requests (default); closed: each client sends again at once",
    )
    add_serve_options(parser)
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    run = start_run(args)
    if run is None:
        return 1
    deadline, env = run

    try:
        with SlackMock() as mock, running_serve({**env, "SLACK_API_URL": mock.base_url}) as base_url:
            warm = send_commands(base_url, mock, "warm", WARM_UP, min(args.concurrency, WARM_UP), deadline)
            warm_answers = wait_answers(mock, "warm", WARM_UP, deadline)
            if warm.bad_status or warm_answers < WARM_UP:
                print(f"warm-up failed: statuses {warm.bad_status or 'all 200'}, {warm_answers}/{WARM_UP} answers")
                print("\n".join(warm.errors))
                return 1
            mock.reset()

            started = time.perf_counter()
            burst = args.pace == "burst"
            results = in_child(send_commands, base_url, mock, "run", args.requests, args.concurrency, deadline, burst)
            wall = time.perf_counter() - started
            answers = wait_answers(mock, "run", args.requests, deadline)
    except ServeFailed as exc:
        print(exc, file=sys.stderr)
        return 1

    return report(args, results, wall, answers, deadline)


def report(args: argparse.Namespace, results: Acks, wall: float, answers: int, deadline: Deadline) -> int:
    ok = results.latencies_ms
    sent = len(ok) + sum(results.bad_status.values())
    print(f"slash-command ack over HTTP: serve with {args.workers} worker(s) × {args.threads} threads")
    print(f"requests: {sent} of {args.requests} | concurrency: {args.concurrency} | pace: {args.pace}")
    if ok:
        print(
            f"ack p50 {percentile(ok, 50):.1f} ms | p90 {percentile(ok, 90):.1f} ms | "
            f"p99 {percentile(ok, 99):.1f} ms | max {max(ok):.1f} ms"
        )
        print(f"throughput: {sent / wall:.0f} req/s ({wall:.2f} s)")
    print(f"HTTP status != 200: {sum(results.bad_status.values())} {results.bad_status or ''}".rstrip())
    for error in results.errors:
        print(f"  e.g. {error}")
    print(f"ephemeral answers at the mock: {answers} of {args.requests}")
    p99 = percentile(ok, 99) if ok else float("inf")
    print(f"goal: p99 < {GOAL_P99_MS:.0f} ms: {'PASS' if p99 < GOAL_P99_MS else 'FAIL'}")
    failed = bool(results.bad_status) or sent < args.requests or answers < args.requests
    if deadline.passed:
        print(f"deadline of {deadline.seconds:.0f} s passed before the run finished")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
