"""Input tokens billed over a 40-turn conversation: history trimming, summaries and prompt caching as the bot does
them, against sending the full history every turn (the goal: show the saving, in tokens and dollars).

Run from the repository root (needs a Redis; the run flushes its database, DB 0 is refused):
    .venv/bin/python -m benchmarks.bench_chat_tokens [--turns 40] [--caps 8000,2000] [--seed 7] [--deadline 180]
Redis: BENCH_REDIS_URL, default redis://127.0.0.1:6379/14.

In process, on the real model path: `Chat.turn` → boto3 + langchain-aws (ConverseStream) → a zero-latency local
Bedrock endpoint on 127.0.0.1, memory in real Redis. The conversation is deterministic (--seed): each user message
is about 60-150 tokens and each assistant reply about 250-400 tokens of varied Korean and English text; before each
turn the reply is scripted for the chat model (`script(text, model="nova-lite")`), and summary calls (to
BRA_SUMMARY_MODEL, nova-micro) get scripted summaries of about 200-350 tokens. Usage is what the endpoint reports
(the bot's token estimate, cache reads and writes per cachePoint, Bedrock's semantics: `inputTokens` excludes both).

Runs, each on a fresh thread with the endpoint's cache emptied:
  - the bot as configured (BRA_HISTORY_TOKENS = each of --caps; default 8000, and 2000 so trimming shows early),
    summaries by nova-micro, prompt caching on (Nova Lite supports it);
  - the baseline: the full history every turn (BRA_HISTORY_TOKENS 1,000,000: nothing is trimmed in 40 turns, no
    summary) and no caching: every prompt token (input + cache read + cache write) billed at the input price.
Prints a per-turn table every 5 turns, then per run: prompt tokens sent, tokens billed at the full input price
(the input, plus the cache writes when the catalog has no cache-write price for the model: `call_cost` leaves such
writes out and says so, this benchmark counts them at the input price so the saving is not flattered), cache
reads and writes, summary calls and their tokens, estimated $ from the catalog prices (`call_cost`, us-east-1 on
demand), and the saving against the baseline in %. Exits 0 (1 only when Redis is not usable).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import SecretStr

from benchmarks.slack_server import Deadline, prepare_redis, start_local_run
from bot.bedrock_local import LocalBedrock, LocalConfig
from bot.caller import Caller
from bot.catalog.catalog import Catalog
from bot.catalog.pricing import token_price
from bot.catalog.schema import Mode
from bot.chat.asks import ChatAsk
from bot.chat.bedrock import bedrock_client
from bot.chat.cost import call_cost
from bot.chat.model import BedrockChatModel, ChatModel, Completion, ModelRequest
from bot.chat.tokens import estimate_tokens
from bot.chat.types import Sink, Usage
from bot.services import build_services
from bot.settings import AwsSettings, ChatSettings, RedisSettings, Settings
from bot.store.client import connect

CHAT_MODEL = "nova-lite"  # the default model (BRA_DEFAULT_MODEL); supports prompt caching
SUMMARY_MODEL = "nova-micro"  # BRA_SUMMARY_MODEL's default
REGION = "us-east-1"
BASELINE_CAP = 1_000_000  # BRA_HISTORY_TOKENS' maximum: 40 turns never reach it
TABLE_EVERY = 5

# -- the conversation ---------------------------------------------------------------------------------------------
EN = (
    "We are moving our internal support bot from a single prompt to a retrieval pipeline on Bedrock.",
    "The knowledge base has about 12,000 documents, mostly Confluence pages and PDF runbooks.",
    "Latency matters more than style: people ask in Slack and expect an answer within a few seconds.",
    "Our current bill is around 1,800 dollars a month, and most of it is input tokens from long threads.",
    "Nova Lite handles the short factual questions well, but long policy documents need a larger window.",
    "Prompt caching only pays off when the same prefix comes back within the cache's time to live.",
    "A system prompt of 1,500 tokens sent on every call is a good candidate for a cache point.",
    "Batch inference is about half the on-demand price, but nobody waits a day for a Slack answer.",
    "The embedding step is cheap compared with generation; the reranker is what adds latency.",
    "We log the request metadata per team and channel, so cost can be split by department.",
    "Throttling shows up on Monday mornings, when everyone asks at once after the weekly meeting.",
    "A fallback to Claude 3 Haiku keeps the bot answering when Nova is throttled in our region.",
    "Guardrails block credentials and personal data before anything reaches the model.",
    "Summaries of older turns should keep numbers, names and decisions, not the small talk.",
    "The security team wants every answer to say which model wrote it and what it cost.",
    "For code questions the answers are longer, often with a snippet and a short explanation.",
    "Provisioned throughput only makes sense above a steady load we do not have yet.",
    "Cross-region inference profiles spread the load, at the same price as the source region.",
    "The evaluation set has 300 questions with reference answers written by the support team.",
    "Streaming the answer into the thread makes the wait feel shorter even when the total is the same.",
)
KO = (
    "사내 헬프데스크 봇을 Bedrock 기반 검색 증강 구조로 옮기는 중입니다.",
    "문서는 약 1만 2천 건이고 대부분 컨플루언스 페이지와 PDF 런북입니다.",
    "슬랙에서 질문하면 몇 초 안에 답이 와야 해서 지연 시간이 제일 중요합니다.",
    "지금 월 비용은 1,800달러 정도인데 긴 스레드의 입력 토큰이 대부분을 차지합니다.",
    "짧은 사실 확인 질문은 Nova Lite로 충분하지만 긴 정책 문서는 더 큰 컨텍스트 창이 필요합니다.",
    "프롬프트 캐싱은 같은 접두부가 캐시 유지 시간 안에 다시 들어올 때만 이득입니다.",
    "매 호출마다 보내는 1,500토큰짜리 시스템 프롬프트는 캐시 지점을 두기 좋은 후보입니다.",
    "배치 추론은 온디맨드의 절반 가격이지만 슬랙 답을 하루 동안 기다릴 사람은 없습니다.",
    "월요일 아침 주간 회의 직후에 질문이 몰리면서 스로틀링이 자주 발생합니다.",
    "리전에서 Nova가 스로틀링되면 Claude 3 Haiku로 넘어가도록 폴백을 두었습니다.",
    "가드레일이 자격 증명과 개인정보를 모델에 닿기 전에 걸러 냅니다.",
    "오래된 대화 요약에는 잡담이 아니라 숫자, 이름, 결정 사항이 남아야 합니다.",
    "보안팀은 모든 답변에 어떤 모델이 썼고 비용이 얼마였는지 표시하길 원합니다.",
    "평가 세트는 지원팀이 작성한 모범 답안이 달린 질문 300개로 구성되어 있습니다.",
    "답변을 스레드에 스트리밍하면 전체 시간이 같아도 기다림이 짧게 느껴집니다.",
)
ASKS_EN = (
    "Given that, which model would you pick for the first version, and why?",
    "How much would that change the monthly bill, roughly?",
    "What should we measure in the first two weeks?",
    "Can you compare that with keeping the whole thread in every prompt?",
    "What breaks first if the load doubles?",
)
ASKS_KO = (
    "그렇다면 첫 버전에는 어떤 모델을 고르는 게 좋을까요? 이유도 알려 주세요.",
    "그렇게 하면 월 비용이 대략 얼마나 달라질까요?",
    "처음 2주 동안 무엇을 측정해야 할까요?",
    "스레드 전체를 매번 프롬프트에 넣는 방식과 비교해 줄 수 있나요?",
    "부하가 두 배가 되면 무엇이 먼저 문제가 될까요?",
)


def _fill(rng: random.Random, lang: str, low: int, high: int, lead: str = "", bullets: bool = False) -> str:
    """Sentences (mostly in `lang`, now and then the other language) until the text has `low`-`high` tokens."""
    target = rng.randint(low, high)
    main, other = (KO, EN) if lang == "ko" else (EN, KO)
    parts: list[str] = [lead] if lead else []
    while True:
        sentence = rng.choice(other if rng.random() < 0.15 else main)
        if bullets and rng.random() < 0.3:
            sentence = "\n- " + sentence
        candidate = " ".join([*parts, sentence]).replace(" \n", "\n")
        if estimate_tokens(candidate) > high and parts:
            break
        parts.append(sentence)
        if estimate_tokens(candidate) >= target:
            break
    return " ".join(parts).replace(" \n", "\n")


@dataclass(frozen=True)
class Exchange:
    lang: str
    user: str
    reply: str


def conversation(turns: int, seed: int) -> list[Exchange]:
    """A deterministic conversation: user messages of 60-150 tokens, replies of 250-400, a third in Korean."""
    rng = random.Random(seed)
    out = []
    for i in range(turns):
        lang = "ko" if i % 3 == 1 else "en"
        ask = rng.choice(ASKS_KO if lang == "ko" else ASKS_EN)
        lead = f"({i + 1}) " + ("질문: " if lang == "ko" else "Question: ")
        user = _fill(rng, lang, 45, 115, lead=lead) + " " + ask  # the question adds 10-30 tokens
        reply = _fill(rng, lang, 250, 400, bullets=True)
        out.append(Exchange(lang, user, reply))
    return out


def summaries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    return [_fill(rng, "en" if i % 2 else "ko", 200, 350, bullets=True) for i in range(count)]


# -- measuring -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallRecord:
    model: str
    feature: str
    usage: Usage


class Recording:
    """The real model path, with each call's usage kept (chat turns and summaries alike)."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.calls: list[CallRecord] = []

    def complete(self, request: ModelRequest, sink: Sink) -> Completion:
        done = self.inner.complete(request, sink)
        self.calls.append(CallRecord(request.model_key, str(request.metadata.get("feature")), done.usage))
        return done


@dataclass
class Run:
    label: str
    baseline: bool
    write_at_input_price: bool  # the catalog has no cache-write price for the model: counted at the input price
    turns: list[Usage] = field(default_factory=list)  # the chat call of each turn
    summarised_at: list[int] = field(default_factory=list)  # turn numbers (1-based) that folded history
    summary_calls: list[CallRecord] = field(default_factory=list)
    mismatched: int = 0  # turns whose answer was not the scripted reply (should stay 0)

    @property
    def prompt(self) -> int:
        return sum(u.prompt_tokens for u in self.turns)

    @property
    def billed_input(self) -> int:
        return sum(self.turn_billed(u) for u in self.turns)

    @property
    def cache_read(self) -> int:
        return 0 if self.baseline else sum(u.cache_read_tokens for u in self.turns)

    @property
    def cache_write(self) -> int:
        return 0 if self.baseline else sum(u.cache_write_tokens for u in self.turns)

    def turn_billed(self, usage: Usage) -> int:
        """Tokens of the call charged at the full input price: all of the prompt for the baseline; else the input,
        plus the cache writes when the model has no cache-write price of its own (Nova: this benchmark counts them
        at the input price; `call_cost` leaves them out and names them)."""
        if self.baseline:
            return usage.prompt_tokens
        return usage.input_tokens + (usage.cache_write_tokens if self.write_at_input_price else 0)


def usd(catalog: Catalog, model: str, usage: Usage) -> Decimal:
    value = call_cost(catalog, model, REGION, usage).usd
    return value if value is not None else Decimal(0)


def input_usd(catalog: Catalog, run: Run) -> Decimal:
    """The prompt side of the chat calls: input, cache reads and cache writes at their prices (baseline: all of
    it at the input price)."""
    total = Decimal(0)
    for u in run.turns:
        if run.baseline:
            total += usd(catalog, CHAT_MODEL, Usage(input_tokens=u.prompt_tokens))
        else:
            writes = u.cache_write_tokens
            if run.write_at_input_price:  # no cache-write price: counted at the input price (see the docstring)
                total += usd(catalog, CHAT_MODEL, Usage(u.input_tokens + writes, 0, u.cache_read_tokens))
            else:
                total += usd(catalog, CHAT_MODEL, Usage(u.input_tokens, 0, u.cache_read_tokens, writes))
    return total


def output_usd(catalog: Catalog, run: Run) -> Decimal:
    return sum((usd(catalog, CHAT_MODEL, Usage(output_tokens=u.output_tokens)) for u in run.turns), Decimal(0))


def summary_usd(catalog: Catalog, run: Run) -> Decimal:
    return sum((usd(catalog, c.model, c.usage) for c in run.summary_calls), Decimal(0))


def settings_for(redis_url: str, endpoint_url: str, history_tokens: int) -> Settings:
    return Settings(
        aws=AwsSettings(bedrock_endpoint_url=endpoint_url, region=REGION),
        redis=RedisSettings(url=SecretStr(redis_url)),
        chat=ChatSettings(history_tokens=history_tokens, summary_model=SUMMARY_MODEL, rate_limit_calls=0),
    )


def run_conversation(
    label: str,
    *,
    baseline: bool,
    cap: int,
    thread: int,
    exchanges: Sequence[Exchange],
    summary_texts: Sequence[str],
    local: LocalBedrock,
    redis_url: str,
    deadline: Deadline,
) -> Run:
    """One run on a fresh thread, with the endpoint's scripts and prompt cache emptied first."""
    local.reset()
    for text in summary_texts:  # taken only when a summary call happens
        local.script(text, model=SUMMARY_MODEL)
    settings = settings_for(redis_url, local.url, cap)
    model = Recording(BedrockChatModel(bedrock_client(settings.aws, settings.chat, pool=4), REGION))
    client = connect(settings.redis)
    services = build_services(settings, client, model=model)
    caller = Caller(team="T0001", user="U0001", channel="C0TOKENS", thread_ts=f"1700000000.{thread:06d}")
    entry = token_price(services.engine.catalog.models[CHAT_MODEL], Mode.on_demand, REGION)
    run = Run(label, baseline, write_at_input_price=entry is None or entry.cache_write is None)
    try:
        for n, exchange in enumerate(exchanges, start=1):
            if deadline.passed:
                break
            local.script(exchange.reply, model=CHAT_MODEL)
            before = len(model.calls)
            result = services.chat.turn(caller, ChatAsk(text=exchange.user, lang=exchange.lang), lambda _: None)
            calls = model.calls[before:]
            summary = [c for c in calls if c.feature == "summary"]
            chat = [c for c in calls if c.feature != "summary"]
            run.summary_calls.extend(summary)
            if summary:
                run.summarised_at.append(n)
            run.turns.append(sum((c.usage for c in chat), Usage()))
            run.mismatched += result.text != exchange.reply
    finally:
        client.close()
    return run


# -- printing --------------------------------------------------------------------------------------------------------
def pct(saved: float, base: float) -> str:
    return f"{100 * (1 - saved / base):.1f} %" if base else "-"


def print_table(runs: Sequence[Run]) -> None:
    print(
        f"per turn, every {TABLE_EVERY} turns: prompt tokens sent / tokens billed at the full input price"
        f" (* = a summary call in the {TABLE_EVERY} turns up to this one)"
    )
    head = f"{'turn':>4}"
    for run in runs:
        head += f" | {run.label[:26]:>26}"
    print(head)
    turns = max(len(r.turns) for r in runs)
    for n in range(1, turns + 1):
        if n % TABLE_EVERY and n != 1:
            continue
        line = f"{n:>4}"
        for run in runs:
            if n > len(run.turns):
                line += f" | {'-':>26}"
                continue
            u = run.turns[n - 1]
            mark = "*" if any(n - TABLE_EVERY < s <= n for s in run.summarised_at) else " "
            line += f" | {u.prompt_tokens:>11,} / {run.turn_billed(u):>11,}{mark}"
        print(line)


def print_run(catalog: Catalog, run: Run, base: Run | None) -> None:
    out = sum(u.output_tokens for u in run.turns)
    s_in = sum(c.usage.prompt_tokens for c in run.summary_calls)
    s_out = sum(c.usage.output_tokens for c in run.summary_calls)
    in_usd, out_usd, sum_usd = input_usd(catalog, run), output_usd(catalog, run), summary_usd(catalog, run)
    print(f"{run.label}: {len(run.turns)} turns")
    print(f"  prompt tokens sent (input + cache read + cache write): {run.prompt:,}")
    writes = " (input + cache writes: no cache-write price)" if run.write_at_input_price and not run.baseline else ""
    print(f"  billed at the full input price: {run.billed_input:,}{writes}")
    print(f"  cache read: {run.cache_read:,} | cache write: {run.cache_write:,} | output: {out:,}")
    where = ", ".join(str(n) for n in run.summarised_at) or "-"
    calls = len(run.summary_calls)
    print(f"  summary calls ({SUMMARY_MODEL}): {calls} (at turns {where}) | {s_in:,} tokens in, {s_out:,} out")
    print(
        f"  estimated $: prompt side {in_usd:.6f} + summaries {sum_usd:.6f} = {in_usd + sum_usd:.6f}"
        f" | with output {out_usd:.6f}: {in_usd + sum_usd + out_usd:.6f}"
    )
    if run.mismatched:
        print(f"  WARNING: {run.mismatched} answers were not the scripted reply")
    if base is not None:
        b_in, b_out = input_usd(catalog, base), output_usd(catalog, base)
        print(
            f"  vs baseline: prompt tokens -{pct(run.prompt, base.prompt)}, "
            f"billed input tokens -{pct(run.billed_input, base.billed_input)}, "
            f"input-side $ -{pct(float(in_usd + sum_usd), float(b_in))}, "
            f"total $ -{pct(float(in_usd + sum_usd + out_usd), float(b_in + b_out))}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=40, help="turns in the conversation (default 40)")
    parser.add_argument("--caps", default="8000,2000", help="BRA_HISTORY_TOKENS of the configured runs (8000,2000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the conversation's text (default 7)")
    parser.add_argument("--deadline", type=float, default=180.0, help="seconds for the whole run (default 180)")
    args = parser.parse_args(argv)
    try:
        caps = [int(c) for c in args.caps.split(",") if c.strip()]
    except ValueError:
        parser.error("--caps: comma-separated integers, e.g. 8000,2000")
    if args.turns < 1 or not caps or min(caps) < 256:
        parser.error("--turns must be at least 1 and every cap at least 256 (BRA_HISTORY_TOKENS' minimum)")
    logging.getLogger().setLevel(logging.WARNING)
    started = start_local_run(args.deadline)
    if started is None:
        return 1
    deadline, redis_url = started

    exchanges = conversation(args.turns, args.seed)
    summary_texts = summaries(args.turns, args.seed)
    user_tokens = [estimate_tokens(e.user) for e in exchanges]
    reply_tokens = [estimate_tokens(e.reply) for e in exchanges]
    plans = [(f"configured, cap {cap:,}", False, cap) for cap in caps]
    plans.append(("baseline: full history", True, BASELINE_CAP))
    runs: list[Run] = []
    with LocalBedrock(config=LocalConfig()) as local:
        catalog = local.state.catalog
        for thread, (label, baseline, cap) in enumerate(plans, start=1):
            runs.append(
                run_conversation(
                    label,
                    baseline=baseline,
                    cap=cap,
                    thread=thread,
                    exchanges=exchanges,
                    summary_texts=summary_texts,
                    local=local,
                    redis_url=redis_url,
                    deadline=deadline,
                )
            )
    prepare_redis(redis_url)

    price = call_cost(catalog, CHAT_MODEL, REGION, Usage(input_tokens=1000, output_tokens=0)).usd
    print(
        f"{args.turns}-turn conversation (seed {args.seed}) with {CHAT_MODEL} in {REGION}: user messages "
        f"{min(user_tokens)}-{max(user_tokens)} tokens (total {sum(user_tokens):,}), replies "
        f"{min(reply_tokens)}-{max(reply_tokens)} (total {sum(reply_tokens):,}); input ${price}/1K tokens"
    )
    print_table(runs)
    base = runs[-1]
    for run in runs:
        print_run(catalog, run, None if run is base else base)
    if deadline.passed:
        print(f"deadline of {deadline.seconds:.0f} s passed: runs cut short are not comparable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
