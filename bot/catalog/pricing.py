"""Prices and cost estimates from the catalog — the only place where money is computed.

Prices stay in the source's unit (USD per 1K tokens); they are shown per 1M tokens (`per_million`).
An estimate never fills a gap with a guess: a component with no catalog price is reported as missing.

Rows are chosen by slot: unless asked otherwise, lookups mean the standard tier, the in-Region route and the
base (any-length) row, which is what rows without those dimensions always meant. `Basis` asks for another
tier, route or cache TTL; `estimate` also picks the long-context tier the request's input falls in, and the
`Estimate` says which basis it used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from bot.catalog.dimensions import Route, ServiceTier, profile_prefix, route_of
from bot.catalog.schema import Mode, Model, PriceEntry, Term, Unit

TOKEN_PARTS = ("input", "output", "cache_read", "cache_write")
THOUSAND = Decimal(1000)


def per_million(per_1k: Decimal) -> Decimal:
    return per_1k * THOUSAND


def entries(
    model: Model,
    mode: Mode,
    region: str | None = None,
    *,
    tier: ServiceTier | None = ServiceTier.standard,
    route: Route | None = Route.in_region,
    base: bool = True,
) -> list[PriceEntry]:
    """Price rows of a mode, optionally only those that cover `region`. By default only standard-tier,
    in-Region, base-length rows; `tier=None` / `route=None` / `base=False` lift those filters."""
    return [
        p
        for p in model.prices
        if p.mode is mode
        and (region is None or region in p.regions)
        and (tier is None or p.tier is tier)
        and (route is None or p.route is route)
        and (not base or p.context_above is None)
    ]


def token_price(
    model: Model,
    mode: Mode,
    region: str,
    *,
    tier: ServiceTier = ServiceTier.standard,
    route: Route = Route.in_region,
    input_tokens: int | None = None,
    profile: str | None = None,
) -> PriceEntry | None:
    """The per-1K-token price row for a mode in a region, if the catalog has one. With `input_tokens`, the
    long-context row whose threshold the input exceeds (the highest such) replaces the base row. With `profile`
    (a geo or global profile id), only that profile's rows: `jp.` and `apac.` both serve Tokyo at their own
    prices."""
    rows = [e for e in entries(model, mode, region, tier=tier, route=route, base=False) if e.unit is Unit.tokens_1k]
    if profile is not None:
        rows = [e for e in rows if (e.profile or "").lower() == profile.lower()]
    base = next((e for e in rows if e.context_above is None), None)
    if base is None or input_tokens is None:
        return base
    above = [e for e in rows if e.context_above is not None and input_tokens > e.context_above]
    return max(above, key=lambda e: e.context_above or 0) if above else base


def billed_row(
    model: Model,
    mode: Mode,
    region: str,
    model_id: str,
    *,
    callable_from: Sequence[str],
    tier: ServiceTier = ServiceTier.standard,
    input_tokens: int | None = None,
) -> tuple[PriceEntry | None, bool]:
    """The row a call to `model_id` (the model id, or a geo / global profile id) made from `region` is billed at,
    and whether it is the source Region's in-Region row standing in for a geo profile the catalog has no row for:
    the official pricing page says cross-Region inference costs nothing extra and is billed at the source Region's
    price (seed 002). A geo profile's own row wins where the catalog has one (some differ); the stand-in applies
    only to a profile whose prefix `region` can call (`callable_from`: the Region's `profiles`); a global profile
    is never priced from another route."""
    route = route_of(model_id)
    profile = None if route is Route.in_region else model_id
    row = token_price(model, mode, region, tier=tier, route=route, input_tokens=input_tokens, profile=profile)
    if row is None and route is Route.geo and profile_prefix(model_id) in callable_from:
        source = token_price(model, mode, region, tier=tier, input_tokens=input_tokens)
        return source, source is not None
    return row, False


PARTS = ("input", "output", "cache_read", "cache_write", "cache_write_1h")  # billed parts, as PriceEntry fields


def price_parts(
    tokens: Mapping[str, int], row: PriceEntry, cache_row: PriceEntry | None
) -> tuple[list[CostLine], tuple[str, ...]]:
    """Each billed part with tokens (`PARTS` order) at its rate — cache parts from `cache_row` (the on-demand row
    of the same route, where Bedrock keeps cache prices), the others from `row` — and the parts with tokens
    whose rate the row lacks (left out, never priced at zero)."""
    lines: list[CostLine] = []
    missing: list[str] = []
    for part in PARTS:
        count = tokens.get(part, 0)
        if not count:
            continue
        holder = cache_row if part.startswith("cache") else row
        rate = getattr(holder, part) if holder is not None else None
        if rate is None:
            missing.append(part)
        else:
            lines.append(CostLine(part, count, rate, rate * count / THOUSAND))
    return lines, tuple(missing)


def route_prices(
    model: Model, region: str, mode: Mode = Mode.on_demand, tier: ServiceTier = ServiceTier.standard
) -> list[PriceEntry]:
    """Base token rows callable from `region`, one per route/profile: in-Region first, then geo, then global."""
    order = {Route.in_region: 0, Route.geo: 1, Route.global_: 2}
    rows = [e for e in entries(model, mode, region, tier=tier, route=None) if e.unit is Unit.tokens_1k]
    return sorted(rows, key=lambda e: order[e.route])


def context_tiers(model: Model, entry: PriceEntry) -> list[PriceEntry]:
    """The long-context rows of the same slot as `entry` (same mode, tier, route, profile, regions)."""
    return [
        p
        for p in model.prices
        if p.context_above is not None
        and (p.mode, p.tier, p.route, p.profile) == (entry.mode, entry.tier, entry.route, entry.profile)
        and set(entry.regions) & set(p.regions)
    ]


def priced_regions(model: Model, mode: Mode = Mode.on_demand) -> list[str]:
    """Regions with an in-Region standard price in this mode, in the order the data lists them."""
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
class Basis:
    """What an estimate assumes beyond region and mode: service tier, route (None: in-Region if priced there,
    else a geo profile, else global) and the cache-write time-to-live ("5m" or "1h")."""

    tier: ServiceTier = ServiceTier.standard
    route: Route | None = None
    cache_ttl: str = "5m"


@dataclass(frozen=True)
class CostLine:
    """One billed part: its tokens, the rate per 1K tokens and what they cost."""

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
    basis: Basis = field(default_factory=Basis)  # as used: the route is the entry's, never None

    @property
    def context_tier(self) -> int | None:
        """The long-context threshold whose rate was applied (None: the base rate)."""
        return self.entry.context_above

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


def estimate(
    model: Model, workload: Workload, region: str, mode: Mode = Mode.on_demand, basis: Basis | None = None
) -> Estimate | None:
    """Cost of `workload` on `model` in `region` and `mode`; None when the catalog has no such price.

    The row follows `basis` (tier, route, cache TTL); the workload's input (with cache tokens) picks the
    long-context tier, taking the tokens as one request's when no request count is given and they fit in the
    context window (otherwise they are a total over many requests, at the base rate)."""
    basis = basis or Basis()
    context_in = workload.input_tokens + workload.cache_read_tokens + workload.cache_write_tokens
    if model.context_window and context_in > model.context_window and workload.requests_per_day is None:
        context_in = 0  # more than one request can hold: a total over many requests, billed at the base rate
    entry = None
    for route in [basis.route] if basis.route else [Route.in_region, Route.geo, Route.global_]:
        entry = token_price(model, mode, region, tier=basis.tier, route=route, input_tokens=context_in or None)
        if entry is not None:
            break
    if entry is None:
        return None
    cache_source: PriceEntry | None = entry
    if mode is not Mode.on_demand:
        cache_source = token_price(model, Mode.on_demand, region, route=entry.route, input_tokens=context_in or None)
    write = "cache_write_1h" if basis.cache_ttl == "1h" else "cache_write"  # the workload's writes, at this TTL
    tokens = {part: workload.tokens(part) for part in TOKEN_PARTS[:3]} | {write: workload.cache_write_tokens}
    priced, unpriced = price_parts(tokens, entry, cache_source)
    # an estimate names its writes "cache_write" whatever their TTL (the basis says which)
    lines = tuple(replace(line, part="cache_write") if line.part == write else line for line in priced)
    missing = tuple("cache_write" if part == write else part for part in unpriced)
    used = Basis(entry.tier, entry.route, basis.cache_ttl)
    return Estimate(model, region, mode, entry, lines, missing, workload, used)
