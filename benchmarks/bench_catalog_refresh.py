"""`catalog refresh` over a full-size price list: tens of thousands of GetProducts products (goal: a 40,000-product
refresh, dry run or written and validated, in under 60 s and 400 MB peak RSS on this 2-core machine).

Run: .venv/bin/python -m benchmarks.bench_catalog_refresh [--products 40000] [--runs 3]
The stand-in (bot.aws_local) serves a synthetic price list shaped like the real one (all 23 regions of
`bot.catalog.refresh.locations`; AmazonBedrock per-1K and Marketplace per-1M token prices; on-demand, batch, flex,
priority, global, geo, cache read/write 5m/1h, long context) plus the fixture's control plane and a model and
its profiles per synthetic model. Each run is a fresh `python -m bot catalog refresh` process
pointed at it with AWS_ENDPOINT_URL_* and dummy credentials; wall time and the child's max RSS (wait4) are
printed, then one in-process run split into its phases (read AWS, compare, write + validate).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.aws_local import AwsData, LocalAws
from bot.aws_local.pricelist import REGIONS, marketplace_product, token_product

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "aws"
TOKEN_VARIANTS = [("", "input"), ("", "output"), ("", "cache-read-input"), ("", "cache-write-input"),
                  ("cache-1h", "cache-write-input"), ("batch", "input"), ("batch", "output"), ("flex", "input"),
                  ("flex", "output"), ("priority", "input"), ("priority", "output"), ("Global", "input"),
                  ("Global", "output"), ("LCtx", "input"), ("LCtx", "output"), ("Geo", "input"), ("Geo", "output")]
METERS = ["InputTokenCount", "OutputTokenCount", "CacheReadInputTokenCount", "CacheWriteInputTokenCount",
          "CacheWrite1h_InputTokenCount", "Batch_InputTokenCount", "Batch_OutputTokenCount", "Flex_InputTokenCount",
          "Flex_OutputTokenCount", "Priority_InputTokenCount", "Priority_OutputTokenCount",
          "InputTokenCount_Global", "OutputTokenCount_Global", "LCtx_InputTokenCount", "LCtx_OutputTokenCount",
          "InputTokenCount_Geo", "OutputTokenCount_Geo"]


def price_list(products: int) -> AwsData:
    """About `products` products: models × regions × 17 dimensions, half AmazonBedrock, half Marketplace."""
    data = AwsData.from_dir(FIXTURE)
    data.products = {}
    per_model = len(REGIONS) * len(TOKEN_VARIANTS)
    bedrock: list[dict[str, Any]] = []
    marketplace: list[dict[str, Any]] = []
    for m in range(max(1, products // per_model)):
        for region in REGIONS:
            price = f"{0.0001 * (m + 1):.7f}"
            if m % 2:
                marketplace.extend(marketplace_product(region, f"Bench Model {m}", meter, price) for meter in METERS)
            else:
                bedrock.extend(token_product(region, f"Bench Model {m}", f"BenchModel{m}", variant, direction, price)
                               for variant, direction in TOKEN_VARIANTS)
    data.add_products("AmazonBedrock", bedrock)
    data.add_products("AmazonBedrockFoundationModels", marketplace)
    listed = data.regions["us-east-1"]["modelSummaries"]
    for m in range(max(1, products // per_model)):  # the control plane lists them: they map as new models
        model_id = f"bench.model-{m}-v1:0"
        listed.append({"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}", "modelId": model_id,
                       "modelName": f"Bench Model {m}", "providerName": "Bench", "inputModalities": ["TEXT"],
                       "outputModalities": ["TEXT"], "responseStreamingSupported": True,
                       "modelLifecycle": {"status": "ACTIVE"}})
        for scope, targets in (("global", sorted(REGIONS)), ("us", ["us-east-1", "us-east-2", "us-west-2"]),
                               ("eu", sorted(r for r in REGIONS if r.startswith("eu-"))),
                               ("apac", sorted(r for r in REGIONS if r.startswith("ap-")))):
            data.regions["us-east-1"]["inferenceProfileSummaries"].append({
                "inferenceProfileName": f"{scope} {model_id}", "inferenceProfileId": f"{scope}.{model_id}",
                "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{scope}.{model_id}",
                "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{model_id}"} for r in targets],
                "status": "ACTIVE", "type": "SYSTEM_DEFINED"})
    return data


def cli_run(env: dict[str, str], catalog_dir: Path, dry_run: bool) -> tuple[float, float, str]:
    args = [sys.executable, "-m", "bot", "catalog", "refresh", "--catalog-dir", str(catalog_dir)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([*args, *(["--dry-run"] if dry_run else [])], cwd=ROOT, env=env, stdout=out,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"refresh failed: {err.read()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().strip().splitlines()[-1]  # Linux reports KiB


def phases(env: dict[str, str], catalog_dir: Path) -> dict[str, float]:
    from bot.catalog.loader import load_catalog
    from bot.catalog.refresh.run import plan, read_aws, write_layer
    from bot.settings import RefreshSettings

    os.environ.update(env)
    settings = RefreshSettings()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    catalog = load_catalog(catalog_dir)
    timings["load catalog"] = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = read_aws(settings, date.today())
    timings[f"read AWS ({snapshot.products_read} products)"] = time.perf_counter() - started
    started = time.perf_counter()
    result = plan(catalog, snapshot, settings.region_list, catalog_dir)
    timings[f"compare ({len(result.report.changes)} changes, {result.report.rows_written} rows)"] = (
        time.perf_counter() - started)
    started = time.perf_counter()
    write_layer(catalog_dir, result.documents)
    timings["write + validate"] = time.perf_counter() - started
    return timings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=40_000, help="products in the price list (default 40000)")
    parser.add_argument("--runs", type=int, default=3, help="CLI runs of each kind (default 3)")
    args = parser.parse_args(argv)
    data = price_list(args.products)
    count = sum(len(v) for v in data.products.values())
    work = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    try:
        with LocalAws(data) as aws:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(AWS_ENDPOINT_URL_PRICING=aws.url, AWS_ENDPOINT_URL_BEDROCK=aws.url,
                       AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_EC2_METADATA_DISABLED="true",
                       AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                       BRA_REFRESH_OFFLINE="1", BRA_REFRESH_REGIONS="us-east-1,ap-northeast-2")
            print(f"catalog refresh over {count} products ({len(data.products)} service codes, 100 per page), "
                  f"{args.runs} runs each:")
            for dry_run in (True, False):
                results = []
                for _ in range(args.runs):
                    catalog_dir = work / "catalog"
                    shutil.rmtree(catalog_dir, ignore_errors=True)
                    shutil.copytree(ROOT / "config" / "catalog", catalog_dir)
                    results.append(cli_run(env, catalog_dir, dry_run))
                walls, rss, last = [r[0] for r in results], [r[1] for r in results], results[-1][2]
                label = "--dry-run" if dry_run else "write   "
                print(f"  {label}: wall median {statistics.median(walls):.2f} s (max {max(walls):.2f}), "
                      f"peak RSS median {statistics.median(rss):.0f} MB (max {max(rss):.0f})")
                print(f"             {last[:150]}")
            catalog_dir = work / "catalog"
            shutil.rmtree(catalog_dir, ignore_errors=True)
            shutil.copytree(ROOT / "config" / "catalog", catalog_dir)
            print("  phases of one in-process run:")
            for name, seconds in phases(env, catalog_dir).items():
                print(f"    {name:55} {seconds:7.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
