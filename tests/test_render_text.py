"""Text rendering and number formatting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.qa.answer import Answer, SourceRef, Table
from bot.qa.format import context, tokens, usd
from bot.render_text import render, width


def test_usd_keeps_every_significant_digit_below_a_dollar() -> None:
    assert usd(Decimal("0.035")) == "$0.035"
    assert usd(Decimal("0.00875")) == "$0.00875"
    assert usd(Decimal("3")) == "$3.00"
    assert usd(Decimal("27379.2")) == "$27,379.20"
    assert usd(Decimal("0")) == "$0.00"


def test_token_and_context_formats() -> None:
    assert tokens(2_000_000, "ko") == "2,000,000 (200만)"
    assert tokens(2_500_000, "en") == "2,500,000 (2.5M)"
    assert context(128_000) == "128K" and context(None) == "-"


def test_table_columns_align_with_hangul() -> None:
    answer = Answer(
        intent="price",
        lang="ko",
        title="제목",
        table=Table(("리전", "입력"), (("서울", "$1"), ("us-east-1", "$2"))),
        notes=("참고",),
        sources=(SourceRef("s", "요금 페이지", None, date(2025, 3, 6)),),
    )
    lines = render(answer).splitlines()
    header, _rule, first, second = lines[2:6]
    assert width(header.split("입력")[0]) == width(first.split("$1")[0]) == width(second.split("$2")[0])
    assert "출처: 요금 페이지 (기준일 2025-03-06)" in lines[-1]
