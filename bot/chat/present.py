"""The words every front end shows around a model's answer: the footer (model, tokens, latency, cost), the
interruption mark and the error line. Slack blocks and console text both use these, so they say the same."""

from __future__ import annotations

from bot.chat.types import ChatResult, Cost, Usage
from bot.qa.answers.common import L
from bot.qa.format import usd


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
    if usage.cache_read_tokens or usage.cache_write_tokens:
        base += L(
            lang,
            f" (캐시 읽기 {usage.cache_read_tokens:,} · 쓰기 {usage.cache_write_tokens:,})",
            f" (cache read {usage.cache_read_tokens:,} · write {usage.cache_write_tokens:,})",
        )
    if usage.estimated:
        base += L(lang, " (추정)", " (estimated)")
    return base


def cost_text(cost: Cost, lang: str) -> str:
    """ "≈ $0.00042 (us-east-1, on-demand, prices as of 2025-06-01)" or why there is no figure."""
    if cost.usd is None:
        return L(lang, f"비용: 카탈로그에 {cost.region} 가격 없음", f"cost: no catalog price for {cost.region}")
    as_of = f", {L(lang, '가격 기준일', 'prices as of')} {cost.as_of.isoformat()}" if cost.as_of else ""
    mode = L(lang, "온디맨드", "on-demand") if cost.mode == "on_demand" else cost.mode
    return f"≈ {usd(cost.usd)} ({cost.region}, {mode}{as_of})"


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
