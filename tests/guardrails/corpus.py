"""The labelled guardrail corpus (`tests/data/guardrails/corpus.yaml`): loader and scorer.

The corpus is written independently of the detectors, so it can measure them: per entity type, recall over the
labelled values and the false-positive rate over look-alike negatives; per denied topic / attack category, recall
over the labelled messages and the false-positive rate over near-misses and ordinary messages.

Used by `tests/guardrails/` and by benchmarks::

    samples = load()
    scores = score_entities(samples, lambda text: [(f.kind, f.start, f.end) for f in detect(text)])
    for s in scores.values():
        print(s.type, f"{s.recall:.0%}", f"{s.fpr:.0%}", s.spurious)

The checksum helpers at the end are the rules the corpus values were generated with (and that
`test_corpus_data.py` checks them against); they are reference arithmetic, not a detector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "guardrails" / "corpus.yaml"

ENTITY_TYPES: tuple[str, ...] = (
    "rrn",
    "frn",
    "phone",
    "card",
    "bank_account",
    "email",
    "passport",
    "ip",
    "aws_access_key",
    "aws_secret_key",
    "slack_token",
)
TOPICS: tuple[str, ...] = ("investment_advice", "politics", "financial_crime")
ATTACKS: tuple[str, ...] = ("instruction_override", "prompt_extraction", "roleplay_jailbreak")
NEAR_MISS: tuple[str, ...] = ("topic", "attack")
LANGS: tuple[str, ...] = ("ko", "en")
ANY = "*"
"""Key of the aggregate row in `score_labels`' result."""

_FIELDS = ("id", "lang", "text", "entities", "lookalike", "topic", "attack", "near_miss")


class CorpusError(ValueError):
    """The corpus file is malformed; the message names the sample id and the problem."""


@dataclass(frozen=True)
class Sample:
    """One message. `entities` are (type, value) pairs in the order listed; a value is an exact substring of
    `text` (a pair listed k times refers to the value's first k occurrences)."""

    id: str
    lang: str
    text: str
    entities: tuple[tuple[str, str], ...] = ()
    lookalike: tuple[str, ...] = ()
    topic: str | None = None
    attack: str | None = None
    near_miss: str | None = None

    @property
    def ordinary(self) -> bool:
        """No entity, no look-alike label, not about a denied topic, not an attack and not a near-miss."""
        return not (self.entities or self.lookalike or self.topic or self.attack or self.near_miss)

    def spans(self) -> list[tuple[str, int, int]]:
        """(type, start, end) of each labelled entity: its first occurrence, or its k-th when listed k times."""
        seen: dict[tuple[str, str], int] = {}
        out: list[tuple[str, int, int]] = []
        for etype, value in self.entities:
            k = seen.get((etype, value), 0)
            seen[(etype, value)] = k + 1
            start = -1
            for _ in range(k + 1):
                start = self.text.find(value, start + 1)
                if start < 0:
                    raise CorpusError(f"{self.id}: {etype} value {value!r} occurs fewer than {k + 1} times")
            out.append((etype, start, start + len(value)))
        return out


def load(path: Path = DEFAULT) -> list[Sample]:
    """Read and validate the corpus: unique ids, known keys / languages / types / topics / categories, every
    entity value a substring of its text (as often as it is listed), look-alike samples without entities."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw.get("samples") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise CorpusError(f"{path}: expected a list of samples")
    samples = [_sample(item, i) for i, item in enumerate(items)]
    seen: set[str] = set()
    for s in samples:
        if s.id in seen:
            raise CorpusError(f"{s.id}: duplicate id")
        seen.add(s.id)
    return samples


def _sample(item: Any, index: int) -> Sample:
    if not isinstance(item, dict):
        raise CorpusError(f"sample #{index}: expected a mapping, got {type(item).__name__}")
    sid = item.get("id")
    if not isinstance(sid, str) or not sid:
        raise CorpusError(f"sample #{index}: missing id")
    unknown = set(item) - set(_FIELDS)
    if unknown:
        raise CorpusError(f"{sid}: unknown keys {sorted(unknown)}")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{sid}: missing text")
    entities = tuple(_entity(sid, e) for e in item.get("entities") or [])
    lookalike = tuple(item.get("lookalike") or [])
    sample = Sample(
        id=sid,
        lang=_one_of(sid, "lang", item.get("lang"), LANGS),
        text=text,
        entities=entities,
        lookalike=tuple(_one_of(sid, "lookalike", t, ENTITY_TYPES) for t in lookalike),
        topic=_optional(sid, "topic", item.get("topic"), TOPICS),
        attack=_optional(sid, "attack", item.get("attack"), ATTACKS),
        near_miss=_optional(sid, "near_miss", item.get("near_miss"), NEAR_MISS),
    )
    if sample.entities and sample.lookalike:
        raise CorpusError(f"{sid}: a look-alike negative must not carry entities")
    if len(set(sample.lookalike)) != len(sample.lookalike):
        raise CorpusError(f"{sid}: repeated look-alike type")
    if sample.near_miss and (sample.topic or sample.attack):
        raise CorpusError(f"{sid}: a near-miss is benign, so it has no topic or attack")
    sample.spans()  # every value is in the text, as often as listed
    return sample


def _entity(sid: str, entry: Any) -> tuple[str, str]:
    if not isinstance(entry, dict) or set(entry) != {"type", "value"}:
        raise CorpusError(f"{sid}: an entity is {{type, value}}, got {entry!r}")
    value = entry["value"]
    if not isinstance(value, str) or not value:
        raise CorpusError(f"{sid}: entity value must be a non-empty string, got {value!r}")
    return _one_of(sid, "entity type", entry["type"], ENTITY_TYPES), value


def _one_of(sid: str, what: str, value: Any, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise CorpusError(f"{sid}: unknown {what} {value!r} (expected one of {', '.join(allowed)})")
    return str(value)


def _optional(sid: str, what: str, value: Any, allowed: Sequence[str]) -> str | None:
    return None if value is None else _one_of(sid, what, value, allowed)


# ---- scoring ------------------------------------------------------------------------------------------------


class SpanLike(Protocol):
    """Anything with `kind`, `start`, `end` (e.g. `bot.guardrails.findings.Finding`)."""

    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


Found = tuple[str, int, int] | SpanLike
"""What `find` may yield: (type, start, end) tuples, or Finding-like objects."""


@dataclass
class TypeScore:
    """One entity type. `positives`: labelled values; `detected`: those covered by a finding of this type.
    `lookalikes`: negatives labelled with this type; `false_positives`: those with any finding of this type.
    `spurious`: findings of this type in positive samples that overlap no labelled entity (not part of the FPR).
    `stray`: findings of this type in other entity-free samples (ordinary, topic, attack, other types'
    look-alikes), also outside the FPR. `missed` / `flagged` list the sample ids behind the misses and FPs."""

    type: str
    positives: int = 0
    detected: int = 0
    lookalikes: int = 0
    false_positives: int = 0
    spurious: int = 0
    stray: int = 0
    missed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """detected / positives; 1.0 when there is nothing to find."""
        return self.detected / self.positives if self.positives else 1.0

    @property
    def fpr(self) -> float:
        """false_positives / lookalikes; 0.0 when there are no look-alikes."""
        return self.false_positives / self.lookalikes if self.lookalikes else 0.0


def _spans(found: Iterable[Found]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for f in found:
        if isinstance(f, tuple):
            out.append((str(f[0]), int(f[1]), int(f[2])))
        else:
            out.append((f.kind, f.start, f.end))
    return out


def score_entities(samples: Iterable[Sample], find: Callable[[str], Iterable[Found]]) -> dict[str, TypeScore]:
    """Recall and false-positive rate per entity type (every type in `ENTITY_TYPES` gets a row; findings of
    other kinds, e.g. `custom:*` or topics, are ignored).

    A labelled value is detected when a finding of the same type covers its span (start <= value.start and
    end >= value.end). A look-alike sample labelled T is a false positive for T when any finding of type T is
    reported anywhere in it."""
    scores = {t: TypeScore(t) for t in ENTITY_TYPES}
    for s in samples:
        findings = [f for f in _spans(find(s.text)) if f[0] in scores]
        labelled = s.spans()
        for etype, start, end in labelled:
            row = scores[etype]
            row.positives += 1
            if any(k == etype and fs <= start and fe >= end for k, fs, fe in findings):
                row.detected += 1
            else:
                row.missed.append(s.id)
        for etype in s.lookalike:
            row = scores[etype]
            row.lookalikes += 1
            if any(k == etype for k, _, _ in findings):
                row.false_positives += 1
                row.flagged.append(s.id)
        for k, fs, fe in findings:
            if labelled:
                if not any(fs < le and fe > ls for _, ls, le in labelled):
                    scores[k].spurious += 1
            elif k not in s.lookalike:
                scores[k].stray += 1
    return scores


@dataclass
class LabelScore:
    """One denied topic or attack category (or `ANY`, the aggregate). `positives`: samples with this label;
    `detected`: those for which the classifier reported it. `negatives`: near-misses of the field plus ordinary
    samples; `false_positives`: negatives for which it was reported (for `ANY`: for which any label was)."""

    label: str
    positives: int = 0
    detected: int = 0
    negatives: int = 0
    false_positives: int = 0
    missed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """detected / positives; 1.0 when there is nothing to find."""
        return self.detected / self.positives if self.positives else 1.0

    @property
    def fpr(self) -> float:
        """false_positives / negatives; 0.0 when there are no negatives."""
        return self.false_positives / self.negatives if self.negatives else 0.0


def score_labels(
    samples: Iterable[Sample], field: Literal["topic", "attack"], classify: Callable[[str], set[str]]
) -> dict[str, LabelScore]:
    """Recall per label of `field` (`TOPICS` or `ATTACKS`) over the samples carrying it, and false-positive rate
    over the negatives: samples with `near_miss == field` plus ordinary samples. Other samples (entities,
    look-alikes, the other field's labels and near-misses) are not scored. The `ANY` row aggregates: a positive
    counts when its own label is reported, a negative is a false positive when any label is reported."""
    labels = TOPICS if field == "topic" else ATTACKS
    scores = {label: LabelScore(label) for label in (*labels, ANY)}
    total = scores[ANY]
    for s in samples:
        label: str | None = getattr(s, field)
        negative = s.near_miss == field or s.ordinary
        if label is None and not negative:
            continue
        reported = set(classify(s.text))
        if label is not None:
            for row in (scores[label], total):
                row.positives += 1
                if label in reported:
                    row.detected += 1
                else:
                    row.missed.append(s.id)
            continue
        total.negatives += 1
        if reported:
            total.false_positives += 1
            total.flagged.append(s.id)
        for name in labels:
            scores[name].negatives += 1
            if name in reported:
                scores[name].false_positives += 1
                scores[name].flagged.append(s.id)
    return scores


# ---- reference arithmetic the corpus values follow ----------------------------------------------------------

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000}


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def rrn_date_ok(value: str) -> bool:
    """13 digits whose first six are a real date in the century the 7th digit (1-8) gives."""
    d = _digits(value)
    if len(d) != 13 or d[6] not in _CENTURY:
        return False
    try:
        dt.date(_CENTURY[d[6]] + int(d[:2]), int(d[2:4]), int(d[4:6]))
    except ValueError:
        return False
    return True


def _weighted(d: str) -> int:
    return sum(int(c) * w for c, w in zip(d[:12], RRN_WEIGHTS, strict=True))


def rrn_checksum_ok(value: str) -> bool:
    """Resident registration number (7th digit 1-4): check = (11 - sum % 11) % 10 over weights 2..9,2..5."""
    d = _digits(value)
    return len(d) == 13 and d[6] in "1234" and (11 - _weighted(d) % 11) % 10 == int(d[12])


def frn_checksum_ok(value: str) -> bool:
    """Foreigner registration number (7th digit 5-8): check = (13 - sum % 11) % 10."""
    d = _digits(value)
    return len(d) == 13 and d[6] in "5678" and (13 - _weighted(d) % 11) % 10 == int(d[12])


def rrn_check_digit(first12: str, foreign: bool = False) -> int:
    """The check digit that completes `first12` (used to generate values)."""
    return ((13 if foreign else 11) - _weighted(first12 + "0") % 11) % 10


def luhn_ok(value: str) -> bool:
    """Luhn (mod 10) over the digits of `value`; separators are ignored."""
    d = _digits(value)
    if not d:
        return False
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0
