"""The structured answer every front end renders: console text now, Slack Block Kit later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SourceRef:
    key: str
    title: str
    url: str | None
    as_of: date


@dataclass(frozen=True)
class Answer:
    """One reply: a title, body lines, an optional table, notes, and where the numbers come from.

    `ok` is False when the question could not be answered from the catalog (unknown model, not parsed);
    `models` lists the catalog keys the answer is about and `region` the one region its numbers are for (if
    one), so front ends can offer follow-ups (`bot.qa.followups`).
    """

    intent: str
    lang: str
    title: str
    lines: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    as_of: date | None = None
    suggestions: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    ok: bool = True
    region: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    command: str | None = None  # the command line it answers, as the guardrails masked it (what Share runs again)

    def text_blob(self) -> str:
        """Everything the answer says, as one string (for search and tests of content)."""
        parts = [self.title, *self.lines, *self.notes, *self.suggestions]
        if self.table is not None:
            parts.append(" | ".join(self.table.columns))
            parts.extend(" | ".join(row) for row in self.table.rows)
        parts.extend(f"{s.title} {s.as_of.isoformat()}" for s in self.sources)
        return "\n".join(parts)
