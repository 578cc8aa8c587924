"""The parsed-YAML cache: same data as parsing, keyed by content, harmless when the cache cannot be written;
and the trie pattern of the name index finds exactly what one alternation per alias finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.catalog import lookup
from bot.catalog.loader import load_catalog
from bot.catalog.parsed_cache import MIN_BYTES, load_parsed

QUESTIONS = Path(__file__).parent.parent / "qa" / "questions.yaml"


def _doc(n: int) -> bytes:
    rows = "".join(f"  - {{key: m{i}, as_of: 2026-12-0{1 + i % 9}, price: 0.00{i}}}\n" for i in range(n))
    return f"models:\n{rows}".encode()


def test_cache_returns_the_parse_and_a_changed_file_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[bytes] = []

    def parse(raw: bytes) -> object:
        calls.append(raw)
        return yaml.safe_load(raw)

    raw = _doc(2000)
    assert len(raw) >= MIN_BYTES
    first = load_parsed(raw, parse)
    second = load_parsed(raw, parse)
    assert len(calls) == 1  # the second read came from the cache
    assert second["models"][5] == {"key": "m5", "as_of": "2026-12-06", "price": 0.005}  # dates as ISO text
    assert first == second  # a miss returns what a hit returns
    changed = raw.replace(b"m5,", b"m5x,")
    assert load_parsed(changed, parse)["models"][5]["key"] == "m5x" and len(calls) == 2


def test_unwritable_cache_still_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_parsed(_doc(2000), yaml.safe_load)["models"][0]["key"] == "m0"


def test_catalog_loads_the_same_from_cache_and_from_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cold = load_catalog()
    warm = load_catalog()
    assert any(tmp_path.rglob("*.json")), "the generated layer is large enough to be cached"
    assert cold.models == warm.models and cold.layers == warm.layers


def test_trie_pattern_matches_like_one_alternation_per_alias() -> None:
    index = lookup.NameIndex(load_catalog())
    names = sorted(index._exact, key=len, reverse=True)
    plain = re.compile("|".join(lookup._alias_regex(n) for n in names))
    texts = [q["q"] for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]
    texts += ["claude3.5 sonnet", "opus 4.1 vs opus 4", "라마 3.2 1b랑 llama 3.2 11b", "nova 2 lite와 nova lite"]
    for text in texts:
        norm = lookup.normalize(text)
        assert [m.span() for m in index._pattern.finditer(norm)] == [m.span() for m in plain.finditer(norm)], text
