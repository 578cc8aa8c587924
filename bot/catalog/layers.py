"""Merging a generated catalog layer (`config/catalog/generated/*.yaml`) under the curated files.

The rule: curated values win, a generated layer only fills gaps, and every disagreement is recorded on the item
as a `Conflict` naming the generated row's source. In detail, for an item both sides have (same key, or for
models a shared in-region model id):
- facts (context window, max output, dates, successor, provider, kind, lifecycle, feature flags): the curated
  value stays; a generated value fills a curated gap (and `fact_sources` says where it came from); a different
  generated value is a conflict;
- ids, profiles and modalities: the union, curated first; generated aliases another item already uses are dropped;
- prices: a generated row is kept for the regions no curated row of the same slot (mode, unit, tier, route,
  profile, context tier, term, variant) covers; where one does, differing figures are conflicts;
- availability and per-region features: generated entries for regions the curated data does not mention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.catalog.dimensions import base_id
from bot.catalog.schema import Conflict, Features, LocalText, Model, PricedItem, PriceEntry

T = TypeVar("T", bound=PricedItem)
FACTS = (
    "provider",
    "kind",
    "context_window",
    "max_output",
    "released",
    "legacy_on",
    "eol_on",
    "successor",
    "lifecycle",
)
UNIONS = ("ids", "inference_profiles", "modalities_in", "modalities_out")
FIGURES = ("input", "output", "cache_read", "cache_write", "cache_write_1h", "price")


@dataclass(frozen=True)
class Layer:
    """One generated file: its name, rank (lower authority wins among layers) and when it was generated."""

    name: str
    path: Path
    authority: int = 9
    generated_at: date | None = None
    generator: str | None = None


def _conflict(layer: Layer, field: str, ours: object, theirs: object, source: str) -> Conflict:
    note = LocalText(
        ko=f"생성 레이어 '{layer.name}'의 값은 {theirs}이며, 큐레이션된 값 {ours}이(가) 우선합니다.",
        en=f"The generated layer '{layer.name}' says {theirs}; the curated value {ours} wins.",
    )
    return Conflict(field=field, ours=str(ours), theirs=str(theirs), source=source, note=note)


def _union(ours: list[Any], theirs: list[Any]) -> list[Any]:
    return [*ours, *(x for x in theirs if x not in ours)]


def merge_prices(
    layer: Layer, ours: list[PriceEntry], theirs: list[PriceEntry]
) -> tuple[list[PriceEntry], list[Conflict]]:
    """Curated rows plus the generated rows' uncovered regions; conflicts where both price the same slot."""
    kept, conflicts = list(ours), []
    for entry in theirs:
        uncovered = list(entry.regions)
        for mine in (p for p in ours if p.slot() == entry.slot()):
            overlap = [r for r in entry.regions if r in mine.regions]
            if not overlap:
                continue
            uncovered = [r for r in uncovered if r not in overlap]
            label = f"prices[{entry.mode.value}/{entry.tier.value}/{entry.route.value}]@{','.join(overlap)}"
            for part in FIGURES:
                a, b = getattr(mine, part), getattr(entry, part)
                if b is not None and a != b:
                    conflicts.append(_conflict(layer, f"{label}.{part}", a, b, entry.source))
        if uncovered:
            kept.append(entry if uncovered == entry.regions else entry.model_copy(update={"regions": uncovered}))
    return kept, conflicts


def merge_model(layer: Layer, ours: Model, theirs: Model) -> Model:
    """`ours` (curated, or a higher-ranked layer) with the gaps filled from `theirs`."""
    update: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    fact_sources = dict(ours.fact_sources)
    for fact in FACTS:
        a, b = getattr(ours, fact), getattr(theirs, fact)
        if a is None and b is not None:
            update[fact] = b
            fact_sources[fact] = theirs.fact_source(fact)
        elif b is not None and str(a).lower() != str(b).lower() and not (fact == "lifecycle" and b == "active"):
            conflicts.append(_conflict(layer, fact, a, b, theirs.fact_source(fact)))
    for name in UNIONS:
        update[name] = _union(getattr(ours, name), getattr(theirs, name))
    for flag in Features.model_fields:
        a, b = getattr(ours.features, flag), getattr(theirs.features, flag)
        if b and a != b:
            conflicts.append(_conflict(layer, f"features.{flag}", a, b, theirs.fact_source("features")))
    prices, price_conflicts = merge_prices(layer, ours.prices, theirs.prices)
    offered = [p for p in prices if p in ours.prices or _offered(ours.features, p)]
    conflicts += price_conflicts
    conflicts += [
        _conflict(layer, f"prices[{p.mode.value}]", "not offered", "priced", p.source)
        for p in prices
        if p not in offered
    ]
    known = {a.region for a in ours.availability}
    covered = {r for f in ours.region_features for r in f.regions}
    update |= {
        "fact_sources": fact_sources,
        "prices": offered,
        "availability": [*ours.availability, *(a for a in theirs.availability if a.region not in known)],
        "region_features": [
            *ours.region_features,
            *(f for f in theirs.region_features if not set(f.regions) & covered),
        ],
        "conflicts": [*ours.conflicts, *theirs.conflicts, *conflicts],
        "notes": _union(ours.notes, theirs.notes),
    }
    return ours.model_copy(update=update)


def _offered(features: Features, entry: PriceEntry) -> bool:
    flag = {"batch": "batch", "latency_optimized": "latency_optimized", "provisioned": "provisioned_throughput"}.get(
        entry.mode.value
    )
    caching = entry.cache_read is not None or entry.cache_write is not None or entry.cache_write_1h is not None
    return (flag is None or bool(getattr(features, flag))) and (not caching or features.prompt_caching)


def merge_items(
    layer: Layer,
    items: list[tuple[Path, T]],
    generated: Iterable[tuple[Path, T]],
    taken_aliases: set[str],
    alias_key: Any,
) -> list[tuple[Path, T]]:
    """Merge one layer's items into `items` (which win): by key, or for models by a shared in-region id."""
    merged = list(items)
    by_key = {item.key: i for i, (_, item) in enumerate(merged)}
    by_id = {base_id(i).lower(): n for n, (_, item) in enumerate(merged) if isinstance(item, Model) for i in item.ids}
    for path, item in generated:
        index = by_key.get(item.key)
        if index is None and isinstance(item, Model):
            index = next((by_id[base_id(i).lower()] for i in item.ids if base_id(i).lower() in by_id), None)
        if index is None:
            aliases = [a for a in item.aliases if alias_key(a) not in taken_aliases]
            taken_aliases.update(alias_key(a) for a in [item.name, *aliases])
            merged.append((path, item.model_copy(update={"aliases": aliases})))
            by_key[item.key] = len(merged) - 1
            continue
        own_path, own = merged[index]
        if isinstance(own, Model) and isinstance(item, Model):
            merged[index] = (own_path, merge_model(layer, own, item))  # type: ignore[assignment]
        else:
            prices, conflicts = merge_prices(layer, own.prices, item.prices)
            merged[index] = (
                own_path,
                own.model_copy(update={"prices": prices, "conflicts": [*own.conflicts, *conflicts]}),
            )
    return merged
