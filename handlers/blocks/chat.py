"""Block Kit for model answers (chat, try), comparisons and the compare cost prompt: pure functions of the core's
results (`ChatResult`, `Comparison`, `CompareEstimate`), in the result's language.

An answer longer than one message (`pages.MESSAGE_LIMIT`) becomes several messages (`chat_messages`); only the
last carries the tail: interruption mark, error, notices, footer and the 👍/👎 buttons. The footer's words come
from `bot.chat.present`, so Slack and the console say the same thing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.chat.present import cost_text, footer, interrupted_mark, seconds, tokens_line
from bot.chat.types import ChatResult, CompareEstimate, Comparison
from bot.qa.answers.common import L
from bot.qa.format import usd
from handlers.blocks.answer import (
    BUTTON_VALUE_LIMIT,
    FALLBACK_LIMIT,
    HEADER_LIMIT,
    LABEL_LIMIT,
    TEXT_LIMIT,
    clip_escaped,
    context,
    fit,
    plain,
    section,
)
from handlers.blocks.mrkdwn import escape, split_text, to_mrkdwn, to_plain
from handlers.blocks.pages import MESSAGE_LIMIT, split_markdown
from handlers.ids import COMPARE_CANCEL, COMPARE_CONFIRM, FEEDBACK_DOWN, FEEDBACK_UP

Block = dict[str, Any]

COMPARE_ANSWER_CHARS = 2800  # all models' answer previews together, so a 4-model compare stays one ~4,000 message
COMPARE_MIN_CHARS = 300  # but each model gets at least this much
PROMPT_PREVIEW = 200
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


# -- answers ---------------------------------------------------------------------------------------------------
def page_blocks(markdown: str) -> list[Block]:
    """One page of an answer (≤ `MESSAGE_LIMIT` once converted) as mrkdwn sections of ≤ 3,000 characters."""
    return [section(t) for t in split_text(to_mrkdwn(markdown), TEXT_LIMIT)]


def tail_blocks(result: ChatResult, *, shown_text: bool | None = None) -> list[Block]:
    """What follows the answer text: interruption mark, error, notices, footer, feedback buttons.

    `shown_text` says whether any answer text is on screen (default: whether `result.text` has any).
    """
    has_text = bool(result.text.strip()) if shown_text is None else shown_text
    lang = result.lang
    out: list[Block] = []
    if has_text and (result.interrupted or result.error):
        out.append(context([interrupted_mark(lang)]))
    if result.error:
        out.append(section(fit(":warning: " + to_mrkdwn(result.error), TEXT_LIMIT)))
    notes = notices_block(result.notices)
    if notes:
        out.append(notes)
    if result.ok or result.usage.input_tokens or result.usage.output_tokens:
        out.append(context([escape(footer(result))]))
    if result.ok and has_text:
        out.append(feedback_block(result))
    return out


def chat_messages(result: ChatResult) -> list[list[Block]]:
    """The whole answer as one or more messages (each within Slack's limits, all the text in order)."""
    pages = split_markdown(result.text, MESSAGE_LIMIT)
    bodies = [page_blocks(p) for p in pages] or [[]]
    return [*bodies[:-1], [*bodies[-1], *tail_blocks(result)]]


def chat_blocks(result: ChatResult) -> list[Block]:
    """The answer as one message: text sections, then the tail. An answer longer than a message is shortened here;
    `chat_messages` (or `handlers.stream.SlackStream`) keeps all of it."""
    pages = split_markdown(result.text, MESSAGE_LIMIT)
    body = page_blocks(pages[0]) if pages else []
    if len(pages) > 1:
        body.append(context([L(result.lang, "… (답변이 길어 일부 생략)", "… (shortened)")]))
    return [*body, *tail_blocks(result)]


def chat_fallback_text(result: ChatResult) -> str:
    """The `text` of an answer message (notifications, screen readers): model name and the answer's first line."""
    first = next((line for line in result.text.splitlines() if line.strip()), "") or (result.error or "")
    return clip_escaped(f"{result.model_name}: {to_plain(first.strip())}", FALLBACK_LIMIT)


def page_fallback_text(markdown: str) -> str:
    """The `text` of one page of a long answer: its first line."""
    first = next((line for line in markdown.splitlines() if line.strip()), "…")
    return clip_escaped(to_plain(first.strip()), FALLBACK_LIMIT)


def notices_block(notices: tuple[str, ...]) -> Block | None:
    texts = [f"ℹ️ {to_mrkdwn(n)}" for n in notices if n.strip()]
    if len(texts) > 10:  # a context block holds at most 10 elements
        texts = [*texts[:9], "\n".join(texts[9:])]
    return context(texts) if texts else None


def error_section(message: str) -> Block:
    return section(fit(":warning: " + to_mrkdwn(message.strip() or "…"), TEXT_LIMIT))


# -- feedback --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedbackRef:
    """What a 👍/👎 button carries: which model answered and in which feature."""

    model: str
    feature: str


def feedback_block(result: ChatResult) -> Block:
    """👍 / 👎 under an answer; the value names the model that answered and the feature."""
    value = json.dumps({"model": result.model, "feature": result.feature}, separators=(",", ":"))[:BUTTON_VALUE_LIMIT]
    up = L(result.lang, "👍 도움이 됐어요", "👍 Helpful")
    down = L(result.lang, "👎 아쉬워요", "👎 Not helpful")
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": FEEDBACK_UP, "text": plain(up, LABEL_LIMIT), "value": value},
            {"type": "button", "action_id": FEEDBACK_DOWN, "text": plain(down, LABEL_LIMIT), "value": value},
        ],
    }


def parse_feedback_value(value: str | None) -> FeedbackRef:
    """The button's value back; anything that is not ours reads as model "unknown" (never a key in Redis)."""
    try:
        data = json.loads(value or "")
    except ValueError:
        data = None
    data = data if isinstance(data, dict) else {}
    model, feature = str(data.get("model") or ""), str(data.get("feature") or "")
    return FeedbackRef(model if _KEY.match(model) else "unknown", feature if _KEY.match(feature) else "chat")


# -- compare ---------------------------------------------------------------------------------------------------
def compare_blocks(comparison: Comparison) -> list[Block]:
    """Header, the prompt, one section per model (answer preview, timings, tokens, cost, or its error), summary."""
    lang = comparison.lang
    n = max(1, len(comparison.results))
    room = min(TEXT_LIMIT - 200, max(COMPARE_MIN_CHARS, COMPARE_ANSWER_CHARS // n))
    prompt = clip_escaped(" ".join(comparison.prompt.split()), PROMPT_PREVIEW)
    blocks: list[Block] = [
        {"type": "header", "text": plain(L(lang, "모델 비교", "Model comparison"), HEADER_LIMIT)},
        context([f"{L(lang, '프롬프트', 'Prompt')}: {prompt}"]),
    ]
    for i, result in enumerate(comparison.results[:15], 1):  # 3 blocks each: 15 models stay within 50 blocks
        blocks += [{"type": "divider"}, *_compare_result(i, result, room)]
    if comparison.summary.strip():
        blocks += [{"type": "divider"}, context([to_mrkdwn(comparison.summary)])]
    if (notes := notices_block(comparison.notices)) is not None:
        blocks.append(notes)
    return blocks


def _compare_result(i: int, result: ChatResult, room: int) -> list[Block]:
    lang = result.lang
    title = f"*{i}. {escape(result.model_name)}*"
    if result.model != result.requested:
        title += L(lang, f" _(요청: {escape(result.requested)})_", f" _(asked for {escape(result.requested)})_")
    if result.error and not result.text.strip():
        return [section(fit(f"{title}\n:warning: {to_mrkdwn(result.error)}", TEXT_LIMIT))]
    body = fit(to_mrkdwn(result.text.strip()) or "…", room)
    if result.interrupted or result.error:
        body += "\n_" + escape(interrupted_mark(lang)) + "_"
    usage = result.usage
    facts = [
        f"{L(lang, '첫 토큰', 'first token')} {seconds(usage.ttft_ms, lang)}",
        f"{L(lang, '전체', 'total')} {seconds(usage.latency_ms, lang)}",
        tokens_line(usage, lang),
        cost_text(result.cost, lang),
    ]
    shown = " · ".join([*facts, *result.notices])
    return [section(fit(f"{title}\n{body}", TEXT_LIMIT)), context([escape(shown)])]


def compare_fallback_text(comparison: Comparison) -> str:
    names = ", ".join(r.model_name for r in comparison.results)
    head = L(comparison.lang, "모델 비교", "Model comparison")
    return clip_escaped(f"{head}: {names}. {to_plain(comparison.summary)}".strip(), FALLBACK_LIMIT)


def compare_confirm_blocks(estimate: CompareEstimate, pending_id: str) -> list[Block]:
    """The "this compare will cost about $X" prompt: its lines, then Confirm / Cancel (value: the pending id)."""
    lang = estimate.lang
    lines = [f"• {to_mrkdwn(x)}" for x in estimate.lines if x.strip()]
    models = ", ".join(f"`{escape(m)}`" for m in estimate.models)
    prompt = clip_escaped(" ".join(estimate.prompt.split()), PROMPT_PREVIEW)
    buttons = [
        (COMPARE_CONFIRM, L(lang, "실행", "Run it"), "primary"),
        (COMPARE_CANCEL, L(lang, "취소", "Cancel"), None),
    ]
    elements = [
        {"type": "button", "action_id": a, "text": plain(t, LABEL_LIMIT), "value": pending_id, **_style(s)}
        for a, t, s in buttons
    ]
    return [
        section(fit("\n".join([f"*{_estimate_headline(estimate)}*", *lines]), TEXT_LIMIT)),
        context([f"{L(lang, '모델', 'Models')}: {models}", f"{L(lang, '프롬프트', 'Prompt')}: {prompt}"]),
        {"type": "actions", "elements": elements},
    ]


def compare_confirm_fallback_text(estimate: CompareEstimate) -> str:
    return clip_escaped(_estimate_headline(estimate), FALLBACK_LIMIT)


def _estimate_headline(estimate: CompareEstimate) -> str:
    lang, limit = estimate.lang, usd(estimate.threshold_usd)
    if estimate.usd is None:
        return L(
            lang,
            f"이 비교의 비용을 추정할 수 없습니다 (확인 기준 {limit}). 실행할까요?",
            f"The cost of this comparison cannot be estimated (confirmation above {limit}). Run it?",
        )
    cost = usd(estimate.usd)
    return L(
        lang,
        f"이 비교는 약 {cost}가 들 것으로 예상됩니다 (확인 기준 {limit}). 실행할까요?",
        f"This comparison will cost about {cost} (confirmation above {limit}). Run it?",
    )


def _style(style: str | None) -> dict[str, str]:
    return {"style": style} if style else {}
