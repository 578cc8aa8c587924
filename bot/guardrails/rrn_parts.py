"""A registration number given in two parts: "앞자리 900101, 뒷자리 1234568", "주민번호 앞 6자리는 900101이고
뒷 7자리는 1234568입니다", "first 6 digits 900101 / last 7 digits 1234568", also across a line break.

A part is found only with its label: a front label ("앞자리", "앞 6자리", "앞번호", "first 6 digits", "front part")
then, at most `LABEL_GAP` characters on, a six-digit birth date; then, at most `PART_GAP` characters on and with no
other digit in between, a back label ("뒷자리", "뒤 7자리", "last 7 digits", "back part", "second half") and, at most
`LABEL_GAP` on, seven digits. The 13 digits are then judged as one number, like "900101-1234568": a real month/day,
the 7th digit telling a resident (1-4, 9, 0) from a foreigner (5-8), and the check digit. Numbers issued since
October 2020 have no check digit, so a failing one still counts — the two labels around a birth date are the
registration number's own shape — unless the text names another identifier just before (카드, 계좌, 전화, 주문 ...,
"card", "account", "order"). Both parts are reported (and so masked), each as its own finding; the words between
them stay.
"""

from __future__ import annotations

import re
from functools import cache

from bot.guardrails.checksums import birth_date_ok, registration_check_ok
from bot.guardrails.context import context_before
from bot.guardrails.findings import Finding

LABEL_GAP = 12  # label -> digits: "앞 6자리는 " / "first 6 digits are: "
PART_GAP = 30  # front digits -> back label: ", ", "이고\n", " and the "
OTHER_IDS = ("카드", "계좌", "전화", "휴대폰", "핸드폰", "연락처", "사업자", "주문", "송장", "운송장", "card",
             "account", "phone", "order", "invoice", "tracking")  # fmt: skip
_BOUND_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9A-Za-z]-)"
_BOUND_AFTER = r"(?![0-9A-Za-z])(?!-[0-9A-Za-z])(?![.,][0-9])"


class _Patterns:
    __slots__ = ("back", "back_digits", "front", "front_digits")

    def __init__(self) -> None:
        self.front = re.compile(
            r"앞\s*(?:6\s*|여섯\s*)?(?:자리|번호|부분|숫자)|(?<![a-z])(?:first|front)\s+(?:(?:6|six)\s+)?"
            r"(?:digits|numbers|part|half)(?![a-z])|(?<![a-z])(?:first|front)\s+(?:6|six)(?![a-z])",
            re.IGNORECASE,
        )
        self.back = re.compile(
            r"(?:뒷|뒤)\s*(?:7\s*|일곱\s*)?(?:자리|번호|부분|숫자)|(?<![a-z])(?:last|back|rear|second)\s+"
            r"(?:(?:7|seven)\s+)?(?:digits|numbers|part|half)(?![a-z])|(?<![a-z])(?:last|back)\s+(?:7|seven)(?![a-z])",
            re.IGNORECASE,
        )
        self.front_digits = re.compile(_BOUND_BEFORE + r"\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])" + _BOUND_AFTER)
        self.back_digits = re.compile(_BOUND_BEFORE + r"\d{7}" + _BOUND_AFTER)


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def has_labels(lowered: str) -> bool:
    """Cheap prefilter on the lower-cased text: a front label is possible."""
    return "앞" in lowered or "first" in lowered or "front" in lowered


def split_registrations(text: str, kinds: frozenset[str]) -> list[Finding]:
    """Both parts of every two-part registration number in `text` whose kind ("rrn" / "frn") is in `kinds`."""
    p = _patterns()
    out: list[Finding] = []
    for label in p.front.finditer(text):
        front = _digits_after(p.front_digits, text, label.end())
        if front is None or not birth_date_ok(int(front[1]), int(front[2])):
            continue
        back_label = p.back.search(text, front.end(), front.end() + PART_GAP)
        if back_label is None or _has_digit(text, front.end(), back_label.start()):
            continue
        back = _digits_after(p.back_digits, text, back_label.end())
        if back is None:
            continue
        digits = front[0] + back[0]
        kind = "frn" if digits[6] in "5678" else "rrn"
        if kind in kinds and (
            registration_check_ok(digits, kind == "frn") or not context_before(OTHER_IDS, text, label.start())
        ):
            out += [Finding(kind, front.start(), front.end()), Finding(kind, back.start(), back.end())]
    return out


def _digits_after(pattern: re.Pattern[str], text: str, at: int) -> re.Match[str] | None:
    """The first match of `pattern` at most LABEL_GAP characters after `at`, with no digit before it."""
    m = pattern.search(text, at, at + LABEL_GAP + 13)
    return m if m is not None and m.start() - at <= LABEL_GAP and not _has_digit(text, at, m.start()) else None


def _has_digit(text: str, start: int, end: int) -> bool:
    return any("0" <= c <= "9" for c in text[start:end])
