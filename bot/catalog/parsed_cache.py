"""A cache of parsed catalog YAML, keyed by the file's content hash, so a cold `ask` does not re-parse
the large generated layer each time (PyYAML builds ~30k nodes for it; JSON reads the same data ~50x faster).

The YAML stays the source of truth: a cache entry is only ever the parse of the exact bytes it is named after
(SHA-256), so editing a file simply misses the cache. Entries live in ~/.cache/bedrock-assistant/catalog (or
$XDG_CACHE_HOME); when that is not writable, parsing just happens every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

MIN_BYTES = 32_000  # small files parse faster than they hash and read a cache entry


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bedrock-assistant" / "catalog"


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON data: {type(value).__name__}")


def load_parsed(raw: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(raw)`, from the cache when these exact bytes were parsed before."""
    if len(raw) < MIN_BYTES:
        return parse(raw)
    entry = cache_dir() / f"{hashlib.sha256(raw).hexdigest()}.json"
    try:
        return json.loads(entry.read_bytes())
    except (OSError, ValueError):
        pass
    data = parse(raw)
    try:
        text = json.dumps(data, default=_default, ensure_ascii=False)
    except (TypeError, ValueError):
        return data  # data JSON cannot hold: never cached
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=entry.parent, delete=False, suffix=".tmp", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(fh.name, entry)
    except OSError:
        pass  # a read-only home: parse every time
    return json.loads(text)  # the same types (dates as ISO text) whether or not the cache was hit
