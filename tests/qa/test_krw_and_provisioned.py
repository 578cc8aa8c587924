"""Answers in 원 at a configured rate (or a note that none is set), and on-demand vs Provisioned Throughput."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.errors import ConfigError
from bot.qa.engine import Engine
from bot.qa.krw import ExchangeRate, won
from bot.render_text import render
from bot.settings import Settings

RATE = ExchangeRate(Decimal("1385.20"), date(2026, 12, 1))


@pytest.fixture(scope="module")
def plain() -> Engine:
    return Engine.load()


@pytest.fixture(scope="module")
def with_rate() -> Engine:
    return Engine.load(krw=RATE)


@pytest.fixture(scope="module")
def korean_default() -> Engine:
    return Engine.load(krw=ExchangeRate(RATE.krw_per_usd, RATE.as_of, default_korean=True))


def test_asked_in_korean_every_amount_gets_won_and_the_rate_is_said(with_rate: Engine) -> None:
    text = render(with_rate.ask("노바 프로 입력 200만 출력 50만 원화로"))
    assert "$1.60 (₩2,216)" in text and "$3.20 (₩4,433)" in text  # 1.60 × 1,385.20 = 2,216.32
    assert "1,385.20원(2026-12-01 기준)" in text and "AWS 청구는 USD" in text


def test_asked_in_english(with_rate: Engine) -> None:
    text = render(with_rate.ask("Nova Micro price in KRW"))
    assert "$0.035 (₩48.5)" in text and "$0.14 (₩194)" in text
    assert "1,385.20 KRW per USD (as of 2026-12-01)" in text


def test_not_asked_means_usd_only(with_rate: Engine) -> None:
    text = render(with_rate.ask("노바 프로 가격"))
    assert "₩" not in text and "원화" not in text


def test_korean_by_default_when_configured(korean_default: Engine) -> None:
    assert "(₩1,108)" in render(korean_default.ask("노바 프로 가격"))
    assert "₩" not in render(korean_default.ask("Nova Pro price")), "English answers stay in USD"


def test_without_a_rate_the_answer_says_so(plain: Engine) -> None:
    ko = render(plain.ask("노바 프로 원화로 얼마야"))
    assert "환율이 설정되어 있지 않아" in ko and "BRA_KRW_PER_USD" in ko and "₩" not in ko
    en = render(plain.ask("Nova Pro price in KRW"))
    assert "No KRW exchange rate is configured" in en


@pytest.mark.parametrize(
    ("usd", "expected"),
    [("1", "₩1,385"), ("0.035", "₩48.5"), ("0.00875", "₩12.1"), ("0.0001", "₩0.139"), ("74400", "₩103,058,880")],
)
def test_won_formatting(usd: str, expected: str) -> None:
    assert won(Decimal(usd), RATE.krw_per_usd) == expected


def test_rate_and_date_are_set_together(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BRA_KRW_PER_USD", "BRA_KRW_RATE_AS_OF", "BRA_KRW_DEFAULT_KOREAN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRA_KRW_PER_USD", "1385.20")
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    assert "BRA_KRW_RATE_AS_OF" in "\n".join(caught.value.problems)
    monkeypatch.setenv("BRA_KRW_RATE_AS_OF", "2026-12-01")
    assert Settings.load().assistant.krw_per_usd == Decimal("1385.20")


@pytest.mark.parametrize(
    ("question", "must"),
    [
        (
            "Claude Instant on-demand vs provisioned throughput",
            ["blended 3:1 $1.20/1M", "$32,120.00 a month", "26.77 billion tokens", "611,111 a minute",
             "6-month term: $22.00/hour", "13.38 billion", "Break-even", "no model unit's throughput"],
        ),
        (
            "클로드 인스턴트 프로비저닝이 온디맨드보다 유리한 시점은?",
            ["혼합 $1.20/1M", "월 $32,120.00", "267.7억 토큰", "손익분기", "처리량"],
        ),
        (
            "Llama 2 Chat 13B provisioned throughput vs on-demand break-even",
            ["$0.8125/1M", "$21.18/hour", "$15,461.40 a month", "19.03 billion"],
        ),
        ("라마 2 13B 프로비저닝 vs 온디맨드", ["$15,461.40", "190.3억"]),
        ("Nova Pro on-demand vs provisioned throughput", ["no Provisioned Throughput price for Amazon Nova Pro"]),
        ("노바 프로 온디맨드 vs 프로비저닝", ["프로비저닝 가격", "손익분기를 계산할 수 없습니다"]),
    ],
)
def test_on_demand_vs_provisioned_shows_both_and_the_break_even(plain: Engine, question: str, must: list[str]) -> None:
    answer = plain.ask(question)
    text = render(answer)
    assert answer.intent == "price", text
    missing = [m for m in must if m not in text]
    assert not missing, f"missing {missing}\n{text}"


def test_a_plain_provisioned_price_question_has_no_break_even(plain: Engine) -> None:
    assert "Break-even" not in render(plain.ask("Claude Instant provisioned price"))
