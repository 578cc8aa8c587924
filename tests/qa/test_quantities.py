"""Quantities in Korean and English, and the role each plays in a workload."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.catalog.lookup import normalize
from bot.qa.quantities import assign_roles, find_quantities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100만", 1_000_000),
        ("200만", 2_000_000),
        ("1M", 1_000_000),
        ("2.5M", 2_500_000),
        ("천만", 10_000_000),
        ("10 million", 10_000_000),
        ("1,000,000", 1_000_000),
        ("5천", 5_000),
        ("1.5억", 150_000_000),
        ("2k", 2_000),
        ("500K", 500_000),
        ("백만", 1_000_000),
        ("3천만", 30_000_000),
        ("1억", 100_000_000),
        ("2 thousand", 2_000),
        ("1.2m", 1_200_000),
        ("50만", 500_000),
        ("2백만", 2_000_000),
    ],
)
def test_single_quantity(text: str, value: int) -> None:
    found = find_quantities(normalize(text))
    assert [q.value for q in found] == [Decimal(value)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("입력 200만·출력 50만 토큰", [("input", 2_000_000), ("output", 500_000)]),
        ("2M input and 500k output tokens", [("input", 2_000_000), ("output", 500_000)]),
        ("200만 입력 토큰과 50만 출력 토큰", [("input", 2_000_000), ("output", 500_000)]),
        ("요청당 입력 2천 토큰, 출력 500 토큰, 하루 1만 건", [("input", 2000), ("output", 500), ("requests", 10_000)]),
        (
            "input 3m output 1.2m, 20000 requests per day",
            [("input", 3_000_000), ("output", 1_200_000), ("requests", 20_000)],
        ),
        ("입력 100만, 캐시 읽기 80만, 출력 20만", [("input", 1_000_000), ("cache_read", 800_000), ("output", 200_000)]),
        ("이미지 1000장", [("images", 1000)]),
    ],
)
def test_roles(text: str, expected: list[tuple[str, int]]) -> None:
    norm = normalize(text)
    roled = assign_roles(norm, find_quantities(norm))
    assert [(r.role, int(r.value)) for r in roled] == expected


def test_words_that_are_not_numbers_are_ignored() -> None:
    assert find_quantities(normalize("천천히 설명해줘")) == []
    assert find_quantities(normalize("백엔드 모델 추천")) == []
