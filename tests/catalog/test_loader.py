"""The catalog loader: the real catalog is valid, and bad data is rejected naming file, model and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.catalog.loader import load_catalog
from bot.errors import CatalogError

GOOD_MODEL = {
    "key": "test-model",
    "name": "Test Model",
    "provider": "Amazon",
    "kind": "text",
    "ids": ["amazon.test-model-v1:0"],
    "aliases": ["테스트 모델"],
    "source": "pricing-page",
    "modalities_in": ["text"],
    "modalities_out": ["text"],
    "features": {"streaming": True, "batch": False},
    "prices": [
        {
            "regions": ["us-east-1"],
            "mode": "on_demand",
            "unit": "tokens_1k",
            "input": 0.001,
            "output": 0.002,
            "source": "pricing-page",
        }
    ],
}


def write_models(root: Path, *models: dict) -> Path:
    path = root / "models" / "test.yaml"
    path.write_text(yaml.safe_dump({"models": list(models)}, allow_unicode=True), encoding="utf-8")
    return path


def problems(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    return info.value.problems


def with_price(**changes: object) -> dict:
    model = {**GOOD_MODEL, "prices": [{**GOOD_MODEL["prices"][0], **changes}]}
    return model


def test_real_catalog_loads_with_every_model_the_design_lists() -> None:
    catalog = load_catalog()
    names = {m.name.lower() for m in catalog.models.values()}
    for expected in (
        "nova micro",
        "nova lite",
        "nova pro",
        "claude 3.7 sonnet",
        "claude 3.5 haiku",
        "claude 3 opus",
        "jamba 1.5 large",
        "command r+",
        "llama 2 chat 13b",
        "mixtral 8x7b",
        "mistral large",
        "luma ray2",
    ):
        assert any(expected in n for n in names), expected
    assert len(catalog.models) >= 45
    assert {"guardrails", "flows"} <= {s.category for s in catalog.services.values()}


def test_every_price_and_fact_resolves_to_a_source_with_an_as_of(catalog_dir: Path) -> None:
    catalog = load_catalog()
    for item in [*catalog.models.values(), *catalog.services.values()]:
        assert catalog.sources[item.source].as_of
        for price in item.prices:
            assert catalog.as_of(price) is not None
            assert price.source in catalog.sources


def test_small_valid_catalog_loads(catalog_dir: Path) -> None:
    write_models(catalog_dir, GOOD_MODEL)
    catalog = load_catalog(catalog_dir)
    assert catalog.model_by_id("AMAZON.TEST-MODEL-V1:0") is catalog.models["test-model"]


def test_unknown_region_names_file_model_and_field(catalog_dir: Path) -> None:
    path = write_models(catalog_dir, with_price(regions=["mars-north-1"]))
    found = problems(catalog_dir)
    assert any(
        str(path) in p and "'test-model'" in p and "prices.0.regions" in p and "mars-north-1" in p for p in found
    )


def test_negative_price_is_rejected(catalog_dir: Path) -> None:
    path = write_models(catalog_dir, with_price(input=-0.001))
    found = problems(catalog_dir)
    assert any(str(path) in p and "'test-model'" in p and "prices.0.input" in p for p in found), found


def test_mode_the_model_does_not_offer_is_rejected(catalog_dir: Path) -> None:
    write_models(catalog_dir, with_price(mode="batch"))
    found = problems(catalog_dir)
    assert any("prices.0.mode" in p and "batch" in p and "features.batch" in p for p in found), found


def test_cache_price_without_prompt_caching_is_rejected(catalog_dir: Path) -> None:
    write_models(catalog_dir, with_price(cache_read=0.0001))
    assert any("prompt_caching" in p for p in problems(catalog_dir))


def test_duplicate_ids_and_aliases_are_rejected(catalog_dir: Path) -> None:
    twin = {**GOOD_MODEL, "key": "test-twin", "name": "Twin", "aliases": ["테스트  모델"]}
    write_models(catalog_dir, GOOD_MODEL, twin)
    found = problems(catalog_dir)
    assert any("duplicate id 'amazon.test-model-v1:0'" in p for p in found), found
    assert any("duplicate alias '테스트 모델'" in p for p in found), found


def test_unknown_source_and_unknown_key_are_rejected(catalog_dir: Path) -> None:
    write_models(catalog_dir, {**with_price(source="a-blog"), "colour": "blue"})
    found = problems(catalog_dir)
    assert any("colour" in p and "Extra inputs" in p for p in found), found
    write_models(catalog_dir, with_price(source="a-blog"))
    assert any("prices.0.source" in p and "a-blog" in p for p in problems(catalog_dir))


def test_provisioned_price_needs_a_term(catalog_dir: Path) -> None:
    model = {
        **GOOD_MODEL,
        "features": {"provisioned_throughput": True},
        "prices": [
            {
                "regions": ["us-east-1"],
                "mode": "provisioned",
                "unit": "model_unit_hour",
                "price": 20,
                "source": "pricing-page",
            }
        ],
    }
    write_models(catalog_dir, model)
    assert any("term" in p for p in problems(catalog_dir))


def test_group_member_must_exist(catalog_dir: Path) -> None:
    write_models(catalog_dir, GOOD_MODEL)
    (catalog_dir / "groups.yaml").write_text(
        yaml.safe_dump({"groups": [{"key": "g", "aliases": ["gg"], "members": ["test-model", "nope"]}]}),
        encoding="utf-8",
    )
    assert any("unknown model 'nope'" in p for p in problems(catalog_dir))
