"""The question set (tests/qa/questions.yaml): intent, language and the facts each answer must contain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.qa.engine import Engine
from bot.render_text import render

QUESTIONS = yaml.safe_load((Path(__file__).parent / "questions.yaml").read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def test_question_set_is_large_and_mostly_korean() -> None:
    korean = [q for q in QUESTIONS if re.search(r"[가-힣]", q["q"])]
    assert len(QUESTIONS) >= 120
    assert len(korean) * 2 >= len(QUESTIONS)
    intents = {q["intent"] for q in QUESTIONS}
    assert intents >= {
        "price",
        "estimate",
        "compare",
        "recommend",
        "list_models",
        "availability",
        "specs",
        "concept",
        "service",
        "unknown_model",
        "help",
        "not_understood",
    }


@pytest.mark.parametrize("case", QUESTIONS, ids=[q["q"][:40] for q in QUESTIONS])
def test_question(engine: Engine, case: dict) -> None:
    answer = engine.ask(case["q"])
    text = render(answer)
    blob = (answer.text_blob() + "\n" + text).lower()
    assert answer.intent == case["intent"], f"intent {answer.intent!r}\n{text}"
    expected_lang = "ko" if re.search(r"[가-힣]", case["q"]) else "en"
    assert answer.lang == expected_lang
    missing = [m for m in case.get("must", []) if m.lower() not in blob]
    assert not missing, f"missing {missing}\n{text}"
    present = [m for m in case.get("not", []) if m.lower() in blob]
    assert not present, f"must not say {present}\n{text}"
    if answer.intent not in ("help", "not_understood"):
        assert answer.sources, "a catalog answer names its sources"
        assert answer.as_of is not None
