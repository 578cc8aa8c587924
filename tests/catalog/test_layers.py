"""Generated layers merge under the curated files: curated wins, gaps are filled, disagreements are recorded.
Also the new price dimensions (tier, route + profile, context tier, 1-hour cache) and lifecycle fields validate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.catalog.dimensions import Route, ServiceTier, base_id, profile_prefix, route_of
from bot.catalog.loader import load_catalog
from tests.catalog.test_loader import GOOD_MODEL, problems, write_models

LAYER_SOURCE = {
    "key": "offline-x",
    "title": "Offline package X",
    "version": "1.2.3",
    "as_of": "2026-11-01",
    "authority": 6,
}


def write_layer(root: Path, name: str, models: list[dict[str, Any]], authority: int = 6) -> Path:
    (root / "generated").mkdir(exist_ok=True)
    path = root / "generated" / f"{name}.yaml"
    doc = {
        "layer": {"name": name, "authority": authority, "generated_at": "2026-12-01"},
        "sources": [{**LAYER_SOURCE, "authority": authority}],
        "models": models,
    }
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def generated(**changes: Any) -> dict[str, Any]:
    row = {
        "regions": ["us-east-1", "ap-northeast-2"],
        "mode": "on_demand",
        "unit": "tokens_1k",
        "input": 0.005,
        "output": 0.002,
        "source": "offline-x",
        "ref": "amazon.test-model-v1:0",
    }
    return {
        **GOOD_MODEL,
        "key": "test-model-gen",
        "name": "Test Model (generated)",
        "aliases": [],
        "source": "offline-x",
        "context_window": 128000,
        "max_output": 8192,
        "prices": [row],
        **changes,
    }


def test_layer_fills_gaps_keeps_curated_values_and_records_every_disagreement(catalog_dir: Path) -> None:
    write_models(catalog_dir, {**GOOD_MODEL, "context_window": 100000})
    write_layer(catalog_dir, "offline", [generated()])
    model = load_catalog(catalog_dir).models["test-model"]
    assert model.context_window == 100000  # curated wins
    assert model.max_output == 8192 and model.fact_source("max_output") == "offline-x"  # gap filled, sourced
    us = [p for p in model.prices if "us-east-1" in p.regions]
    assert len(us) == 1 and str(us[0].input) == "0.001" and us[0].source == "pricing-page"
    seoul = [p for p in model.prices if "ap-northeast-2" in p.regions]
    assert len(seoul) == 1 and seoul[0].source == "offline-x" and seoul[0].regions == ["ap-northeast-2"]
    fields = {c.field: c for c in model.conflicts}
    assert fields["context_window"].ours == "100000" and fields["context_window"].theirs == "128000"
    assert "prices[on_demand/standard/in_region]@us-east-1.input" in fields
    assert fields["prices[on_demand/standard/in_region]@us-east-1.input"].source == "offline-x"
    assert "prices[on_demand/standard/in_region]@us-east-1.output" not in fields  # same figure: no conflict


def test_layer_only_model_is_added_with_its_own_source(catalog_dir: Path) -> None:
    write_models(catalog_dir, GOOD_MODEL)
    new = generated(key="brand-new", name="Brand New", ids=["acme.brand-new-v1:0"], aliases=["테스트 모델", "bn"])
    write_layer(catalog_dir, "offline", [new])
    catalog = load_catalog(catalog_dir)
    model = catalog.model_by_id("acme.brand-new-v1:0")
    assert model is not None and model.key == "brand-new"
    assert catalog.sources["offline-x"].version == "1.2.3"
    assert model.aliases == ["bn"]  # the alias the curated model owns is dropped, not a start-up error
    assert [layer.name for layer in catalog.layers] == ["offline"]


def test_better_ranked_layer_wins_over_a_worse_one(catalog_dir: Path) -> None:
    write_models(catalog_dir, GOOD_MODEL)
    aws = generated(key="brand-new", name="Brand New", ids=["acme.brand-new-v1:0"], context_window=300000)
    write_layer(catalog_dir, "zz-aws", [aws], authority=1)
    write_layer(catalog_dir, "aa-offline", [{**aws, "context_window": 200000}], authority=6)
    model = load_catalog(catalog_dir).models["brand-new"]
    assert model.context_window == 300000
    assert any(c.field == "context_window" and c.theirs == "200000" for c in model.conflicts)


def test_layer_price_in_a_mode_the_curated_model_does_not_offer_is_dropped_and_recorded(catalog_dir: Path) -> None:
    write_models(catalog_dir, GOOD_MODEL)
    row = {"regions": ["us-west-2"], "mode": "batch", "unit": "tokens_1k", "input": 0.0005, "source": "offline-x"}
    write_layer(catalog_dir, "offline", [generated(features={"batch": True}, prices=[row])])
    model = load_catalog(catalog_dir).models["test-model"]
    assert all(p.mode.value != "batch" for p in model.prices)
    assert any(c.field == "prices[batch]" for c in model.conflicts)
    assert any(c.field == "features.batch" for c in model.conflicts)


def test_new_dimensions_validate(catalog_dir: Path) -> None:
    profile = "global.amazon.test-model-v1:0"
    rows = [
        {
            "regions": ["us-east-1"],
            "mode": "on_demand",
            "unit": "tokens_1k",
            "input": 0.001,
            "output": 0.002,
            "cache_write": 0.00125,
            "cache_write_1h": 0.002,
            "cache_read": 0.0001,
            "source": "pricing-page",
        },
        {
            "regions": ["us-east-1"],
            "mode": "on_demand",
            "unit": "tokens_1k",
            "input": 0.002,
            "output": 0.003,
            "context_above": 200000,
            "source": "pricing-page",
        },
        {
            "regions": ["us-east-1"],
            "mode": "on_demand",
            "unit": "tokens_1k",
            "input": 0.0005,
            "tier": "flex",
            "source": "pricing-page",
        },
        {
            "regions": ["ap-northeast-2"],
            "mode": "on_demand",
            "unit": "tokens_1k",
            "input": 0.001,
            "route": "global",
            "profile": profile,
            "source": "pricing-page",
        },
    ]
    model = {
        **GOOD_MODEL,
        "inference_profiles": [profile],
        "features": {"prompt_caching": True},
        "prices": rows,
        "lifecycle": "legacy",
        "legacy_on": "2026-06-01",
        "eol_on": "2027-01-01",
        "region_features": [{"regions": ["ap-northeast-2"], "features": {"batch": True}, "source": "pricing-page"}],
    }
    write_models(catalog_dir, model)
    loaded = load_catalog(catalog_dir).models["test-model"]
    assert [p.tier for p in loaded.prices][2] is ServiceTier.flex
    assert loaded.prices[3].route is Route.global_ and loaded.profile_for("global") == profile
    assert loaded.features_in("ap-northeast-2").batch and not loaded.features_in("us-east-1").batch
    assert str(loaded.eol_on) == "2027-01-01"


def test_bad_dimensions_are_rejected_naming_the_field(catalog_dir: Path) -> None:
    base = {
        "regions": ["us-east-1"],
        "mode": "on_demand",
        "unit": "tokens_1k",
        "input": 0.001,
        "source": "pricing-page",
    }
    cases = [
        ({**base, "route": "geo"}, "profile"),  # geo without a profile
        ({**base, "route": "geo", "profile": "global.x"}, "not a geo profile"),
        ({**base, "mode": "batch", "tier": "flex"}, "on-demand service tiers"),
        ({**base, "route": "global", "profile": "global.other-v1:0"}, "not one of this model's inference_profiles"),
        ({**base, "context_above": 0}, "context_above"),
    ]
    for row, expected in cases:
        write_models(catalog_dir, {**GOOD_MODEL, "features": {"batch": True}, "prices": [row]})
        assert any(expected in p for p in problems(catalog_dir)), (row, problems(catalog_dir))
    write_models(catalog_dir, {**GOOD_MODEL, "successor": "no-such-model"})
    assert any("successor: unknown model 'no-such-model'" in p for p in problems(catalog_dir))
    write_models(catalog_dir, GOOD_MODEL)
    (catalog_dir / "generated").mkdir()
    (catalog_dir / "generated" / "bad.yaml").write_text("models: [\n", encoding="utf-8")
    assert any("bad.yaml" in p and "not valid YAML" in p for p in problems(catalog_dir))


def test_route_helpers() -> None:
    assert route_of("global.anthropic.claude-x") is Route.global_
    assert route_of("apac.anthropic.claude-x") is Route.geo and route_of("us-gov.x") is Route.geo
    assert route_of("anthropic.claude-x") is Route.in_region
    assert profile_prefix("us-gov.meta.llama") == "us-gov" and profile_prefix("meta.llama") is None
    assert base_id("jp.anthropic.claude-x") == "anthropic.claude-x"
