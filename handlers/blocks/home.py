"""The App Home tab: what the bot does, example questions, commands, the default-model picker and usage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.qa.answers.common import L
from handlers.blocks.answer import LABEL_LIMIT, MAX_OPTIONS, OPTION_VALUE_LIMIT, TEXT_LIMIT, Block, plain, section
from handlers.blocks.mrkdwn import escape, split_text, to_mrkdwn
from handlers.ids import HOME_BLOCK_MODEL, HOME_DEFAULT_MODEL

MAX_HOME_BLOCKS = 100  # Slack's limit for a view


def home_view(
    *,
    lang: str,
    examples: Sequence[str],
    commands: Sequence[str],
    models: Sequence[tuple[str, str]],
    current_model: str | None,
    default_model: str,
    usage_lines: Sequence[str],
    as_of: str,
) -> dict[str, Any]:
    """The `views.publish` view for the App Home; `models` are (catalog key, display name) pairs."""
    blocks: list[Block] = [
        {"type": "header", "text": plain("Bedrock Assistant", 150)},
        section(_intro(lang, as_of)),
        {"type": "divider"},
        *_list(L(lang, "예시 질문", "Example questions"), [escape(x) for x in examples]),
        *_list(L(lang, "명령어", "Commands"), [f"`{escape(x)}`" for x in commands]),
        {"type": "divider"},
        *_model_picker(lang, models, current_model, default_model),
        {"type": "divider"},
        *_usage(lang, usage_lines),
    ]
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def notice_view(text: str) -> dict[str, Any]:
    """An App Home that only says `text` (a refusal, an error with its id): published in place of the home view,
    so nothing from an earlier view (picker, usage) is left showing."""
    return {"type": "home", "blocks": [{"type": "header", "text": plain("Bedrock Assistant", 150)}, section(text)]}


def _intro(lang: str, as_of: str) -> str:
    return L(
        lang,
        "Amazon Bedrock 도우미입니다. 이런 일을 할 수 있어요:\n"
        f"• 모델 가격·사양 질문에 카탈로그로 답합니다 (출처와 기준일 포함, 가격 기준일 {escape(as_of)})\n"
        "• Bedrock 모델과 대화\n"
        "• 모델을 써 보고 서로 비교\n"
        "• 매일 비용 요약(다이제스트)",
        "I'm your Amazon Bedrock assistant. I can:\n"
        f"• answer price and spec questions from the catalog, with sources (prices as of {escape(as_of)})\n"
        "• chat with Bedrock models\n"
        "• let you try and compare models\n"
        "• send a daily cost digest",
    )


def _list(title: str, items: Sequence[str]) -> list[Block]:
    """A bold title and a bullet list, in as many sections as 3,000-character texts need."""
    if not items:
        return []
    text = f"*{escape(title)}*\n" + "\n".join(f"• {x}" for x in items)
    return [section(t) for t in split_text(text, TEXT_LIMIT)]


def _model_picker(lang: str, models: Sequence[tuple[str, str]], current: str | None, default: str) -> list[Block]:
    blocks: list[Block] = [section(f"*{L(lang, '기본 모델', 'Your default model')}*")]
    options = [
        {"text": plain(name or key, LABEL_LIMIT), "value": key}
        for key, name in models
        if key and len(key) <= OPTION_VALUE_LIMIT
    ][:MAX_OPTIONS]
    chosen = current if current is not None else default
    names = dict(models)
    if options:
        select: dict[str, Any] = {
            "type": "static_select",
            "action_id": HOME_DEFAULT_MODEL,
            "placeholder": plain(L(lang, "모델 선택", "Choose a model"), 150),
            "options": options,
        }
        initial = next((o for o in options if o["value"] == chosen), None)
        if initial is not None:  # Slack rejects an initial_option that is not one of the options
            select["initial_option"] = initial
        blocks.append({"type": "actions", "block_id": HOME_BLOCK_MODEL, "elements": [select]})
    else:
        blocks.append(_context(L(lang, "선택할 수 있는 모델이 없습니다.", "No models to choose from.")))
    if current is None:
        name = escape(names.get(default) or default)
        note = L(lang, f"워크스페이스 기본 모델({name})을 사용 중입니다.", f"Using the workspace default ({name}).")
        blocks.append(_context(note))
    return blocks


def _usage(lang: str, lines: Sequence[str]) -> list[Block]:
    title = L(lang, "이번 달 사용량", "This month's usage")
    if lines:
        return _list(title, [to_mrkdwn(x, mentions=True) for x in lines])  # our own text: mentions (<#C…>) must stay
    return [section(f"*{title}*\n" + L(lang, "아직 기록된 사용량이 없습니다.", "No usage recorded yet."))]


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
