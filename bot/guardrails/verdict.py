"""What the guardrail pipeline decided about one text: the text that may go on (masked), each intervention
(`Hit`: kind and action, never the matched text) and, when blocked, why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Source = Literal["INPUT", "OUTPUT"]
Action = Literal["mask", "block", "warn"]
Engine = Literal["local", "bedrock"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One intervention. `kind`: an entity type (`rrn`), `custom:<name>`, `word`, `topic:<name>`,
    `attack:<category>`, or `bedrock:<policy>:<type>` for what Bedrock Guardrails reported."""

    kind: str
    action: Action
    engine: Engine = "local"


@dataclass(frozen=True, slots=True)
class Verdict:
    """`text` is the judged text with every sensitive value masked (when blocked it goes nowhere but is still
    masked, so no code path can leak the original). `reason` is the hit that
    blocked; `message` the policy's own (ko, en) explanation when it has one (a denied topic, Bedrock's blocked
    messaging)."""

    source: Source
    text: str
    hits: tuple[Hit, ...] = ()
    reason: Hit | None = None
    message: tuple[str, str] | None = None

    @property
    def blocked(self) -> bool:
        return self.reason is not None

    def kinds(self, action: Action) -> tuple[str, ...]:
        """The distinct kinds with `action`, in the order first seen."""
        return tuple(dict.fromkeys(h.kind for h in self.hits if h.action == action))

    def then(self, later: Verdict) -> Verdict:
        """This verdict followed by a later stage's judgement of its text (Bedrock after the local policy)."""
        return replace(
            later,
            hits=self.hits + later.hits,
            reason=self.reason or later.reason,
            message=self.message if self.reason else later.message,
        )


def passed(source: Source, text: str) -> Verdict:
    return Verdict(source=source, text=text)
