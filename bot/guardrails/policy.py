"""The local guardrail policy (`config/guardrails.yaml`): what to do with each kind of sensitive information,
custom regexes, denied topics, word filters and prompt-attack detection. Validated when loaded — at start-up and
on every reload — so a bad file is refused with every problem named and the running policy stays.

Loading also proves the policy against itself: each denied topic's `examples` must be caught by its phrases, so
an admin who edits phrases learns at once when an example they meant to block no longer is.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.guardrails.attacks import ATTACK_KINDS
from bot.guardrails.phrases import PhraseError, PhraseMatcher
from bot.guardrails.pii import ENTITY_TYPES

EntityAction = Literal["mask", "block", "allow"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    """A (Korean, English) pair of user-facing words."""

    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def pair(self) -> tuple[str, str]:
        return self.ko, self.en


class CustomRegex(_Strict):
    """An organisation's own identifier (employee numbers, internal customer ids…)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    pattern: str = Field(min_length=1)
    action: Literal["mask", "block"] = "mask"
    label: Words
    ignore_case: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"the regex does not compile: {exc}") from None
        if compiled.match(""):
            raise ValueError("the regex matches the empty string")
        return value


class Topic(_Strict):
    """A denied topic: messages about it are blocked with `message` (or a generic one naming the topic)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: Words
    description: Words
    phrases: list[str] = []
    all_of: list[list[str]] = []
    unless: list[str] = []
    examples: list[str] = []
    message: Words | None = None

    @model_validator(mode="after")
    def _something(self) -> Topic:
        if not self.phrases and not self.all_of:
            raise ValueError("a topic needs `phrases` or `all_of`")
        if any(not group for group in self.all_of) or len(self.all_of) == 1:
            raise ValueError("`all_of` needs two or more non-empty groups")
        return self


class WordFilter(_Strict):
    action: Literal["mask", "block"] = "block"
    words: list[str] = []


class PromptAttack(_Strict):
    action: Literal["block", "warn"] = "block"
    extra: dict[str, list[str]] = {}

    @field_validator("extra")
    @classmethod
    def _kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(ATTACK_KINDS))
        if unknown:
            raise ValueError(f"unknown attack kinds {unknown}; known: {list(ATTACK_KINDS)}")
        return value


class Policy(_Strict):
    version: int = 1
    entities: dict[str, EntityAction] = {}
    custom: list[CustomRegex] = []
    denied_topics: list[Topic] = []
    word_filters: WordFilter = WordFilter()
    prompt_attack: PromptAttack = PromptAttack()

    @field_validator("entities")
    @classmethod
    def _known(cls, value: dict[str, EntityAction]) -> dict[str, EntityAction]:
        unknown = sorted(set(value) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity types {unknown}; known: {list(ENTITY_TYPES)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        names = [c.name for c in self.custom] + [t.name for t in self.denied_topics]
        if len(names) != len(set(names)):
            raise ValueError("custom regex and topic names must be unique")
        sections = {
            "denied_topics": {t.name: t.phrases for t in self.denied_topics if t.phrases},
            **{
                f"denied_topics.{t.name}.all_of[{i}]": {t.name: group}
                for t in self.denied_topics
                for i, group in enumerate(t.all_of)
            },
            **{f"denied_topics.{t.name}.unless": {t.name: t.unless} for t in self.denied_topics if t.unless},
            "word_filters.words": {"word": self.word_filters.words},
            "prompt_attack.extra": self.prompt_attack.extra,
        }
        for section, named in sections.items():
            try:
                PhraseMatcher(named)
            except PhraseError as exc:
                raise ValueError(f"{section}: {exc}") from None
        topics = TopicMatcher(self.denied_topics)
        for topic in self.denied_topics:
            for example in topic.examples:
                if topics.first(example) != topic.name:
                    raise ValueError(f"denied topic '{topic.name}': its example {example!r} is not caught")
        return self

    def action(self, entity: str) -> EntityAction:
        """Entities the file does not mention are masked: the safe default."""
        return self.entities.get(entity, "mask")


_SENTENCES = re.compile(r"[^.?!。\n]+[.?!。]*")


class TopicMatcher:
    """Which denied topic a text is about: one of a topic's `phrases` anywhere, or — for `all_of` — a phrase of
    every group within one sentence (a subject and an intent: "주식" + "살까", "stocks" + "should I buy") unless
    that sentence also has one of `unless` (a subject named to prevent or teach it: "방지", "training")."""

    def __init__(self, topics: list[Topic]) -> None:
        named = {t.name: t.phrases for t in topics if t.phrases}
        self._phrases = PhraseMatcher(named) if named else None
        self._groups = [
            (
                t.name,
                [PhraseMatcher({t.name: g}) for g in t.all_of],
                PhraseMatcher({t.name: t.unless}) if t.unless else None,
            )
            for t in topics
            if t.all_of
        ]

    def first(self, text: str) -> str | None:
        if self._phrases is not None and (found := self._phrases.first(text)) is not None:
            return found.kind
        if not self._groups:
            return None
        for sentence in _SENTENCES.findall(text):
            for name, groups, unless in self._groups:
                if all(g.first(sentence) is not None for g in groups) and (
                    unless is None or unless.first(sentence) is None
                ):
                    return name
        return None


def load(path: Path) -> tuple[Policy, str]:
    """The policy in `path` and a short digest of the file (shown by `/bedrock guardrails`, so admins can tell
    which file a replica runs). A bad file is a `ConfigError` naming the file and each problem."""
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8")) or {}
        return Policy.model_validate(data), hashlib.sha256(raw).hexdigest()[:12]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError([f"BRA_GUARD_POLICY_FILE: cannot read {path}: {exc}"]) from None
    except ValidationError as exc:
        problems = [
            f"{path}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        ]
        raise ConfigError(problems) from None
