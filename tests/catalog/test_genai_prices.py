"""Cross-check: our US on-demand prices against the independent genai-prices dataset (shipped offline).

Every model both datasets know must agree to rounding, or the disagreement must be recorded in our data as a
conflict with source `genai-prices` that quotes their figures (the official pricing page still wins).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.catalog.loader import load_catalog
from bot.catalog.pricing import per_million, token_price
from bot.catalog.schema import Mode, Model

genai_prices = pytest.importorskip("genai_prices", reason="dev extra genai-prices is required")
PREFIXES = ("regional.", "global.", "us.", "eu.", "apac.")


def _base(value: object) -> Decimal | None:
    if value is None:
        return None
    base = getattr(value, "base", value)
    return Decimal(str(base))


def their_prices() -> dict[str, tuple[Decimal | None, Decimal | None]]:
    from genai_prices import data

    aws = next(p for p in data.providers if p.id == "aws")
    out: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for model in aws.models:
        if model.id.startswith("global."):
            continue  # global-profile prices: compared route by route in test_offline_sources.py
        prices = model.prices
        if isinstance(prices, list):
            prices = next((c.prices for c in prices if c.constraint is None), prices[0].prices)
        model_id = model.id
        for prefix in PREFIXES:
            model_id = model_id.removeprefix(prefix)
        out.setdefault(model_id, (_base(prices.input_mtok), _base(prices.output_mtok)))
    return out


def ours(model: Model) -> tuple[Decimal | None, Decimal | None] | None:
    for region in ("us-east-1", "us-west-2"):
        entry = token_price(model, Mode.on_demand, region)
        if entry is not None:
            return (
                per_million(entry.input) if entry.input is not None else None,
                per_million(entry.output) if entry.output is not None else None,
            )
    return None


def close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None or b is None  # one side does not price this part: nothing to compare
    return abs(a - b) <= max(Decimal("0.000001"), abs(b) * Decimal("0.005"))


def test_us_on_demand_prices_match_genai_prices_or_the_conflict_is_recorded() -> None:
    catalog = load_catalog()
    theirs = their_prices()
    compared, mismatches = [], []
    for model_id, (their_in, their_out) in theirs.items():
        model = catalog.model_by_id(model_id)
        if model is None:
            continue
        mine = ours(model)
        if mine is None:
            continue
        compared.append(model.key)
        if close(mine[0], their_in) and close(mine[1], their_out):
            continue
        recorded = [c for c in model.conflicts if c.source == "genai-prices"]
        if not recorded:
            mismatches.append(f"{model.key}: ours {mine} vs genai-prices {(their_in, their_out)} per 1M")
    assert len(set(compared)) >= 15, f"too few models in common to be a real check: {sorted(set(compared))}"
    assert not mismatches, "\n".join(mismatches)
