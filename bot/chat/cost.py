"""The estimated cost of a model call, from the catalog's price for the call's region and mode.

Bedrock bills input (without cache tokens), output, cache reads and cache writes at their own per-1K prices. A
cache price the catalog lacks is charged at the input price (what Bedrock charged before caching existed for
that model), so a figure is never silently zero.
"""

from __future__ import annotations

from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.pricing import THOUSAND, token_price
from bot.catalog.schema import Mode
from bot.chat.types import Cost, Usage


def call_cost(catalog: Catalog, model_key: str, region: str, usage: Usage, mode: Mode = Mode.on_demand) -> Cost:
    """The call's cost in USD, or `usd=None` when the catalog has no token price for that region and mode."""
    model = catalog.models[model_key]
    entry = token_price(model, mode, region)
    if entry is None or entry.input is None or entry.output is None:
        return Cost(usd=None, region=region, mode=mode.value)
    cache_read = entry.cache_read if entry.cache_read is not None else entry.input
    cache_write = entry.cache_write if entry.cache_write is not None else entry.input
    usd = (
        usage.input_tokens * entry.input
        + usage.output_tokens * entry.output
        + usage.cache_read_tokens * cache_read
        + usage.cache_write_tokens * cache_write
    ) / THOUSAND
    return Cost(
        usd=usd,
        region=region,
        mode=mode.value,
        as_of=catalog.as_of(entry),
        source=entry.source,
    )


def estimate_usd(
    catalog: Catalog, model_key: str, region: str, input_tokens: int, output_tokens: int
) -> Decimal | None:
    """Planning figure for a call that has not run (compare's confirmation)."""
    return call_cost(catalog, model_key, region, Usage(input_tokens=input_tokens, output_tokens=output_tokens)).usd
