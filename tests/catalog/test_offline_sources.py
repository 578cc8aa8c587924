"""Cross-check: every shipped token price against both offline packages (LiteLLM's cost map, genai-prices).

- a generated row must carry exactly the figures of the source and key it names (`source`, `ref`);
- where the other package prices the same place (in-Region us-east-1, a geo profile, the global profile) it
  must agree, or the disagreement must be recorded on the model as a conflict;
- a curated (pricing-page) row in a Region LiteLLM also prices must agree with it or carry a conflict naming
  `litellm-cost-map` (the pricing page still wins).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.catalog.loader import load_catalog
from bot.catalog.schema import Model, PriceEntry
from bot.catalog.sync.rows import genai_rows, litellm_rows, norm_id, parse_litellm_key
from bot.catalog.sync.sources import litellm_wheel, read_genai, read_litellm

FIGURES = ("input", "output", "cache_read", "cache_write", "cache_write_1h")


@pytest.fixture(scope="module")
def litellm() -> dict[str, dict[str, Any]]:
    wheel = litellm_wheel()
    if wheel is None:
        pytest.skip("the pinned LiteLLM wheel is not cached and could not be downloaded")
    return read_litellm(wheel).entries


@pytest.fixture(scope="module")
def genai() -> dict[str, Any]:
    pytest.importorskip("genai_prices", reason="dev extra genai-prices is required")
    catalog = load_catalog()
    return read_genai(catalog.sources["litellm-cost-map"].as_of)


def _slot_row(entry: PriceEntry, rows: dict[Any, Any], litellm_shape: bool) -> Any:
    key = (entry.mode.value, entry.tier.value, entry.context_above) if litellm_shape else entry.context_above
    return rows.get(key)


def _figures(entry: PriceEntry) -> dict[str, Decimal]:
    return {f: getattr(entry, f) for f in FIGURES if getattr(entry, f) is not None}


def _recorded(model: Model, part: str) -> bool:
    return any(c.field.endswith(f".{part}") or c.ours == "not used" for c in model.conflicts)


def test_every_generated_row_is_exactly_its_named_source(litellm: dict[str, Any], genai: dict[str, Any]) -> None:
    catalog = load_catalog()
    checked = 0
    for model in catalog.models.values():
        for entry in model.prices:
            if entry.source not in ("litellm-cost-map", "genai-prices"):
                continue
            assert entry.ref, f"{model.key}: a generated row names its source key"
            if entry.source == "litellm-cost-map":
                row = _slot_row(entry, litellm_rows(litellm[entry.ref]), True)
            else:
                g = genai[entry.ref]
                row = _slot_row(entry, genai_rows(g.prices, g.tiers), False)
            assert row is not None, f"{model.key}: {entry.ref} has no {entry.mode.value}/{entry.tier.value} row"
            theirs = row.figures
            for part, ours in _figures(entry).items():
                if part in theirs:
                    assert ours == theirs[part], f"{model.key} {entry.ref} {part}: {ours} vs source {theirs[part]}"
                else:  # a figure the row's source lacks comes from the other package and says so
                    assert entry.note is not None and part in entry.note.en, (model.key, entry.ref, part)
            checked += 1
    assert checked >= 400, checked


def test_where_both_packages_price_a_row_they_agree_or_the_conflict_is_recorded(
    litellm: dict[str, Any], genai: dict[str, Any]
) -> None:
    catalog = load_catalog()
    by_norm = {(norm_id(g.id.removeprefix("regional.")), g.id.split(".")[0]): g for g in genai.values()}
    compared = 0
    for model in catalog.models.values():
        if model.source != "litellm-cost-map":
            continue
        for entry in model.prices:
            if entry.mode.value != "on_demand" or entry.tier.value != "standard" or entry.context_above:
                continue
            norm = norm_id(model.ids[0])
            if entry.route.value == "global":
                g, key = by_norm.get((norm, "global")), entry.profile
            elif entry.profile and entry.profile.startswith("us."):
                g, key = by_norm.get((norm, "regional")), entry.profile
            elif entry.route.value == "in_region" and entry.regions == ["us-east-1"]:
                g = by_norm.get((norm, "regional")) or next(
                    (v for (n, r), v in by_norm.items() if n == norm and r not in ("regional", "global")), None
                )
                key = next((k for k in litellm if parse_litellm_key(k) and k in (model.ids[0],)), None)
            else:
                continue
            if g is None or key is None or key not in litellm:
                continue
            theirs = genai_rows(g.prices, g.tiers).get(None)
            mine = litellm_rows(litellm[key]).get(("on_demand", "standard", None))
            if theirs is None or mine is None:
                continue
            compared += 1
            for part in set(theirs.figures) & set(mine.figures):
                if theirs.figures[part] != mine.figures[part]:
                    assert _recorded(model, part), f"{model.key} {key} {part}: not recorded as a conflict"
    assert compared >= 30, compared


def test_curated_prices_agree_with_litellm_or_record_the_conflict(litellm: dict[str, Any]) -> None:
    catalog = load_catalog()
    places: dict[tuple[str, str], dict[str, Decimal]] = {}
    for key, raw in litellm.items():
        place = parse_litellm_key(key)
        if place is None or place.prefix is not None or raw.get("mode") != "chat":
            continue
        row = litellm_rows(raw).get(("on_demand", "standard", None))
        if row is not None:
            places.setdefault((place.model_id, place.region or "us-east-1"), row.figures)
    compared, missing = 0, []
    for model in catalog.models.values():
        for entry in model.prices:
            if entry.source != "pricing-page" or entry.mode.value != "on_demand" or entry.unit.value != "tokens_1k":
                continue
            for region in entry.regions:
                theirs = next((places[(i, region)] for i in model.ids if (i, region) in places), None)
                if theirs is None:
                    continue
                compared += 1
                for part in ("input", "output"):
                    ours = getattr(entry, part)
                    recorded = any(c.source == "litellm-cost-map" for c in model.conflicts)
                    if ours is not None and part in theirs and ours != theirs[part] and not recorded:
                        missing.append(f"{model.key}@{region}.{part}: ours {ours}, LiteLLM {theirs[part]}")
    assert compared >= 15, compared
    assert not missing, "\n".join(missing)
