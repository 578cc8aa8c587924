"""Block Kit for answers, errors and the App Home: content, shape and Slack's limits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bot.console import build_engine
from bot.qa.answer import Answer, SourceRef, Table
from bot.qa.engine import Engine
from bot.qa.followups import Followup, Followups, followups
from bot.render_text import width
from handlers.blocks.answer import RUN_COMMAND_PATTERN, answer_blocks, answer_fallback_text, error_blocks
from handlers.blocks.home import home_view
from handlers.ids import COMPARE_WITH, HOME_BLOCK_MODEL, HOME_DEFAULT_MODEL, RUN_COMMAND, SHARE
from tests.handlers.slack_limits import MAX_VIEW_BLOCKS, assert_slack_limits

Block = dict[str, Any]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine()


def _of_type(blocks: list[Block], kind: str) -> list[Block]:
    return [b for b in blocks if b["type"] == kind]


def _texts(blocks: list[Block]) -> list[str]:
    out: list[str] = [b["text"]["text"] for b in blocks if "text" in b]
    out += [e["text"] for b in _of_type(blocks, "context") for e in b["elements"]]
    return out


def _code_rows(block: Block) -> list[str]:
    text: str = block["text"]["text"]
    assert text.startswith("```\n") and text.endswith("\n```")
    return text[4:-4].split("\n")


def _elements(blocks: list[Block]) -> list[Block]:
    return [e for b in _of_type(blocks, "actions") for e in b["elements"]]


def test_korean_price_answer(engine: Engine) -> None:
    answer = engine.ask("Nova Pro 가격")
    blocks = answer_blocks(answer, followups(engine, answer), share_command="가격 nova-pro")
    assert_slack_limits(blocks)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": answer.title, "emoji": True}}
    tables = [b for b in _of_type(blocks, "section") if b["text"]["text"].startswith("```")]
    assert len(tables) == 1
    rows = _code_rows(tables[0])
    assert answer.table is not None and re.split(r"\s{2,}", rows[0].strip()) == list(answer.table.columns)
    assert set(rows[1].replace(" ", "")) == {"-"}
    assert len({width(r) for r in rows}) == 1
    footer = "\n".join(_texts(_of_type(blocks, "context")))
    assert "출처:" in footer and "기준일 2025-" in footer and "<https://aws.amazon.com/ko/bedrock/pricing/|" in footer
    assert any(note in footer for note in answer.notes)
    select = next(e for e in _elements(blocks) if e["type"] == "static_select")
    assert select["action_id"] == COMPARE_WITH and "Nova Pro" in select["placeholder"]["text"]
    assert select["options"] and all(o["value"].startswith("비교 nova-pro,") for o in select["options"])
    share = next(e for e in _elements(blocks) if e["action_id"] == SHARE)
    assert share["text"]["text"] == "채널에 공유" and share["value"] == "가격 nova-pro"
    assert "Amazon Nova Pro" in answer_fallback_text(answer)


def test_price_columns_align_right(engine: Engine) -> None:
    answer = engine.ask("Nova Pro 가격")
    table = next(b for b in _of_type(answer_blocks(answer), "section") if b["text"]["text"].startswith("```"))
    header, _, row = _code_rows(table)[:3]
    assert row.endswith("$1.60") and header.endswith("배치 출력")


def test_english_compare_answer(engine: Engine) -> None:
    answer = engine.ask("compare nova lite and claude 3 haiku")
    fups = followups(engine, answer)
    blocks = answer_blocks(answer, fups)
    assert_slack_limits(blocks)
    assert answer.lang == "en" and blocks[0]["text"]["text"] == answer.title
    assert any("Sources:" in t and "as of 2025-" in t for t in _texts(blocks))
    assert "From the curated catalog" in _texts(blocks)
    buttons = [e for e in _elements(blocks) if e["type"] == "button"]
    assert [b["value"] for b in buttons] == [f.command for f in fups.buttons]
    assert all(RUN_COMMAND_PATTERN.match(b["action_id"]) for b in buttons)
    assert not any(e["action_id"] == SHARE for e in _elements(blocks))


def test_run_command_pattern() -> None:
    assert RUN_COMMAND_PATTERN.match(RUN_COMMAND) and RUN_COMMAND_PATTERN.match(f"{RUN_COMMAND}:12")
    assert not RUN_COMMAND_PATTERN.match(f"{RUN_COMMAND}x") and not RUN_COMMAND_PATTERN.match(COMPARE_WITH)


def test_buttons_are_capped_and_ids_unique() -> None:
    fups = Followups(
        buttons=tuple(Followup("버튼 " * 40, f"가격 model-{i}") for i in range(9)),
        compare_label="비교 " * 100,
        compare=tuple(Followup(f"Model {i}", f"비교 a,m{i}") for i in range(150)),
    )
    blocks = answer_blocks(_answer(lines=("한 줄",)), fups, share_command="가격 a")
    assert_slack_limits(blocks)
    elements = _elements(blocks)
    assert [e["action_id"] for e in elements if e["type"] == "button"] == [
        *(f"{RUN_COMMAND}:{i}" for i in range(5)),
        SHARE,
    ]
    assert len(elements[5]["options"]) == 100


def test_many_notes_fit_one_context_block() -> None:
    notes = tuple(f"**주의** {i}: 리전마다 가격이 다릅니다." for i in range(25))
    blocks = answer_blocks(_answer(lines=("본문",), notes=notes))
    assert_slack_limits(blocks)
    context = next(b for b in _of_type(blocks, "context") if b["elements"][0]["text"].startswith("※ "))
    assert len(context["elements"]) == 10
    last = context["elements"][-1]["text"]
    assert "※ *주의* 9:" in last and "※ *주의* 24:" in last


def test_huge_answer_stays_within_limits() -> None:
    lines = tuple(f"**줄 {i}** — 설명 " + "가나다라 " * 200 for i in range(200))
    table = Table(("모델", "입력 /1M", "출력 /1M"), tuple((f"모델 {i}", f"${i}.00", "-") for i in range(300)))
    notes = tuple(f"note {i} " + "x" * 500 for i in range(40))
    answer = _answer(title="제목 " * 100, lines=lines, table=table, notes=notes)
    blocks = answer_blocks(answer, Followups((Followup("Seoul", "가격 a ap-northeast-2"),)), share_command="가격 a")
    assert_slack_limits(blocks)
    assert len(blocks) == 50
    assert blocks[0]["text"]["text"].endswith("…") and len(blocks[0]["text"]["text"]) == 150
    assert any("일부 생략" in t for t in _texts(blocks))
    assert blocks[-1]["type"] == "actions" and "출처:" in blocks[-2]["elements"][0]["text"]
    assert len(answer_fallback_text(answer)) <= 300


def test_big_table_splits_into_complete_code_blocks() -> None:
    table = Table(("모델", "가격"), tuple((f"모델 {i} " + "가" * 20, f"${i}.00") for i in range(300)))
    blocks = answer_blocks(_answer(table=table))
    assert_slack_limits(blocks)
    tables = [b for b in _of_type(blocks, "section") if b["text"]["text"].startswith("```")]
    assert len(tables) > 3
    for block in tables:
        rows = _code_rows(block)
        assert rows[0].split() == ["모델", "가격"] and set(rows[1].replace(" ", "")) == {"-"}
        assert len({width(r) for r in rows}) == 1
    body_rows = [r for b in tables for r in _code_rows(b)[2:]]
    assert len(body_rows) == 300 and body_rows[0].startswith("모델 0 ")


def test_answer_text_is_escaped_and_converted() -> None:
    answer = _answer(lines=("**A & B** <script>", "- item"), table=Table(("a<b",), (("x&y",),)))
    texts = _texts(answer_blocks(answer))
    assert "*A &amp; B* &lt;script&gt;\n• item" in texts
    assert "```\na&lt;b\n---\nx&amp;y\n```" in texts


def test_answer_without_sources_or_followups() -> None:
    blocks = answer_blocks(_answer(lines=("본문",), sources=()))
    assert_slack_limits(blocks)
    assert [b["type"] for b in blocks] == ["header", "section"]


def test_error_blocks() -> None:
    blocks = error_blocks("'gpt-9'은(는) **카탈로그에 없는** 모델입니다 <x>", "ko")
    assert_slack_limits(blocks)
    assert blocks[0]["text"]["text"] == ":warning: 'gpt-9'은(는) *카탈로그에 없는* 모델입니다 &lt;x&gt;"
    assert_slack_limits(error_blocks("x" * 5000, "en"))
    assert_slack_limits(error_blocks("", "en"))


def _home(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "lang": "ko",
        "examples": ["Nova Pro 가격", "Claude 3 Haiku와 Nova Lite 비교"],
        "commands": ["/bedrock price <model>", "/bedrock models"],
        "models": [("nova-pro", "Amazon Nova Pro"), ("claude-3-haiku", "Claude 3 Haiku")],
        "current_model": None,
        "default_model": "nova-pro",
        "usage_lines": [],
        "as_of": "2025-03-06",
    }
    return home_view(**{**args, **kw})


def test_home_view_with_workspace_default() -> None:
    view = _home()
    blocks = view["blocks"]
    assert view["type"] == "home"
    assert_slack_limits(blocks, max_blocks=MAX_VIEW_BLOCKS)
    text = "\n".join(_texts(blocks))
    assert blocks[0]["text"]["text"] == "Bedrock Assistant"
    assert "2025-03-06" in text and "*예시 질문*" in text and "• Nova Pro 가격" in text
    assert "`/bedrock price &lt;model&gt;`" in text
    assert "워크스페이스 기본 모델" in text and "아직 기록된 사용량이 없습니다." in text
    picker = next(b for b in blocks if b.get("block_id") == HOME_BLOCK_MODEL)
    select = picker["elements"][0]
    assert select["action_id"] == HOME_DEFAULT_MODEL
    assert select["initial_option"]["value"] == "nova-pro"
    assert [o["value"] for o in select["options"]] == ["nova-pro", "claude-3-haiku"]


def test_home_view_english_with_choice_and_usage() -> None:
    usage = ["Claude 3 Haiku: 12,000 tokens ($0.01)"]
    blocks = _home(lang="en", current_model="claude-3-haiku", usage_lines=usage)["blocks"]
    assert_slack_limits(blocks, max_blocks=MAX_VIEW_BLOCKS)
    text = "\n".join(_texts(blocks))
    assert "Example questions" in text and "This month's usage" in text and usage[0] in text
    assert "workspace default" not in text
    select = next(b for b in blocks if b.get("block_id") == HOME_BLOCK_MODEL)["elements"][0]
    assert select["initial_option"]["value"] == "claude-3-haiku"


def test_home_view_many_models_and_unknown_current() -> None:
    models = [(f"model-{i}", f"Model {i} " + "x" * 100) for i in range(150)]
    blocks = _home(models=models, current_model="gone")["blocks"]
    assert_slack_limits(blocks, max_blocks=MAX_VIEW_BLOCKS)
    select = next(b for b in blocks if b.get("block_id") == HOME_BLOCK_MODEL)["elements"][0]
    assert len(select["options"]) == 100 and "initial_option" not in select


def test_limits_helper_catches_duplicates() -> None:
    button = {"type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "a"}, "value": "v"}
    with pytest.raises(AssertionError):
        assert_slack_limits([{"type": "actions", "elements": [button, button]}])
    with pytest.raises(AssertionError):
        assert_slack_limits([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}])


def _answer(
    *,
    title: str = "테스트 답변",
    lines: tuple[str, ...] = (),
    table: Table | None = None,
    notes: tuple[str, ...] = (),
    sources: tuple[SourceRef, ...] | None = None,
) -> Answer:
    src = SourceRef(
        "pricing-page", "Amazon Bedrock 요금", "https://aws.amazon.com/ko/bedrock/pricing/", date(2025, 3, 6)
    )
    return Answer(
        intent="price",
        lang="ko",
        title=title,
        lines=lines,
        table=table,
        notes=notes,
        sources=(src,) if sources is None else sources,
    )


def test_fallback_text_is_plain() -> None:
    text = answer_fallback_text(_answer(lines=("추천: **Nova Lite** — 가장 저렴",)))
    assert text == "테스트 답변\n추천: Nova Lite — 가장 저렴"
    assert not re.search(r"\*\*", text)
