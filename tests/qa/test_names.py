"""Never the wrong model (tests/qa/names.yaml): the same checks as the question set, commands run as commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.qa.commands import run_command
from bot.qa.engine import Engine
from bot.render_text import render

CASES = yaml.safe_load((Path(__file__).parent / "names.yaml").read_text(encoding="utf-8"))["questions"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def test_the_set_is_half_korean() -> None:
    korean = [c for c in CASES if re.search(r"[가-힣]", c["q"])]
    assert len(CASES) >= 60 and len(korean) * 2 >= len(CASES) - 4


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:48] for c in CASES])
def test_name(engine: Engine, case: dict) -> None:
    answer = run_command(engine, case["q"]) if case["q"].startswith("/bedrock") else engine.ask(case["q"])
    text = render(answer)
    blob = (answer.text_blob() + "\n" + text).lower()
    assert answer.intent == case["intent"], f"intent {answer.intent!r}\n{text}"
    missing = [m for m in case.get("must", []) if m.lower() not in blob]
    assert not missing, f"missing {missing}\n{text}"
    present = [m for m in case.get("not", []) if m.lower() in blob]
    assert not present, f"must not say {present}\n{text}"
    assert answer.sources, "every answer names its sources"
