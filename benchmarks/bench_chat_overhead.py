"""The bot's own overhead per chat turn, with a model that answers instantly (goal: p50 < 10 ms and p99 < 50 ms,
Redis included).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_chat_overhead [--turns 2000] [--threads 100] [--real-turns 500]
        [--real-threads 50] [--deadline 180]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

In process. `Chat.turn` runs as serve runs it (`build_services` with real Redis), except that the model seam
(`build_services(model=...)`) is a zero-latency `ChatModel` that streams a fixed reply of a few pieces to the sink
and reports a fixed usage. So each measured turn is everything the bot does around the model: the thread's memory
loaded from Redis, the model chosen (per-user and per-channel defaults read from Redis), the history fitted to
the window, the LangChain messages built (system prompt, history, cache points), the cost priced from the
catalog, both turns appended to Redis (one transaction), the usage event logged (level WARNING, so not written),
the rate limit counted (one Lua call; the limit is raised so it never refuses) and the model call run on a worker
thread under the turn's deadline (`bot.chat.deadline`).
--turns turns go round-robin over --threads threads, so every thread gets several turns and the later ones
carry history; after a warm-up, each `chat.turn` is timed with `time.perf_counter`.

A second, informational figure runs the real model path instead: boto3 + langchain-aws `ChatBedrockConverse`
(ConverseStream) over HTTP to a zero-latency local Bedrock endpoint in this process (--real-turns over
--real-threads). It includes a real HTTP round trip, event-stream parsing and the endpoint's own work on the same
interpreter, so it is reported apart and not held to the goal; its wall time also includes whatever the sockets
wait, so the CPU per turn is printed too (for this figure it includes the endpoint's CPU).

Prints count, p50/p90/p99/max/mean per figure and PASS/MISS for the goal; exits 0 either way (1 only when Redis
is not usable or a turn fails).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from benchmarks.slack_server import (
    Deadline,
    percentile,
    prepare_redis,
    redact,
    start_local_run,
)
from bot.bedrock_local import LocalBedrock, LocalConfig
from bot.caller import Caller
from bot.chat.asks import ChatAsk
from bot.chat.model import ChatModel, Completion, ModelRequest
from bot.chat.tokens import estimate_tokens
from bot.chat.types import Sink, Usage
from bot.services import Services, build_services
from bot.settings import AwsSettings, ChatSettings, RedisSettings, Settings
from bot.store.client import connect

GOAL_P50_MS = 10.0
GOAL_P99_MS = 50.0
WARM_UP = 50

REPLY_PIECES = (
    "Prompt caching keeps the start of a prompt ",
    "on the model side for a few minutes, ",
    "so a long system prompt or conversation history ",
    "is read from the cache at a fraction of the input price. ",
    "On Bedrock you mark where the cached prefix ends with a cachePoint block; ",
    "Nova and Claude models support it. ",
    "캐시 읽기 토큰은 입력 가격의 약 4분의 1로 과금됩니다.",
)
REPLY = "".join(REPLY_PIECES)
QUESTIONS = (
    ("en", "How does prompt caching change what I pay for a long conversation on Nova Lite?"),
    ("ko", "Nova Pro와 Claude 3 Haiku 중에 요약 작업에는 어떤 모델이 더 저렴한가요? 이유도 알려 주세요."),
    ("en", "Write a short checklist for moving a RAG prototype from a notebook to production on Bedrock."),
    ("ko", "컨텍스트 창이 300K인 모델에서 긴 문서를 넣을 때 주의할 점을 세 가지만 정리해 줘."),
    ("en", "Explain the difference between on-demand and batch inference pricing, with a small example."),
    ("ko", "스트리밍 응답에서 첫 토큰까지의 시간을 줄이려면 무엇을 바꿔야 하나요?"),
)


class InstantModel:
    """A `ChatModel` with no latency: streams `REPLY_PIECES` to the sink and reports a fixed usage."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, request: ModelRequest, sink: Sink) -> Completion:
        self.calls += 1
        for piece in REPLY_PIECES:
            sink(piece)
        usage = Usage(input_tokens=900, output_tokens=estimate_tokens(REPLY), latency_ms=0.0, ttft_ms=0.0)
        return Completion(text=REPLY, usage=usage, stop_reason="end_turn")


@dataclass(frozen=True)
class Figure:
    label: str
    samples_ms: list[float]
    wanted: int
    seconds: float
    cpu_s: float  # CPU time of this process (all threads) over the measured turns
    threads: int


def settings_for(redis_url: str, endpoint_url: str | None) -> Settings:
    """Serve's settings for the benchmark: the Redis DB, the Bedrock endpoint (None: the model seam is replaced),
    everything else at its default (history cap 8,000 tokens, summaries by nova-micro, default model nova-lite)."""
    return Settings(
        aws=AwsSettings(bedrock_endpoint_url=endpoint_url, region="us-east-1"),
        redis=RedisSettings(url=SecretStr(redis_url)),
        chat=ChatSettings(rate_limit_calls=10_000),  # the limiter runs (its Redis trip is measured), never refuses
    )


def caller_for(thread: int, prefix: str) -> Caller:
    return Caller(
        team="T0001",
        user=f"U{thread % 25:04d}",
        channel=f"C{prefix}{thread % 10:03d}",
        thread_ts=f"1700000000.{thread:06d}",
    )


def run_turns(services: Services, *, turns: int, threads: int, prefix: str, deadline: Deadline) -> list[float]:
    """`turns` chat turns round-robin over `threads` threads; the milliseconds of each `chat.turn`."""
    samples: list[float] = []
    callers = [caller_for(t, prefix) for t in range(threads)]
    chat = services.chat
    for i in range(turns):
        if deadline.passed:
            break
        lang, text = QUESTIONS[i % len(QUESTIONS)]
        ask = ChatAsk(text=f"{text} ({i})", lang=lang, feature="chat")
        pieces: list[str] = []
        started = time.perf_counter()
        chat.turn(callers[i % threads], ask, pieces.append)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(
    label: str, build: Callable[[], Services], *, turns: int, threads: int, prefix: str, deadline: Deadline
) -> Figure:
    services = build()
    run_turns(services, turns=WARM_UP, threads=WARM_UP // 5, prefix=f"{prefix}w", deadline=deadline)
    started, cpu = time.perf_counter(), time.process_time()
    samples = run_turns(services, turns=turns, threads=threads, prefix=prefix, deadline=deadline)
    return Figure(label, samples, turns, time.perf_counter() - started, time.process_time() - cpu, threads)


def show(figure: Figure) -> None:
    s = figure.samples_ms
    print(f"{figure.label}")
    print(f"  turns: {len(s)} of {figure.wanted} over {figure.threads} threads in {figure.seconds:.1f} s")
    if s:
        print(
            f"  p50 {percentile(s, 50):.2f} ms | p90 {percentile(s, 90):.2f} ms | p99 {percentile(s, 99):.2f} ms | "
            f"max {max(s):.2f} ms | mean {statistics.mean(s):.2f} ms"
        )
        print(f"  CPU of this process per turn: {figure.cpu_s * 1000 / len(s):.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000, help="measured turns, instant model (default 2000)")
    parser.add_argument("--threads", type=int, default=100, help="conversations they go round-robin over (100)")
    parser.add_argument("--real-turns", type=int, default=500, help="turns on the real boto3 path (500; 0: skip)")
    parser.add_argument("--real-threads", type=int, default=50, help="conversations for those (default 50)")
    parser.add_argument("--deadline", type=float, default=180.0, help="seconds for the whole run (default 180)")
    args = parser.parse_args(argv)
    if args.turns < 1 or args.threads < 1 or args.real_turns < 0 or args.real_threads < 1:
        parser.error("--turns, --threads and --real-threads must be at least 1, --real-turns at least 0")
    logging.getLogger().setLevel(logging.WARNING)
    started = start_local_run(args.deadline)
    if started is None:
        return 1
    deadline, redis_url = started

    settings = settings_for(redis_url, None)
    client = connect(settings.redis)
    model: ChatModel = InstantModel()
    instant = measure(
        "chat.turn with a zero-latency model (the bot's own overhead, Redis included)",
        lambda: build_services(settings, client, model=model),
        turns=args.turns,
        threads=args.threads,
        prefix="I",
        deadline=deadline,
    )
    real = None
    if args.real_turns and not deadline.passed:
        with LocalBedrock(config=LocalConfig()) as local:
            real_settings = settings_for(redis_url, local.url)
            real = measure(
                "chat.turn incl. boto3/langchain-aws/HTTP to a local endpoint (zero latency; informational)",
                lambda: build_services(real_settings, client),
                turns=args.real_turns,
                threads=args.real_threads,
                prefix="R",
                deadline=deadline,
            )
    client.close()
    prepare_redis(redis_url)

    print(f"Redis: {redact(redis_url)} | {os.cpu_count()} cores | after {WARM_UP} warm-up turns each")
    show(instant)
    if real is not None:
        show(real)
    s = instant.samples_ms
    p50 = percentile(s, 50) if s else float("inf")
    p99 = percentile(s, 99) if s else float("inf")
    verdict = "PASS" if p50 < GOAL_P50_MS and p99 < GOAL_P99_MS else "MISS"
    print(f"goal: p50 < {GOAL_P50_MS:.0f} ms and p99 < {GOAL_P99_MS:.0f} ms (zero-latency model): {verdict}")
    if deadline.passed:
        print(f"deadline of {deadline.seconds:.0f} s passed: the figures cover the turns done by then")
    return 0


if __name__ == "__main__":
    sys.exit(main())
