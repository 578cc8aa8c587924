"""`bedrock-assistant catalog refresh` end to end: a real subprocess with AWS_ENDPOINT_URL_PRICING /
AWS_ENDPOINT_URL_BEDROCK pointing at the stand-in and dummy credentials, writing into a copy of the catalog, then
the loader validating the merged result exactly as serve loads it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.aws_local import AwsData, LocalAws
from bot.aws_local.pricelist import token_product
from bot.catalog.loader import load_catalog
from bot.catalog.refresh.mapping import GENERATED_DIR, LAYER_FILE, PRICE_SOURCE, REPORT_FILE
from bot.errors import CatalogError

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "data" / "aws"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "catalog", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def child_env(url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BRA_", "SLACK_"))}
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
            "BRA_REFRESH_OFFLINE": "1", "BRA_REFRESH_REGIONS": "us-east-1,ap-northeast-2"}
    if url is not None:
        env |= {"AWS_ENDPOINT_URL_PRICING": url, "AWS_ENDPOINT_URL_BEDROCK": url}
    return env


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.yaml")) if GENERATED_DIR not in p.parts}


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """The curated catalog alone (no generated layer): the fixtures' new models are new to it. Families keep only
    the members a curated file defines."""
    target = tmp_path / "catalog"
    shutil.copytree(ROOT / "config" / "catalog", target, ignore=shutil.ignore_patterns(GENERATED_DIR))
    curated = set(load_catalog(target, layers=False).models)
    groups_file = target / "groups.yaml"
    data = yaml.safe_load(groups_file.read_text(encoding="utf-8"))
    for group in data["groups"]:
        group["members"] = [m for m in group["members"] if m in curated]
    data["groups"] = [g for g in data["groups"] if len(g["members"]) >= 2]
    groups_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def aws() -> LocalAws:
    with LocalAws(AwsData.from_dir(FIXTURE)) as server:
        yield server  # type: ignore[misc]


def test_dry_run_prints_the_report_and_writes_nothing(aws: LocalAws, catalog_dir: Path) -> None:
    result = cli(child_env(aws.url), "refresh", "--dry-run", "--catalog-dir", str(catalog_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Catalog changes: 2 new models, 5 retired/legacy models, 1 price change")
    assert "Dry run: nothing written." in result.stdout
    assert not (catalog_dir / GENERATED_DIR).exists()
    assert {r[1] for r in aws.requests} == {"GetProducts", "ListFoundationModels", "ListInferenceProfiles"}
    assert {r[2] for r in aws.requests if r[0] == "bedrock"} == {"us-east-1", "ap-northeast-2"}


def test_refresh_writes_a_layer_the_loader_merges_and_never_touches_curated_files(
    aws: LocalAws, catalog_dir: Path
) -> None:
    before = digests(catalog_dir)
    result = cli(child_env(aws.url), "refresh", "--catalog-dir", str(catalog_dir))
    assert result.returncode == 0, result.stderr
    assert "the merged catalog validates" in result.stdout
    assert digests(catalog_dir) == before
    layer = yaml.safe_load((catalog_dir / GENERATED_DIR / LAYER_FILE).read_text())
    rows = [p for m in [*layer["models"], *layer["services"]] for p in m["prices"]]
    assert rows and all(p["source"] == PRICE_SOURCE and p["as_of"] and "(" in p["ref"] for p in rows)
    catalog = load_catalog(catalog_dir)
    nova = catalog.models["nova-micro"]
    seoul = [p for p in nova.prices if p.regions == ["ap-northeast-2"] and p.mode.value == "on_demand"]
    assert [(str(p.input), str(p.output), p.source) for p in seoul] == [("0.0000455", "0.000182", PRICE_SOURCE)]
    assert "APN2-NovaMicro-input-tokens" in (seoul[0].ref or "")
    tiers = {(p.tier.value, p.route.value, p.profile) for p in nova.prices if p.source == PRICE_SOURCE}
    assert {("flex", "in_region", None), ("priority", "in_region", None),
            ("standard", "global", "global.amazon.nova-micro-v1:0")} <= tiers
    curated = [p for p in nova.prices if p.regions == ["us-east-1"] and p.mode.value == "on_demand"
               and p.tier.value == "standard" and p.route.value == "in_region"]
    assert [p.source for p in curated] == ["pricing-page"]  # the curated row stays the only one of its slot
    haiku = catalog.models["claude-3-haiku"]
    assert any(c.field == "prices[on_demand/standard/in_region]@ap-northeast-2.input" and c.theirs == "0.0003"
               and c.ours == "0.00025" for c in haiku.conflicts)
    sonnet = catalog.model_by_id("anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert sonnet is not None and sonnet.source == "aws-bedrock-api"
    long_context = [p for p in sonnet.prices if p.context_above]
    assert [(p.context_above, str(p.input)) for p in long_context] == [(200_000, "0.006")]
    assert any(p.cache_write_1h is not None and str(p.cache_write_1h) == "0.006" for p in sonnet.prices)
    assert any(p.profile == "apac.anthropic.claude-sonnet-4-5-20250929-v1:0" and p.regions == ["ap-northeast-2"]
               for p in sonnet.prices)
    opus = catalog.models["claude-3-opus"]
    assert (str(opus.legacy_on), str(opus.eol_on)) == ("2025-06-01", "2026-01-15")
    malaysia = catalog.regions["ap-southeast-5"]  # priced by AWS, not in regions.yaml: the layer adds it
    assert malaysia.name_en == "Asia Pacific (Malaysia)"
    assert any(p.regions == ["ap-southeast-5"] for p in nova.prices)
    report = (catalog_dir / GENERATED_DIR / REPORT_FILE).read_text()
    assert "USE1-Mystery-Widget" in report and "unknown unit 'Widgets'" in report


def test_a_second_refresh_reports_what_changed_since_the_first(aws: LocalAws, catalog_dir: Path) -> None:
    env = child_env(aws.url)
    assert cli(env, "refresh", "--catalog-dir", str(catalog_dir)).returncode == 0
    flex = token_product("us-east-1", "Nova Micro", "NovaMicro", "flex", "input", "0.00003", "Flex Inference")
    items = aws.data.products["AmazonBedrock"]
    sku = flex["product"]["sku"]
    aws.data.products["AmazonBedrock"] = [json.dumps(flex) if json.loads(i)["product"]["sku"] == sku else i
                                          for i in items]
    result = cli(env, "refresh", "--catalog-dir", str(catalog_dir))
    assert result.returncode == 0, result.stderr
    assert "nova-micro us-east-1 flex input: 0.00002625 → 0.00003 USD per 1K tokens (+14.3%)" in result.stdout
    assert "New models" not in result.stdout  # written by the first refresh, known now
    assert "claude-3-opus" not in result.stdout  # its legacy dates are known now too
    flex_rows = [p for p in load_catalog(catalog_dir).models["nova-micro"].prices if p.tier.value == "flex"]
    assert [str(p.input) for p in flex_rows] == ["0.00003"]


def test_a_bad_generated_file_is_refused_with_file_item_and_field(aws: LocalAws, catalog_dir: Path) -> None:
    assert cli(child_env(aws.url), "refresh", "--catalog-dir", str(catalog_dir)).returncode == 0
    path = catalog_dir / GENERATED_DIR / LAYER_FILE
    layer = yaml.safe_load(path.read_text())
    model = next(m for m in layer["models"] if m["prices"] and "input" in m["prices"][0])
    model["prices"][0]["input"] = "-1"
    path.write_text(yaml.safe_dump(layer))
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_dir)
    key = model["key"]
    assert any(str(path) in p and f"model '{key}'" in p and "prices.0.input" in p for p in caught.value.problems)


def test_a_refused_layer_is_not_left_in_place(aws: LocalAws, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                              aws_env: dict[str, str]) -> None:
    from bot.catalog.refresh import run
    from bot.settings import RefreshSettings

    assert cli(child_env(aws.url), "refresh", "--catalog-dir", str(catalog_dir)).returncode == 0
    good = (catalog_dir / GENERATED_DIR / LAYER_FILE).read_bytes()
    real_plan = run.plan

    def broken_plan(*args: object) -> run.Plan:
        result = real_plan(*args)  # type: ignore[arg-type]
        result.documents[LAYER_FILE]["models"][0]["prices"].append({"regions": ["us-east-1"], "mode": "batch",
                                                                     "unit": "tokens_1k", "source": "nowhere"})
        return result

    monkeypatch.setattr(run, "plan", broken_plan)
    with pytest.raises(CatalogError):
        run.run_refresh(RefreshSettings(regions="us-east-1"), catalog_dir, dry_run=False, lang="en")
    assert (catalog_dir / GENERATED_DIR / LAYER_FILE).read_bytes() == good


def test_offline_without_endpoints_refuses_to_call_aws(catalog_dir: Path) -> None:
    env = child_env(None)
    env.pop("PYTEST_CURRENT_TEST", None)  # BRA_REFRESH_OFFLINE alone must be enough
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}  # belt and braces: no way out
    result = cli(env, "refresh", "--dry-run", "--catalog-dir", str(catalog_dir))
    assert result.returncode == 78
    assert "AWS_ENDPOINT_URL_PRICING" in result.stderr and "refuses https://api.pricing" in result.stderr


def test_another_generated_layer_is_not_taken_for_curated_data(aws: LocalAws, catalog_dir: Path) -> None:
    """A lower-ranked layer (another tool's, authority 5) pricing a cell differently: the refresh's layer
    (authority 1) wins, so the report shows a plain price change, not "curated value kept"."""
    other = {
        "layer": {"name": "offline-packages", "authority": 5, "generated_at": "2026-12-01"},
        "models": [{
            "key": "nova-micro", "name": "Amazon Nova Micro", "provider": "Amazon", "kind": "text",
            "ids": ["amazon.nova-micro-v1:0"], "modalities_in": ["text"], "modalities_out": ["text"],
            "source": "genai-prices",
            "prices": [{"regions": ["us-east-1"], "mode": "on_demand", "tier": "flex", "unit": "tokens_1k",
                        "input": "0.00002", "source": "genai-prices"}],
        }],
    }
    (catalog_dir / GENERATED_DIR).mkdir()
    (catalog_dir / GENERATED_DIR / "offline.yaml").write_text(yaml.safe_dump(other))
    result = cli(child_env(aws.url), "refresh", "--catalog-dir", str(catalog_dir))
    assert result.returncode == 0, result.stderr
    [line] = [ln for ln in result.stdout.splitlines() if "nova-micro us-east-1 flex input" in ln]
    assert line.endswith("0.00002 → 0.00002625 USD per 1K tokens (+31.2%)")
    flex = [p for p in load_catalog(catalog_dir).models["nova-micro"].prices if p.tier.value == "flex"]
    assert [(str(p.input), p.source) for p in flex] == [("0.00002625", PRICE_SOURCE)]
    assert (catalog_dir / GENERATED_DIR / "offline.yaml").is_file()  # other tools' layers are left alone
