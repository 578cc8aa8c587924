"""Render an `Answer` as plain text for the console and `ask` (Slack renders the same object as Block Kit)."""

from __future__ import annotations

import re
import unicodedata

from bot.chat.present import footer, interrupted_mark
from bot.chat.types import ChatResult, Comparison
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


def render_chat(result: ChatResult) -> str:
    """What follows a streamed answer: end of line, the interruption mark, notices and the footer."""
    lines = [""]
    if result.interrupted:
        lines.append(interrupted_mark(result.lang))
    lines.extend(f"ℹ️ {n}" for n in result.notices)
    lines.append(f"— {footer(result)}")
    return "\n".join(lines) + "\n"


def render_comparison(comparison: Comparison) -> str:
    """Each model's answer (or error) with its figures, then the one-line summary."""
    out: list[str] = []
    for r in comparison.results:
        out.append(f"## {r.model_name}")
        out.append(r.text.strip() if r.ok else f"⚠️ {r.error}")
        if r.interrupted:
            out.append(interrupted_mark(r.lang))
        if r.ok:
            out.append(f"— {footer(r)}")
        out.extend(f"ℹ️ {n}" for n in r.notices)
        out.append("")
    out.append(comparison.summary)
    out.extend(f"ℹ️ {n}" for n in comparison.notices)
    return "\n".join(out) + "\n"
