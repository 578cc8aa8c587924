"""The catalog's data model: what `config/catalog/*.yaml` may contain.

Each file is validated on its own first (types, signs, enums), then the whole catalog is cross-checked
(`bot.catalog.loader`): regions and sources must exist, a price's mode must be one the model offers, ids and
aliases must be unique. Prices are kept in the unit the source uses (usually per 1K tokens) as `Decimal`.
The billing dimensions beyond region and mode (service tier, route, long-context tier, cache TTL) are described
in `bot.catalog.dimensions`; `docs/catalog-schema.md` describes the files and the generated layer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.catalog.dimensions import Route, ServiceTier, profile_prefix, route_of

NonNegative = Annotated[Decimal, Field(ge=0)]


class Strict(BaseModel):
    """Base: unknown keys are errors, so a typo in the YAML never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    """A sentence in Korean and English."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


class Source(Strict):
    """Where a fact or price comes from. `authority` 1 is the highest (the official pricing page)."""

    key: str
    title: str
    url: str | None = None
    seed: str | None = Field(None, description="file name under shared/seeds when the source is a seed")
    as_of: date
    authority: int = Field(ge=1, le=9)
    version: str | None = Field(None, description="package or document version, e.g. litellm 1.106.12")
    note: str | None = None


class Region(Strict):
    code: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
    name_en: str
    name_ko: str
    aliases: list[str] = []
    profiles: list[str] = Field(
        default_factory=list, description="inference-profile prefixes callable from here, e.g. [apac, global]"
    )


class Modality(StrEnum):
    text = "text"
    image = "image"
    video = "video"
    audio = "audio"
    document = "document"
    embedding = "embedding"
    ranking = "ranking"


class Mode(StrEnum):
    """How a price is charged. Token modes carry input/output/cache prices; the others carry `price`."""

    on_demand = "on_demand"
    batch = "batch"
    latency_optimized = "latency_optimized"
    provisioned = "provisioned"
    training = "training"
    storage = "storage"
    custom_inference = "custom_inference"


class Unit(StrEnum):
    tokens_1k = "tokens_1k"
    image = "image"
    video_second = "video_second"
    queries_1k = "queries_1k"
    query = "query"
    model_unit_hour = "model_unit_hour"
    model_month = "model_month"
    custom_unit_minute = "custom_unit_minute"
    text_units_1k = "text_units_1k"
    node_transitions_1k = "node_transitions_1k"
    human_task = "human_task"
    page = "page"
    media_minute = "media_minute"
    training_image = "training_image"


class Term(StrEnum):
    no_commit = "no_commit"
    one_month = "1_month"
    six_months = "6_months"


class Availability(Strict):
    region: str
    status: Literal["ga", "preview", "planned"]
    expected: str | None = Field(None, description="when the source expects GA, as it said it, e.g. 2025-Q3")
    via: Literal["in_region", "cross_region"] = "in_region"
    source: str
    as_of: date | None = None
    ref: str | None = Field(None, description="the key of this fact in its source (e.g. a LiteLLM map key)")


class PriceEntry(Strict):
    """One row of a price table: a set of regions, a mode and a unit, with its source.

    A row may also be specific to a service tier, a route (with the profile id it prices) and a long-context
    tier (`context_above`); the defaults (standard, in-region, any length) are what older rows mean.
    `cache_write` is the 5-minute cache write; `cache_write_1h` the 1-hour one.
    """

    regions: list[str] = Field(min_length=1)
    mode: Mode
    unit: Unit
    input: NonNegative | None = None
    output: NonNegative | None = None
    cache_read: NonNegative | None = None
    cache_write: NonNegative | None = None
    cache_write_1h: NonNegative | None = None
    price: NonNegative | None = None
    term: Term | None = None
    variant: LocalText | None = None
    tier: ServiceTier = ServiceTier.standard
    route: Route = Route.in_region
    profile: str | None = Field(None, description="the inference profile id a geo/global row prices")
    context_above: int | None = Field(None, gt=0, description="applies when the input exceeds this many tokens")
    source: str
    as_of: date | None = None
    ref: str | None = Field(None, description="the key of this row in its source (e.g. a LiteLLM map key)")
    note: LocalText | None = None

    def slot(self) -> tuple[str, ...]:
        """What makes two rows price the same thing (apart from regions): used to merge layers."""
        return (
            self.mode.value,
            self.unit.value,
            self.tier.value,
            self.route.value,
            self.profile or "",
            str(self.context_above or ""),
            self.term.value if self.term else "",
            self.variant.en if self.variant else "",
        )

    @model_validator(mode="after")
    def _dimensions(self) -> PriceEntry:
        if (self.route is Route.in_region) != (self.profile is None):
            raise ValueError("`profile` is required for geo/global rows and only for them")
        if self.profile is not None and route_of(self.profile) is not self.route:
            raise ValueError(f"profile '{self.profile}' is not a {self.route.value} profile")
        if self.tier is not ServiceTier.standard and self.mode is not Mode.on_demand:
            raise ValueError("flex/priority/reserved tiers are on-demand service tiers")
        return self

    @model_validator(mode="after")
    def _shape(self) -> PriceEntry:
        token_fields = (self.input, self.output, self.cache_read, self.cache_write, self.cache_write_1h)
        token_mode = self.mode in (Mode.on_demand, Mode.batch, Mode.latency_optimized)
        if self.unit is Unit.tokens_1k and token_mode:
            if all(v is None for v in token_fields):
                raise ValueError("a token price needs at least one of input, output, cache_read, cache_write")
            if self.price is not None:
                raise ValueError("a token price uses input/output/cache_read/cache_write, not price")
        else:
            if self.price is None:
                raise ValueError(f"a {self.mode.value} price per {self.unit.value} needs `price`")
            if any(v is not None for v in token_fields):
                raise ValueError("input/output/cache_* are only for on_demand/batch/latency_optimized token prices")
        if (self.mode is Mode.provisioned) != (self.term is not None):
            raise ValueError("`term` is required for provisioned prices and only for them")
        if self.mode in (Mode.batch, Mode.latency_optimized) and (
            self.cache_read or self.cache_write or self.cache_write_1h
        ):
            raise ValueError("cache prices belong to the on_demand entry")
        return self


class Features(Strict):
    """What the model can do. Batch, latency-optimized, caching and provisioned throughput are also the
    price modes the model offers: a price in a mode whose flag is false is rejected."""

    streaming: bool = False
    tool_use: bool = False
    vision: bool = False
    computer_use: bool = False
    extended_thinking: bool = False
    prompt_caching: bool = False
    batch: bool = False
    latency_optimized: bool = False
    provisioned_throughput: bool = False
    fine_tuning: list[Literal["fine_tuning", "continued_pretraining", "distillation"]] = []
    converse: bool = True


class RegionFeatures(Strict):
    """Feature flags that differ in some regions from the model's `features` (as a source states it)."""

    regions: list[str] = Field(min_length=1)
    features: dict[str, bool] = Field(min_length=1)
    source: str
    ref: str | None = None


class Conflict(Strict):
    """A disagreement between sources, kept with the value we rejected and why."""

    field: str
    ours: str
    theirs: str
    source: str
    note: LocalText


class PricedItem(Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    aliases: list[str] = []
    source: str = Field(description="default source of this item's facts")
    prices: list[PriceEntry] = []
    conflicts: list[Conflict] = []
    notes: list[LocalText] = []


class Model(PricedItem):
    """A Bedrock foundation model."""

    provider: str
    kind: Literal["text", "embedding", "image", "video", "rerank"]
    ids: list[str] = Field(min_length=1)
    inference_profiles: list[str] = []
    modalities_in: list[Modality]
    modalities_out: list[Modality]
    context_window: int | None = Field(None, gt=0)
    max_output: int | None = Field(None, gt=0)
    features: Features = Features()
    lifecycle: Literal["active", "legacy", "eol"] = "active"
    legacy_on: date | None = Field(None, description="the date the model became (or becomes) legacy")
    eol_on: date | None = Field(None, description="end-of-life date: calls fail from this day")
    successor: str | None = Field(None, description="key of the model AWS names as its replacement")
    released: date | None = None
    region_features: list[RegionFeatures] = []
    fact_sources: dict[str, str] = Field(
        default_factory=dict, description="per-fact source overrides, e.g. context_window: nova-user-guide"
    )
    availability: list[Availability] = []

    def fact_source(self, fact: str) -> str:
        return self.fact_sources.get(fact, self.source)

    def features_in(self, region: str) -> Features:
        """The model's features as they are in `region`: a `region_features` override wins."""
        for override in self.region_features:
            if region in override.regions:
                return self.features.model_copy(update=override.features)
        return self.features

    def profiles(self, route: Route | None = None) -> list[str]:
        """Inference profile ids, optionally only those of one route (geo or global)."""
        return [p for p in self.inference_profiles if route is None or route_of(p) is route]

    def profile_for(self, prefix: str) -> str | None:
        """The profile id with this prefix (`apac`, `us`, `global`…), if the model has one."""
        return next((p for p in self.inference_profiles if profile_prefix(p) == prefix), None)


class Service(PricedItem):
    """A non-model priced item: Guardrails, Flows, model evaluation, custom model import, ..."""

    category: str
    description: LocalText


class Group(Strict):
    """A family name that means several models ("Sonnet", "노바"): answers list the candidates."""

    key: str
    aliases: list[str] = Field(min_length=1)
    members: list[str] = Field(min_length=2)
