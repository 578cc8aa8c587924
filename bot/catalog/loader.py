"""Load `config/catalog/` into a validated, immutable `Catalog`.

Validation happens in two passes so that every error names the file, the item and the field:
1. each item of each YAML file is parsed into its pydantic class (types, signs, enums, shapes);
2. the whole catalog is cross-checked (regions and sources exist, price modes are offered, keys, ids and
   aliases are unique).
All errors are collected and raised together as one `CatalogError`.

Generated layers (`generated/*.yaml`, written by tools such as `catalog refresh` or `bot.catalog.sync`) are
validated the same way and merged under the curated files before the cross-check (`bot.catalog.layers`):
curated values win and every disagreement is recorded as a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.layers import Layer, merge_items
from bot.catalog.lookup import normalize
from bot.catalog.schema import Features, Group, Mode, Model, PricedItem, Region, Service, Source
from bot.errors import CatalogError

T = TypeVar("T", bound=BaseModel)

_MODE_FLAG = {
    Mode.batch: "batch",
    Mode.latency_optimized: "latency_optimized",
    Mode.provisioned: "provisioned_throughput",
}

try:  # libyaml's loader is several times faster; fall back to the pure-Python one.
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _YamlLoader = yaml.SafeLoader


def alias_key(text: str) -> str:
    """The form aliases are compared in: the same normalisation the name index matches text with."""
    return normalize(text)


def default_catalog_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "config" / "catalog"


def load_catalog(directory: Path | None = None) -> Catalog:
    """Read and validate every catalog file under `directory` (default: the repo's `config/catalog`)."""
    root = directory or default_catalog_dir()
    errors: list[str] = []
    sources = _load_list(root / "sources.yaml", "sources", Source, errors)
    regions = _load_list(root / "regions.yaml", "regions", Region, errors)
    groups = _load_list(root / "groups.yaml", "groups", Group, errors)
    services = _load_list(root / "services.yaml", "services", Service, errors)
    models: list[tuple[Path, Model]] = []
    model_files = sorted((root / "models").glob("*.yaml"))
    if not model_files:
        errors.append(f"{root / 'models'}: no model files (*.yaml)")
    for path in model_files:
        models.extend((path, m) for _, m in _load_list(path, "models", Model, errors))
    layers: list[Layer] = []
    for layer, data in _load_layers(root / "generated", errors):
        layers.append(layer)
        sources = _add_new(sources, _load_items(layer.path, data, "sources", Source, errors), "key")
        regions = _add_new(regions, _load_items(layer.path, data, "regions", Region, errors), "code")
        taken = {alias_key(a) for _, item in [*models, *services] for a in [item.name, *item.aliases]}
        taken |= {alias_key(a) for _, g in groups for a in g.aliases}
        models = merge_items(layer, models, _load_items(layer.path, data, "models", Model, errors), taken, alias_key)
        services = merge_items(
            layer, services, _load_items(layer.path, data, "services", Service, errors), taken, alias_key
        )
    catalog_files = {
        "sources": sources,
        "regions": regions,
        "groups": groups,
        "services": services,
        "models": models,
    }
    errors.extend(_cross_check(catalog_files))
    if errors:
        raise CatalogError(errors)
    return Catalog(
        sources={s.key: s for _, s in sources},
        regions={r.code: r for _, r in regions},
        groups={g.key: g for _, g in groups},
        services={s.key: s for _, s in services},
        models={m.key: m for _, m in models},
        layers=tuple(layers),
    )


def _load_layers(directory: Path, errors: list[str]) -> list[tuple[Layer, dict[str, Any]]]:
    """Every generated layer file, best-ranked first (lower `layer.authority`, then file name)."""
    found: list[tuple[Layer, dict[str, Any]]] = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        before = len(errors)
        data = _read_yaml(path, errors)
        if len(errors) > before:
            continue
        if not isinstance(data, dict):
            errors.append(f"{path}: expected a mapping with 'layer:' and 'models:'")
            continue
        meta = data.get("layer") or {}
        try:
            layer = Layer(
                name=str(meta.get("name", path.stem)),
                path=path,
                authority=int(meta.get("authority", 9)),
                generated_at=meta.get("generated_at"),
                generator=meta.get("generator"),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            errors.append(f"{path}: layer: {exc}")
            continue
        found.append((layer, data))
    return sorted(found, key=lambda f: (f[0].authority, f[0].path.name))


def _add_new(items: list[tuple[Path, T]], extra: list[tuple[Path, T]], attr: str) -> list[tuple[Path, T]]:
    known = {getattr(i, attr) for _, i in items}
    return [*items, *((p, i) for p, i in extra if getattr(i, attr) not in known)]


def _read_yaml(path: Path, errors: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YamlLoader)
    except FileNotFoundError:
        errors.append(f"{path}: file missing")
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}")
    return None


def _load_list(path: Path, top: str, cls: type[T], errors: list[str]) -> list[tuple[Path, T]]:
    before = len(errors)
    data = _read_yaml(path, errors)
    if len(errors) > before:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(top), list):
        errors.append(f"{path}: expected a top-level '{top}:' list")
        return []
    return _load_items(path, data, top, cls, errors)


def _load_items(path: Path, data: dict[str, Any], top: str, cls: type[T], errors: list[str]) -> list[tuple[Path, T]]:
    """The items of one top-level list (absent: none), each validated on its own."""
    if not isinstance(data.get(top, []), list):
        errors.append(f"{path}: '{top}:' must be a list")
        return []
    items: list[tuple[Path, T]] = []
    for index, raw in enumerate(data.get(top) or []):
        label = raw.get("key") or raw.get("code") if isinstance(raw, dict) else None
        try:
            items.append((path, cls.model_validate(raw)))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "(item)"
                errors.append(f"{path}: {top[:-1]} '{label or index}': {where}: {err['msg']}")
    return items


def _cross_check(files: dict[str, Any]) -> Iterator[str]:
    source_keys = {s.key for _, s in files["sources"]}
    region_codes = {r.code for _, r in files["regions"]}
    models: list[tuple[Path, Model]] = files["models"]
    services: list[tuple[Path, Service]] = files["services"]
    model_keys = {m.key for _, m in models}
    yield from _unique(((p, m.key, "key", m.key) for p, m in [*models, *services]), "key")
    yield from _unique(((p, m.key, "ids", i) for p, m in models for i in [*m.ids, *m.inference_profiles]), "id")
    yield from _unique(_all_aliases(files), "alias")
    for path, region in files["regions"]:
        for alias in region.aliases:
            if alias_key(alias) in region_codes - {region.code}:
                yield f"{path}: region '{region.code}': aliases: '{alias}' is another region's code"
    for path, item in [*models, *services]:
        yield from _check_item(path, item, source_keys, region_codes, model_keys)
    for path, group in files["groups"]:
        for member in group.members:
            if member not in model_keys:
                yield f"{path}: group '{group.key}': members: unknown model '{member}'"


def _all_aliases(files: dict[str, Any]) -> Iterator[tuple[Path, str, str, str]]:
    for path, item in [*files["models"], *files["services"]]:
        for alias in {alias_key(a) for a in [item.name, *item.aliases]}:
            yield path, item.key, "aliases", alias
    for path, group in files["groups"]:
        for alias in {alias_key(a) for a in group.aliases}:
            yield path, group.key, "aliases", alias


def _unique(entries: Iterable[tuple[Path, str, str, str]], what: str) -> Iterator[str]:
    seen: dict[str, tuple[Path, str]] = {}
    for path, owner, field, value in entries:
        if value in seen and seen[value][1] != owner:
            other_path, other = seen[value]
            yield f"{path}: '{owner}': {field}: duplicate {what} '{value}' (also '{other}' in {other_path.name})"
        seen.setdefault(value, (path, owner))


def _check_item(path: Path, item: PricedItem, sources: set[str], regions: set[str], models: set[str]) -> Iterator[str]:
    label = f"{path}: {'model' if isinstance(item, Model) else 'service'} '{item.key}'"
    if item.source not in sources:
        yield f"{label}: source: unknown source '{item.source}'"
    for i, price in enumerate(item.prices):
        where = f"{label}: prices.{i}"
        if price.source not in sources:
            yield f"{where}.source: unknown source '{price.source}'"
        for code in price.regions:
            if code not in regions:
                yield f"{where}.regions: unknown region '{code}'"
        if isinstance(item, Model):
            flag = _MODE_FLAG.get(price.mode)
            if flag and not getattr(item.features, flag):
                yield f"{where}.mode: '{price.mode.value}' is not offered by this model (features.{flag} is false)"
            if (price.cache_read is not None or price.cache_write is not None) and not item.features.prompt_caching:
                yield f"{where}.cache_read: cache prices need features.prompt_caching"
    for i, conflict in enumerate(item.conflicts):
        if conflict.source not in sources:
            yield f"{label}: conflicts.{i}.source: unknown source '{conflict.source}'"
    if isinstance(item, Model):
        for fact, src in item.fact_sources.items():
            if src not in sources:
                yield f"{label}: fact_sources.{fact}: unknown source '{src}'"
            if fact not in Model.model_fields:
                yield f"{label}: fact_sources.{fact}: not a model field"
        if item.successor is not None and item.successor not in models:
            yield f"{label}: successor: unknown model '{item.successor}'"
        for i, price in enumerate(item.prices):
            if price.profile is not None and price.profile not in item.inference_profiles:
                yield f"{label}: prices.{i}.profile: '{price.profile}' is not one of this model's inference_profiles"
        for i, override in enumerate(item.region_features):
            if override.source not in sources:
                yield f"{label}: region_features.{i}.source: unknown source '{override.source}'"
            yield from (
                f"{label}: region_features.{i}.regions: unknown region '{r}'"
                for r in override.regions
                if r not in regions
            )
            yield from (
                f"{label}: region_features.{i}.features: unknown flag '{f}'"
                for f in override.features
                if f not in Features.model_fields
            )
        for i, avail in enumerate(item.availability):
            if avail.region not in regions:
                yield f"{label}: availability.{i}.region: unknown region '{avail.region}'"
            if avail.source not in sources:
                yield f"{label}: availability.{i}.source: unknown source '{avail.source}'"
