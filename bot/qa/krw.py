"""Answers in 원: USD amounts shown with their KRW conversion at a configured rate, or a note that none is set.

One mechanism for every answer: `in_krw` rewrites each dollar amount an answer shows ("$0.80", "$74,400.00") as
"$0.80 (₩1,108)" in its lines, table and notes, and adds a note with the rate, its date and that AWS bills in USD.
Korean questions get 원 when they ask ("원화로", "원으로", "KRW") or, with `default_korean`, always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.qa.answer import Answer, Table
from bot.qa.parse import Query
from bot.qa.text import has_any

ASK_WORDS = ("원화", "원으로", "원 단위", "한국 돈", "krw", "in won", "korean won", "₩")
_DOLLARS = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)")


@dataclass(frozen=True)
class ExchangeRate:
    """KRW per USD on a date, as the operator configured it (BRA_KRW_PER_USD, BRA_KRW_RATE_AS_OF)."""

    krw_per_usd: Decimal
    as_of: date
    default_korean: bool = False


def wants_krw(q: Query, rate: ExchangeRate | None) -> bool:
    return has_any(q.norm, ASK_WORDS) or (rate is not None and rate.default_korean and q.lang == "ko")


def won(usd: Decimal, rate: Decimal) -> str:
    """₩1,108 for amounts of ₩100 and more; ₩48.5 / ₩0.121 (three significant digits) below."""
    value = usd * rate
    if value >= 100:
        return f"₩{value.quantize(Decimal(1), ROUND_HALF_UP):,}"
    if value == 0:
        return "₩0"
    digits = max(0, 2 - value.adjusted())
    return f"₩{value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP).normalize():f}"


def in_krw(answer: Answer, rate: ExchangeRate | None) -> Answer:
    """`answer` with 원 next to every dollar amount, or with a note that no rate is configured."""
    if rate is None:
        return replace(answer, notes=(*answer.notes, _no_rate(answer.lang)))

    def convert(text: str) -> str:
        return _DOLLARS.sub(lambda m: f"{m.group(0)} ({_won_of(m.group(1), rate)})", text)

    table = answer.table
    if table is not None:
        table = Table(table.columns, tuple(tuple(convert(cell) for cell in row) for row in table.rows))
    shown = f"{rate.krw_per_usd:,}"
    day = rate.as_of.isoformat()
    note = (
        f"원화는 설정된 환율 1달러 = {shown}원({day} 기준)으로 환산한 값입니다. AWS 청구는 USD입니다."
        if answer.lang == "ko"
        else f"₩ at the configured rate of {shown} KRW per USD (as of {day}); AWS bills in USD."
    )
    return replace(
        answer,
        lines=tuple(convert(line) for line in answer.lines),
        table=table,
        notes=(*(convert(n) for n in answer.notes), note),
        facts={k: convert(v) for k, v in answer.facts.items()},
    )


def _won_of(amount: str, rate: ExchangeRate) -> str:
    return won(Decimal(amount.replace(",", "")), rate.krw_per_usd)


def _no_rate(lang: str) -> str:
    if lang == "ko":
        return (
            "원화 환율이 설정되어 있지 않아 USD로만 답합니다 "
            "(운영자가 BRA_KRW_PER_USD와 BRA_KRW_RATE_AS_OF를 설정하면 원화로 보여 줍니다)."
        )
    return (
        "No KRW exchange rate is configured, so amounts are in USD only "
        "(an operator sets BRA_KRW_PER_USD and BRA_KRW_RATE_AS_OF)."
    )
