"""Markdown as models write it → Slack mrkdwn, and mrkdwn cut into pieces Slack accepts (3,000 characters a text).

Slack's mrkdwn is not Markdown: `*bold*`, `_italic_`, `~strike~`, `<url|text>` links, no headings or tables, and
`&`, `<`, `>` must be escaped. Code (inline or fenced) is never converted, only escaped.

The text may come from a model or a user, so nothing in it reaches Slack as a mention or a disguised link
(`handlers.blocks.safe`): `<!channel>`, `<@U…>`, `<#C…>` and `<url|label>` are escaped, and a Markdown link shows its
destination (`label (<url>)`). Only the bot's own catalog answers (`mentions=True`) keep the plain `<@U…>` / `<#C…>`
ids they write (the usage report names users and channels that way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.render_text import width
from bot.sanitize import clean
from handlers.blocks.safe import link

FENCE = "```"
RULE = "———"

_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})[^`]*$")  # an info string has no backticks: ```x``` is inline
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_QUOTE = re.compile(r"^(\s*>+ ?)(.*)$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s|]+)(?:\|([^<>]*))?>")
_ID_MENTION = re.compile(r"<[@#][A-Z0-9]+>")  # a bare id, no label: what the bot itself writes
_BARE_URL = re.compile(r"https?://[^\s<>]+")
_BOLD_ITALIC = re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_KEPT = re.compile("\x03(\\d+)\x04")
_NUMERIC = re.compile(r"^[$\d]|^-$")


def escape(text: str) -> str:
    """Escape the three characters Slack reserves (`&`, `<`, `>`); control bytes and lone surrogates go."""
    return _escape(clean(text))


def _escape(text: str) -> str:  # for text already cleaned (it may hold our placeholders)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str, *, mentions: bool = False) -> str:
    """Convert common Markdown (headings, emphasis, links, lists, tables, code) to Slack mrkdwn.

    `mentions=True` (the bot's own answers only) keeps `<@U…>` / `<#C…>` ids as mentions; any other `<…>` is shown as
    typed, and links show where they go."""
    lines = clean(markdown.replace("\r\n", "\n")).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        fence = _FENCE_OPEN.match(lines[i])
        if fence:
            i = _code_block(lines, i, fence.group(1), out)
        elif i + 1 < len(lines) and "|" in lines[i] and "|" in lines[i + 1] and _TABLE_SEP.match(lines[i + 1]):
            i = _table_block(lines, i, out)
        else:
            out.append(_line(lines[i], mentions))
            i += 1
    return "\n".join(out)


def to_plain(markdown: str) -> str:
    """One line of Markdown as plain text: emphasis markers and code backticks dropped, a link as `label (url)`."""
    return _map_code_spans(markdown, lambda s: _emphasis(_LINK.sub(_plain_link, s), "", "", ""), lambda m: m.group(2))


def _plain_link(m: re.Match[str]) -> str:
    label, target = link(m.group(1), m.group(2))
    return label if target is None else f"{label} ({target})" if label else target


def table_lines(
    columns: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None
) -> list[str]:
    """A text table (unescaped): padded header, a dashed rule, padded rows, every line the same display width.

    `right` says which columns to right-align; by default those whose body cells all read as numbers.
    """
    n = max([len(columns), *(len(r) for r in rows)])
    grid = [[*r, *[""] * (n - len(r))] for r in [columns, *rows]]
    cols = [max(width(r[i]) for r in grid) for i in range(n)]
    align = list(right) if right is not None else numeric_columns(grid[1:])
    align += [False] * (n - len(align))

    def line(cells: list[str]) -> str:
        pad = [" " * (cols[i] - width(c)) for i, c in enumerate(cells)]
        return "  ".join(pad[i] + c if align[i] else c + pad[i] for i, c in enumerate(cells))

    return [line(grid[0]), "  ".join("-" * c for c in cols), *(line(r) for r in grid[1:])]


def numeric_columns(rows: Sequence[Sequence[str]]) -> list[bool]:
    """Per column: True when every non-empty cell starts with `$` or a digit, or is `-` (numbers align right)."""
    n = max((len(r) for r in rows), default=0)
    cells = [[r[i].strip() for r in rows if i < len(r) and r[i].strip()] for i in range(n)]
    return [bool(c) and all(_NUMERIC.match(x) for x in c) for c in cells]


def _code_block(lines: list[str], start: int, marker: str, out: list[str]) -> int:
    end = start + 1
    while end < len(lines) and not re.fullmatch(rf"\s*{re.escape(marker[0])}{{{len(marker)},}}\s*", lines[end]):
        end += 1
    out.extend([FENCE, *(escape(x) for x in lines[start + 1 : end]), FENCE])
    return end + 1


def _table_block(lines: list[str], start: int, out: list[str]) -> int:
    header, sep = _cells(lines[start]), _cells(lines[start + 1])
    end = start + 2
    while end < len(lines) and "|" in lines[end] and lines[end].strip():
        end += 1
    rows = [_cells(x) for x in lines[start + 2 : end]]
    numeric = numeric_columns(rows)
    right = [
        s.endswith(":") and not s.startswith(":") if ":" in s else i < len(numeric) and numeric[i]
        for i, s in enumerate(sep)
    ]
    out.extend([FENCE, *(escape(x) for x in table_lines(header, rows, right)), FENCE])
    return end


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [to_plain(c.strip().replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", row)]


def _line(line: str, mentions: bool) -> str:
    if _HR.match(line):
        return RULE
    if m := _HEADING.match(line):
        text = _BOLD.sub(lambda b: b.group(1) or b.group(2), m.group(1))
        return f"*{_inline(text, mentions)}*" if text.strip() else ""
    if m := _BULLET.match(line):
        return f"{m.group(1)}• {_inline(m.group(2), mentions)}"
    if m := _QUOTE.match(line):  # the quote marker stays a real `>`: escaped, Slack would not quote
        return m.group(1) + _line(m.group(2), mentions)
    return _inline(line, mentions)


def _map_code_spans(text: str, outside: Callable[[str], str], inside: Callable[[re.Match[str]], str]) -> str:
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out += [outside(text[pos : m.start()]), inside(m)]
        pos = m.end()
    out.append(outside(text[pos:]))
    return "".join(out)


def _inline(text: str, mentions: bool) -> str:
    return _map_code_spans(text, lambda s: _convert(s, mentions), lambda m: escape(m.group(0)))


def _convert(text: str, mentions: bool) -> str:
    """Links and URLs are set aside (their `_` and `*` are not emphasis), the rest escaped and converted."""
    kept: list[str] = []

    def keep(s: str) -> str:
        kept.append(s)
        return f"\x03{len(kept) - 1}\x04"

    text = _LINK.sub(lambda m: keep(_link(m.group(1), m.group(2))), text)
    text = _AUTOLINK.sub(lambda m: keep(_link(m.group(2) or "", m.group(1))), text)
    if mentions:
        text = _ID_MENTION.sub(lambda m: keep(m.group(0)), text)
    text = _BARE_URL.sub(lambda m: keep(escape(m.group(0))), text)
    text = _emphasis(_escape(text), "*", "_", "~")
    return _KEPT.sub(lambda m: kept[int(m.group(1))], text)


def _link(text: str, url: str) -> str:
    """A written link as `label (<url>)`: Slack shows the destination itself, never only a label for it."""
    label, target = link(_emphasis(text, "", "", ""), url)
    if target is None:  # a relative link goes nowhere in Slack: keep its text
        return escape(label)
    return f"{escape(label)} (<{target}>)" if label else f"<{target}>"


def _emphasis(text: str, bold: str, italic: str, strike: str) -> str:
    text = _BOLD_ITALIC.sub("\x01\x02\\1\x02\x01", text)
    text = _BOLD.sub(lambda m: f"\x01{m.group(1) or m.group(2)}\x01", text)
    text = _STRIKE.sub("\x05\\1\x05", text)
    text = _ITALIC.sub(lambda m: f"\x02{m.group(1) or m.group(2)}\x02", text)
    return text.replace("\x01", bold).replace("\x02", italic).replace("\x05", strike)


def split_text(text: str, limit: int = 3000) -> list[str]:
    """Cut mrkdwn into chunks of at most `limit` characters, none empty.

    Cuts prefer a paragraph break, then a line break, then a space, then a hard cut; only whitespace at a cut is
    lost. A cut inside a fenced code block closes the fence at the end of the chunk and reopens it in the next.
    """
    if limit < 16:
        raise ValueError(f"limit too small: {limit}")
    chunks: list[str] = []
    rest, fenced = text, False
    while rest.strip():
        head = FENCE + "\n" if fenced else ""
        if len(head) + len(rest.rstrip()) <= limit:
            chunks.append(head + rest.rstrip())
            break
        body, rest, fenced = _take(rest, limit - len(head), fenced)
        chunks.append(head + body)
    return chunks


def _take(rest: str, room: int, fenced: bool) -> tuple[str, str, bool]:
    """The next chunk's text (with a closing fence if needed), what is left, and whether that starts in code."""
    body, after = _cut(rest, room)
    if _inside(body, fenced):
        body, after = _cut(rest, room - len(FENCE) - 1)
    if not _inside(body, fenced):
        return body, after, False
    if body.endswith(FENCE) and body[: -len(FENCE)].strip():  # a fence just opened: start the next chunk with it
        body = body[: -len(FENCE)].rstrip()
        return body, rest[len(body) :].lstrip(), False
    if after.startswith(FENCE):  # the block's own closing fence is next: use it instead of adding one
        return f"{body}\n{FENCE}", after[len(FENCE) :].lstrip("\n"), False
    return f"{body}\n{FENCE}", after, True


def _inside(body: str, fenced: bool) -> bool:
    return fenced != (body.count(FENCE) % 2 == 1)


def _cut(rest: str, room: int) -> tuple[str, str]:
    """Split `rest` before index `room` at the best break: the chunk (right-stripped) and the remainder."""
    fallback: tuple[int, str] | None = None
    for sep in ("\n\n", "\n", " "):
        i = rest.rfind(sep, 0, room + len(sep))
        if i > 0 and rest[:i].strip():
            if i >= room // 2:
                return rest[:i].rstrip(), rest[i + len(sep) :].lstrip("\n")
            fallback = fallback or (i, sep)
    if fallback:
        i, sep = fallback
        return rest[:i].rstrip(), rest[i + len(sep) :].lstrip("\n")
    i = room
    while i > 1 and rest[i - 1] == "`" and rest[i] == "`":  # never split a fence
        i -= 1
    entity = re.search(r"&[a-z]{0,4}$", rest[max(0, i - 5) : i])  # nor an escape such as &amp;
    if entity and i - len(entity.group(0)) > 0:
        i -= len(entity.group(0))
    return rest[:i], rest[i:]
