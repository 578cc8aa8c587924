"""The two offline price sources, read as plain data (no LiteLLM code is imported or run).

- LiteLLM's bundled cost map (`litellm/model_prices_and_context_window_backup.json`) read with `zipfile` from the
  pinned wheel (downloaded with `pip download --no-deps`, checked against its SHA-256). 1.107.0 is a known
  compromised release; the pin is an earlier one.
- genai-prices (dev extra): its `aws` provider, the price in force on the catalog date.

Both are normalised to `{key: {field: Decimal}}` in USD per token (LiteLLM) / per 1M tokens (genai-prices).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

LITELLM_VERSION = "1.106.12"
LITELLM_WHEEL = f"litellm-{LITELLM_VERSION}-cp310-abi3-manylinux_2_28_x86_64.whl"
LITELLM_SHA256 = "b633c99425b84721f82e661f623432d87361092c4520aebbe97e999291fe3a00"
LITELLM_JSON = "litellm/model_prices_and_context_window_backup.json"
BANNED_LITELLM = {"1.107.0"}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bedrock-assistant" / "catalog-sync"


def litellm_wheel(path: Path | None = None, download: bool = True) -> Path | None:
    """The pinned LiteLLM wheel: `path`, else the cache, else `pip download --no-deps` into the cache."""
    if path is not None:
        return path
    cached = cache_dir() / LITELLM_WHEEL
    if not cached.exists() and download:
        cache_dir().mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            f"litellm=={LITELLM_VERSION}",
            "-d",
            str(cache_dir()),
        ]
        subprocess.run(cmd, check=False, timeout=600, capture_output=True)
    return cached if cached.exists() else None


@dataclass(frozen=True)
class LiteLLM:
    """LiteLLM's Bedrock entries: map key → raw entry (prices in USD per token)."""

    version: str
    sha256: str
    entries: dict[str, dict[str, Any]]


def read_litellm(wheel: Path) -> LiteLLM:
    """Read the cost map out of the wheel, refusing a banned version or a wheel whose hash is not the pin's."""
    version = wheel.name.split("-")[1]
    if version in BANNED_LITELLM:
        raise ValueError(f"litellm {version} is a known compromised release; use {LITELLM_VERSION}")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if version == LITELLM_VERSION and digest != pinned_sha256():
        raise ValueError(f"{wheel.name}: SHA-256 {digest} is not the pinned {pinned_sha256()}")
    with zipfile.ZipFile(wheel) as archive:
        raw = json.loads(archive.read(LITELLM_JSON), parse_float=Decimal)
    bedrock = {
        k: v for k, v in raw.items() if isinstance(v, dict) and str(v.get("litellm_provider", "")).startswith("bedrock")
    }
    return LiteLLM(version, digest, bedrock)


def pinned_sha256() -> str:
    return os.environ.get("BRA_SYNC_LITELLM_SHA256", LITELLM_SHA256)


@dataclass(frozen=True)
class GenaiModel:
    """One genai-prices AWS model: id, display name, context window and its prices (USD per 1M tokens)."""

    id: str
    name: str | None
    context_window: int | None
    prices: dict[str, Decimal]
    tiers: dict[str, list[tuple[int, Decimal]]]


def genai_version() -> str:
    return metadata.version("genai-prices")


def read_genai(on: date) -> dict[str, GenaiModel]:
    """genai-prices' `aws` models with the price in force on `on` (the latest start date not after it)."""
    from genai_prices import data

    aws = next(p for p in data.providers if p.id == "aws")
    out: dict[str, GenaiModel] = {}
    for model in aws.models:
        prices = model.prices
        if isinstance(prices, list):
            current = [c for c in prices if c.constraint is None or _starts(c.constraint) <= on]
            prices = max(current, key=lambda c: _starts(c.constraint) if c.constraint else date.min).prices
        flat: dict[str, Decimal] = {}
        tiers: dict[str, list[tuple[int, Decimal]]] = {}
        for field in (
            "input_mtok",
            "output_mtok",
            "cache_read_mtok",
            "cache_write_mtok",
            "cache_write_1h_mtok",
            "input_audio_mtok",
            "output_audio_mtok",
        ):
            value = getattr(prices, field, None)
            if value is None:
                continue
            flat[field] = Decimal(str(getattr(value, "base", value)))
            if getattr(value, "tiers", None):
                tiers[field] = [(t.start, Decimal(str(t.price))) for t in value.tiers]
        out[model.id] = GenaiModel(model.id, model.name, model.context_window, flat, tiers)
    return out


def _starts(constraint: Any) -> date:
    return getattr(constraint, "start_date", None) or date.min
