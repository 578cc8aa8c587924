"""Quantities in Korean and English — 100만, 2.5M, 천만, 10 million, 1,000,000, 5천, 1.5억, 2k — and
the role each plays in a workload (input, output, cache read/write, requests per day, days, images)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_KO_DIGIT = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_KO_SMALL = {"십": 10, "백": 100, "천": 1000}
_KO_BIG = {"만": 10_000, "억": 100_000_000}
_EN_SUFFIX = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_KO_UNITS = r"(?:[십백천]?\s?[만억]|[십백천](?![가-힣]))+"
_QUANTITY = re.compile(
    rf"(?P<num>{_NUM})\s?(?:(?P<ko>{_KO_UNITS})|(?P<en>thousand|million|billion|mil|bn|[kmb])(?![a-z]))?"
    rf"|(?<![가-힣])(?P<word>[일이삼사오육칠팔구]?[십백천]?[만억]|[일이삼사오육칠팔구]?[십백천]만|천|백)(?=\s?(?:토큰|개|건|번|회|장|tokens?|$|[^가-힣]))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    start: int
    end: int
    text: str


def _korean_multiplier(units: str) -> Decimal:
    """'백만' → 1,000,000; '천만' → 10,000,000; '만' → 10,000; '억' → 10^8; '천' → 1,000."""
    total, small = Decimal(0), Decimal(0)
    for ch in units.replace(" ", ""):
        if ch in _KO_SMALL:
            small = (small or Decimal(1)) * _KO_SMALL[ch]
        elif ch in _KO_BIG:
            total += (small or Decimal(1)) * _KO_BIG[ch]
            small = Decimal(0)
    return total + small


def _korean_word(word: str) -> Decimal:
    head = Decimal(_KO_DIGIT.get(word[0], 1))
    rest = word[1:] if word[0] in _KO_DIGIT else word
    return head * _korean_multiplier(rest)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, as exact decimals."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        if m.group("word"):
            value = _korean_word(m.group("word"))
        else:
            value = Decimal(m.group("num").replace(",", ""))
            if m.group("ko"):
                value *= _korean_multiplier(m.group("ko"))
            elif m.group("en"):
                value *= _EN_SUFFIX[m.group("en").lower()]
        found.append(Quantity(value, m.start(), m.end(), m.group(0).strip()))
    return found


ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "cache_read": ("캐시 읽기", "캐시읽기", "캐시 히트", "캐시된", "cache read", "cache-read", "cached", "cache hit"),
    "cache_write": ("캐시 쓰기", "캐시쓰기", "캐시 저장", "cache write", "cache-write", "cache creation"),
    "input": ("입력", "인풋", "프롬프트", "input", "prompt"),
    "output": ("출력", "아웃풋", "응답", "생성", "output", "completion"),
    "requests": ("건", "회", "번", "요청", "호출", "requests", "request", "calls", "call", "queries", "times"),
    "images": ("장", "images", "image", "이미지"),
    "seconds": ("초", "seconds", "second", "sec"),
    "days": ("일간", "일 동안", "days", "day"),
}
PER_DAY = ("하루", "일일", "매일", "일 평균", "per day", "a day", "daily", "/day", "each day")
PER_MONTH = ("한 달", "한달", "매달", "월간", "월 ", "per month", "a month", "monthly", "/month")


@dataclass(frozen=True)
class RoledQuantity:
    role: str | None
    value: Decimal
    start: int


def assign_roles(text: str, quantities: list[Quantity]) -> list[RoledQuantity]:
    """Give each quantity the role word that sits right next to it: a suffix unit (200만 건, 2M input)
    or the nearest role word before it in the same clause (입력 200만, input 2M)."""
    low = text.lower()
    windows = []
    for i, q in enumerate(quantities):
        prev_end = quantities[i - 1].end if i else 0
        windows.append((low[max(prev_end, q.start - 16) : q.start], low[q.end : q.end + 14]))
    # A sentence names roles either before its numbers ("입력 200만, 출력 50만", "input 2M") or after
    # them ("2M input and 500k output"): the first number that has a role word decides which.
    prefix_style = True
    for before, after in windows:
        if _suffix_role(after):
            continue
        if _nearest_before(before) or _loose_after(after):
            prefix_style = _nearest_before(before) is not None
            break
    out: list[RoledQuantity] = []
    for q, (before, after) in zip(quantities, windows, strict=True):
        role = _suffix_role(after)
        if role is None:
            first, second = (_nearest_before, _loose_after) if prefix_style else (_loose_after, _nearest_before)
            role = first(before if first is _nearest_before else after) or second(
                before if second is _nearest_before else after
            )
        out.append(RoledQuantity(role, q.value, q.start))
    return out


def _suffix_role(after: str) -> str | None:
    after = after.lstrip()
    for role in ("requests", "images", "seconds", "days"):
        for word in ROLE_WORDS[role]:
            if after.startswith(word) and not after.startswith(("회사", "번역", "장점", "초과", "일본")):
                return role
    return None


def _nearest_before(before: str) -> str | None:
    best: tuple[int, str] | None = None
    for role in ("cache_read", "cache_write", "input", "output"):
        for word in ROLE_WORDS[role]:
            pos = before.rfind(word)
            if pos >= 0 and (best is None or pos > best[0]):
                best = (pos, role)
    return best[1] if best else None


def _loose_after(after: str) -> str | None:
    """English puts the role after the number: "2M input tokens", "500k output"."""
    words = after.replace("tokens", " ").replace("토큰", " ").split()
    head = " ".join(words[:2])
    for role in ("cache_read", "cache_write", "input", "output"):
        if any(head.startswith(w.strip()) for w in ROLE_WORDS[role]):
            return role
    return None
