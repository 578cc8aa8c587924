"""On-demand or Provisioned Throughput: both prices and the monthly volume at which they cost the same.

Provisioned Throughput is billed per model unit and hour; on-demand per token. The break-even volume is the
number of tokens (at the usual 3 input : 1 output blend) whose on-demand cost equals one model unit for a month of
`HOURS_PER_MONTH` hours. Above it a model unit is cheaper — if one unit can serve that much: the catalog has no
model unit's throughput, and the answer says so instead of guessing one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.catalog import pricing
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.qa.answers.common import TERM_LABEL, Ctx, L, label
from bot.qa.format import usd
from bot.qa.parse import Query
from bot.qa.text import has_any

HOURS_PER_MONTH = 730  # AWS's monthly hours (8,760 / 12)
_VERSUS = ("온디맨드", "on-demand", "on demand", "ondemand", "vs", "비교", "손익분기", "break-even", "break even",
           "유리", "worth", "cheaper", "더 싸", "어느 쪽", "which")


def asks_break_even(q: Query) -> bool:
    """A question about Provisioned Throughput against on-demand ("PT vs on-demand", "프로비저닝이 유리한 시점")."""
    return q.mode is Mode.provisioned and has_any(q.norm, _VERSUS)


def break_even_lines(ctx: Ctx, q: Query, model: Model, region: str, used: list[PriceEntry]) -> list[str]:
    """Both prices in `region` and, per commitment term, the monthly volume where they meet."""
    lang = q.lang
    terms = pricing.provisioned(model, region)
    token = pricing.token_price(model, Mode.on_demand, region)
    blended = pricing.blended_per_million(token) if token is not None else None
    where = ctx.catalog.region_name(region, lang)
    if not terms or token is None or blended is None:
        missing = L(lang, "프로비저닝 가격", "Provisioned Throughput price") if not terms else L(
            lang, "온디맨드 토큰 가격", "on-demand token price"
        )
        return [
            L(
                lang,
                f"{where}에는 {model.name}의 {missing}이(가) 카탈로그에 없어 손익분기를 계산할 수 없습니다.",
                f"The catalog has no {missing} for {model.name} in {where}, so there is no break-even to compute.",
            )
        ]
    used.extend([token, *terms.values()])
    lines = [
        L(
            lang,
            f"온디맨드 vs 프로비저닝 ({where}, 모델 단위 1개, 월 {HOURS_PER_MONTH}시간): 온디맨드 입력:출력 3:1 혼합 {usd(blended)}/1M",
            f"On-demand vs Provisioned Throughput ({where}, 1 model unit, {HOURS_PER_MONTH} hours a month): on-demand blended 3:1 {usd(blended)}/1M",
        )
    ]
    for term, entry in terms.items():
        if entry.price is None:
            continue
        month = entry.price * HOURS_PER_MONTH
        volume = (month / blended * Decimal(1_000_000)).quantize(Decimal(1), ROUND_HALF_UP)
        per_minute = (volume / (HOURS_PER_MONTH * 60)).quantize(Decimal(1), ROUND_HALF_UP)
        lines.append(
            L(
                lang,
                f"• {label(TERM_LABEL, term, lang)}: {usd(entry.price)}/시간 → 월 {usd(month)} = 온디맨드로 월 {_volume(volume, lang)} 토큰 (분당 약 {per_minute:,}) 분량",
                f"• {label(TERM_LABEL, term, lang)}: {usd(entry.price)}/hour → {usd(month)} a month = {_volume(volume, lang)} tokens a month on-demand (about {per_minute:,} a minute)",
            )
        )
    lines.append(
        L(
            lang,
            "손익분기: 월 사용량이 이보다 적으면 온디맨드가, 많으면 프로비저닝이 저렴합니다 — 모델 단위 하나가 그만큼 처리할 수 있을 때만. 카탈로그에는 모델 단위의 처리량(분당 토큰)이 없으니 약정 전에 AWS에 확인하세요.",
            "Break-even: below these monthly volumes on-demand is cheaper, above them Provisioned Throughput — only if one model unit can serve that much. The catalog has no model unit's throughput (tokens a minute): ask AWS before committing.",
        )
    )
    return lines


def _volume(tokens: Decimal, lang: str) -> str:
    if lang == "ko":
        return f"{tokens / 100_000_000:,.1f}억" if tokens >= 100_000_000 else f"{tokens / 10_000:,.0f}만"
    return f"{tokens / 1_000_000_000:,.2f} billion" if tokens >= 1_000_000_000 else f"{tokens / 1_000_000:,.1f} million"
