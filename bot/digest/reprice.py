"""A day's totals priced on one catalog row, for the savings hints (`bot.digest.hints`, `bot.digest.bill_hints`):
what the same tokens cost at another tier, route, mode or model.

A day's totals are the sum of many calls, so they cannot say which calls crossed a long-context threshold:
pricing them through `call_cost` would take the whole day's input for one call's and pick the long-context rates.
Both sides of a comparison are therefore priced at the base (any-length) row of their slot, part by part, and
compared on the parts both rows price (`Priced.against`): a part one row has no price for is left out of both
sides, never counted at zero on one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier
from bot.catalog.pricing import PARTS, billed_row, price_parts
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.usage.event import Totals


@dataclass(frozen=True)
class Priced:
    """The cost of each part with tokens that the row prices (`parts`), and those it has no price for."""

    parts: dict[str, Decimal] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def usd(self) -> Decimal:
        return sum(self.parts.values(), Decimal(0))

    def against(self, other: Priced) -> tuple[Decimal, Decimal]:
        """(this, other) on the parts both price."""
        common = self.parts.keys() & other.parts.keys()
        return sum((self.parts[p] for p in common), Decimal(0)), sum((other.parts[p] for p in common), Decimal(0))


def called_id(model: Model, prefix: str) -> str | None:
    """The id a `model_bill` entry called: the profile with that prefix, or the in-Region id for "-"."""
    return model.ids[0] if prefix == "-" else model.profile_for(prefix)


def row_for(
    catalog: Catalog, key: str, region: str, *, model_id: str | None = None, tier: ServiceTier = ServiceTier.standard,
    mode: Mode = Mode.on_demand,
) -> PriceEntry | None:  # fmt: skip
    """The base row for calling `model_id` (default: the in-Region id) at `tier` in `mode` from `region`, as
    `call_cost` bills it (`bot.catalog.pricing.billed_row`: a geo profile without its own row at the source
    Region's rate)."""
    model = catalog.models[key]
    called = model_id or model.ids[0]
    return billed_row(model, mode, region, called, callable_from=catalog.profiles_from(region), tier=tier)[0]


def reprice(
    catalog: Catalog, key: str, region: str, totals: Totals, *, model_id: str | None = None,
    tier: ServiceTier = ServiceTier.standard, mode: Mode = Mode.on_demand,
) -> Priced | None:  # fmt: skip
    """`totals`' tokens at the base row (None: the catalog has no such row). Cache parts are priced from the
    on-demand row of the same route, as Bedrock bills them (batch rows have no cache prices)."""
    row = row_for(catalog, key, region, model_id=model_id, tier=tier, mode=mode)
    if row is None:
        return None
    cache = row if mode is Mode.on_demand else row_for(catalog, key, region, model_id=model_id)
    lines, missing = price_parts({part: int(getattr(totals, part)) for part in PARTS}, row, cache)
    return Priced({line.part: line.cost for line in lines}, missing)
