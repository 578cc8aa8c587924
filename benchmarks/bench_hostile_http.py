"""Slash-command acks while serve is under hostile HTTP: slow connections and unauthenticated garbage (goal: ack
p99 < 1 s and no failed ack, with 200 slow connections open and 50 garbage requests a second).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_hostile_http [--rate 20] [--seconds 30] [--slow 200]
        [--garbage-rate 50] [--concurrency 10] [--workers 2] [--threads 32] [--deadline 300]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

Starts the local Slack mock and serve (HTTP mode) as bench_slack_ack.py does and warms up with 20 commands. Then a
child process opens --slow connections that trickle their headers or their body one byte every 0.5 s (reopening
each one serve cuts) and sends --garbage-rate unauthenticated requests a second (forged signatures, a non-numeric
timestamp, malformed JSON, invalid UTF-8, a 50 MB Content-Length). Once every slow connection is open, another
child sends signed `/bedrock price nova-pro` commands at --rate a second for --seconds (from up to --concurrency
threads, each on its own keep-alive connection, a command timed from sending it to having read the ack). Prints the
acks' p50/p90/p99/max, how many failed (not 200, no answer, or slower than Slack's 3 s), the answers that reached the
mock, and what the hostile clients saw (connections cut by serve, garbage statuses). Exits 1 if an ack failed, a
command went unanswered, garbage got anything but 4xx, or the deadline passed. --slow 0 --garbage-rate 0 gives the
quiet baseline. All traffic stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import urlsplit

from benchmarks.bench_slack_ack import COMMAND, WARM_UP, in_child, send_commands, wait_answers
from benchmarks.hostile_clients import HostileStats, start_hostile
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
)
from tests.support.slack_mock import SlackMock

GOAL_P99_MS = 1000.0
SLACK_LIMIT_MS = 3000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0, help="signed commands a second (default 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long commands are sent (default 30)")
    parser.add_argument("--slow", type=int, default=200, help="slow connections kept open (default 200)")
    parser.add_argument("--garbage-rate", type=float, default=50.0, help="garbage requests a second (default 50)")
    add_serve_options(parser)
    parser.set_defaults(concurrency=10)
    args = parser.parse_args(argv)
    args.requests = round(args.rate * args.seconds)
    if args.requests < 1 or args.concurrency < 1 or args.slow < 0 or args.garbage_rate < 0:
        parser.error("--rate × --seconds and --concurrency must be at least 1, --slow and --garbage-rate at least 0")
    run = start_run(args)
    if run is None:
        return 1
    deadline, env = run

    try:
        with SlackMock() as mock, running_serve({**env, "SLACK_API_URL": mock.base_url}) as base_url:
            warm = send_commands(base_url, mock, "warm", WARM_UP, min(args.concurrency, WARM_UP), deadline)
            if warm.bad_status or wait_answers(mock, "warm", WARM_UP, deadline) < WARM_UP:
                print(f"warm-up failed: statuses {warm.bad_status or 'all 200'}\n" + "\n".join(warm.errors))
                return 1
            mock.reset()
            parts = urlsplit(base_url)
            hostile = None
            if args.slow or args.garbage_rate:
                hostile = start_hostile((parts.hostname or "127.0.0.1", parts.port or 80), args.slow, args.garbage_rate)
                if not hostile[2].wait(timeout=min(60.0, deadline.remaining())):
                    print("the slow connections did not all open")
                    hostile[3].set()
                    return 1
            started = time.perf_counter()
            try:
                results = in_child(paced_commands, base_url, mock, args.requests, args.rate, args.concurrency, deadline)
            finally:
                wall = time.perf_counter() - started
                stats: HostileStats | None = None
                if hostile is not None:
                    process, queue, _, stop = hostile
                    stop.set()
                    stats = queue.get(timeout=60)
                    process.join(30)
            answers = wait_answers(mock, "run", args.requests, deadline)
    except ServeFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    return report(args, results, wall, answers, stats, deadline.passed)


def paced_commands(
    base_url: str, mock: SlackMock, count: int, rate: float, concurrency: int, deadline: Deadline
) -> Acks:
    """`count` commands, command i sent at `i / rate` s (as Slack delivers them: at their own pace, not in reply
    to our acks); command i answers to the response_url `run-{i}`."""
    start = time.monotonic()

    def request_for(i: int) -> tuple[str, dict[str, str]]:
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        return signed_command(COMMAND, response_url=mock.response_url(f"run-{i}"))

    return post_concurrently(base_url, "/slack/commands", request_for, count, concurrency, deadline)


def report(
    args: argparse.Namespace, results: Acks, wall: float, answers: int, stats: HostileStats | None, late: bool
) -> int:
    ok = results.latencies_ms
    sent = len(ok) + sum(results.bad_status.values())
    too_slow = sum(1 for ms in ok if ms >= SLACK_LIMIT_MS)
    failed_acks = sum(results.bad_status.values()) + too_slow
    print(f"slash-command acks under hostile HTTP: serve with {args.workers} worker(s) × {args.threads} threads")
    print(f"hostile: {args.slow} slow connections, {args.garbage_rate:g} garbage req/s")
    print(f"commands: {sent} of {args.requests} at {args.rate:g}/s ({wall:.1f} s)")
    if ok:
        print(
            f"ack p50 {percentile(ok, 50):.1f} ms | p90 {percentile(ok, 90):.1f} ms | "
            f"p99 {percentile(ok, 99):.1f} ms | max {max(ok):.1f} ms"
        )
    print(f"failed acks: {failed_acks} (status != 200: {dict(results.bad_status)}, >= 3 s: {too_slow})")
    for error in results.errors:
        print(f"  e.g. {error}")
    print(f"ephemeral answers at the mock: {answers} of {args.requests}")
    bad_garbage = 0
    if stats is not None:
        bad_garbage = sum(n for status, n in stats.garbage_status.items() if not 400 <= status < 500)
        rate = stats.garbage_sent / stats.garbage_seconds if stats.garbage_seconds else 0.0
        print(
            f"slow connections: {stats.slow_opened} opened, {stats.slow_cut} cut by serve, "
            f"{stats.slow_connect_errors} refused"
        )
        print(
            f"garbage: {stats.garbage_sent} sent ({rate:.0f}/s), statuses {dict(sorted(stats.garbage_status.items()))}"
        )
    p99 = percentile(ok, 99) if ok else float("inf")
    passed = p99 < GOAL_P99_MS and failed_acks == 0
    print(f"goal: p99 < {GOAL_P99_MS:.0f} ms and no failed ack: {'PASS' if passed else 'FAIL'}")
    if late:
        print("the deadline passed before the run finished")
    failed = failed_acks > 0 or sent < args.requests or answers < args.requests or bad_garbage > 0 or late
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
