"""Markdown → Slack mrkdwn, and splitting mrkdwn into pieces Slack accepts."""

from __future__ import annotations

import random
import re

import pytest

from bot.render_text import width
from handlers.blocks.mrkdwn import split_text, to_mrkdwn


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold** and __bold__", "*bold* and *bold*"),
        ("*italic* and _italic_", "_italic_ and _italic_"),
        ("***both***", "*_both_*"),
        ("**bold with *italic* inside**", "*bold with _italic_ inside*"),
        ("~~strike~~", "~strike~"),
        ("# Heading", "*Heading*"),
        ("### Deep **heading** ###", "*Deep heading*"),
        ("[docs](https://example.com/a_b?x=1&y=2)", "docs (<https://example.com/a_b?x=1&y=2>)"),
        ("[**bold** link](https://e.com)", "bold link (<https://e.com>)"),
        ("see https://example.com/a_b_c now", "see https://example.com/a_b_c now"),
        ("<https://example.com>", "<https://example.com>"),
        ("- item", "• item"),
        ("* item", "• item"),
        ("+ item", "• item"),
        ("- top\n  - nested\n    - deeper", "• top\n  • nested\n    • deeper"),
        ("1. first\n2. **second**", "1. first\n2. *second*"),
        ("> quoted **text**", "> quoted *text*"),
        ("A & B < C > D", "A &amp; B &lt; C &gt; D"),
        ("`**x** <y> & z` and **w**", "`**x** &lt;y&gt; &amp; z` and *w*"),
        ("---", "———"),
        ("***", "———"),
        ("snake_case_name and 2 * 3 * 4", "snake_case_name and 2 * 3 * 4"),
        ("plain 한국어 텍스트", "plain 한국어 텍스트"),
    ],
)
def test_constructs(markdown: str, expected: str) -> None:
    assert to_mrkdwn(markdown) == expected


def test_fenced_code_is_kept_verbatim_apart_from_escaping_and_the_language_tag() -> None:
    md = 'Before **b**\n```python\ndef f(x):\n    return "**x**" if x < 1 else <tag> & _y_\n```\nAfter _i_'
    out = to_mrkdwn(md)
    assert out == (
        'Before *b*\n```\ndef f(x):\n    return "**x**" if x &lt; 1 else &lt;tag&gt; &amp; _y_\n```\nAfter _i_'
    )
    assert "python" not in out


def test_unclosed_fence_runs_to_the_end_unconverted() -> None:
    assert to_mrkdwn("```\n# not a heading\n- not a list") == "```\n# not a heading\n- not a list\n```"


def test_table_becomes_an_aligned_code_block() -> None:
    md = (
        "Prices:\n\n| 모델 | 입력 /1M | Notes |\n|---|---|:---|\n| **Amazon Nova Pro** | $0.80 | fast |\n"
        "| 클로드 3 하이쿠 | $0.25 | `cheap` & good |\n| Llama | - | 긴 설명이 있는 셀 |\n\nAfter."
    )
    out = to_mrkdwn(md)
    code = re.search(r"```\n(.*?)\n```", out, re.S)
    assert code is not None
    rows = code.group(1).split("\n")
    assert len(rows) == 5  # header, rule, three rows: the |---| separator is gone
    assert rows[1].replace(" ", "").strip("-") == ""
    assert "**" not in code.group(1) and "`" not in code.group(1)
    assert "Amazon Nova Pro" in rows[2] and "&amp;" in rows[3]
    unescaped = [r.replace("&amp;", "&") for r in rows]
    assert len({width(r) for r in unescaped}) == 1
    assert width(rows[2][: rows[2].index("$0.80")]) == width(rows[3][: rows[3].index("$0.25")])  # columns line up
    assert out.startswith("Prices:\n\n```") and out.endswith("```\n\nAfter.")


def test_table_numbers_align_right() -> None:
    out = to_mrkdwn("| model | price |\n|---|---|\n| a | $1.00 |\n| b | $10.00 |")
    rows = out.split("\n")[1:-1]
    assert rows[2].endswith("$1.00") and rows[3].endswith("$10.00")
    assert len({width(r) for r in rows}) == 1


def _long_text(seed: int) -> str:
    rng = random.Random(seed)
    words = ["가격", "model", "Nova", "**bold**", "입력", "$0.80", "a" * 40, "출력 토큰"]
    paras = []
    for _ in range(60):
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(rng.randint(1, 6))]
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


def _content(text: str) -> str:
    return re.sub(r"\s|`", "", text)


@pytest.mark.parametrize("limit", [3000, 500, 100, 40])
def test_split_respects_the_limit_and_loses_nothing(limit: int) -> None:
    text = _long_text(limit)
    chunks = split_text(text, limit)
    assert len(chunks) > 1
    assert all(0 < len(c) <= limit and c.strip() for c in chunks)
    assert _content("".join(chunks)) == _content(text)


def test_split_prefers_paragraph_breaks() -> None:
    text = "a" * 1500 + "\n\n" + "b" * 1000 + "\nccc " + "d" * 1000
    assert split_text(text) == ["a" * 1500, "b" * 1000 + "\nccc " + "d" * 1000]
    assert split_text("a" * 2500 + "\nb b " + "c" * 1000) == ["a" * 2500, "b b " + "c" * 1000]
    assert split_text("a" * 2500 + " b " + "c" * 1000) == ["a" * 2500 + " b", "c" * 1000]


def test_split_hard_cuts_a_word_longer_than_the_limit() -> None:
    chunks = split_text("x" * 7000)
    assert [len(c) for c in chunks] == [3000, 3000, 1000]


def test_short_and_empty_text() -> None:
    assert split_text("hello") == ["hello"]
    assert split_text("") == []
    assert split_text(" \n\n ") == []


@pytest.mark.parametrize("limit", [3000, 200, 50])
def test_split_inside_a_code_block_closes_and_reopens_the_fence(limit: int) -> None:
    code = "\n".join(f"line {i:04d} = value < {i} && **not bold**" for i in range(400))
    text = to_mrkdwn(f"Intro paragraph.\n\n```\n{code}\n```\n\nOutro **done**.")
    chunks = split_text(text, limit)
    assert len(chunks) > 2
    for chunk in chunks:
        assert len(chunk) <= limit
        assert chunk.count("```") % 2 == 0, chunk
        assert "```\n```" not in chunk  # no empty code blocks
    assert _content("".join(chunks)) == _content(text)
    assert chunks[-1].endswith("Outro *done*.")


def test_split_many_code_blocks_and_tables() -> None:
    rows = "\n".join(f"| 모델 {i} | ${i}.00 |" for i in range(80))
    parts = [f"Para {i} **x**\n\n```\ncode {i}\n" + "y = 1\n" * 30 + "```" for i in range(20)]
    text = to_mrkdwn("\n\n".join(parts) + "\n\n| name | price |\n|---|---|\n" + rows)
    for limit in (3000, 300, 120):
        chunks = split_text(text, limit)
        assert all(len(c) <= limit and c.count("```") % 2 == 0 for c in chunks)
        assert _content("".join(chunks)) == _content(text)


def test_split_never_cuts_an_escape() -> None:
    text = "&amp;" * 1000
    chunks = split_text(text, 3001)
    assert all(re.fullmatch(r"(&amp;)+", c) for c in chunks)
