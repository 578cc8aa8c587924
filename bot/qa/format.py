"""Number formatting shared by every answer: money, token counts, context sizes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def usd(value: Decimal) -> str:
    """$27,379.20 for amounts ≥ $1 (up to 4 decimals below $1,000: $1.664); below $1 every significant digit,
    at least two decimals ($0.035)."""
    if value >= 1:
        cents = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
        if cents != value and value < 1000:  # keep sub-cent digits of small totals: $1.664, not $1.66
            return f"${value.quantize(Decimal('0.0001'), ROUND_HALF_UP).normalize():,f}"
        return f"${cents:,}"
    if value == 0:
        return "$0.00"
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".00"
    whole, frac = text.split(".")
    frac = frac[:8].rstrip("0")
    return f"${whole}.{frac.ljust(2, '0')}"


def tokens(n: int, lang: str) -> str:
    """Token counts the way people say them: 2,000,000 (200만) / 2,000,000 (2M)."""
    if lang == "ko":
        if n >= 100_000_000 and n % 10_000_000 == 0:
            return f"{n:,} ({_trim(n / 100_000_000)}억)"
        if n >= 10_000 and n % 1_000 == 0:
            return f"{n:,} ({_trim(n / 10_000)}만)"
        return f"{n:,}"
    if n >= 1_000_000 and n % 10_000 == 0:
        return f"{n:,} ({_trim(n / 1_000_000)}M)"
    if n >= 1_000 and n % 100 == 0:
        return f"{n:,} ({_trim(n / 1_000)}K)"
    return f"{n:,}"


def context(n: int | None) -> str:
    if n is None:
        return "-"
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0 or n >= 10_000:
        return f"{_trim(n / 1000)}K"
    return f"{n:,}"


def _trim(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def spend(value: Decimal) -> str:
    """An estimated spend, rounded for reading: cents from $1 ($12.35), up to four decimals below ($0.0123,
    $0.18)."""
    step = Decimal("0.01") if abs(value) >= 1 else Decimal("0.0001")
    rounded = value.quantize(step, ROUND_HALF_UP)
    if rounded == 0 and value != 0:
        return "<$0.0001" if value > 0 else ">-$0.0001"
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,}"
    if step < Decimal("0.01"):
        text = text.rstrip("0").ljust(len(text.split(".")[0]) + 3, "0")
    return f"{sign}${text}"


def count(n: int) -> str:
    """A large count, short: 950, 12.3K, 4.5M."""
    if n >= 1_000_000:
        return f"{_trim(n / 1_000_000)}M"
    if n >= 10_000:
        return f"{_trim(n / 1_000)}K"
    return f"{n:,}"


def plural(n: int, word: str) -> str:
    """ "1 request", "2 requests" (English only; Korean counts need no plural)."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
