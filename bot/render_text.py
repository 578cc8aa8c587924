"""Render an `Answer` as plain text for the console and `ask` (Slack renders the same object as Block Kit)."""

from __future__ import annotations

import re
import unicodedata

from bot.qa.answer import Answer, Table

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, cols: int) -> str:
    return text + " " * (cols - width(text))


def render_table(table: Table) -> list[str]:
    cols = [
        max(width(c), *(width(r[i]) for r in table.rows)) if table.rows else width(c)
        for i, c in enumerate(table.columns)
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(_pad(cell, cols[i]) for i, cell in enumerate(cells)).rstrip()

    return [line(table.columns), "  ".join("-" * c for c in cols), *(line(r) for r in table.rows)]


def render(answer: Answer) -> str:
    ko = answer.lang == "ko"
    out = [answer.title, ""]
    out.extend(_BOLD.sub(r"\1", line) for line in answer.lines)
    if answer.table is not None:
        if answer.lines:
            out.append("")
        out.extend(render_table(answer.table))
    if answer.notes:
        out.append("")
        out.extend(f"※ {note}" for note in answer.notes)
    if answer.sources:
        label = "출처" if ko else "Sources"
        refs = "; ".join(f"{s.title} ({'기준일' if ko else 'as of'} {s.as_of.isoformat()})" for s in answer.sources)
        out.extend(["", f"{label}: {refs}"])
    return "\n".join(out).rstrip() + "\n"
