"""Block Kit for model answers, comparisons and the compare cost prompt: content, language, and Slack's limits
for long answers and four-model comparisons."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.chat.types import ChatResult, CompareEstimate, Comparison, Cost, Usage
from handlers.blocks.chat import (
    chat_blocks,
    chat_fallback_text,
    chat_messages,
    compare_blocks,
    compare_confirm_blocks,
    compare_confirm_fallback_text,
    compare_fallback_text,
    feedback_block,
    parse_feedback_value,
)
from handlers.blocks.pages import cut_markdown, mrkdwn_length, split_markdown
from handlers.ids import COMPARE_CANCEL, COMPARE_CONFIRM, FEEDBACK_DOWN, FEEDBACK_UP
from tests.handlers.slack_limits import assert_slack_limits

Block = dict[str, Any]
MESSAGE_CHARS = 4000  # Slack refuses longer messages (msg_too_long)

USAGE = Usage(input_tokens=1234, output_tokens=56, latency_ms=2300, ttft_ms=400)
COST = Cost(usd=Decimal("0.00042"), region="us-east-1", as_of=date(2025, 6, 1))


def result(text: str = "**Nova Pro** costs less.", *, lang: str = "en", **kw: Any) -> ChatResult:
    fields: dict[str, Any] = {
        "lang": lang,
        "feature": "chat",
        "model": "nova-pro",
        "model_name": "Amazon Nova Pro",
        "requested": "nova-pro",
        "text": text,
        "usage": USAGE,
        "cost": COST,
    }
    return ChatResult(**{**fields, **kw})


def texts(blocks: list[Block]) -> list[str]:
    out = [b["text"]["text"] for b in blocks if "text" in b]
    out += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    return out


def all_text(blocks: list[Block]) -> str:
    return "\n".join(texts(blocks))


def buttons(blocks: list[Block]) -> list[Block]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def long_answer(paragraphs: int = 40) -> str:
    parts = []
    for i in range(paragraphs):
        if i % 6 == 5:
            code = "\n".join(f"value_{i}_{j} = {j} & {j}  # w{i}_{j}" for j in range(25))
            parts.append(f"```python\n{code}\n```")
        else:
            parts.append(" ".join(f"w{i}_{j} **bold** <tag>" for j in range(40)))
    return "\n\n".join(parts)


def words(text: str) -> list[str]:
    return re.findall(r"\bw\d+_\d+\b", text)


def test_an_english_answer_has_its_text_footer_and_feedback_buttons() -> None:
    blocks = chat_blocks(result())
    assert_slack_limits(blocks)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "*Nova Pro* costs less."}}
    footer = all_text(blocks)
    assert "Amazon Nova Pro" in footer and "in 1,234 · out 56 tokens" in footer and "≈ $0.00042" in footer
    assert "2.3 s (first token 0.4 s)" in footer
    up, down = buttons(blocks)
    assert (up["action_id"], down["action_id"]) == (FEEDBACK_UP, FEEDBACK_DOWN)
    assert json.loads(up["value"]) == {"model": "nova-pro", "feature": "chat"} == json.loads(down["value"])
    assert "Helpful" in up["text"]["text"]


def test_a_korean_answer_speaks_korean() -> None:
    blocks = chat_blocks(result("노바 프로가 더 저렴합니다.", lang="ko"))
    assert_slack_limits(blocks)
    text = all_text(blocks)
    assert "입력 1,234 · 출력 56 토큰" in text and "2.3초" in text
    assert "도움이 됐어요" in buttons(blocks)[0]["text"]["text"]
    assert chat_fallback_text(result("노바 프로가 더 저렴합니다.", lang="ko")).startswith("Amazon Nova Pro: 노바")


def test_an_interrupted_answer_is_marked_after_its_text() -> None:
    blocks = chat_blocks(result("Half an ans", interrupted=True))
    assert_slack_limits(blocks)
    assert texts(blocks)[0] == "Half an ans"
    assert "interrupted" in blocks[1]["elements"][0]["text"]
    ko = chat_blocks(result("절반", lang="ko", interrupted=True))
    assert "끊겼습니다" in all_text(ko)


def test_an_error_without_text_shows_the_error_and_no_buttons() -> None:
    failed = result("", error="No model answered: Nova Pro is throttled.", usage=Usage())
    blocks = chat_blocks(failed)
    assert_slack_limits(blocks)
    assert texts(blocks) == [":warning: No model answered: Nova Pro is throttled."]
    assert [b["type"] for b in blocks] == ["section"]
    assert "No model answered" in chat_fallback_text(failed)


def test_an_error_after_partial_text_keeps_the_text_marked_and_the_footer() -> None:
    blocks = chat_blocks(result("Partial", error="The stream broke.", interrupted=True))
    assert_slack_limits(blocks)
    shown = texts(blocks)
    assert shown[0] == "Partial" and "interrupted" in all_text(blocks) and ":warning: The stream broke." in shown
    assert not buttons(blocks)  # nothing to rate: the answer failed
    assert "Amazon Nova Pro" in all_text(blocks)  # the tokens it used are still shown


def test_notices_come_before_the_footer() -> None:
    notices = ("Nova Pro was busy, so **Nova Lite** answered.", "Older turns were summarised.")
    blocks = chat_blocks(result(notices=notices, model="nova-lite", requested="nova-pro"))
    assert_slack_limits(blocks)
    contexts = [b for b in blocks if b["type"] == "context"]
    assert [e["text"] for e in contexts[0]["elements"]] == [
        "ℹ️ Nova Pro was busy, so *Nova Lite* answered.",
        "ℹ️ Older turns were summarised.",
    ]
    assert json.loads(feedback_block(result(model="nova-lite"))["elements"][0]["value"])["model"] == "nova-lite"


def test_a_long_answer_becomes_several_messages_within_limits_with_all_its_text() -> None:
    answer = long_answer()
    messages = chat_messages(result(answer))
    assert len(messages) > 3
    for blocks in messages:
        assert_slack_limits(blocks)
        assert sum(map(len, texts(blocks))) <= MESSAGE_CHARS
        for section in [b for b in blocks if b["type"] == "section"]:
            assert section["text"]["text"].count("```") % 2 == 0  # code never left open
    assert words("\n".join(all_text(m) for m in messages)) == words(answer)
    assert [bool(buttons(m)) for m in messages] == [False] * (len(messages) - 1) + [True]


def test_chat_blocks_shortens_a_long_answer_to_one_message() -> None:
    blocks = chat_blocks(result(long_answer()))
    assert_slack_limits(blocks)
    assert sum(map(len, texts(blocks))) <= MESSAGE_CHARS
    assert "(shortened)" in all_text(blocks) and buttons(blocks)


def test_pages_prefer_paragraphs_and_reopen_a_code_block_they_must_cut() -> None:
    prose = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(20))
    pages = split_markdown(prose, 1000)
    assert all(p.startswith("Paragraph") and mrkdwn_length(p) <= 1000 for p in pages)
    code = "Intro\n\n```sql\n" + "\n".join(f"SELECT {i} FROM t;" for i in range(300)) + "\n```\nOutro"
    pages = split_markdown(code, 1000)
    assert len(pages) > 3 and all(mrkdwn_length(p) <= 1000 for p in pages)
    assert pages[0].startswith("Intro\n\n```sql\nSELECT 0") and pages[0].endswith("\n```")  # closed where cut
    assert all(p.startswith("```sql\n") and p.endswith("\n```") for p in pages[1:-1])  # reopened, same language
    assert pages[-1].endswith("```\nOutro")
    rows = [line for p in pages for line in p.split("\n") if line.startswith("SELECT")]
    assert rows == [f"SELECT {i} FROM t;" for i in range(300)]


def test_a_cut_keeps_what_was_already_sent() -> None:
    text = "a" * 900 + "\n\n" + "b" * 300
    cut = cut_markdown(text, 1000, measure=len, keep=950)
    assert cut.head.startswith(text[:950]) and len(cut.page) <= 1000
    assert cut.head + cut.rest == text


def test_feedback_values_read_back_and_anything_else_is_unknown() -> None:
    value = feedback_block(result())["elements"][1]["value"]
    assert parse_feedback_value(value).model == "nova-pro"
    assert parse_feedback_value('{"model": "x:evil:*"}').model == "unknown"
    assert parse_feedback_value("not json").model == "unknown"
    assert parse_feedback_value(None).feature == "chat"


def comparison(lang: str = "en", length: int = 12_000) -> Comparison:
    models = [("nova-pro", "Amazon Nova Pro"), ("nova-lite", "Amazon Nova Lite"), ("claude-3-haiku", "Claude 3 Haiku")]
    results = [
        result(f"Answer of {name}. " + long_answer(30)[:length], lang=lang, model=key, model_name=name, requested=key)
        for key, name in models
    ]
    results.append(
        result(
            "",
            lang=lang,
            model="claude-3-opus",
            model_name="Claude 3 Opus",
            requested="claude-3-opus",
            error="Claude 3 Opus is not available in this region.",
            usage=Usage(),
        )
    )
    summary = "Fastest: **Amazon Nova Lite** · cheapest: Amazon Nova Lite"
    return Comparison(lang=lang, prompt="Summarise this. " * 100, results=tuple(results), summary=summary)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_four_model_comparison_with_long_answers_fits_one_message(lang: str) -> None:
    blocks = compare_blocks(comparison(lang))
    assert_slack_limits(blocks)
    assert sum(map(len, texts(blocks))) <= MESSAGE_CHARS
    text = all_text(blocks)
    for name in ("Amazon Nova Pro", "Amazon Nova Lite", "Claude 3 Haiku", "Claude 3 Opus"):
        assert name in text
    assert text.count("≈ $0.00042") == 3 and "not available in this region" in text
    assert "*Amazon Nova Lite*" in text  # the summary, converted
    facts = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    if lang == "en":
        assert blocks[0]["text"]["text"] == "Model comparison"
        assert any("first token 0.4 s · total 2.3 s · in 1,234" in f for f in facts)
    else:
        assert blocks[0]["text"]["text"] == "모델 비교"
        assert any("첫 토큰 0.4초 · 전체 2.3초 · 입력 1,234" in f for f in facts)
    assert compare_fallback_text(comparison(lang)).count("Claude") == 2


def test_a_comparison_marks_a_fallback_and_an_interrupted_answer() -> None:
    fallback = result("Short.", model="nova-lite", model_name="Amazon Nova Lite", requested="nova-pro")
    cut = result("Half", interrupted=True)
    blocks = compare_blocks(Comparison(lang="en", prompt="hi", results=(fallback, cut), summary=""))
    assert_slack_limits(blocks)
    text = all_text(blocks)
    assert "_(asked for nova-pro)_" in text and "interrupted" in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_compare_prompt_asks_before_spending(lang: str) -> None:
    estimate = CompareEstimate(
        lang=lang,
        models=("nova-pro", "claude-3-opus"),
        prompt="Explain Bedrock. " * 50,
        usd=Decimal("0.12"),
        threshold_usd=Decimal("0.05"),
        lines=("Claude 3 Opus: ≈ $0.11", "Amazon Nova Pro: ≈ $0.01"),
    )
    blocks = compare_confirm_blocks(estimate, "p-123")
    assert_slack_limits(blocks)
    confirm, cancel = buttons(blocks)
    assert (confirm["action_id"], cancel["action_id"]) == (COMPARE_CONFIRM, COMPARE_CANCEL)
    assert confirm["value"] == cancel["value"] == "p-123" and confirm["style"] == "primary"
    text = all_text(blocks)
    assert "$0.12" in text and "$0.05" in text and "Claude 3 Opus: ≈ $0.11" in text and "`claude-3-opus`" in text
    assert ("예상" in text) == (lang == "ko")
    unknown = compare_confirm_blocks(CompareEstimate(lang, ("x",), "p", None, Decimal("0.05")), "p-1")
    assert_slack_limits(unknown)
    assert "$0.05" in compare_confirm_fallback_text(CompareEstimate(lang, ("x",), "p", None, Decimal("0.05")))
