"""LiteLLM cost-map entries and genai-prices models → catalog price rows (USD per 1K tokens).

A LiteLLM key names where a price applies: `x` (the in-Region id; LiteLLM takes these from the us-east-1 price
list), `bedrock/<region>/x` (that Region), `us.x` / `eu.x` / `apac.x` / … (a geo profile) and `global.x`.
Its fields name the dimension: `input_cost_per_token_flex`, `..._priority`, `..._batches`,
`..._above_200k_tokens`, `cache_creation_input_token_cost_above_1hr` (the 1-hour cache write).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.catalog.dimensions import base_id, profile_prefix

PER_1K = Decimal(1000)
_FIELD = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)"
    r"(_above_1hr)?(?:_above_(\d+)k_tokens)?(?:_(batches|flex|priority|ultrafast))?$"
)
_PART = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}
_GENAI_PART = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
}


@dataclass(frozen=True)
class Place:
    """Where a source key applies: an in-Region price in `region`, or a geo/global profile."""

    region: str | None
    prefix: str | None
    model_id: str


def parse_litellm_key(key: str) -> Place | None:
    """`bedrock/eu-west-2/x` → (eu-west-2, None, x); `apac.x` → (None, apac, apac.x); commitments etc. → None."""
    region = None
    if key.startswith("bedrock/"):
        parts = key[len("bedrock/") :].split("/")
        if len(parts) > 2 or parts[0] == "invoke":
            return None
        region, key = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
    if "@" in key or "/" in key or "." not in base_id(key):
        return None
    prefix = profile_prefix(key)
    if prefix is not None and region is not None:
        return None
    return Place(region, prefix, key)


def norm_id(model_id: str) -> str:
    """The form two sources' ids meet in: no profile prefix, snapshot date or `-v1:0` suffix."""
    text = base_id(model_id).lower().replace("moonshot.", "moonshotai.")
    text = re.sub(r"-\d{8}", "", text)
    return re.sub(r"(-v\d+)?(:\d+)?$", "", text)


@dataclass
class Row:
    """A price row under construction: slot (mode, tier, context tier) → figures per 1K tokens."""

    mode: str = "on_demand"
    tier: str = "standard"
    context_above: int | None = None
    figures: dict[str, Decimal] = field(default_factory=dict)


def litellm_rows(entry: dict[str, Any]) -> dict[tuple[str, str, int | None], Row]:
    """Every priced slot of one LiteLLM entry (ultrafast is skipped: Bedrock has no such tier)."""
    rows: dict[tuple[str, str, int | None], Row] = {}
    for name, value in entry.items():
        match = _FIELD.match(name)
        if match is None or value is None or match.group(4) == "ultrafast":
            continue
        base, one_hour, above_k, variant = match.groups()
        mode = "batch" if variant == "batches" else "on_demand"
        tier = variant if variant in ("flex", "priority") else "standard"
        context = int(above_k) * 1000 if above_k else None
        part = _PART[base] + ("_1h" if one_hour else "")
        if mode == "batch" and part not in ("input", "output"):
            continue
        row = rows.setdefault((mode, tier, context), Row(mode, tier, context))
        row.figures[part] = (Decimal(str(value)) * PER_1K).normalize()
    return {k: r for k, r in rows.items() if r.figures}


def genai_rows(prices: dict[str, Decimal], tiers: dict[str, list[tuple[int, Decimal]]]) -> dict[int | None, Row]:
    """genai-prices' standard on-demand row and its long-context tiers (USD per 1M → per 1K)."""
    rows: dict[int | None, Row] = {None: Row()}
    for name, part in _GENAI_PART.items():
        if name in prices:
            rows[None].figures[part] = (prices[name] / PER_1K).normalize()
        for start, price in tiers.get(name, []):
            rows.setdefault(start, Row(context_above=start)).figures[part] = (price / PER_1K).normalize()
    return {k: r for k, r in rows.items() if r.figures}
