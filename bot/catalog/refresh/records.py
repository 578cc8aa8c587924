"""What a refresh reads from AWS, normalised: price rows, unmapped products, models and inference profiles.

These records are independent of the catalog schema; `bot.catalog.refresh.mapping` turns them into catalog rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

PriceMode = Literal["on_demand", "batch", "flex", "priority", "reserved", "latency_optimized", "provisioned"]
Route = Literal["in_region", "geo", "global"]
Dimension = Literal["input", "output", "cache_read", "cache_write", "price"]
PriceUnit = Literal[
    "tokens_1k", "tokens_1m", "image", "video_second", "model_unit_hour", "queries_1k", "query", "text_units_1k"
]
CacheTtl = Literal["5m", "1h"]
Term = Literal["no_commit", "1_month", "6_months"]


@dataclass(frozen=True, slots=True)
class PriceRecord:
    """One price dimension of one Price List product, classified."""

    service_code: str
    sku: str
    usage_type: str
    region: str
    product: str  # the model or service as the price list names it, "(Amazon Bedrock Edition)" removed
    marketplace: bool  # sold through AWS Marketplace (AmazonBedrockFoundationModels)
    mode: PriceMode
    route: Route
    dimension: Dimension
    unit: PriceUnit
    price: Decimal  # USD per `unit`, exactly as the price list prints it
    effective: date
    cache_ttl: CacheTtl | None = None
    long_context: bool = False
    term: Term | None = None  # provisioned prices only
    location: str = ""  # the price list's name of the region, e.g. "Asia Pacific (Seoul)"
    variant: str = ""  # what of a service is priced (AmazonBedrockService `group`), e.g. "Content filters"

    @property
    def value(self) -> Decimal:
        """The price in its `canonical` unit (per 1K tokens, per query, ...), for comparing with the catalog."""
        return canonical(self.unit, self.price)[1]


_PER_THOUSAND = {"tokens_1m": "tokens_1k", "queries_1k": "query"}


def canonical(unit: str, value: Decimal) -> tuple[str, Decimal]:
    """One unit per kind of thing priced, so a price per 1M tokens compares with one per 1K, per 1K queries with
    one per query: (unit, value)."""
    if unit in _PER_THOUSAND:
        return _PER_THOUSAND[unit], (value / 1000).normalize()
    return unit, value


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A product the refresh could not classify: listed in the report, never dropped silently."""

    service_code: str
    sku: str
    usage_type: str
    region: str
    product: str
    reason: str


@dataclass(frozen=True, slots=True)
class Lifecycle:
    status: Literal["active", "legacy"]
    start: date | None = None
    legacy: date | None = None
    end_of_life: date | None = None
    extended_access: date | None = None


@dataclass(slots=True)
class ModelRecord:
    """A foundation model as `ListFoundationModels` describes it, with the regions that listed it."""

    model_id: str
    name: str
    provider: str
    modalities_in: tuple[str, ...]
    modalities_out: tuple[str, ...]
    streaming: bool
    customizations: tuple[str, ...]
    inference_types: tuple[str, ...]
    lifecycle: Lifecycle
    regions: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A system-defined inference profile: its id, its scope (us, eu, apac, global, …) and where it routes."""

    profile_id: str
    name: str
    scope: str
    model_ids: tuple[str, ...]
    routes_to: tuple[str, ...]
    source_region: str


@dataclass
class Snapshot:
    """Everything one refresh read."""

    as_of: date
    prices: list[PriceRecord] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    models: dict[str, ModelRecord] = field(default_factory=dict)
    profiles: dict[str, ProfileRecord] = field(default_factory=dict)
    products_read: int = 0
