"""Filtering and ranking models under constraints (region, modality, feature, context, provider, price)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.pricing import Workload, blended_per_million, estimate, route_prices, token_price, unit_prices
from bot.catalog.schema import Availability, Modality, Mode, Model, PriceEntry


@dataclass(frozen=True)
class Criteria:
    """What a user asks for. Empty fields do not filter."""

    region: str | None = None
    modalities_in: frozenset[Modality] = frozenset()
    modalities_out: frozenset[Modality] = frozenset()
    features: frozenset[str] = frozenset()
    min_context: int | None = None
    providers: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    mode: Mode = Mode.on_demand
    max_price: Decimal | None = None
    include_legacy: bool = False
    only_legacy: bool = False  # "legacy models": just those
    languages: frozenset[str] = frozenset()  # ISO codes the model's source must name (or at least say "many")


TOKEN_BASES = ("blended", "workload")  # `Ranked.basis` of per-token figures; any other basis is a unit ("image")


@dataclass(frozen=True)
class Ranked:
    """A model with the figure it was ranked by (USD per 1M blended, per unit, or the workload's cost)."""

    model: Model
    figure: Decimal | None
    basis: str
    availability: Availability | None = None
    entry: PriceEntry | None = None  # the token row ranked by (its route says in-Region, geo or global)


@dataclass(frozen=True)
class SearchResult:
    """Ranked models; those meeting everything but a price; and, for a language requirement, the models whose
    language support is unknown (left out) or only "many languages" (kept, not confirmed)."""

    ranked: tuple[Ranked, ...]
    unpriced: tuple[Model, ...] = field(default=())
    language_unknown: tuple[Model, ...] = field(default=())
    language_unconfirmed: frozenset[str] = field(default=frozenset())


def availability_in(model: Model, region: str) -> Availability | None:
    for avail in model.availability:
        if avail.region == region:
            return avail
    return None


def offered_in(model: Model, region: str) -> bool:
    """Usable in the region today: GA or preview there, or priced there by the pricing page."""
    avail = availability_in(model, region)
    if avail is not None:
        return avail.status in ("ga", "preview")
    return any(region in p.regions for p in model.prices)


def matches(model: Model, c: Criteria) -> bool:
    if model.lifecycle != "active" and not c.include_legacy and not c.members:
        return False
    if c.only_legacy and model.lifecycle != "legacy":
        return False
    checks = (
        not c.members or model.key in c.members,
        not c.kinds or model.kind in c.kinds,
        not c.providers or model.provider.lower() in c.providers,
        c.modalities_in <= set(model.modalities_in),
        c.modalities_out <= set(model.modalities_out),
        all(_has_feature(model, f) for f in c.features),
        c.min_context is None or (model.context_window or 0) >= c.min_context,
        c.region is None or offered_in(model, c.region),
    )
    return all(checks)


def _has_feature(model: Model, feature: str) -> bool:
    if feature == "fine_tuning":
        return bool(model.features.fine_tuning)
    return bool(getattr(model.features, feature, False))


def search(catalog: Catalog, criteria: Criteria, region: str, workload: Workload | None = None) -> SearchResult:
    """Models matching `criteria`, cheapest first in `region` (criteria.region wins when set)."""
    where = criteria.region or region
    ranked: list[Ranked] = []
    unpriced: list[Model] = []
    unknown: list[Model] = []
    unconfirmed: set[str] = set()
    for model in catalog.models.values():
        if not matches(model, criteria):
            continue
        if criteria.languages:
            said = language_fit(catalog, model, criteria.languages)
            if said is None:
                unknown.append(model)
                continue
            if said is False:
                continue
            if said == "many":
                unconfirmed.add(model.key)
        item = _rank(model, where, criteria.mode, workload)
        if item is None or item.figure is None:
            unpriced.append(model)
        elif criteria.max_price is None or item.figure <= criteria.max_price:
            ranked.append(item)
    ranked.sort(key=lambda r: (r.figure is None, r.figure or Decimal(0), r.model.name))
    return SearchResult(tuple(ranked), tuple(unpriced), tuple(unknown), frozenset(unconfirmed))


def split_legacy(result: SearchResult) -> tuple[SearchResult, tuple[Ranked, ...]]:
    """A search run with legacy models included, as it would have come out without them, and the legacy rows it
    ranked: one search gives both the answer and what it left out."""
    def active(model: Model) -> bool:
        return model.lifecycle != "legacy"

    kept = SearchResult(
        tuple(r for r in result.ranked if active(r.model)),
        tuple(m for m in result.unpriced if active(m)),
        tuple(m for m in result.language_unknown if active(m)),
        result.language_unconfirmed,
    )
    return kept, tuple(r for r in result.ranked if not active(r.model))


def language_fit(catalog: Catalog, model: Model, languages: frozenset[str]) -> bool | str | None:
    """True when the model's source names every language, "many" when it only says many languages, False when
    it lists languages without them, None when the catalog has no language facts for the model."""
    support = catalog.languages.get(model.key)
    if support is None:
        return None
    said = [support.supports(code) for code in sorted(languages)]
    if any(s is False for s in said):
        return False
    return True if all(said) else "many"


def _rank(model: Model, region: str, mode: Mode, workload: Workload | None) -> Ranked | None:
    avail = availability_in(model, region)
    if workload is not None and not workload.empty:
        est = estimate(model, workload, region, mode)
        if est is None or est.missing:
            return None
        total = est.per_month if est.per_month is not None else est.per_request
        return Ranked(model, total, "workload", avail)
    entry = token_price(model, mode, region) or next(iter(route_prices(model, region, mode)), None)
    if entry is not None:
        return Ranked(model, blended_per_million(entry), "blended", avail, entry)
    units = unit_prices(model, region)
    if units and mode is Mode.on_demand:
        cheapest = min(p.price for p in units if p.price is not None)
        return Ranked(model, cheapest, units[0].unit.value, avail)
    return None
