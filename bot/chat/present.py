"""The words every front end shows around a model's answer: the footer (model, tokens, latency, cost), the
interruption mark and the error line, why an answer stopped early, and what a turn is waiting for. Slack blocks
and console text both use these, so they say the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.catalog.dimensions import profile_prefix
from bot.chat.types import ChatResult, Cost, Usage
from bot.qa.answers.common import L
from bot.qa.format import usd

if TYPE_CHECKING:  # the catalog-only path renders with this module and must not import boto3 / LangChain
    from bot.chat.reliability import Progress


def seconds(ms: float | None, lang: str) -> str:
    if ms is None:
        return "-"
    value = f"{ms / 1000:.1f}"
    return f"{value}초" if lang == "ko" else f"{value} s"


def tokens_line(usage: Usage, lang: str) -> str:
    """ "in 1,234 · out 56 tokens (cache read 1,000 · cache write 0)"."""
    base = L(
        lang,
        f"입력 {usage.input_tokens:,} · 출력 {usage.output_tokens:,} 토큰",
        f"in {usage.input_tokens:,} · out {usage.output_tokens:,} tokens",
    )
    if usage.cache_read_tokens or usage.cache_write_tokens or usage.cache_write_1h_tokens:
        base += L(
            lang,
            f" (캐시 읽기 {usage.cache_read_tokens:,} · 쓰기 {usage.cache_write_tokens:,}",
            f" (cache read {usage.cache_read_tokens:,} · write {usage.cache_write_tokens:,}",
        )
        if usage.cache_write_1h_tokens:
            hour = usage.cache_write_1h_tokens
            base += L(lang, f" · 1시간 쓰기 {hour:,}", f" · 1 h write {hour:,}")
        base += ")"
    if usage.estimated:
        base += L(lang, " (추정)", " (estimated)")
    return base


PART_WORDS = {
    "input": ("입력", "input"),
    "output": ("출력", "output"),
    "cache_read": ("캐시 읽기", "cache read"),
    "cache_write": ("캐시 쓰기(5분)", "cache write (5 min)"),
    "cache_write_1h": ("캐시 쓰기(1시간)", "cache write (1 h)"),
}
TIERS = {  # a service tier in Korean and English, for lists (the footer names only the non-standard ones)
    "standard": ("표준", "standard"),
    "flex": ("Flex", "Flex"),
    "priority": ("Priority", "Priority"),
    "reserved": ("예약", "reserved"),
}


def route_words(place: str, prefix: str | None, lang: str) -> str:
    """ "서울 → apac 프로필" / "Seoul → apac profile" for a profile, "서울 리전 내" / "in-Region (Seoul)" for the id."""
    if prefix is None:
        return L(lang, f"{place} 리전 내", f"in-Region ({place})")
    return L(lang, f"{place} → {prefix} 프로필", f"{place} → {prefix} profile")


def cost_text(cost: Cost, lang: str) -> str:
    """What the call cost and on which basis: "≈ $0.00042 (서울 → apac 프로필 · Flex · 온디맨드 · 가격 기준일 …)",
    with any part the catalog has no price for named as left out; or why there is no figure."""
    place = (cost.places[0] if lang == "ko" else cost.places[1]) or cost.region
    prefix = profile_prefix(cost.profile) if cost.profile else None
    where = route_words(place, prefix, lang)
    tier = L(lang, *TIERS[cost.tier]) if cost.tier in TIERS and cost.tier != "standard" else None
    if cost.usd is None:
        if cost.reason == "tier" and tier:
            return L(lang, f"비용: 카탈로그에 {where} {tier} 가격 없음", f"cost: no catalog {tier} price for {where}")
        if cost.reason == "route":
            return L(lang, f"비용: 카탈로그에 {where} 가격 없음", f"cost: no catalog price for {where}")
        named = f"{place} ({cost.region})" if place != cost.region else cost.region
        return L(lang, f"비용: 카탈로그에 {named} 가격 없음", f"cost: no catalog price for {named}")
    basis = [where, *([tier] if tier else [])]
    if cost.at_source_rate:
        basis.append(L(lang, "소스 리전 요금(교차 리전 추가 요금 없음)", "source-Region rate, no surcharge"))
    if cost.context_above:
        above = f"{cost.context_above // 1000}K"
        basis.append(L(lang, f"{above} 초과 장문 요금", f"long-context rates above {above}"))
    basis.append(L(lang, "온디맨드", "on-demand") if cost.mode == "on_demand" else cost.mode)
    if cost.as_of:
        basis.append(f"{L(lang, '가격 기준일', 'prices as of')} {cost.as_of.isoformat()}")
    text = f"≈ {usd(cost.usd)} ({' · '.join(basis)})"
    if cost.missing:
        parts = ", ".join(PART_WORDS.get(p, (p, p))[0 if lang == "ko" else 1] for p in cost.missing)
        text += L(lang, f" — {parts} 가격 미상, 포함 안 됨", f" — {parts} price unknown, not included")
    return text


def footer(result: ChatResult) -> str:
    """One line under an answer: model · tokens · latency (first token) · estimated cost."""
    lang, usage = result.lang, result.usage
    timing = seconds(usage.latency_ms, lang)
    if usage.ttft_ms is not None:
        timing += L(
            lang, f" (첫 토큰 {seconds(usage.ttft_ms, lang)})", f" (first token {seconds(usage.ttft_ms, lang)})"
        )
    return " · ".join((result.model_name, tokens_line(usage, lang), timing, cost_text(result.cost, lang)))


def interrupted_mark(lang: str) -> str:
    return L(
        lang, "⚠️ 답변이 중간에 끊겼습니다 (여기까지 받은 내용).", "⚠️ The answer was interrupted (shown up to here)."
    )


def stop_notice(stop_reason: str, max_tokens: int, lang: str, deadline_s: float | None = None) -> str | None:
    """Why an answer ended early, when it did: cut at the answer budget (`max_tokens`), at the context window,
    or at the turn's deadline. The stop reason is shown as Bedrock named it, so it can be looked up."""
    if stop_reason == "max_tokens":
        return L(
            lang,
            f"✂️ 답변이 최대 길이({max_tokens:,} 토큰)에 닿아 잘렸습니다 (stop reason: `max_tokens`). "
            "이어서 받으려면 “계속”이라고 답해 주세요.",
            f"✂️ The answer was cut at its length limit ({max_tokens:,} tokens; stop reason: `max_tokens`). "
            "Reply “continue” for the rest.",
        )
    if stop_reason == "model_context_window_exceeded":
        return L(
            lang,
            "✂️ 모델의 컨텍스트 창이 가득 차 답변이 잘렸습니다 (stop reason: `model_context_window_exceeded`). "
            "`/bedrock reset`으로 대화를 새로 시작해 보세요.",
            "✂️ The answer was cut: the model's context window is full (stop reason: "
            "`model_context_window_exceeded`). Start afresh with `/bedrock reset`.",
        )
    if stop_reason == "deadline":
        limit = f"{deadline_s:g}" if deadline_s is not None else "?"
        return L(
            lang,
            f"✂️ 답변이 한 번의 요청에 허용된 시간({limit}초)을 넘어 여기서 끊었습니다 (stop reason: `deadline`).",
            f"✂️ The answer took longer than a request may ({limit} s), so it was cut here (stop reason: `deadline`).",
        )
    return None


def progress_text(progress: Progress, names: Mapping[str, str], lang: str) -> str:
    """The placeholder's line while a turn waits: which model, for how long, retried or replaced."""
    name = names.get(progress.model, progress.model)
    if progress.kind == "fallback":
        before = names.get(progress.previous or "", progress.previous or "?")
        return L(lang, f"{before}이(가) 응답하지 않아 {name}에게 묻는 중…", f"{before} did not answer; asking {name}…")
    if progress.kind == "retrying":
        attempt = progress.attempt
        return L(lang, f"{name} 다시 시도하는 중 ({attempt}번째)…", f"Retrying {name} (attempt {attempt})…")
    waited = f"{progress.waited_s:.0f}"
    return L(lang, f"{name}의 답을 기다리는 중… ({waited}초)", f"Waiting for {name}… ({waited} s)")
