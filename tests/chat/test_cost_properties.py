"""`call_cost` against an independent computation from the raw catalog rows, over every priced chat model.

For each chat model with token prices, every combination it has: mode (on-demand, batch where priced) × Region ×
route (the in-Region id, each geo / global profile priced there, and profiles it lists but the catalog does not
price there) × service tier (standard, flex, priority) × context tier (the base rows and above each
`context_above`), with a few usages per combination drawn from a seeded generator (zero parts, all five parts,
prompts exactly at and one token over each threshold, large inputs). The oracle (`tests.support.billing_oracle`)
picks the row itself and prices each part in Decimal; nothing here calls `bot.catalog.pricing`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier
from bot.catalog.loader import load_catalog
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.chat.cost import call_cost
from bot.chat.present import cost_text
from bot.chat.resolve import is_chat_model
from bot.chat.types import Cost, Usage
from bot.qa.format import usd
from tests.support.billing_oracle import Expected, expected_cost, route_of_id

CATALOG = load_catalog(Path("config/catalog"))
SEED = 20261203
TIERS = ("standard", "flex", "priority")
MODES = ("on_demand", "batch")
# Claude Sonnet 4.5 (2025-09-29) is the first Claude whose geo (regional) profiles cost 10 % more than global.
GEO_PREMIUM_FROM = date(2025, 9, 29)


def token_rows(model: Model, mode: str | None = None) -> list[PriceEntry]:
    return [p for p in model.prices if p.unit.value == "tokens_1k" and (mode is None or p.mode.value == mode)]


PRICED = sorted(k for k, m in CATALOG.models.items() if is_chat_model(m) and token_rows(m, "on_demand"))


@dataclass(frozen=True)
class Case:
    mode: str
    region: str
    called: str
    tier: str
    usage: Usage


def _split(rng: random.Random, prompt: int, caching: bool) -> tuple[int, int, int, int]:
    """`prompt` tokens as (input, cache read, 5-minute write, 1-hour write); cache parts mostly for models that
    cache, now and then for others (their rows have no cache prices: the parts must be named missing)."""
    if not (caching or rng.random() < 0.15) or prompt == 0:
        return prompt, 0, 0, 0
    cuts = sorted(rng.randint(0, prompt) for _ in range(3))
    parts = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], prompt - cuts[2]]
    for i in range(1, 4):  # some calls without one cache part or another
        if rng.random() < 0.3:
            parts[0] += parts[i]
            parts[i] = 0
    return parts[0], parts[1], parts[2], parts[3]


def _usage(rng: random.Random, prompt: int, caching: bool) -> Usage:
    inp, read, write, write_1h = _split(rng, prompt, caching)
    output = 0 if rng.random() < 0.15 else rng.randint(1, 8_000)
    return Usage(inp, output, read, write, write_1h)


def _prompts(rng: random.Random, thresholds: list[int]) -> list[int]:
    """Prompt sizes: small ones under the first threshold, and at, one over and well over each threshold."""
    low = min(thresholds, default=300_000)
    sizes = [rng.randint(1, min(low, 40_000)), rng.randint(1, low)]
    for t in thresholds:
        sizes += [t, t + 1, t + rng.randint(2, 400_000)]
    return sizes


def cases(model: Model) -> Iterator[Case]:
    rng = random.Random(f"{SEED}:{model.key}")
    caching = model.features.prompt_caching
    yield Case("on_demand", token_rows(model, "on_demand")[0].regions[0], model.ids[0], "standard", Usage())
    for mode in MODES:
        rows = token_rows(model, mode)
        regions = list(dict.fromkeys(r for p in rows for r in p.regions))
        unpriced_profiles = [p for p in model.inference_profiles if p not in {r.profile for r in rows}]
        for region in regions:
            here = [p for p in rows if region in p.regions]
            profiles = sorted({p.profile for p in here if p.profile})
            called = [model.ids[0], *profiles, *unpriced_profiles[:1]]
            for model_id in called:
                for tier in TIERS if mode == "on_demand" else ("standard",):
                    thresholds = sorted(
                        {
                            p.context_above
                            for p in here
                            if p.context_above is not None and (p.profile or model.ids[0]) == model_id
                        }
                    )
                    for prompt in _prompts(rng, thresholds):
                        yield Case(mode, region, model_id, tier, _usage(rng, prompt, caching))
    # a Region the model has no price in at all
    yield Case("on_demand", "xx-nowhere-1", model.ids[0], "standard", Usage(1000, 1000))


def priced(catalog: Catalog, model: Model, case: Case) -> tuple[Cost, Expected]:
    got = call_cost(
        catalog,
        model.key,
        case.region,
        case.usage,
        Mode(case.mode),
        model_id=case.called,
        tier=ServiceTier(case.tier),
    )
    reach = CATALOG.profiles_from(case.region)
    want = expected_cost(
        model, case.region, case.usage, mode=case.mode, called=case.called, tier=case.tier, prefixes=reach
    )
    return got, want


def _mismatch(got: Cost, want: Expected, case: Case) -> str | None:
    seen = (
        got.usd,
        got.missing,
        got.reason,
        got.route,
        got.profile,
        got.context_above,
        {p.part: p.cost for p in got.parts},
        {p.part: p.per_1k for p in got.parts},
        {p.part: p.tokens for p in got.parts},
        got.source,
        got.tier,
        got.at_source_rate,
    )
    expected = (
        want.usd,
        want.missing,
        want.reason,
        want.route,
        want.profile,
        want.context_above,
        dict(want.parts),
        dict(want.rates),
        {part: int(getattr(case.usage, f"{part}_tokens")) for part in want.parts},
        None if want.row is None else want.row.source,
        case.tier if case.mode == "on_demand" else "standard",
        want.at_source,
    )
    return None if seen == expected else f"{case}\n  call_cost: {seen}\n  oracle:    {expected}"


@pytest.mark.parametrize("key", PRICED)
def test_call_cost_equals_the_raw_rows_for_every_combination_the_model_has(key: str) -> None:
    model = CATALOG.models[key]
    failures: list[str] = []
    reached: set[tuple[object, ...]] = set()
    count = 0
    for case in cases(model):
        got, want = priced(CATALOG, model, case)
        count += 1
        if (problem := _mismatch(got, want, case)) is not None:
            failures.append(problem)
        if want.row is not None and got.usd is not None:
            reached.add(want.row.slot())
    assert not failures, f"{len(failures)} of {count} combinations differ, e.g.:\n" + "\n".join(failures[:3])
    # every row of the model (each mode, tier, route, profile and context tier) was priced at least once
    slots = {p.slot() for p in token_rows(model) if p.mode.value in MODES}
    assert slots <= reached, f"rows never reached: {sorted(slots - reached)}"


def test_the_sweep_covers_every_priced_chat_model_route_and_tier() -> None:
    combos = {
        (k, p.mode.value, p.tier.value, p.route.value) for k in PRICED for p in token_rows(CATALOG.models[k], None)
    }
    swept = {(k, c.mode, c.tier, route_of_id(c.called)) for k in PRICED for c in cases(CATALOG.models[k])}
    wanted = {c for c in combos if c[1] in MODES}
    assert len(PRICED) > 100
    assert wanted <= swept


@pytest.mark.parametrize("key", [k for k in PRICED if any(p.context_above for p in CATALOG.models[k].prices)])
def test_a_long_context_rate_applies_strictly_above_the_threshold_counting_all_input_read(key: str) -> None:
    """At exactly `context_above` the base rates apply; one token more (made of cache reads and writes, the billed
    input itself far below the threshold) and the long-context row's rates apply to every part."""
    model = CATALOG.models[key]
    for row in (p for p in token_rows(model, "on_demand") if p.context_above is not None):
        t, region = row.context_above, row.regions[0]
        called = row.profile or model.ids[0]
        assert t is not None
        quarter = t // 4
        at = Usage(t - 3 * quarter, 10, quarter, quarter, quarter)
        over = Usage(t - 3 * quarter + 1, 10, quarter, quarter, quarter)
        base = call_cost(CATALOG, key, region, at, model_id=called, tier=row.tier)
        long = call_cost(CATALOG, key, region, over, model_id=called, tier=row.tier)
        assert base.context_above is None, (key, row.profile, t)
        assert long.context_above == t, (key, row.profile, t)
        rates = {p.part: p.per_1k for p in long.parts}
        for part in ("input", "output", "cache_read", "cache_write", "cache_write_1h"):
            if getattr(row, part) is not None:
                assert rates[part] == getattr(row, part), (key, row.profile, part)
            else:
                assert part in long.missing
        assert long.usd is not None and base.usd is not None and long.usd > base.usd


def _anthropic_pairs() -> Iterator[tuple[Model, str, PriceEntry, PriceEntry]]:
    for key in PRICED:
        model = CATALOG.models[key]
        if not model.ids[0].startswith("anthropic."):
            continue
        rows = [p for p in token_rows(model) if p.tier.value == "standard"]
        for geo in (p for p in rows if p.route.value == "geo"):
            for glob in (p for p in rows if p.route.value == "global"):
                same = (geo.mode, geo.context_above) == (glob.mode, glob.context_above)
                for region in sorted(set(geo.regions) & set(glob.regions)) if same else ():
                    yield model, region, geo, glob


def test_geo_profiles_are_never_priced_below_global_and_above_it_from_claude_sonnet_4_5() -> None:
    pairs = list(_anthropic_pairs())
    assert len({m.key for m, *_ in pairs}) >= 10
    for model, region, geo, glob in pairs:
        newer = model.released is not None and model.released >= GEO_PREMIUM_FROM
        for part in ("input", "output", "cache_read", "cache_write", "cache_write_1h"):
            a, b = getattr(geo, part), getattr(glob, part)
            if a is None or b is None:
                continue
            where = (model.key, region, geo.mode.value, geo.context_above, part, a, b)
            assert a >= b, where
            if newer:
                assert a > b, where
        usage = Usage(5_000, 1_000, 2_000, 500, 500)
        if geo.mode is Mode.on_demand and newer:
            at_geo = call_cost(CATALOG, model.key, region, usage, model_id=geo.profile)
            at_global = call_cost(CATALOG, model.key, region, usage, model_id=glob.profile)
            assert at_geo.usd is not None and at_global.usd is not None
            assert at_geo.usd > at_global.usd, (model.key, region)


def test_the_footer_shows_the_cost_figure() -> None:
    shown = 0
    for key in PRICED:
        model = CATALOG.models[key]
        for case in list(cases(model))[:12]:
            got, _ = priced(CATALOG, model, case)
            if got.usd is None:
                continue
            for lang in ("ko", "en"):
                assert usd(got.usd) in cost_text(got, lang), (key, case, lang)
            shown += 1
    assert shown > 500


def test_an_unpriced_tier_route_and_region_each_say_which() -> None:
    model = CATALOG.models["claude-sonnet-4-5"]
    usage = Usage(1000, 100)
    flex = call_cost(CATALOG, model.key, "us-east-1", usage, tier=ServiceTier.flex)
    assert (flex.usd, flex.reason) == (None, "tier")
    # priced for GovCloud only; us-east-1 prices the geo route through `us.`, which is not the profile called
    unpriced_profile = "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0"
    route = call_cost(CATALOG, model.key, "us-east-1", usage, model_id=unpriced_profile)
    assert (route.usd, route.reason) == (None, "route")
    region = call_cost(CATALOG, model.key, "ap-south-2", usage)
    assert (region.usd, region.reason) == (None, "region")
    zero = call_cost(CATALOG, model.key, "us-east-1", Usage())
    assert (zero.usd, zero.parts, zero.missing) == (Decimal(0), (), ())
