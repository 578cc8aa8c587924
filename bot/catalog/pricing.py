"""Prices and cost estimates from the catalog — the only place where money is computed.

Prices stay in the source's unit (USD per 1K tokens); they are shown per 1M tokens (`per_million`).
An estimate never fills a gap with a guess: a component with no catalog price is reported as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bot.catalog.schema import Mode, Model, PriceEntry, Term, Unit

TOKEN_PARTS = ("input", "output", "cache_read", "cache_write")
THOUSAND = Decimal(1000)


def per_million(per_1k: Decimal) -> Decimal:
    return per_1k * THOUSAND


def entries(model: Model, mode: Mode, region: str | None = None) -> list[PriceEntry]:
    """Price rows of a mode, optionally only those that cover `region`."""
    return [p for p in model.prices if p.mode is mode and (region is None or region in p.regions)]


def token_price(model: Model, mode: Mode, region: str) -> PriceEntry | None:
    """The per-1K-token price row for a mode in a region, if the catalog has one."""
    for entry in entries(model, mode, region):
        if entry.unit is Unit.tokens_1k:
            return entry
    return None


def priced_regions(model: Model, mode: Mode = Mode.on_demand) -> list[str]:
    """Regions with a price in this mode, in the order the data lists them."""
    seen: list[str] = []
    for entry in entries(model, mode):
        seen.extend(r for r in entry.regions if r not in seen)
    return seen


def unit_prices(model: Model, region: str) -> list[PriceEntry]:
    """Non-token on-demand prices (per image, per second of video, per query...) in a region."""
    return [p for p in entries(model, Mode.on_demand, region) if p.unit is not Unit.tokens_1k]


def provisioned(model: Model, region: str) -> dict[Term, PriceEntry]:
    return {p.term: p for p in entries(model, Mode.provisioned, region) if p.term is not None}


def blended_per_million(entry: PriceEntry) -> Decimal | None:
    """Blended price (3 input : 1 output) per 1M tokens, the usual single figure for ranking models."""
    if entry.input is None:
        return None
    if entry.output is None:
        return per_million(entry.input)
    return per_million((entry.input * 3 + entry.output) / 4)


@dataclass(frozen=True)
class Workload:
    """Tokens per request (or in total), optionally × requests per day × days. With `daily_totals` the token
    counts are a day's totals ("5M in / 500K out per day"), over `requests_per_day` requests when given."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    requests_per_day: int | None = None
    days: int = 30
    daily_totals: bool = False

    def tokens(self, part: str) -> int:
        return int(getattr(self, f"{part}_tokens"))

    @property
    def empty(self) -> bool:
        return not any(self.tokens(p) for p in TOKEN_PARTS)


@dataclass(frozen=True)
class CostLine:
    part: str
    tokens: int
    per_1k: Decimal
    cost: Decimal


@dataclass(frozen=True)
class Estimate:
    """Cost of a workload: per request (or total) and, with requests per day, per day and per month."""

    model: Model
    region: str
    mode: Mode
    entry: PriceEntry
    lines: tuple[CostLine, ...]
    missing: tuple[str, ...] = field(default=())
    workload: Workload = field(default_factory=Workload)

    @property
    def per_request(self) -> Decimal:
        """Per request, or the whole workload's cost when it has no request count."""
        total = sum((line.cost for line in self.lines), Decimal(0))
        rpd = self.workload.requests_per_day
        return total / rpd if self.workload.daily_totals and rpd else total

    @property
    def per_day(self) -> Decimal | None:
        total = sum((line.cost for line in self.lines), Decimal(0))
        if self.workload.daily_totals:
            return total
        rpd = self.workload.requests_per_day
        return None if rpd is None else total * rpd

    @property
    def per_month(self) -> Decimal | None:
        day = self.per_day
        return None if day is None else day * self.workload.days


def estimate(model: Model, workload: Workload, region: str, mode: Mode = Mode.on_demand) -> Estimate | None:
    """Cost of `workload` on `model` in `region` and `mode`; None when the catalog has no such price."""
    entry = token_price(model, mode, region)
    if entry is None:
        return None
    cache_source = entry if mode is Mode.on_demand else token_price(model, Mode.on_demand, region)
    lines: list[CostLine] = []
    missing: list[str] = []
    for part in TOKEN_PARTS:
        tokens = workload.tokens(part)
        if not tokens:
            continue
        holder = cache_source if part.startswith("cache") else entry
        rate = getattr(holder, part, None) if holder is not None else None
        if rate is None:
            missing.append(part)
            continue
        lines.append(CostLine(part, tokens, rate, rate * tokens / THOUSAND))
    return Estimate(model, region, mode, entry, tuple(lines), tuple(missing), workload)
