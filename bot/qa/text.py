"""Small text helpers for reading questions: language detection and keyword matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str, default: str = "ko") -> str:
    """'ko' when Hangul makes up a fair share of the letters, 'en' for Latin-only text, else `default`."""
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul == 0 and latin == 0:
        return default
    return "ko" if hangul > 0 and hangul * 6 >= latin else "en"


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    body = re.escape(word.strip())
    start = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", word) else ""
    end = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", word.strip()) else ""
    return re.compile(f"{start}{body}{end}")


def contains(norm: str, word: str) -> bool:
    """`word` occurs in normalised text; Latin words only as whole words ("rate" is not in "accurate")."""
    return _word_pattern(word).search(norm) is not None


def find_word(norm: str, word: str) -> int:
    m = _word_pattern(word).search(norm)
    return -1 if m is None else m.start()


def has_any(norm: str, words: Iterable[str]) -> bool:
    return any(contains(norm, w) for w in words)


def first_of(norm: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Keys of `table` whose words occur in the text, in the order they first appear."""
    hits = []
    for key, words in table.items():
        positions = [p for p in (find_word(norm, w) for w in words) if p >= 0]
        if positions:
            hits.append((min(positions), key))
    return [key for _, key in sorted(hits)]
