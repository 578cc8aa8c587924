"""The change report over the fixture (read from the stand-in through boto3) against the repo's catalog."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.refresh.link import ItemRef
from bot.catalog.refresh.records import Snapshot
from bot.catalog.refresh.report import headline, price_changes, render
from bot.catalog.refresh.rows import Cell, RowKey, new_rows
from bot.catalog.refresh.run import plan

REGIONS = ["us-east-1", "ap-northeast-2"]


def lines(snapshot: Snapshot, catalog: Catalog, kind: str) -> list[str]:
    return [c.en for c in plan(catalog, snapshot, REGIONS).report.changes if c.kind == kind]


def test_new_models_are_the_listed_ids_the_catalog_lacks(snapshot: Snapshot, catalog: Catalog) -> None:
    assert lines(snapshot, catalog, "new_model") == [
        "amazon.nova-2-lite-v1:0 — Nova 2 Lite (Amazon), ap-northeast-2, us-east-1",
        "anthropic.claude-sonnet-4-5-20250929-v1:0 — Claude Sonnet 4.5 (Anthropic), ap-northeast-2, us-east-1",
    ]


def test_legacy_models_with_dates_and_models_no_longer_listed(snapshot: Snapshot, catalog: Catalog) -> None:
    found = lines(snapshot, catalog, "lifecycle")
    opus = "claude-3-opus (anthropic.claude-3-opus-20240229-v1:0)"
    assert f"{opus}: legacy from 2025-06-01, end of life 2026-01-15" in found
    assert "claude-instant (anthropic.claude-instant-v1): no longer listed in us-east-1, ap-northeast-2" in found
    assert not any(line.startswith("claude-3-sonnet ") for line in found)  # legacy in the catalog already


def test_a_curated_price_that_differs_is_reported_and_kept(snapshot: Snapshot, catalog: Catalog) -> None:
    assert lines(snapshot, catalog, "price") == [
        "claude-3-haiku ap-northeast-2 on_demand input: 0.00025 → 0.0003 USD per 1K tokens (+20.0%)"
        " — curated value kept, disagreement recorded"
    ]
    assert plan(catalog, snapshot, REGIONS).report.disagreements == 1


def test_same_price_in_another_unit_is_no_change(snapshot: Snapshot, catalog: Catalog) -> None:
    # Knowledge Bases: AWS says 2.00 per 1K queries, the catalog 0.002 per query; Claude 3 Haiku us-east-1:
    # 0.25 per 1M tokens against 0.00025 per 1K
    assert not any("kb-structured-retrieval" in line or "us-east-1" in line
                   for line in lines(snapshot, catalog, "price"))


def test_new_regions_modes_and_profiles_of_catalog_models(snapshot: Snapshot, catalog: Catalog) -> None:
    regions = lines(snapshot, catalog, "new_region")
    assert "nova-micro: Asia Pacific (Seoul) (ap-northeast-2)" in regions
    assert "nova-micro: ap-southeast-5 (not in regions.yaml yet)" in regions
    modes = lines(snapshot, catalog, "new_mode")
    assert {"nova-micro: flex", "nova-micro: priority", "nova-micro: on_demand / global",
            "nova-micro: provisioned"} <= set(modes)
    assert lines(snapshot, catalog, "new_route") == [
        "nova-micro: global.amazon.nova-micro-v1:0 → ap-northeast-1, ap-northeast-2, eu-central-1, us-east-1"
    ]


def test_unmapped_products_are_listed_with_sku_and_reason(snapshot: Snapshot, catalog: Catalog) -> None:
    found = lines(snapshot, catalog, "unmapped")
    assert len(found) == 2
    assert any("USE1-Mystery-Widget" in line and "unknown unit 'Widgets'" in line for line in found)
    assert any("USE1-CustomModelStorage-NovaMicro" in line and "SKU " in line for line in found)


def test_a_price_for_a_model_nobody_knows_is_unmapped_not_dropped(snapshot: Snapshot, catalog: Catalog) -> None:
    stranger = replace(snapshot.prices[0], product="Zeta Ultra 9", sku="ZETA")
    snapshot.prices.append(stranger)
    found = lines(snapshot, catalog, "unmapped")
    assert any("SKU ZETA" in line and "no catalog model or listed model is named 'Zeta Ultra 9'" in line
               for line in found)


def test_two_products_pricing_one_cell_differently_are_both_unmapped(snapshot: Snapshot) -> None:
    first = next(r for r in snapshot.prices if r.product == "Nova Micro" and r.mode == "flex")
    twin = replace(first, sku="TWIN", price=first.price * 2)
    rows, clashes = new_rows({ItemRef("model", "nova-micro"): [first, twin]})
    assert rows == {} and {u.sku for u in clashes} == {first.sku, "TWIN"}
    assert all(u.reason.startswith("ambiguous: 2 products price nova-micro us-east-1 flex") for u in clashes)


def test_a_generated_price_change_shows_old_new_and_percent(snapshot: Snapshot) -> None:
    record = next(r for r in snapshot.prices if r.product == "Nova Micro" and r.mode == "priority"
                  and r.dimension == "input")
    key = RowKey(ItemRef("model", "nova-micro"), "us-east-1", "priority", dimension="input")
    old = {key: Cell(Decimal("0.00005"), "tokens_1k", curated=False, source="aws-price-list")}
    [change] = price_changes(old, {key: record})
    assert change.en == "nova-micro us-east-1 priority input: 0.00005 → 0.00006125 USD per 1K tokens (+22.5%)"


def test_headline_counts_each_kind(snapshot: Snapshot, catalog: Catalog) -> None:
    report = plan(catalog, snapshot, REGIONS).report
    assert headline(report, "en", today=True).startswith(
        "Catalog changes today: 2 new models, 5 retired/legacy models, 1 price change, 3 new regions"
    )
    assert headline(report, "ko").startswith("카탈로그 변경: 새 모델 2건")
    text = render(report, "en", limit=1)
    assert "New models\n  • amazon.nova-2-lite-v1:0" in text and "  … and 1 more" in text
