"""Load `config/catalog/` into a validated, immutable `Catalog`.

Validation happens in two passes so that every error names the file, the item and the field:
1. each item of each YAML file is parsed into its pydantic class (types, signs, enums, shapes);
2. the whole catalog is cross-checked (regions and sources exist, price modes are offered, keys, ids and
   aliases are unique).
All errors are collected and raised together as one `CatalogError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.lookup import normalize
from bot.catalog.schema import Group, LanguageSupport, Mode, Model, PricedItem, Region, Service, Source
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
    catalog_files = {
        "sources": sources,
        "regions": regions,
        "groups": groups,
        "services": services,
        "models": models,
    }
    errors.extend(_cross_check(catalog_files))
    model_keys, source_keys = {m.key for _, m in models}, {s.key for _, s in sources}
    languages = _load_languages(root / "languages.yaml", model_keys, source_keys, errors)
    if errors:
        raise CatalogError(errors)
    return Catalog(
        sources={s.key: s for _, s in sources},
        regions={r.code: r for _, r in regions},
        groups={g.key: g for _, g in groups},
        services={s.key: s for _, s in services},
        models={m.key: m for _, m in models},
        languages=languages,
    )


def _load_languages(path: Path, models: set[str], sources: set[str], errors: list[str]) -> dict[str, LanguageSupport]:
    """`languages.yaml` (optional): model key → the languages its source names, validated like the rest."""
    if not path.exists():
        return {}
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}")
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        errors.append(f"{path}: expected a top-level 'languages:' mapping of model key to languages")
        return {}
    found: dict[str, LanguageSupport] = {}
    for key, raw in data["languages"].items():
        try:
            found[key] = LanguageSupport.model_validate(raw)
        except ValidationError as exc:
            errors.extend(f"{path}: model '{key}': {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            continue
        if key not in models:
            errors.append(f"{path}: model '{key}': not a model in the catalog")
        if found[key].source not in sources:
            errors.append(f"{path}: model '{key}': source: unknown source '{found[key].source}'")
    return found


def _load_list(path: Path, top: str, cls: type[T], errors: list[str]) -> list[tuple[Path, T]]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_YamlLoader)
    except FileNotFoundError:
        errors.append(f"{path}: file missing")
        return []
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get(top), list):
        errors.append(f"{path}: expected a top-level '{top}:' list")
        return []
    items: list[tuple[Path, T]] = []
    for index, raw in enumerate(data[top]):
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
        yield from _check_item(path, item, source_keys, region_codes)
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


def _check_item(path: Path, item: PricedItem, sources: set[str], regions: set[str]) -> Iterator[str]:
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
        for i, avail in enumerate(item.availability):
            if avail.region not in regions:
                yield f"{label}: availability.{i}.region: unknown region '{avail.region}'"
            if avail.source not in sources:
                yield f"{label}: availability.{i}.source: unknown source '{avail.source}'"
