"""The cost of a model call as AWS bills it, from the catalog's price row for exactly what was billed.

The row is the one for the call's region and mode, the service tier Bedrock served (flex, priority, standard),
the route the call took (the model id in-Region, or the geo / global inference profile id it called: each prices
its own row, `global.` usually about 10 % below the geo profiles) and the long-context tier its input fell in
(all input the model read, cache reads and writes included, against the row's `context_above`). A geo profile
the catalog has no row for is billed at the source Region's in-Region row, as the pricing page says cross-Region
inference is (`bot.catalog.pricing.billed_row`), and the cost says so (`at_source_rate`). Bedrock bills
input (without cache tokens), output, cache reads, 5-minute and 1-hour cache writes at their own per-1K prices.

Nothing is guessed: a call whose row the catalog lacks has no figure (`usd` None, `reason` names the dimension),
and a part the row has no price for is left out and named (`missing`), never priced at zero or at another part's
price without saying so.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import Route, ServiceTier, route_of
from bot.catalog.pricing import PARTS, billed_row, entries, price_parts
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.chat.types import Cost, Usage


def call_cost(
    catalog: Catalog,
    model_key: str,
    region: str,
    usage: Usage,
    mode: Mode = Mode.on_demand,
    *,
    model_id: str | None = None,
    tier: ServiceTier = ServiceTier.standard,
) -> Cost:
    """The call's cost in USD. `model_id`: the Bedrock model or inference profile id called (default: the
    model's own id, in-Region); `tier`: the service tier Bedrock reported serving (on-demand only)."""
    model = catalog.models[model_key]
    called = model_id or model.ids[0]
    route = route_of(called)
    profile = None if route is Route.in_region else called
    tier = tier if mode is Mode.on_demand else ServiceTier.standard
    places = (catalog.place(region, "ko"), catalog.place(region, "en"))
    basis = Cost(
        usd=None, region=region, mode=mode.value, tier=tier.value, route=route.value, profile=profile, places=places
    )
    context = usage.prompt_tokens or None
    reach = catalog.profiles_from(region)
    row, at_source = billed_row(model, mode, region, called, callable_from=reach, tier=tier, input_tokens=context)
    if row is None:
        return replace(basis, reason=_unpriced(model, mode, region, tier, route, profile))
    cache_row: PriceEntry | None = row
    if mode is not Mode.on_demand:  # cache prices live on the on-demand row of the same route
        cache_row, _ = billed_row(model, Mode.on_demand, region, called, callable_from=reach, input_tokens=context)
    lines, missing = price_parts({part: int(getattr(usage, f"{part}_tokens")) for part in PARTS}, row, cache_row)
    return replace(
        basis,
        usd=sum((line.cost for line in lines), Decimal(0)),
        as_of=catalog.as_of(row),
        source=row.source,
        context_above=row.context_above,
        parts=tuple(lines),
        missing=missing,
        at_source_rate=at_source,
    )


def _unpriced(model: Model, mode: Mode, region: str, tier: ServiceTier, route: Route, profile: str | None) -> str:
    """Which dimension the catalog lacks: "tier" (the route and profile are priced, not at this tier), "route"
    (the region is priced, not on this route or profile) or "region" (nothing for this region and mode)."""
    standard = entries(model, mode, region, tier=ServiceTier.standard, route=route, base=False)
    if tier is not ServiceTier.standard and any((e.profile or "").lower() == (profile or "").lower() for e in standard):
        return "tier"
    if entries(model, mode, region, tier=None, route=None, base=False):
        return "route"
    return "region"


def estimate_usd(
    catalog: Catalog,
    model_key: str,
    region: str,
    input_tokens: int,
    output_tokens: int,
    *,
    model_id: str | None = None,
    tier: ServiceTier = ServiceTier.standard,
) -> Decimal | None:
    """Planning figure for a call that has not run (compare's confirmation)."""
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    return call_cost(catalog, model_key, region, usage, model_id=model_id, tier=tier).usd
