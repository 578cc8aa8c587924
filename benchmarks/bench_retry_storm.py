"""Exactly-once answers under a retry storm: every mention delivered several times, concurrently, to
`bedrock-assistant serve` over HTTP (goal: each mention answered exactly once).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_retry_storm [--events 200] [--deliveries 3] [--concurrency 50]
        [--workers 2] [--threads 32] [--seed 1] [--deadline 300]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

Each of --events distinct `app_mention` events (own event_id and ts) is delivered --deliveries times: first without
retry headers, then with x-slack-retry-num 1, 2, …; all deliveries are shuffled and sent from --concurrency client
threads on keep-alive connections. Then it waits for one chat.postMessage per event (or the deadline), sends a
sentinel mention and waits for its answer (so a late duplicate would have landed), and counts answers per
thread_ts. Prints events, deliveries, answers, duplicates, missing, the ack p50/p99 of the deliveries and
"exactly once: PASS/FAIL"; exits 1 on FAIL (duplicates, missing answers, or a status other than 200).
All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter as Tally
from dataclasses import dataclass
from typing import Any

from benchmarks.slack_server import (
    Acks,
    Deadline,
    ServeFailed,
    add_serve_options,
    percentile,
    post_concurrently,
    running_serve,
    signed_event,
    start_run,
    wait_calls,
)
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock

QUESTION = "<@U0BOT> Nova Pro 가격"


@dataclass(frozen=True)
class Event:
    event_id: str
    event: dict[str, Any]

    @property
    def ts(self) -> str:
        return str(self.event["ts"])


def make_events(count: int) -> list[Event]:
    return [Event(f"EvSTORM{i:05d}", sr.app_mention(QUESTION, ts=sr.next_ts())) for i in range(count)]


def deliver(base_url: str, deliveries: list[tuple[Event, int | None]], concurrency: int, deadline: Deadline) -> Acks:
    """Send each `(event, retry_num)`, signed at sending time, from `concurrency` threads."""

    def request_for(i: int) -> tuple[str, dict[str, str]]:
        event, retry = deliveries[i]
        return signed_event(event.event, event_id=event.event_id, retry_num=retry)

    return post_concurrently(base_url, "/slack/events", request_for, len(deliveries), concurrency, deadline)


def answers_by_thread(mock: SlackMock) -> Tally[str]:
    """How many chat.postMessage calls each thread_ts received."""
    return Tally(str(c.params.get("thread_ts")) for c in mock.calls_to("chat.postMessage"))


def answered(calls: list[Call]) -> set[str]:
    """The thread_ts values that received a chat.postMessage."""
    return {str(c.params.get("thread_ts")) for c in calls if c.method == "chat.postMessage"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200, help="distinct mentions (default 200)")
    parser.add_argument("--deliveries", type=int, default=3, help="deliveries per mention (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="shuffle seed (default 1)")
    add_serve_options(parser)
    args = parser.parse_args()
    if min(args.events, args.deliveries, args.concurrency) < 1:
        parser.error("--events, --deliveries and --concurrency must be at least 1")
    run = start_run(args)
    if run is None:
        return 1
    deadline, env = run

    events = make_events(args.events)
    deliveries: list[tuple[Event, int | None]] = [
        (event, retry or None) for event in events for retry in range(args.deliveries)
    ]
    random.Random(args.seed).shuffle(deliveries)
    sentinel = Event("EvSTORMSENTINEL", sr.app_mention(QUESTION, ts=sr.next_ts()))
    try:
        with SlackMock() as mock, running_serve({**env, "SLACK_API_URL": mock.base_url}) as base_url:
            acks = deliver(base_url, deliveries, args.concurrency, deadline)
            wanted = {e.ts for e in events}
            wait_calls(mock, lambda calls: len(wanted & answered(calls)), len(wanted), deadline.remaining())
            sentinel_acks = deliver(base_url, [(sentinel, None)], 1, deadline)
            sentinel_answered = (
                wait_calls(mock, lambda calls: int(sentinel.ts in answered(calls)), 1, deadline.remaining()) == 1
            )
            per_thread = answers_by_thread(mock)
    except ServeFailed as exc:
        print(exc, file=sys.stderr)
        return 1

    counts = [per_thread.get(e.ts, 0) for e in events]
    received = sum(counts)
    duplicates = sum(max(0, n - 1) for n in counts)
    missing = sum(n == 0 for n in counts)
    bad = sum(acks.bad_status.values()) + sum(sentinel_acks.bad_status.values())
    lat = acks.latencies_ms
    print(f"retry storm over HTTP: serve with {args.workers} worker(s) × {args.threads} threads")
    print(f"events: {len(events)} | deliveries: {len(deliveries)} ({args.deliveries} each, shuffled)")
    print(f"concurrency: {args.concurrency}")
    if lat:
        print(f"ack p50 {percentile(lat, 50):.1f} ms | p99 {percentile(lat, 99):.1f} ms | max {max(lat):.1f} ms")
    print(f"HTTP status != 200: {bad} {dict(acks.bad_status + sentinel_acks.bad_status) or ''}".rstrip())
    for error in acks.errors + sentinel_acks.errors:
        print(f"  e.g. {error}")
    print(f"answers received: {received} | duplicates: {duplicates} | missing: {missing}")
    print(f"sentinel answered: {'yes' if sentinel_answered else 'no'}")
    passed = duplicates == 0 and missing == 0 and bad == 0 and sentinel_answered and not deadline.passed
    if deadline.passed:
        print(f"deadline of {deadline.seconds:.0f} s passed before the run finished")
    print(f"exactly once: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
