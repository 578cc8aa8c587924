"""Concept explanations (Converse vs InvokeModel, fine-tuning, Provisioned Throughput, ...) kept as files in
`config/concepts/<key>.yaml`, validated like the catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz

from bot.catalog.catalog import Catalog
from bot.catalog.lookup import letters, normalize
from bot.catalog.schema import LocalText, Strict
from bot.errors import CatalogError
from bot.qa.text import find_word


class Keywords(Strict):
    ko: list[str]
    en: list[str]


class Concept(Strict):
    key: str
    title: LocalText
    keywords: Keywords
    summary: LocalText
    body: LocalText
    sources: list[str]
    as_of: date
    related: tuple[str, ...] = ()


def default_concepts_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "config" / "concepts"


def load_concepts(directory: Path | None = None, catalog: Catalog | None = None) -> dict[str, Concept]:
    """Every concept file; with a catalog, its source keys and related keys are checked too."""
    root = directory or default_concepts_dir()
    concepts: dict[str, Concept] = {}
    errors: list[str] = []
    for path in sorted(root.glob("*.yaml")):
        try:
            with path.open(encoding="utf-8") as fh:
                concept = Concept.model_validate(yaml.safe_load(fh))
        except (yaml.YAMLError, ValidationError) as exc:
            errors.append(f"{path}: {exc}")
            continue
        concepts[concept.key] = concept
        if catalog is not None:
            errors.extend(f"{path}: sources: unknown source '{s}'" for s in concept.sources if s not in catalog.sources)
    for concept in concepts.values():
        errors.extend(
            f"{root / concept.key}.yaml: related: unknown concept '{r}'" for r in concept.related if r not in concepts
        )
    if errors:
        raise CatalogError(errors)
    return concepts


class ConceptIndex:
    """Finds the concept a question is about by its keywords (longest keyword wins)."""

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.concepts = concepts
        pairs = [(normalize(w), c.key) for c in concepts.values() for w in [*c.keywords.ko, *c.keywords.en]]
        self._keywords = sorted(pairs, key=lambda p: len(p[0]), reverse=True)

    def keyword_pairs(self) -> list[tuple[str, str]]:
        """(normalised keyword, concept key), longest keyword first."""
        return self._keywords

    def find(self, norm: str) -> Concept | None:
        for word, key in self._keywords:
            if word and find_word(norm, word) >= 0:
                return self.concepts[key]
        return None


def closest_concept(index: ConceptIndex, norm: str, cutoff: float = 80) -> Concept | None:
    """The concept whose keyword is closest to a word group of the question ("캐싱 비용", "provisioned thruput"),
    compared letter by letter; None below `cutoff`."""
    words = norm.split()
    grams = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    best: tuple[float, str] | None = None
    for keyword, key in index.keyword_pairs():
        if len(keyword) < 3:
            continue
        for gram in grams:
            score = fuzz.ratio(letters(gram), letters(keyword))
            if score >= cutoff and (best is None or score > best[0]):
                best = (score, key)
    return index.concepts[best[1]] if best else None
