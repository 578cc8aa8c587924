"""Cutting a long Markdown answer into Slack-sized messages.

The cut is made in the model's Markdown, not in the converted mrkdwn: a streamed answer is cut while it grows, and
each message is converted on its own (chat.update) or sent as it is (native stream), so the cut has to be a
position in the source text. Cuts prefer a paragraph break outside code, then a line break outside code, then a
line break inside a code block (the block is closed at the end of the page and reopened with its own opening line
at the top of the next), and only then a space or any character of one over-long line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers.blocks.mrkdwn import to_mrkdwn

MESSAGE_LIMIT = 3500  # characters of answer per message: Slack refuses messages from about 4,000 (msg_too_long)
MIN_LIMIT = 64

Measure = Callable[[str], int]

_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})[^`]*$")  # as mrkdwn.to_mrkdwn reads fences


def mrkdwn_length(markdown: str) -> int:
    """How long `markdown` is once converted for Slack (escapes and table padding make it longer)."""
    return len(to_mrkdwn(markdown))


@dataclass(frozen=True)
class Cut:
    """A page and what follows it. `head` is exactly the source up to the cut, so a stream that already sent part
    of it can send the remainder; `closing` closes a code block cut in two; `rest` reopens it."""

    head: str
    closing: str
    rest: str

    @property
    def page(self) -> str:
        return self.head.rstrip() + self.closing


@dataclass(frozen=True)
class _Break:
    at: int  # offset of the first character of the next line
    kind: int  # 0 paragraph, 1 line, 2 inside code (lower is better)
    opener: str | None  # the code block's opening line when the break is inside one


def split_markdown(markdown: str, limit: int = MESSAGE_LIMIT, *, measure: Measure = mrkdwn_length) -> list[str]:
    """`markdown` as pages that each measure at most `limit`, none empty, all the text kept in order."""
    pages: list[str] = []
    rest = markdown
    while measure(rest.strip()) > limit:
        cut = cut_markdown(rest, limit, measure=measure)
        if cut.page.strip():
            pages.append(cut.page)
        rest = cut.rest
    if rest.strip():
        pages.append(rest.strip("\n").rstrip())
    return pages


def cut_markdown(markdown: str, limit: int, *, measure: Measure = mrkdwn_length, keep: int = 0) -> Cut:
    """The first page of `markdown` that measures at most `limit`, and the rest.

    `keep` characters must stay on this page (a native stream cannot take back what it sent); the caller makes sure
    they fit. The page is never empty unless `keep` forces the cut at its very start.
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit too small: {limit}")
    if measure(markdown) <= limit:
        return Cut(markdown, "", "")

    def fits(at: int, opener: str | None) -> bool:
        page = markdown[:at].rstrip() + _closing(opener)
        return bool(page.strip()) and measure(page) <= limit

    breaks = _breaks(markdown)
    lo, hi = 0, len(breaks)  # breaks[:lo] fit (assumed monotone: a longer prefix never measures shorter)
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(breaks[mid].at, breaks[mid].opener):
            lo = mid + 1
        else:
            hi = mid
    fitting = [b for b in breaks[:lo] if b.at >= keep]
    if fitting:
        floor = max(keep, fitting[-1].at // 2)
        for kind in (0, 1):
            for b in reversed(fitting):
                if b.kind == kind and b.at >= floor and fits(b.at, b.opener):
                    return _at(markdown, b.at, b.opener)
        return _at(markdown, fitting[-1].at, fitting[-1].opener)
    start = max(breaks[lo - 1].at if lo else 0, keep)
    end = breaks[lo].at if lo < len(breaks) else len(markdown)
    return _inside_line(markdown, start, end, lambda at: fits(at, _open_at(markdown, at)))


def _inside_line(markdown: str, start: int, end: int, fits: Callable[[int], bool]) -> Cut:
    """No line break fits: cut at the last space that fits (outside code), else at the last character that does."""
    lo, hi = start, end  # markdown[:lo] fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    if lo == start and not fits(start):
        lo = start or 1  # nothing fits: keep what must stay, or make progress by one character
    opener = _open_at(markdown, lo)
    space = markdown.rfind(" ", start + 1, lo + 1) if opener is None else -1
    at = space if space > start + (lo - start) // 2 else lo
    return _at(markdown, at, opener, inline=True)


def _at(markdown: str, at: int, opener: str | None, *, inline: bool = False) -> Cut:
    rest = markdown[at:]
    rest = rest.lstrip(" ") if inline and opener is None else rest.lstrip("\n")
    if not rest.strip():
        return Cut(markdown[:at], _closing(opener), "")
    return Cut(markdown[:at], _closing(opener), f"{opener}\n{rest}" if opener is not None else rest)


def _closing(opener: str | None) -> str:
    if opener is None:
        return ""
    marker = _FENCE_OPEN.match(opener)
    return "\n" + (marker.group(1) if marker else "```")


def _breaks(markdown: str) -> list[_Break]:
    """Every line break where a page could end, with how good a place it is."""
    lines = markdown.split("\n")
    out: list[_Break] = []
    opener: str | None = None
    offset = 0
    for i, line in enumerate(lines[:-1]):
        just_opened = False
        if opener is None:
            if _FENCE_OPEN.match(line):
                opener, just_opened = line.strip(), True
        elif _closes(opener, line):
            opener = None
        offset += len(line) + 1
        if just_opened:
            continue  # a page ending on an opening fence would show an empty code block
        if opener is not None:
            out.append(_Break(offset, 2, opener))
        else:
            paragraph = not line.strip() or not lines[i + 1].strip()
            out.append(_Break(offset, 0 if paragraph else 1, None))
    return out


def _closes(opener: str, line: str) -> bool:
    marker = _FENCE_OPEN.match(opener)
    fence = marker.group(1) if marker else "```"
    return re.fullmatch(rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*", line) is not None


def _open_at(markdown: str, at: int) -> str | None:
    """The opening line of the code block that the text before `at` leaves open, if any (whole lines only)."""
    opener: str | None = None
    for line in markdown[:at].split("\n")[:-1]:
        if opener is None:
            if _FENCE_OPEN.match(line):
                opener = line.strip()
        elif _closes(opener, line):
            opener = None
    return opener
