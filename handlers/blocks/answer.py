"""Block Kit for a catalog `Answer`: header, body, table, notes, sources footer and follow-up actions.

Slack rejects two elements with the same `action_id` in one actions block, so follow-up buttons get
`f"{RUN_COMMAND}:{i}"`; handlers must register them with `RUN_COMMAND_PATTERN` (`^bra_run_command(:\\d+)?$`),
not the bare constant.
"""

from __future__ import annotations

import re
from typing import Any

from bot.qa.answer import Answer, SourceRef, Table
from bot.qa.answers.common import L
from bot.qa.followups import Followup, Followups
from bot.sanitize import clean
from handlers.blocks.mrkdwn import FENCE, escape, split_text, table_lines, to_mrkdwn, to_plain
from handlers.ids import COMPARE_WITH, RUN_COMMAND, SHARE

Block = dict[str, Any]

RUN_COMMAND_PATTERN = re.compile(rf"^{RUN_COMMAND}(:\d+)?$")

MAX_BLOCKS = 50  # per message
TEXT_LIMIT = 3000  # section text, context element text
HEADER_LIMIT = 150
LABEL_LIMIT = 75  # button text, option text
PLACEHOLDER_LIMIT = 150
BUTTON_VALUE_LIMIT = 2000
OPTION_VALUE_LIMIT = 150
MAX_OPTIONS = 100
MAX_BUTTONS = 5
MAX_CONTEXT_ELEMENTS = 10
FALLBACK_LIMIT = 300

NO_FOLLOWUPS = Followups()


def answer_blocks(
    answer: Answer, followups: Followups = NO_FOLLOWUPS, *, share_command: str | None = None
) -> list[Block]:
    """The message blocks for `answer` (≤ 50 blocks, every text within Slack's limits)."""
    lang = answer.lang
    body = [section(t) for t in split_text(to_mrkdwn("\n".join(answer.lines), mentions=True), TEXT_LIMIT)]
    if answer.table is not None and answer.table.columns:
        body += [section(t) for t in table_texts(answer.table)]
    tail = [b for b in (_notes(answer.notes), _footer(answer), _actions(lang, followups, share_command)) if b]
    room = MAX_BLOCKS - 1 - len(tail)
    if len(body) > room:
        body = [*body[: room - 1], context([L(lang, "… (내용이 길어 일부 생략)", "… (shortened)")])]
    header = {"type": "header", "text": plain(answer.title or "Bedrock Assistant", HEADER_LIMIT)}
    return [header, *body, *tail]


def answer_fallback_text(answer: Answer) -> str:
    """The `text` of chat.postMessage (notifications, screen readers): the title and the first line."""
    first = to_plain(answer.lines[0]) if answer.lines else ""
    return clip_escaped(f"{answer.title}\n{first}".strip(), FALLBACK_LIMIT)


def error_blocks(message: str, lang: str) -> list[Block]:
    """A user error (`BotError.message(lang)`) as a warning section."""
    text = ":warning: " + to_mrkdwn(message.strip() or L(lang, "요청을 처리하지 못했습니다.", "Could not do that."))
    return [section(t) for t in split_text(text, TEXT_LIMIT)]


def table_texts(table: Table) -> list[str]:
    """The table as code blocks of ≤ 3,000 characters each, split by rows, the header repeated in every one."""
    room = TEXT_LIMIT - 2 * (len(FENCE) + 1)
    lines = table_lines(table.columns, table.rows)
    widest = (room - 2) // 3  # a header, its rule and one row always fit
    head, rows = [clip_escaped(x, widest) for x in lines[:2]], [clip_escaped(x, widest) for x in lines[2:]]
    groups: list[list[str]] = [[]]
    size = sum(len(x) + 1 for x in head)
    for row in rows:
        if groups[-1] and size + len(row) + 1 > room:
            groups.append([])
            size = sum(len(x) + 1 for x in head)
        groups[-1].append(row)
        size += len(row) + 1
    return [f"{FENCE}\n" + "\n".join([*head, *group]) + f"\n{FENCE}" for group in groups]


def section(text: str) -> Block:
    """A mrkdwn section (the text must already fit in 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(texts: list[str]) -> Block:
    """A context block of mrkdwn elements, each cut to 3,000 characters."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(t, TEXT_LIMIT)} for t in texts]}


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object cut to `limit` characters with "…" (Slack parses nothing in plain_text; control bytes
    and lone surrogates are dropped)."""
    text = clean(text).strip() or "…"
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…", "emoji": True}


def fit(text: str, limit: int) -> str:
    """mrkdwn cut to `limit` characters with "…" (code fences kept balanced)."""
    return text if len(text) <= limit else split_text(text, limit - 1)[0] + "…"


def clip_escaped(text: str, limit: int) -> str:
    """`text` escaped for Slack and cut to `limit` characters with "…", never through an escape like `&amp;`."""
    out, size = [], 0
    escaped = [escape(ch) for ch in clean(text)]
    if sum(map(len, escaped)) <= limit:
        return "".join(escaped)
    for e in escaped:
        if size + len(e) > limit - 1:
            break
        out.append(e)
        size += len(e)
    return "".join(out) + "…"


def _notes(notes: tuple[str, ...]) -> Block | None:
    texts = [f"※ {to_mrkdwn(n)}" for n in notes if n.strip()]
    if len(texts) > MAX_CONTEXT_ELEMENTS:
        texts = [*texts[: MAX_CONTEXT_ELEMENTS - 1], "\n".join(texts[MAX_CONTEXT_ELEMENTS - 1 :])]
    return context(texts) if texts else None


def _footer(answer: Answer) -> Block | None:
    if not answer.sources:
        return None
    lang = answer.lang
    refs = "; ".join(_source(s, lang) for s in answer.sources)
    return context(
        [
            f"{L(lang, '출처', 'Sources')}: {refs}",
            L(lang, "카탈로그 기반 답변 · 추정이 아닌 공식 가격", "From the curated catalog"),
        ]
    )


def _source(src: SourceRef, lang: str) -> str:
    title = escape(src.title)
    name = f"<{src.url}|{title}>" if src.url else title
    return f"{name} ({L(lang, '기준일', 'as of')} {src.as_of.isoformat()})"


def _actions(lang: str, followups: Followups, share_command: str | None) -> Block | None:
    buttons = [f for f in followups.buttons if f.command and len(f.command) <= BUTTON_VALUE_LIMIT][:MAX_BUTTONS]
    elements = [_button(f"{RUN_COMMAND}:{i}", f.label or f.command, f.command) for i, f in enumerate(buttons)]
    options = _options(followups.compare)
    if options:
        label = followups.compare_label or L(lang, "다른 모델과 비교…", "Compare with…")
        elements.append(
            {
                "type": "static_select",
                "action_id": COMPARE_WITH,
                "placeholder": plain(label, PLACEHOLDER_LIMIT),
                "options": options,
            }
        )
    if share_command and len(share_command) <= BUTTON_VALUE_LIMIT:
        elements.append(_button(SHARE, L(lang, "채널에 공유", "Share in channel"), share_command))
    return {"type": "actions", "elements": elements} if elements else None


def _options(choices: tuple[Followup, ...]) -> list[dict[str, Any]]:
    """Select options, one per distinct command; a command too long for an option value is left out."""
    seen: dict[str, str] = {}
    for f in choices:
        if f.command and len(f.command) <= OPTION_VALUE_LIMIT:
            seen.setdefault(f.command, f.label or f.command)
    return [{"text": plain(label, LABEL_LIMIT), "value": cmd} for cmd, label in list(seen.items())[:MAX_OPTIONS]]


def _button(action_id: str, label: str, value: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(label, LABEL_LIMIT), "value": value}
