"""Build the offline generated layer: every current Bedrock chat model the two packages know and the curated
catalog does not, with ids, profiles, limits, modalities, features, lifecycle and every price dimension given.

Which figure is kept: genai-prices for what it prices (its ids say in-Region/geo "regional." or "global."
explicitly), LiteLLM for everything else (Regions, geo profiles, flex, priority, batch, long-context tiers).
Where both price the same row and disagree, the row keeps one and records the other as a conflict. Where neither
gives a price for a Region, there is no row: the catalog does not know, and says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from bot.catalog.catalog import Catalog
from bot.catalog.sync.names import aliases_for, dedupe_aliases, display_name, model_key, successors
from bot.catalog.sync.rows import Place, Row, genai_rows, litellm_rows, norm_id, parse_litellm_key
from bot.catalog.sync.sources import GenaiModel, LiteLLM

LITELLM = "litellm-cost-map"
GENAI = "genai-prices"
DERIVED = "catalog-sync"
PROVIDERS = {
    "anthropic": "Anthropic",
    "amazon": "Amazon",
    "meta": "Meta",
    "mistral": "Mistral AI",
    "deepseek": "DeepSeek",
    "openai": "OpenAI",
    "qwen": "Qwen",
    "moonshotai": "Moonshot AI",
    "minimax": "MiniMax",
    "zai": "Z.ai",
    "google": "Google",
    "writer": "Writer",
    "xai": "xAI",
    "nvidia": "NVIDIA",
    "twelvelabs": "TwelveLabs",
    "cohere": "Cohere",
    "ai21": "AI21 Labs",
}


def group_litellm(source: LiteLLM, curated: set[str]) -> dict[str, list[tuple[Place, str, dict[str, Any]]]]:
    """LiteLLM chat entries (not the separate Mantle endpoint) grouped by model, curated models left out."""
    groups: dict[str, list[tuple[Place, str, dict[str, Any]]]] = defaultdict(list)
    for key, entry in sorted(source.entries.items()):
        if entry.get("mode") != "chat" or entry.get("litellm_provider") == "bedrock_mantle":
            continue
        place = parse_litellm_key(key)
        if place is None or norm_id(place.model_id) in curated:
            continue
        groups[norm_id(place.model_id)].append((place, key, entry))
    return groups


def genai_index(models: dict[str, GenaiModel]) -> dict[tuple[str, str], GenaiModel]:
    """(normalised id, "regional" | "global" | "plain") → genai model."""
    out: dict[tuple[str, str], GenaiModel] = {}
    for model in models.values():
        route = model.id.split(".", 1)[0] if model.id.startswith(("regional.", "global.")) else "plain"
        out[(norm_id(model.id.removeprefix("regional.")), route)] = model
    return out


def build_layer(catalog: Catalog, litellm: LiteLLM, genai: dict[str, GenaiModel], on: date) -> list[dict[str, Any]]:
    curated = {norm_id(i) for m in catalog.models.values() for i in [*m.ids, *m.inference_profiles]}
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for region in catalog.regions.values():
        for prefix in region.profiles:
            by_prefix[prefix].append(region.code)
    index = genai_index(genai)
    groups = group_litellm(litellm, curated)
    models = [_model(norm, entries, index, by_prefix, set(catalog.regions), on) for norm, entries in groups.items()]
    only_genai = sorted({n for n, route in index if route in ("regional", "global")} - set(groups) - curated)
    models += [_genai_model(n, index, by_prefix) for n in only_genai]
    dedupe_aliases(models, catalog)
    successors(models)
    return models


def _model(
    norm: str,
    entries: list[tuple[Place, str, dict[str, Any]]],
    genai: dict[tuple[str, str], GenaiModel],
    by_prefix: dict[str, list[str]],
    regions: set[str],
    on: date,
) -> dict[str, Any]:
    plain = [e for p, _, e in entries if p.region is None and p.prefix is None]
    head = plain[0] if plain else entries[0][2]
    base = next((p.model_id for p, _, _ in entries if p.prefix is None), entries[0][0].model_id.split(".", 1)[1])
    profiles = sorted({p.model_id for p, _, _ in entries if p.prefix is not None})
    g_regional, g_global = genai.get((norm, "regional")) or genai.get((norm, "plain")), genai.get((norm, "global"))
    prices: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    availability: list[dict[str, Any]] = []
    for place, key, entry in entries:
        if place.prefix is None:
            region = place.region or "us-east-1"
            if region not in regions or (place.region is None and any(p.region == "us-east-1" for p, _, _ in entries)):
                continue
            rows = _rows(key, entry, g_regional if region == "us-east-1" else None, conflicts, f"@{region}")
            prices += [_row(r, [region], src, ref, note) for r, src, ref, note in rows]
            availability.append({"region": region, "status": "ga", "source": LITELLM, "ref": key})
        else:
            route = "global" if place.prefix == "global" else "geo"
            where = [r for r in by_prefix.get(place.prefix, []) if r in regions]
            if not where:
                continue
            compare = g_global if route == "global" else (g_regional if place.prefix == "us" else None)
            rows = _rows(key, entry, compare, conflicts, f"@{place.prefix}")
            prices += [_row(r, where, src, ref, note, route, key) for r, src, ref, note in rows]
    eol = head.get("deprecation_date")
    eol_on = date.fromisoformat(eol) if eol else None
    named = g_regional or g_global
    name = display_name(norm, named.name if named else None)
    features = _features(head, prices)
    model: dict[str, Any] = {
        "key": model_key(norm),
        "name": name,
        "provider": PROVIDERS.get(norm.split(".")[0], norm.split(".")[0]),
        "kind": "text",
        "ids": [base],
        "inference_profiles": profiles,
        "aliases": aliases_for(name),
        "source": LITELLM,
        "modalities_in": _modalities(head),
        "modalities_out": ["text"],
        "context_window": head.get("max_input_tokens"),
        "max_output": head.get("max_output_tokens"),
        "features": features,
        "lifecycle": "active" if eol_on is None else ("eol" if eol_on <= on else "legacy"),
        "eol_on": eol_on,
        "released": _released(base),
        "fact_sources": {"released": DERIVED, "successor": DERIVED, "features": LITELLM},
        "prices": prices,
        "availability": availability,
        "conflicts": conflicts,
        "region_features": _region_features(entries, head, regions),
        "notes": [
            {
                "ko": "가격·한도·기능은 오프라인 패키지(LiteLLM 비용 맵, genai-prices)에서 생성했습니다."
                " 표에 없는 리전의 가격은 알 수 없음으로 둡니다(다른 리전 값을 복사하지 않음).",
                "en": "Prices, limits and features are generated from offline packages (LiteLLM cost map,"
                " genai-prices). Regions neither gives are left unknown (never copied from another Region).",
            }
        ],
    }
    if not model["context_window"] and named:
        model["context_window"] = named.context_window
        model["fact_sources"]["context_window"] = GENAI
    return {k: v for k, v in model.items() if v not in (None, [], {})}


def _genai_model(
    norm: str, index: dict[tuple[str, str], GenaiModel], by_prefix: dict[str, list[str]]
) -> dict[str, Any]:
    """A model only genai-prices lists (LiteLLM 1.106.12 lacks it): its in-Region (us-east-1) and global prices;
    no geo profiles, limits beyond the context window, or features the package does not give."""
    regional, global_ = index.get((norm, "regional")), index.get((norm, "global"))
    named = regional or global_
    assert named is not None
    prices: list[dict[str, Any]] = []
    profiles: list[str] = []
    if regional is not None:
        rows = genai_rows(regional.prices, regional.tiers).values()
        prices += [_row(r, ["us-east-1"], GENAI, regional.id, None) for r in rows]
    if global_ is not None:
        profiles.append(global_.id)
        rows = genai_rows(global_.prices, global_.tiers).values()
        prices += [_row(r, by_prefix["global"], GENAI, global_.id, None, "global", global_.id) for r in rows]
    name = display_name(norm, named.name)
    caching = any(k.startswith("cache") for p in prices for k in p)
    model: dict[str, Any] = {
        "key": model_key(norm),
        "name": name,
        "provider": PROVIDERS.get(norm.split(".")[0], norm.split(".")[0]),
        "kind": "text",
        "ids": [named.id.split(".", 1)[1]],
        "inference_profiles": profiles,
        "aliases": aliases_for(name),
        "source": GENAI,
        "modalities_in": ["text"],
        "modalities_out": ["text"],
        "context_window": named.context_window,
        "features": {"streaming": True, "prompt_caching": caching},
        "prices": prices,
        "notes": [
            {
                "ko": "genai-prices에만 있는 모델입니다(LiteLLM 1.106.12에는 없음)."
                " 기능·최대 출력·지역 프로파일은 알 수 없습니다.",
                "en": "Listed by genai-prices only (not in LiteLLM 1.106.12): features, max output and geo profiles"
                " are unknown.",
            }
        ],
    }
    return {k: v for k, v in model.items() if v not in (None, [], {})}


def _rows(
    key: str, entry: dict[str, Any], genai: GenaiModel | None, conflicts: list[dict[str, Any]], where: str
) -> list[tuple[Row, str, str, dict[str, str] | None]]:
    """Rows of one place: genai-prices' row where it has one (LiteLLM's differing figures become conflicts)."""
    ours = litellm_rows(entry)
    theirs = genai_rows(genai.prices, genai.tiers) if genai else {}
    out: list[tuple[Row, str, str, dict[str, str] | None]] = []
    base, g_base = ours.get(("on_demand", "standard", None)), theirs.get(None)
    doubtful = bool(base and g_base and any(g_base.figures.get(p, v) != v for p, v in base.figures.items()))
    for slot, row in ours.items():
        g = theirs.get(slot[2]) if slot[:2] == ("on_demand", "standard") else None
        if g is None and doubtful:
            # LiteLLM's base price for this key is not genai-prices': its other rows for the key are not trusted.
            label = f"prices[{slot[0]}/{slot[1]}/{slot[2] or 'any'}]{where}"
            conflicts.append(_conflict(label, "not used", f"LiteLLM {key} row {row.figures}", dropped=True))
            continue
        if g is None:
            out.append((row, LITELLM, key, None))
            continue
        label = f"prices[on_demand/standard/{slot[2] or 'any'}]{where}"
        for part in sorted(set(g.figures) & set(row.figures)):
            if g.figures[part] != row.figures[part]:
                conflicts.append(_conflict(f"{label}.{part}", g.figures[part], row.figures[part]))
        extra = {p: v for p, v in row.figures.items() if p not in g.figures}
        g.figures.update(extra)
        note = None
        if extra:
            names = ", ".join(sorted(extra))
            note = {
                "ko": f"{names}: LiteLLM {key} (genai-prices에는 없음)",
                "en": f"{names}: LiteLLM {key} (not in genai-prices)",
            }
        out.append((g, GENAI, genai.id if genai else key, note))
    for context, g in theirs.items():
        if ("on_demand", "standard", context) not in ours and genai is not None:
            out.append((g, GENAI, genai.id, None))
    return out


def _conflict(field: str, kept: object, other: object, dropped: bool = False) -> dict[str, Any]:
    if dropped:
        note = {
            "ko": "이 키의 LiteLLM 기본 가격이 genai-prices와 달라 이 행(LiteLLM 전용)은 쓰지 않습니다.",
            "en": "LiteLLM's base price for this key differs from genai-prices, so this LiteLLM-only row is not used.",
        }
    else:
        note = {
            "ko": f"genai-prices는 {kept}, LiteLLM은 {other} USD/1K: genai-prices 값을 씁니다.",
            "en": f"genai-prices says {kept}, LiteLLM {other} USD per 1K: the genai-prices figure is used.",
        }
    return {"field": field, "ours": str(kept), "theirs": str(other), "source": LITELLM, "note": note}


def _row(
    row: Row,
    regions: list[str],
    source: str,
    ref: str,
    note: dict[str, str] | None,
    route: str = "in_region",
    profile: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"regions": regions, "mode": row.mode, "unit": "tokens_1k", **row.figures}
    if row.tier != "standard":
        out["tier"] = row.tier
    if route != "in_region":
        out |= {"route": route, "profile": profile}
    if row.context_above:
        out["context_above"] = row.context_above
    out |= {"source": source, "ref": ref}
    if note:
        out["note"] = note
    return out


def _features(entry: dict[str, Any], prices: list[dict[str, Any]]) -> dict[str, Any]:
    caching = any(k.startswith("cache") for p in prices for k in p)
    return {
        "streaming": True,
        "tool_use": bool(entry.get("supports_function_calling")),
        "vision": bool(entry.get("supports_vision")),
        "computer_use": bool(entry.get("supports_computer_use")),
        "extended_thinking": bool(entry.get("supports_reasoning")),
        "prompt_caching": bool(entry.get("supports_prompt_caching")) or caching,
        "batch": any(p["mode"] == "batch" for p in prices),
    }


def _modalities(entry: dict[str, Any]) -> list[str]:
    flags = (
        ("supports_vision", "image"),
        ("supports_pdf_input", "document"),
        ("supports_video_input", "video"),
        ("supports_audio_input", "audio"),
    )
    return ["text", *(m for f, m in flags if entry.get(f))]


def _region_features(
    entries: list[tuple[Place, str, dict[str, Any]]], head: dict[str, Any], regions: set[str]
) -> list[dict[str, Any]]:
    out = []
    for place, key, entry in entries:
        if place.region is None or place.region not in regions:
            continue
        diff = {
            flag: bool(entry.get(src))
            for src, flag in (
                ("supports_function_calling", "tool_use"),
                ("supports_vision", "vision"),
                ("supports_reasoning", "extended_thinking"),
            )
            if bool(entry.get(src)) != bool(head.get(src))
        }
        if diff:
            out.append({"regions": [place.region], "features": diff, "source": LITELLM, "ref": key})
    return out


def _released(model_id: str) -> date | None:
    found = re.search(r"-(20\d{2})(\d{2})(\d{2})-", model_id)
    return date(int(found[1]), int(found[2]), int(found[3])) if found else None
