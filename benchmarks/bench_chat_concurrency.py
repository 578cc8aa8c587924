"""200 conversations at once through the Slack path, each with a model that takes 2 s: how long until the last one
has its answer, against the 2 s a perfectly parallel bot would take (goal: under 1.25 × the model latency).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_chat_concurrency [--conversations 200] [--latency 2.0] [--tokens-per-s 0]
        [--workers 2] [--threads 32] [--listener-threads 200] [--deadline 120]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

Starts a local Bedrock endpoint in this process (127.0.0.1), the local Slack mock, and `bedrock-assistant serve` in
HTTP mode (gunicorn, --workers × --threads request threads, BRA_LISTENER_THREADS=--listener-threads per worker for
the answers) with BEDROCK_ENDPOINT_URL pointing at the endpoint. After a warm-up (a few conversations at zero
latency), the chat model (nova-lite) gets --latency s to its first token (`latency_s` = `ttft_s`; --tokens-per-s
paces the rest of the reply, 0 = all at once) and every reply is the same scripted text. Then --conversations signed
`app_mention` events (`<@U0BOT> nova-lite: …`, a model named before a colon, so no catalog parsing; each in its own
channel, its own thread) are posted all at once (--concurrency client threads, default one per conversation, behind
a barrier). A conversation is answered when its final message reaches the mock: chat.stopStream with the footer
and feedback buttons (native streaming; chat.update with them when serve falls back to update mode); a final
message without the feedback buttons is an error. The time of each final message is taken as the mock receives it.

Prints the wall time from the first post to the last final answer and its ratio to the ideal (--latency, plus the
paced part of the reply when --tokens-per-s > 0), the per-conversation latency (its post → its final answer)
p50/p90/p99/max, answers received, errors and the acks' statuses, then PASS/MISS against 1.25 ×. Exits 0 either
way; 1 only when Redis or serve cannot be used. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import threading
import time
from dataclasses import dataclass, field
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
)
from bot.bedrock_local import LocalBedrock, LocalConfig, RecordedRequest
from bot.bedrock_local.streaming import chunks
from bot.chat.tokens import estimate_tokens
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock

GOAL_RATIO = 1.25
MODEL = "nova-lite"
WARM_UP = 20
STALL_S = 30.0  # give up waiting when no final answer arrived for this long
REPLY = (
    "Prompt caching keeps the start of a prompt on the model side for a few minutes, so a long system prompt or "
    "conversation history is read from the cache at a fraction of the input price. 캐시에서 읽은 토큰은 "
    "일반 입력 토큰보다 낮은 가격으로 과금됩니다."
)
QUESTION = "<@U0BOT> nova-lite: 질문 {n}: 프롬프트 캐싱은 긴 대화의 입력 토큰 비용을 얼마나 줄여 주나요?"


@dataclass
class Finals:
    """The first final message of each conversation (by channel) as the mock receives it: when, and whether it
    was an answer (feedback buttons under it) or an error. Filled from the mock's reply hooks."""

    times: dict[str, float] = field(default_factory=dict)
    ok: dict[str, bool] = field(default_factory=dict)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def note(self, call: Call) -> None:
        blocks = call.json_param("blocks")
        if not blocks:  # a placeholder, an intermediate edit, or a page of a long answer that is not the last
            return
        channel = str(call.params.get("channel") or "")
        with self.cond:
            if channel not in self.times:
                self.times[channel] = time.perf_counter()
                self.ok[channel] = any(isinstance(b, dict) and b.get("type") == "actions" for b in blocks)
                self.cond.notify_all()

    def wait(self, channels: set[str], deadline: Deadline, stall: float = STALL_S) -> int:
        """Wait until every channel has its final message, the deadline passes, or none came for `stall` s."""
        with self.cond:
            seen = len(channels & self.times.keys())
            while seen < len(channels) and deadline.remaining() > 0:
                if not self.cond.wait(min(stall, deadline.remaining())):
                    break
                seen = len(channels & self.times.keys())
            return seen


class Arrivals:
    """When each conversation's model call reached the endpoint (by the channel in its requestMetadata): the
    endpoint's request log, timestamped (it keeps no times of its own)."""

    def __init__(self, local: LocalBedrock) -> None:
        self.times: dict[str, float] = {}
        record = local.state.record

        def timed(request: RecordedRequest) -> None:
            if request.operation == "converse_stream":
                channel = str((request.body.get("requestMetadata") or {}).get("channel"))
                self.times.setdefault(channel, time.perf_counter())
            record(request)

        local.state.record = timed  # type: ignore[method-assign]


def hook(mock: SlackMock, finals: Finals) -> None:
    """Reply to the final-message methods as Slack does (the fields the bot reads), noting each final message."""
    ts = itertools.count(1)
    lock = threading.Lock()

    def new_ts() -> str:
        with lock:
            return f"1800000000.{next(ts):06d}"

    def stop_stream(call: Call) -> dict[str, Any]:
        finals.note(call)
        return {"ok": True, "channel": call.params.get("channel"), "ts": call.params.get("ts")}

    def update(call: Call) -> dict[str, Any]:
        finals.note(call)
        p = call.params
        return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text", "")}

    def post_message(call: Call) -> dict[str, Any]:
        finals.note(call)
        message_ts = new_ts()
        return {"ok": True, "channel": call.params.get("channel"), "ts": message_ts, "message": {"ts": message_ts}}

    mock.set_response("chat.stopStream", stop_stream)
    mock.set_response("chat.update", update)
    mock.set_response("chat.postMessage", post_message)


@dataclass(frozen=True)
class Conversation:
    channel: str
    event_id: str
    event: dict[str, Any]


def conversations(count: int, prefix: str) -> list[Conversation]:
    return [
        Conversation(
            channel=f"C{prefix}{n:04d}",
            event_id=f"Ev{prefix}{n:05d}",
            event=sr.app_mention(
                QUESTION.format(n=n + 1), user=f"U{n % 50:04d}", channel=f"C{prefix}{n:04d}", ts=sr.next_ts()
            ),
        )
        for n in range(count)
    ]


def post_all(
    base_url: str, convs: list[Conversation], concurrency: int, deadline: Deadline
) -> tuple[Acks, dict[str, float]]:
    """Post every conversation's mention from `concurrency` threads released together; the acks, and when each
    post went out (signed just before)."""
    sent: dict[str, float] = {}

    def request_for(i: int) -> tuple[str, dict[str, str]]:
        conv = convs[i]
        request = signed_event(conv.event, event_id=conv.event_id)
        sent[conv.channel] = time.perf_counter()
        return request

    acks = post_concurrently(base_url, "/slack/events", request_for, len(convs), concurrency, deadline, burst=True)
    return acks, sent


def cpu_seconds() -> dict[int, float]:
    """CPU seconds (user + system) of this process and of each of its descendants (serve's arbiter and workers),
    from /proc; just this process where there is no /proc."""
    out = {os.getpid(): time.process_time()}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return out
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[pid] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    mine = {os.getpid()}
    grew = True
    while grew:
        found = {pid for pid, (ppid, _) in stats.items() if ppid in mine and pid not in mine}
        mine |= found
        grew = bool(found)
    out.update({pid: stats[pid][1] for pid in mine if pid != os.getpid() and pid in stats})
    return out


def ideal_seconds(latency: float, tokens_per_s: float) -> float:
    """The model's own time for one reply: time to first token, plus the paced rest of the reply."""
    if tokens_per_s <= 0:
        return latency
    return latency + sum(estimate_tokens(piece) for piece in chunks(REPLY)[1:]) / tokens_per_s


def spread(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):.2f} s | p90 {percentile(values, 90):.2f} s | "
        f"p99 {percentile(values, 99):.2f} s | max {max(values):.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200, help="simultaneous conversations (default 200)")
    parser.add_argument("--latency", type=float, default=2.0, help="model seconds to first token (default 2.0)")
    parser.add_argument("--tokens-per-s", type=float, default=0.0, help="pace of the rest of a reply (0 = none)")
    parser.add_argument("--listener-threads", type=int, default=200, help="BRA_LISTENER_THREADS per worker (200)")
    add_serve_options(parser)
    parser.set_defaults(concurrency=0, deadline=120.0)
    args = parser.parse_args(argv)
    args.concurrency = args.concurrency or args.conversations
    if min(args.conversations, args.concurrency, args.listener_threads) < 1 or args.latency < 0:
        parser.error("--conversations, --concurrency and --listener-threads must be at least 1, --latency >= 0")
    run = start_run(args)
    if run is None:
        return 1
    deadline, env = run

    finals = Finals()
    warm = conversations(min(WARM_UP, args.conversations), "WARM")
    measured = conversations(args.conversations, "BENCH")
    with LocalBedrock(config=LocalConfig()) as local, SlackMock() as mock:
        hook(mock, finals)
        arrivals = Arrivals(local)
        overrides = {
            **env,
            "SLACK_API_URL": mock.base_url,
            "BEDROCK_ENDPOINT_URL": local.url,
            "BRA_LISTENER_THREADS": str(args.listener_threads),
        }
        try:
            with running_serve(overrides) as base_url:
                warm_acks, _ = post_all(base_url, warm, len(warm), deadline)
                warm_done = finals.wait({c.channel for c in warm}, deadline)
                if warm_acks.bad_status or warm_done < len(warm):
                    print(
                        f"warm-up failed: statuses {dict(warm_acks.bad_status) or 'all 200'}, "
                        f"{warm_done}/{len(warm)} answers",
                        file=sys.stderr,
                    )
                    print("\n".join(warm_acks.errors), file=sys.stderr)
                local.set_behaviour(
                    MODEL, {"latency_s": args.latency, "ttft_s": args.latency, "tokens_per_s": args.tokens_per_s}
                )
                for _ in measured:
                    local.script(REPLY, model=MODEL)
                requests_before = len(local.requests)
                cpu_before = cpu_seconds()
                acks, sent = post_all(base_url, measured, args.concurrency, deadline)
                channels = {c.channel for c in measured}
                finals.wait(channels, deadline)
                cpu_after = cpu_seconds()
                model_calls = sum(r.operation == "converse_stream" for r in local.requests[requests_before:])
        except ServeFailed as exc:
            print(exc, file=sys.stderr)
            return 1

    cpu = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    report(args, measured, acks, sent, finals, arrivals, model_calls, cpu, deadline)
    return 0


def report(
    args: argparse.Namespace,
    convs: list[Conversation],
    acks: Acks,
    sent: dict[str, float],
    finals: Finals,
    arrivals: Arrivals,
    model_calls: int,
    cpu: dict[int, float],
    deadline: Deadline,
) -> None:
    n = len(convs)
    done = [c.channel for c in convs if c.channel in finals.times and c.channel in sent]
    answered = [ch for ch in done if finals.ok[ch]]
    errors = len(done) - len(answered)
    ideal = ideal_seconds(args.latency, args.tokens_per_s)
    print(
        f"chat through the Slack path: serve with {args.workers} worker(s) × {args.threads} threads, "
        f"{args.listener_threads} listener threads each"
    )
    print(
        f"conversations: {n} posted at once ({args.concurrency} client threads) | model {MODEL}: "
        f"{args.latency:g} s to first token, {args.tokens_per_s:g} tokens/s → ideal {ideal:.2f} s"
    )
    bad = sum(acks.bad_status.values())
    lat = acks.latencies_ms
    ack_line = f"acks: {len(lat)} × 200"
    if lat:
        ack_line += f" (p50 {percentile(lat, 50):.0f} ms, p99 {percentile(lat, 99):.0f} ms, max {max(lat):.0f} ms)"
    print(f"{ack_line} | other statuses: {bad} {dict(acks.bad_status) or ''}".rstrip())
    for error in acks.errors:
        print(f"  e.g. {error}")
    print(f"model calls at the endpoint: {model_calls}")
    print(f"answers received: {len(answered)} / {n} | errors: {errors} | missing: {n - len(done)}")
    wall = float("inf")
    if sent:
        first_post = min(sent.values())
        last_post = max(sent.values())
        print(f"posting: all {len(sent)} sent within {(last_post - first_post) * 1000:.0f} ms")
        if done:
            ends = [finals.times[ch] for ch in done]
            wall = max(ends) - first_post
            print(
                f"first final answer after {min(ends) - first_post:.2f} s | last after {wall:.2f} s (wall) | "
                f"ratio to the ideal {ideal:.2f} s: {wall / ideal:.2f} ×"
                if ideal > 0
                else f"wall: {wall:.2f} s"
            )
            per = [finals.times[ch] - sent[ch] for ch in done]
            print(f"per conversation (post → final answer): {spread(per)}")
            called = [arrivals.times[c.channel] - first_post for c in convs if c.channel in arrivals.times]
            if called:
                print(f"  model call reached the endpoint, after the first post: {spread(called)}")
            tail = [finals.times[ch] - arrivals.times[ch] - ideal for ch in done if ch in arrivals.times]
            if tail:
                print(f"  model reply done → final answer in Slack: {spread(tail)}")
    own = cpu.pop(os.getpid(), 0.0)
    serve = sorted((v for v in cpu.values() if v > 0.005), reverse=True)
    if serve:
        per_conv = sum(serve) * 1000 / max(1, len(done))
        print(
            f"CPU while measured: serve {sum(serve):.2f} s ({per_conv:.1f} ms per conversation; by process "
            f"{', '.join(f'{v:.2f}' for v in serve)}), this process (Slack mock, endpoint, clients) {own:.2f} s; "
            f"{os.cpu_count()} cores"
        )
    if deadline.passed:
        print(f"deadline of {deadline.seconds:.0f} s passed before every answer came")
    ratio = wall / ideal if ideal > 0 else float("inf")
    complete = len(answered) == n
    verdict = "PASS" if complete and ratio < GOAL_RATIO else "MISS"
    why = "" if complete else f" ({n - len(answered)} conversations without an answer)"
    print(f"goal: all {n} answered within {GOAL_RATIO} × the model latency: {verdict}{why}")


if __name__ == "__main__":
    sys.exit(main())
