"""An independent price oracle: what a call should cost, worked out from a model's raw catalog rows.

Shared by `tests/chat/test_cost_properties.py` and `benchmarks/bench_billing.py` to check `bot.chat.cost.call_cost`
and the ledger's totals. It deliberately uses none of `bot.catalog.pricing` / `bot.catalog.dimensions` /
`bot.chat.cost`: the row is picked here by matching mode, tier, route, profile, region and long-context threshold
against `model.prices` directly, following docs/catalog-schema.md and the cost module's docstring:

- the row is the token row (per 1K tokens) of the call's mode covering the region, at the tier served (on-demand
  only; other modes are standard), on the route of the id called: the model's own id → in-Region rows, a geo or
  global profile id → the rows naming that profile; a geo profile with no row of its own → the source Region's
  in-Region row (the official pricing page: cross-Region inference is billed at the source Region's price), said
  as `at_source`; a global profile never falls back;
- of those, the long-context row with the highest `context_above` strictly below all the input the model read
  (input + cache reads + 5-minute and 1-hour cache writes), else the base row (no `context_above`);
- cache prices of a non-on-demand call come from the on-demand standard row of the same route, profile and
  context tier;
- each part with tokens costs rate × tokens / 1000; a part with tokens whose rate the row lacks is `missing`;
- no row: no figure, and the reason is "tier" (that route and profile is priced in the region at the standard
  tier, not at this one), "route" (the region is priced in this mode, not on this route or profile) or "region".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from bot.catalog.schema import Model, PriceEntry

PER = Decimal(1000)
NANO = Decimal(1_000_000_000)
GEO = ("us-gov", "us", "eu", "apac", "jp", "au", "ca", "in")
# (part, Usage field, price-row field), the parts Bedrock bills a call by
PARTS = (
    ("input", "input_tokens", "input"),
    ("output", "output_tokens", "output"),
    ("cache_read", "cache_read_tokens", "cache_read"),
    ("cache_write", "cache_write_tokens", "cache_write"),
    ("cache_write_1h", "cache_write_1h_tokens", "cache_write_1h"),
)
TOKEN_FIELDS = tuple(f for _, f, _ in PARTS)


@dataclass(frozen=True)
class Expected:
    """The oracle's answer: the total (None: no row), per-part USD, the parts left out and why there is no row."""

    usd: Decimal | None
    route: str
    profile: str | None
    row: PriceEntry | None = None
    parts: Mapping[str, Decimal] = field(default_factory=dict)
    rates: Mapping[str, Decimal] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    reason: str | None = None
    at_source: bool = False

    @property
    def context_above(self) -> int | None:
        return None if self.row is None else self.row.context_above

    @property
    def nusd_parts(self) -> int:
        """The total in nano-USD as the ledger stores it: each part rounded half-even, then added."""
        return sum(nano(v) for v in self.parts.values())


def nano(usd: Decimal) -> int:
    return int((usd * NANO).to_integral_value(rounding=ROUND_HALF_EVEN))


def route_of_id(called: str) -> str:
    head = called.lower().split(".", 1)[0]
    if head == "global":
        return "global"
    return "geo" if head in GEO else "in_region"


def _rows(model: Model, mode: str, region: str, tier: str, route: str, profile: str | None) -> list[PriceEntry]:
    wanted = (profile or "").lower()
    return [
        p
        for p in model.prices
        if p.unit.value == "tokens_1k"
        and p.mode.value == mode
        and region in p.regions
        and p.tier.value == tier
        and p.route.value == route
        and (p.profile or "").lower() == wanted
    ]


def _tier_row(rows: list[PriceEntry], prompt: int) -> PriceEntry | None:
    if not any(p.context_above is None for p in rows):
        return None
    applies = [p for p in rows if p.context_above is None or prompt > p.context_above]
    return max(applies, key=lambda p: -1 if p.context_above is None else p.context_above)


def tokens_of(usage: object) -> dict[str, int]:
    return {f: int(getattr(usage, f)) for f in TOKEN_FIELDS}


def expected_cost(
    model: Model,
    region: str,
    usage: object,
    *,
    mode: str = "on_demand",
    called: str | None = None,
    tier: str = "standard",
    prefixes: tuple[str, ...] = (),
) -> Expected:
    """What `call_cost(catalog, model.key, region, usage, Mode(mode), model_id=called, tier=ServiceTier(tier))`
    should give. `usage`: anything with the five `*_tokens` fields of `bot.chat.types.Usage`; `prefixes`: the
    profile prefixes `region` can call (regions.yaml), for the geo stand-in."""
    called = called or model.ids[0]
    route = route_of_id(called)
    profile = None if route == "in_region" else called
    tier = tier if mode == "on_demand" else "standard"
    tokens = tokens_of(usage)
    prompt = tokens["input_tokens"] + tokens["cache_read_tokens"] + tokens["cache_write_tokens"]
    prompt += tokens["cache_write_1h_tokens"]
    reach = profile.split(".", 1)[0] in prefixes if profile else False
    row, at_source = _billed(model, mode, region, tier, route, profile, prompt, reach)
    if row is None:
        return Expected(None, route, profile, reason=_reason(model, mode, region, tier, route, profile))
    cache_row: PriceEntry | None = row
    if mode != "on_demand":
        cache_row, _ = _billed(model, "on_demand", region, "standard", route, profile, prompt, reach)
    parts: dict[str, Decimal] = {}
    rates: dict[str, Decimal] = {}
    missing: list[str] = []
    for part, usage_field, price_field in PARTS:
        count = tokens[usage_field]
        if count == 0:
            continue
        holder = cache_row if part.startswith("cache") else row
        rate = None if holder is None else getattr(holder, price_field)
        if rate is None:
            missing.append(part)
            continue
        rates[part] = rate
        parts[part] = rate * count / PER
    total = sum(parts.values(), Decimal(0))
    return Expected(total, route, profile, row, parts, rates, tuple(missing), at_source=at_source)


def _billed(
    model: Model, mode: str, region: str, tier: str, route: str, profile: str | None, prompt: int, reach: bool
) -> tuple[PriceEntry | None, bool]:
    """The profile's own row, else — for a geo profile the region can call (`reach`) — the source Region's
    in-Region row (True)."""
    row = _tier_row(_rows(model, mode, region, tier, route, profile), prompt)
    if row is None and route == "geo" and reach:
        source = _tier_row(_rows(model, mode, region, tier, "in_region", None), prompt)
        return source, source is not None
    return row, False


def _reason(model: Model, mode: str, region: str, tier: str, route: str, profile: str | None) -> str:
    if tier != "standard" and _rows(model, mode, region, "standard", route, profile):
        return "tier"
    if any(p.unit.value == "tokens_1k" and p.mode.value == mode and region in p.regions for p in model.prices):
        return "route"
    return "region"
