"""One price cell, named the same way whether it comes from AWS or from the catalog: `RowKey` → value.

A key says which item, region, mode, route (in-region / geo / global profile), dimension (input, output,
cache read, cache write, price), cache TTL, long-context tier, provisioned term and service variant. Token
values are per 1K tokens (the catalog's unit), others per their own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.catalog.refresh.link import ItemRef
from bot.catalog.refresh.records import PriceRecord, Unmapped, canonical


@dataclass(frozen=True, order=True, slots=True)
class RowKey:
    item: ItemRef
    region: str
    mode: str
    route: str = "in_region"
    dimension: str = "price"
    cache_ttl: str = ""
    long_context: bool = False
    term: str = ""
    variant: str = ""

    def sort_key(self) -> tuple[str | bool, ...]:
        """The order rows are written in, as one tuple (cheaper than the dataclass's own comparisons)."""
        return (self.item.kind, self.item.key, self.region, self.mode, self.route, self.dimension, self.cache_ttl,
                self.long_context, self.term, self.variant)

    def label(self) -> str:
        """`on_demand input`, `batch output (global)`, `on_demand cache_write 1h (long context)`, ..."""
        parts = [self.mode, self.dimension, self.cache_ttl, self.term.replace("_", " "), self.variant]
        text = " ".join(p for p in parts if p)
        extras = [e for e in (self.route if self.route != "in_region" else "",
                              "long context" if self.long_context else "") if e]
        return f"{text} ({', '.join(extras)})" if extras else text


@dataclass(frozen=True, slots=True)
class Cell:
    """A catalog value: what it is, whether a curated file holds it, and its source."""

    value: Decimal
    unit: str
    curated: bool
    source: str


def key_of(ref: ItemRef, r: PriceRecord) -> RowKey:
    return RowKey(ref, r.region, r.mode, r.route, r.dimension, r.cache_ttl or "", r.long_context, r.term or "",
                  r.variant)


def catalog_unit(record: PriceRecord) -> str:
    return canonical(record.unit, record.price)[0]


def new_rows(grouped: dict[ItemRef, list[PriceRecord]]) -> tuple[dict[RowKey, PriceRecord], list[Unmapped]]:
    """One record per key. Two products with the same key and different prices cannot both be one row: both are
    listed as unmapped (ambiguous) rather than one silently winning."""
    rows: dict[RowKey, PriceRecord] = {}
    clashes: dict[RowKey, list[PriceRecord]] = {}
    for ref, records in grouped.items():
        for record in records:
            key = key_of(ref, record)
            if key in clashes:
                clashes[key].append(record)
            elif key in rows and rows[key].value != record.value:
                clashes[key] = [rows.pop(key), record]
            else:
                rows.setdefault(key, record)
    unmapped = [
        Unmapped(r.service_code, r.sku, r.usage_type, r.region, r.product,
                 f"ambiguous: {len(rs)} products price {key.item.key} {key.region} {key.label()} differently")
        for key, rs in clashes.items() for r in rs
    ]
    return rows, unmapped
