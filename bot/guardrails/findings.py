"""What a detector found in a text: a kind and where (character offsets), never a copy of the text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """`kind` names what was found: an entity type (`rrn`, `phone`, …), `custom:<name>`, a word filter, a denied
    topic or a prompt-attack category. `text[start:end]` is the match."""

    kind: str
    start: int
    end: int


def without_overlaps(findings: list[Finding], priority: dict[str, int] | None = None) -> list[Finding]:
    """Sorted by start, keeping on overlap the higher priority (lower number), then the longer match."""
    rank = priority or {}
    chosen: list[Finding] = []
    ordered = sorted(findings, key=lambda f: (rank.get(f.kind, 100), -(f.end - f.start), f.start))
    for f in ordered:
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)
