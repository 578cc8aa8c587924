"""`bedrock-assistant catalog refresh [--dry-run]`: read AWS, compare, print the change report, write the
generated layer and validate the merged catalog.

Writing is all or nothing: the layer's files are written next to the old ones and renamed into place, then the
catalog is loaded exactly as serve loads it; if the merged catalog is refused, the old files are put back and
the loader's errors (file, item, field) are raised.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import boto3

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.catalog.refresh import emit, mapping
from bot.catalog.refresh.aws import client
from bot.catalog.refresh.fetch import read_all
from bot.catalog.refresh.link import link
from bot.catalog.refresh.records import Snapshot
from bot.catalog.refresh.report import ChangeReport, build_report, render
from bot.catalog.refresh.rows import new_rows
from bot.settings import RefreshSettings


@dataclass
class Plan:
    """What a refresh would do: the report and the generated layer's documents (path under the catalog → YAML)."""

    snapshot: Snapshot
    report: ChangeReport
    documents: dict[str, Any] = field(default_factory=dict)  # a YAML document, or text


def read_aws(settings: RefreshSettings, today: date) -> Snapshot:
    """Every Bedrock price from the Price List API and each configured region's control plane."""
    session = boto3.session.Session()

    def make(service: str, region: str) -> Any:
        return client(service, region, retry_mode=settings.retry_mode, max_attempts=settings.max_attempts,
                      session=session, offline=settings.offline)

    pricing = make("pricing", settings.pricing_region)
    bedrock = {r: make("bedrock", r) for r in settings.region_list}
    return read_all(pricing, bedrock, today)


def plan(catalog: Catalog, snapshot: Snapshot, regions_read: list[str], catalog_dir: Path | None = None) -> Plan:
    """Compare `snapshot` with `catalog` (curated files and the generated layers); `catalog_dir` tells which cells
    the curated files hold (without it, every cell not from this refresh counts as curated)."""
    grouped, unlinked = link(catalog, snapshot)
    rows, ambiguous = new_rows(grouped)
    old = mapping.baseline(catalog, mapping.curated_keys(catalog_dir) if catalog_dir else None)
    unmapped = [*snapshot.unmapped, *unlinked, *ambiguous]
    layer = mapping.Layer(catalog, snapshot, rows, old, unmapped)  # adds the rows it cannot write to `unmapped`
    report = build_report(catalog, snapshot, old, rows, unmapped, regions_read, mapping.successors(catalog))
    report.rows_written = layer.row_count()
    documents = layer.documents()
    documents[mapping.REPORT_FILE] = render(report, "en")
    return Plan(snapshot, report, documents)


def change_report(
    catalog: Catalog, catalog_dir: Path, settings: RefreshSettings, today: Callable[[], date]
) -> ChangeReport:
    """The report serve's daily job posts: AWS now against the catalog serve loaded (from `catalog_dir`)."""
    return plan(catalog, read_aws(settings, today()), settings.region_list, catalog_dir).report


def write_layer(root: Path, documents: dict[str, Any]) -> None:
    """Replace the refresh's own files under `root/generated/` (other tools' layers are left alone), then load
    the merged catalog exactly as serve does; if it is refused, put the previous files back and raise the
    loader's `CatalogError` (file, item, field)."""
    target = root / mapping.GENERATED_DIR
    target.mkdir(parents=True, exist_ok=True)
    previous = {name: (target / name).read_bytes() for name in documents if (target / name).is_file()}
    try:
        for name, doc in documents.items():
            text = doc if isinstance(doc, str) else mapping.HEADER + emit.dump(doc)
            tmp = target / f".{name}.tmp"
            tmp.write_text(text, "utf-8")
            tmp.replace(target / name)
        load_catalog(root)
    except Exception:
        for name in documents:
            if name in previous:
                (target / name).write_bytes(previous[name])
            else:
                (target / name).unlink(missing_ok=True)
        raise


def run_refresh(
    settings: RefreshSettings, catalog_dir: Path, *, dry_run: bool, lang: str, out: TextIO = sys.stdout
) -> int:
    """The CLI: print the change report; unless `dry_run`, write the layer and validate. Exit status 0."""
    catalog = load_catalog(catalog_dir)
    result = plan(catalog, read_aws(settings, date.today()), settings.region_list, catalog_dir)
    out.write(render(result.report, lang))
    snap = result.snapshot
    stats = (f"{snap.products_read} products, {len(snap.prices)} prices, {len(snap.models)} models, "
             f"{len(snap.profiles)} inference profiles read; {result.report.rows_written} rows, "
             f"{result.report.disagreements} disagreements with curated values")
    if dry_run:
        out.write(f"\n{stats}. Dry run: nothing written.\n")
        return 0
    write_layer(catalog_dir, result.documents)
    where = catalog_dir / mapping.GENERATED_DIR
    out.write(f"\n{stats}. Wrote {', '.join(sorted(result.documents))} to {where}; the merged catalog validates.\n")
    return 0
