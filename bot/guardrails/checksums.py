"""Check digits for the PII recognizers (`bot.guardrails.pii`).

A regex alone flags every 13-digit number shaped like a birth date; the check digit is what tells a resident
registration number from an order number, and Luhn is what tells a card number from any other 16 digits. These are
the pure-integer halves of those decisions, kept apart so they can be tested on their own.
"""

from __future__ import annotations

_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February 29 is fine for some year


def registration_check_ok(digits: str, foreigner: bool) -> bool:
    """The 13th digit of a Korean resident (RRN) or foreigner (FRN) registration number, as issued before
    October 2020: weights 2..9,2..5 over the first 12 digits, then (11 - sum % 11) % 10 for an RRN and
    (13 - sum % 11) % 10 for an FRN. `digits` is exactly 13 ASCII digits."""
    total = sum(int(d) * w for d, w in zip(digits, _RRN_WEIGHTS, strict=False))
    return ((13 if foreigner else 11) - total % 11) % 10 == int(digits[12])


def birth_date_ok(month: int, day: int) -> bool:
    """A month/day pair that exists in some year (the century is not known from YYMMDD alone)."""
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month]


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment card numbers. `digits` is ASCII digits only."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
