"""The change report: what AWS says now against what the catalog says — new models, retired/legacy models,
price changes (old → new, %), new regions, modes and routes, and the products that did not map.

A report is a list of `Change`s, each with a stable fingerprint (the daily job posts a change once) and a line in
Korean and English. `build_report` compares; `render` / `headline` print it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from bot.catalog.catalog import Catalog
from bot.catalog.refresh.link import ItemRef
from bot.catalog.refresh.records import ModelRecord, PriceRecord, Snapshot, Unmapped
from bot.catalog.refresh.rows import Cell, RowKey
from bot.catalog.schema import Model

ChangeKind = Literal["new_model", "lifecycle", "price", "new_region", "new_mode", "new_route", "unmapped"]
ORDER: tuple[ChangeKind, ...] = ("new_model", "lifecycle", "price", "new_region", "new_mode", "new_route",
                                 "unmapped")
TITLES: dict[ChangeKind, tuple[str, str, str, str]] = {  # ko title, en title, ko count word, en count word
    "new_model": ("새 모델", "New models", "새 모델", "new model"),
    "lifecycle": ("지원 종료·레거시 모델", "Retired / legacy models", "종료·레거시 모델", "retired/legacy model"),
    "price": ("가격 변경", "Price changes", "가격 변경", "price change"),
    "new_region": ("새 리전", "New regions", "새 리전", "new region"),
    "new_mode": ("새 요금 방식", "New modes", "새 요금 방식", "new mode"),
    "new_route": ("새 추론 프로필", "New inference profiles", "새 추론 프로필", "new inference profile"),
    "unmapped": ("매핑되지 않은 상품 (기록만 함)", "Unmapped products (listed, not written)", "매핑 안 된 상품",
                 "unmapped product"),
}


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    fingerprint: str
    ko: str
    en: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass
class ChangeReport:
    as_of: date
    changes: list[Change] = field(default_factory=list)
    products_read: int = 0
    rows_written: int = 0
    disagreements: int = 0

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def only(self, fingerprints: Iterable[str]) -> ChangeReport:
        """The same report with only the changes whose fingerprint is in `fingerprints`."""
        keep = set(fingerprints)
        return ChangeReport(self.as_of, [c for c in self.changes if c.fingerprint in keep], self.products_read,
                            self.rows_written, self.disagreements)


def headline(report: ChangeReport, lang: str, *, today: bool = False) -> str:
    """"Catalog changes today: 3 new models, 2 price changes" (or "no changes")."""
    parts = []
    for kind in ORDER:
        n = report.count(kind)
        if n:
            ko_word, en_word = TITLES[kind][2], TITLES[kind][3]
            parts.append(f"{ko_word} {n}건" if lang == "ko" else f"{n} {en_word}{'s' if n != 1 else ''}")
    if lang == "ko":
        return f"{'오늘의 ' if today else ''}카탈로그 변경: " + (", ".join(parts) if parts else "변경 없음")
    return f"Catalog changes{' today' if today else ''}: " + (", ".join(parts) if parts else "none")


def render(report: ChangeReport, lang: str, *, today: bool = False, limit: int | None = None) -> str:
    """The report as text: the headline, then one section per kind (at most `limit` lines each)."""
    lines = [headline(report, lang, today=today)]
    for kind in ORDER:
        items = [c for c in report.changes if c.kind == kind]
        if not items:
            continue
        lines.append("")
        lines.append(TITLES[kind][0 if lang == "ko" else 1])
        shown = items if limit is None else items[:limit]
        lines.extend(f"  • {c.text(lang)}" for c in shown)
        if len(shown) < len(items):
            rest = len(items) - len(shown)
            lines.append(f"  … 외 {rest}건" if lang == "ko" else f"  … and {rest} more")
    return "\n".join(lines) + "\n"


def _pct(old: Decimal, new: Decimal) -> str:
    if old == 0:
        return "new charge" if new else "0%"
    return f"{(new - old) / old * 100:+.1f}%"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def price_changes(old: dict[RowKey, Cell], new: dict[RowKey, PriceRecord]) -> list[Change]:
    out = []
    for key in sorted(new.keys() & old.keys(), key=RowKey.sort_key):
        cell, record = old[key], new[key]
        value = record.value
        if value == cell.value:
            continue
        where = f"{key.item.key} {key.region} {key.label()}"
        unit = cell.unit.replace("tokens_1k", "per 1K tokens")
        kept_en = " — curated value kept, disagreement recorded" if cell.curated else ""
        kept_ko = " — 큐레이션 값 유지, 불일치 기록" if cell.curated else ""
        change = f"{_num(cell.value)} → {_num(value)} USD {unit} ({_pct(cell.value, value)})"
        fp = f"price|{key}|{_num(value)}"
        out.append(Change("price", fp, f"{where}: {change}{kept_ko}", f"{where}: {change}{kept_en}"))
    return out


def new_cells(old: dict[RowKey, Cell], new: dict[RowKey, PriceRecord], catalog: Catalog) -> list[Change]:
    """Regions and modes AWS prices for a catalog item that the catalog has no row for."""
    known_regions = {(k.item, k.region) for k in old}
    known_modes = {(k.item, _mode(k)) for k in old}
    items = {k.item for k in old}
    out: dict[str, Change] = {}
    for key in sorted(new.keys() - old.keys(), key=RowKey.sort_key):
        if key.item not in items:
            continue
        if (key.item, key.region) not in known_regions:
            fp = f"region|{key.item.key}|{key.region}"
            ko, en = catalog.region_name(key.region, "ko"), catalog.region_name(key.region, "en")
            if key.region not in catalog.regions:
                ko, en = f"{ko} (regions.yaml에 없는 리전)", f"{en} (not in regions.yaml yet)"
            out.setdefault(fp, Change("new_region", fp, f"{key.item.key}: {ko}", f"{key.item.key}: {en}"))
        elif (key.item, _mode(key)) not in known_modes:
            fp = f"mode|{key.item.key}|{_mode(key)}"
            out.setdefault(fp, Change("new_mode", fp, f"{key.item.key}: {_mode(key)}", f"{key.item.key}: {_mode(key)}"))
    return list(out.values())


def _mode(key: RowKey) -> str:
    parts = [key.mode, key.route if key.route != "in_region" else "", "long context" if key.long_context else "",
             f"cache write {key.cache_ttl}" if key.cache_ttl and key.cache_ttl != "5m" else ""]
    return " / ".join(p for p in parts if p)


def model_changes(
    catalog: Catalog, snapshot: Snapshot, regions_read: list[str], successors: dict[str, str]
) -> list[Change]:
    """New models (listed, not in the catalog) and models that turned legacy or are no longer listed; the
    successor is named where the catalog records one (`successors`: model key → successor)."""
    out: list[Change] = []
    for record in sorted(snapshot.models.values(), key=lambda m: m.model_id):
        model = catalog.model_by_id(record.model_id)
        if model is None:
            regions = ", ".join(sorted(record.regions))
            text = f"{record.model_id} — {record.name} ({record.provider}), {regions}"
            out.append(Change("new_model", f"model|{record.model_id}", text, text))
        elif _lifecycle_news(record, model):
            life = record.lifecycle
            en = f"{model.key} ({record.model_id}): legacy" + (f" from {life.legacy}" if life.legacy else "")
            ko = f"{model.key} ({record.model_id}): 레거시" + (f" ({life.legacy}부터)" if life.legacy else "")
            if life.end_of_life:
                en, ko = f"{en}, end of life {life.end_of_life}", f"{ko}, 지원 종료 {life.end_of_life}"
            successor = successors.get(model.key)
            if successor:
                en, ko = f"{en}; successor {successor}", f"{ko}; 후속 모델 {successor}"
            out.append(Change("lifecycle", f"legacy|{record.model_id}|{life.end_of_life}", ko, en))
    listed = set(snapshot.models)
    for model in catalog.models.values():
        if listed and not listed.intersection(model.ids):
            where = ", ".join(regions_read)
            out.append(Change("lifecycle", f"gone|{model.key}",
                              f"{model.key} ({', '.join(model.ids)}): {where}에서 더 이상 제공되지 않음",
                              f"{model.key} ({', '.join(model.ids)}): no longer listed in {where}"))
    return out


def _lifecycle_news(record: ModelRecord, model: Model) -> bool:
    """AWS says legacy and the catalog does not know it yet, or knows other dates."""
    life = record.lifecycle
    dates = (life.legacy, life.end_of_life)
    unknown = model.lifecycle == "active" and model.legacy_on is None
    return life.status == "legacy" and (unknown or (any(dates) and dates != (model.legacy_on, model.eol_on)))


def route_changes(catalog: Catalog, snapshot: Snapshot) -> list[Change]:
    """System-defined inference profiles of catalog models that the catalog does not list."""
    out = []
    for profile in sorted(snapshot.profiles.values(), key=lambda p: p.profile_id):
        if catalog.model_by_id(profile.profile_id) is not None:
            continue
        models = [m for m in (catalog.model_by_id(i) for i in profile.model_ids) if m is not None]
        if not models:
            continue
        text = f"{models[0].key}: {profile.profile_id} → {', '.join(profile.routes_to)}"
        out.append(Change("new_route", f"profile|{profile.profile_id}", text, text))
    return out


def unmapped_changes(unmapped: list[Unmapped]) -> list[Change]:
    out = []
    for u in sorted(unmapped, key=lambda u: (u.service_code, u.usage_type, u.sku)):
        text = f"{u.service_code} {u.usage_type} ({u.region}, SKU {u.sku}, {u.product or '-'}): {u.reason}"
        out.append(Change("unmapped", f"unmapped|{u.service_code}|{u.sku}|{u.reason}", text, text))
    return out


def build_report(
    catalog: Catalog,
    snapshot: Snapshot,
    old: dict[RowKey, Cell],
    new: dict[RowKey, PriceRecord],
    unmapped: list[Unmapped],
    regions_read: list[str],
    successors: dict[str, str] | None = None,
) -> ChangeReport:
    changes = [
        *model_changes(catalog, snapshot, regions_read, successors or {}),
        *price_changes(old, new),
        *new_cells(old, new, catalog),
        *route_changes(catalog, snapshot),
        *unmapped_changes(unmapped),
    ]
    changes.sort(key=lambda c: ORDER.index(c.kind))
    disagreements = sum(1 for k in new.keys() & old.keys() if old[k].curated and old[k].value != new[k].value)
    return ChangeReport(snapshot.as_of, changes, snapshot.products_read, disagreements=disagreements)


__all__ = ["Change", "ChangeReport", "ItemRef", "build_report", "headline", "render"]
