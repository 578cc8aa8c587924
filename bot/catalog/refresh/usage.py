"""Classifying a Price List product from its attributes and usage type: mode, route, dimension, unit.

The price list has no single field for these, so the words of `usagetype`, `feature` and `inferenceType` are
read together: `USE1-Claude4.5Sonnet-batch-input-tokens`, `USE1-MP:USE1_InputTokenCount_Global-Units`,
`APN2-NovaPro-cache-write-1h-input-tokens`, `USE1-NovaPro-LCtx-input-tokens`, ... Anything that does not
classify returns a reason instead, so the product is listed as unmapped. `billed` reads the same words from a
usage type alone, as Cost Explorer reports it (`bot.digest.reconcile`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.catalog.refresh.records import CacheTtl, Dimension, PriceMode, PriceUnit, Route, Term

_MODES: tuple[tuple[PriceMode, re.Pattern[str]], ...] = (
    ("provisioned", re.compile(r"provisioned|model ?units?|commit")),
    ("batch", re.compile(r"batch")),
    ("flex", re.compile(r"flex")),
    ("priority", re.compile(r"priority")),
    ("reserved", re.compile(r"reserved")),
    ("latency_optimized", re.compile(r"latency ?optimi[sz]ed")),
)
_GLOBAL = re.compile(r"global")
_GEO = re.compile(r"cross ?region|\bgeo\b|\bcris\b|regional ?profile")
_DIMENSIONS: tuple[tuple[Dimension, re.Pattern[str]], ...] = (
    ("cache_read", re.compile(r"cache ?read")),
    ("cache_write", re.compile(r"cache ?write")),
    ("input", re.compile(r"input")),
    ("output", re.compile(r"output")),
)
_ONE_HOUR = re.compile(r"\b1 ?h(ou)?r?\b")
_LONG_CONTEXT = re.compile(r"\bl ?ctx\b|long ?context")
_SIX_MONTHS = re.compile(r"6 ?months?")
_ONE_MONTH = re.compile(r"1 ?months?")
_UNITS: tuple[tuple[PriceUnit, re.Pattern[str]], ...] = (
    ("tokens_1m", re.compile(r"\b1m\b|million|1,000,000")),
    ("tokens_1k", re.compile(r"\b1k tokens\b|thousand tokens|1,000 tokens|\b1k\b(?! (text|quer))")),
    ("text_units_1k", re.compile(r"text units?")),
    ("queries_1k", re.compile(r"1k quer|1,000 quer|thousand quer")),
    ("query", re.compile(r"quer(y|ies)|requests?")),
    ("image", re.compile(r"images?")),
    ("video_second", re.compile(r"seconds?")),
    ("model_unit_hour", re.compile(r"hours?|hrs?\b")),
)


@dataclass(frozen=True, slots=True)
class Kind:
    mode: PriceMode
    route: Route
    dimension: Dimension
    unit: PriceUnit
    cache_ttl: CacheTtl | None
    long_context: bool
    term: Term | None


def words(*texts: str) -> str:
    """Lower case with `-`, `_`, `:` and camel-case boundaries as spaces: 'InputTokenCount_Global' → 'input
    token count global'."""
    joined = " ".join(texts)
    joined = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-zA-Z])(?=\d)", " ", joined)
    return re.sub(r"[-_:/]+", " ", joined).lower()


def classify(usage_type: str, feature: str, inference_type: str, unit: str, description: str) -> Kind | str:
    """The kind of one price dimension, or why it could not be classified."""
    # Only the words that matter are kept, so the tens of thousands of products of a full price list share a few
    # hundred cached classifications: no region prefix, and of the description only its unit words.
    tail = _REGION_PREFIX.sub("", usage_type)
    hint = " ".join(_UNIT_WORDS.findall(description.lower()))
    return _classify(tail, feature, inference_type, unit, hint)


_REGION_PREFIX = re.compile(r"^[A-Z]{2,4}\d?-|(?<=MP:)[A-Z]{2,4}\d?_")
_UNIT_WORDS = re.compile(r"\b1m\b|million|1,000,000|\b1k\b|thousand|1,000|tokens?|text units?|quer(?:y|ies)|"
                         r"requests?|images?|seconds?|hours?|hrs?\b")


@dataclass(frozen=True, slots=True)
class Billed:
    """What a billed usage type says by itself: Cost Explorer's USAGE_TYPE comes with no feature, inference type
    or unit beside it, so `dimension` is a token direction only when the usage type names tokens, else "price"."""

    mode: PriceMode
    route: Route
    dimension: Dimension
    cache_ttl: CacheTtl | None
    long_context: bool


_TOKENS = re.compile(r"\btokens?\b")


def billed(usage_type: str) -> Billed:
    """The mode, route, token direction, cache TTL and long-context flag of a billed usage type, read with the
    same words as `classify` ('USE1-MP:USE1_CacheWrite1h_InputTokenCount_Global-Units' → on-demand, global,
    cache write, 1h)."""
    return _billed(_REGION_PREFIX.sub("", usage_type))


@lru_cache(maxsize=1024)
def _billed(usage_type: str) -> Billed:
    text = words(usage_type)
    mode, route, dimension, ttl, long_context = _read(text)
    if not _TOKENS.search(text):
        dimension, ttl = "price", None
    return Billed(mode, route, dimension, ttl, long_context)


def _read(text: str) -> tuple[PriceMode, Route, Dimension, CacheTtl | None, bool]:
    """Mode, route, direction ("price" when none), cache TTL and long context from the words of a product."""
    mode: PriceMode = next((m for m, rx in _MODES if rx.search(text)), "on_demand")
    route: Route = "global" if _GLOBAL.search(text) else "geo" if _GEO.search(text) else "in_region"
    dimension: Dimension = next((d for d, rx in _DIMENSIONS if rx.search(text)), "price")
    ttl: CacheTtl | None = None
    if dimension == "cache_write":
        ttl = "1h" if _ONE_HOUR.search(text) else "5m"
    return mode, route, dimension, ttl, bool(_LONG_CONTEXT.search(text))


@lru_cache(maxsize=4096)
def _classify(usage_type: str, feature: str, inference_type: str, unit: str, description: str) -> Kind | str:
    text = words(usage_type, feature, inference_type)
    mode, route, dimension, ttl, long_context = _read(text)
    unit_text = f"{unit} {description}".lower()
    price_unit = next((u for u, rx in _UNITS if rx.search(unit.lower())), None)
    if price_unit is None or (price_unit == "query" and "token" in unit_text):
        price_unit = next((u for u, rx in _UNITS if rx.search(unit_text)), None)
    if price_unit is None:
        return f"unknown unit {unit!r}"
    if price_unit in ("tokens_1k", "tokens_1m") and dimension == "price":
        return f"a token price with no input/output/cache direction in {usage_type!r}"
    if price_unit not in ("tokens_1k", "tokens_1m"):
        dimension, ttl = "price", None
    term: Term | None = None
    if mode == "provisioned":
        term = "6_months" if _SIX_MONTHS.search(text) else "1_month" if _ONE_MONTH.search(text) else "no_commit"
    return Kind(mode, route, dimension, price_unit, ttl, long_context, term)
