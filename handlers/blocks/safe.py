"""What users and models write, made harmless for Slack: it may not notify anyone nor hide where a link goes.

One rule, three forms (README "How it behaves with Slack"):

- **mrkdwn** (sections, context elements, the `text` fallback, chat.update): Slack's own escaping of `&`, `<`, `>`
  (`mrkdwn.escape`), so `<!channel>`, `<@U…>`, `<#C…>`, `<!subteam^…>` and `<url|label>` show as typed. A Markdown
  link becomes `label (<url>)` (`link`): the destination is always what the reader sees.
- **Markdown** (the native stream's `markdown_text`; taken to be parsed as Markdown *and* for Slack's `<…>` tokens,
  with entities such as `&lt;` decoded, since Slack documents neither way):
  `neutral_markdown`. Outside code a WORD JOINER (U+2060, invisible) goes after every `<` (or `&lt;`) that starts a
  token, after a `]` that would start a link destination or a reference definition, and after the `@` of a plain
  `@here`/`@channel`/`@everyone`; links are rewritten as in mrkdwn. Inside code only the notifying shapes (`<@U`,
  `<#C`, `<!here`, …) are broken, so code stays copyable.
- **plain strings Slack may parse** (assistant thread titles): `defang`, the outside-code rule of Markdown.

Every form also drops NUL/control bytes and lone surrogates (`bot.sanitize.clean`). The bot's own formatting
(source links, `<@caller>` in a try thread, bold, code) is built around these, never passed through them.

A stream cannot take back what it sent, so `settled` says how much of a growing answer is final: the part of the
last line before anything whose meaning the next characters could change (a link or code span still open).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.sanitize import clean

WJ = "\u2060"  # WORD JOINER: invisible; no Slack or Markdown syntax starts with it

_OPEN = r"(<|&lt;|&#0*60;|&#x0*3c;)"  # `<` and the entities a Markdown renderer decodes to it
_TOKEN = re.compile(_OPEN + r"(?=[@#!A-Za-z])", re.IGNORECASE)  # a mention, special mention, link, HTML tag
_DESTINATION = re.compile(r"\](?=[(:])")  # `](url)` and `[ref]: url`
_AT_ALL = re.compile(r"(?<![\w@])@(?=(?:here|channel|everyone)(?!\w))", re.IGNORECASE)  # if a client links names
_AT_TAIL = re.compile(r"(?<![\w@])@[a-z]{0,9}$", re.IGNORECASE)  # may still become `@here`
_CODE_TOKEN = re.compile(r"<(?=[@#][A-Z0-9]|!(?:here|channel|everyone|subteam\^|date\^|group))", re.IGNORECASE)
_CODE_TOKEN_CHARS = 9  # the longest shape `_CODE_TOKEN` looks ahead at ("!everyone")
_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})[^`]*$")  # as mrkdwn.to_mrkdwn reads fences
_MAYBE_FENCE = re.compile(r"\s*(?:[`~]{3}|[`~]{0,2}$)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\s*\)")
_MAYBE_LINK = re.compile(r"!?\[[^\]]*(?:\](?:\(.*)?)?")
_SCHEME = re.compile(r"^[a-zA-Z][\w+.-]*:")
_URL_LIKE = re.compile(r"^(?:[a-z][\w+.-]*://\S*|(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?)$", re.IGNORECASE)
_KEPT = re.compile("\x03(\\d+)\x04")


def defang(text: str) -> str:
    """Plain text with every Slack token and Markdown link destination broken (invisibly)."""
    return _broken(clean(text))


def _broken(text: str) -> str:
    return _AT_ALL.sub("@" + WJ, _DESTINATION.sub("]" + WJ, _TOKEN.sub(r"\1" + WJ, text)))


def link(label: str, url: str) -> tuple[str, str | None]:
    """What a written link shows: (label, destination). The label goes when it is empty, the destination itself or
    looks like another address; a destination without a scheme (a relative link) goes nowhere in Slack: None."""
    if not _SCHEME.match(url):
        return label, None
    url = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    shown = label.strip()
    bare = (url.rstrip("/"), url.split("://", 1)[-1].rstrip("/"))
    return ("", url) if not shown or shown.rstrip("/") in bare or _URL_LIKE.match(shown) else (shown, url)


def neutral_markdown(markdown: str) -> str:
    """Markdown for Slack's stream API with no live mention, special mention or disguised link (see module doc)."""
    out = []
    for line, code in _lines(clean(markdown)):
        out.append(_CODE_TOKEN.sub("<" + WJ, line) if code else _map_code_spans(line))
    return "\n".join(out)


def settled(markdown: str) -> int:
    """How many characters of a growing `markdown` `neutral_markdown` treats the same whatever comes next."""
    start = markdown.rfind("\n") + 1
    line = markdown[start:]
    code = list(_lines(markdown))[-1][1]
    if _MAYBE_FENCE.match(line):
        return start  # the line may open or close a code block
    if code:
        near = line.find("<", max(0, len(line) - _CODE_TOKEN_CHARS))
        return len(markdown) if near < 0 else start + near + 1
    at = _open_at(line)
    tail = _AT_TAIL.search(line, 0, at)
    return start + (tail.start() + 1 if tail is not None and tail.end() == at else at)


def _lines(markdown: str) -> Iterator[tuple[str, bool]]:
    """Each line and whether it is code (a fence line or inside a fenced block)."""
    fence: str | None = None
    for line in markdown.split("\n"):
        if fence is None:
            opened = _FENCE_OPEN.match(line)
            fence = opened.group(1) if opened else None
            yield line, fence is not None
        else:
            if re.fullmatch(rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*", line):
                fence = None
            yield line, True


def _map_code_spans(line: str) -> str:
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(line):
        out += [_outside(line[pos : m.start()]), _CODE_TOKEN.sub("<" + WJ, m.group(0))]
        pos = m.end()
    out.append(_outside(line[pos:]))
    return "".join(out)


def _outside(text: str) -> str:
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        label, url = link(m.group(1), m.group(2))
        shown = _broken(label)
        kept.append(shown if url is None else f"{shown} (<{url}>)" if shown else f"<{url}>")
        return f"\x03{len(kept) - 1}\x04"

    return _KEPT.sub(lambda m: kept[int(m.group(1))], _broken(_LINK.sub(keep, text)))


def _open_at(line: str) -> int:
    """Where the first construct the next characters could still change starts in `line` (outside code): a code
    span not closed yet (or closed by a shorter run than it opened with), a link not complete yet, a final `!`."""
    pos = 0
    while (m := re.compile(r"[`\[]|!$").search(line, pos)) is not None:
        at = m.start()
        if line[at] == "`":
            span = _CODE_SPAN.match(line, at)
            run = len(line) - len(line[at:].lstrip("`"))
            if span is None or len(span.group(1)) != run - at:
                return at
            pos = span.end()
        elif line[at] == "[":
            at = at - 1 if at and line[at - 1] == "!" else at
            done = _LINK.match(line, at)
            if done is not None and "`" not in done.group(0):  # a later backtick could make it code
                pos = done.end()
            elif done is not None or _MAYBE_LINK.fullmatch(line, at):
                return at
            else:
                pos = m.end()
        else:
            return at
    return len(line)
