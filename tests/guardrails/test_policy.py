"""Loading and validating the guardrail policy file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.guardrails.policy import load
from tests.guardrails.support import DEFAULT_POLICY, policy_file


def test_the_shipped_policy_loads_with_every_topic_example_caught() -> None:
    policy, digest = load(DEFAULT_POLICY)
    assert {t.name for t in policy.denied_topics} == {"investment_advice", "politics", "financial_crime"}
    assert policy.action("aws_secret_key") == "block" and policy.action("rrn") == "mask"
    assert len(digest) == 12


def test_entities_the_file_does_not_name_are_masked(tmp_path: Path) -> None:
    policy, _ = load(policy_file(tmp_path, entities={"email": "allow"}))
    assert policy.action("email") == "allow" and policy.action("card") == "mask"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"entities": {"ssn": "mask"}}, "unknown entity types ['ssn']"),
        ({"entities": {"rrn": "hide"}}, "entities.rrn"),
        (
            {"custom": [{"name": "emp", "pattern": "EMP-(\\d{7}", "label": {"ko": "사번", "en": "emp"}}]},
            "the regex does not compile",
        ),
        ({"custom": [{"name": "emp", "pattern": "x*", "label": {"ko": "a", "en": "b"}}]}, "matches the empty string"),
        ({"prompt_attack": {"action": "block", "extra": {"sql_injection": ["drop table"]}}}, "unknown attack kinds"),
        ({"prompt_attack": {"action": "ignore"}}, "prompt_attack.action"),
        ({"word_filters": {"action": "block", "words": [""]}}, "word"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_problem(tmp_path: Path, changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(policy_file(tmp_path, **changes))
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_a_topic_whose_example_its_phrases_miss_is_refused(tmp_path: Path) -> None:
    topic = {
        "name": "lottery",
        "label": {"ko": "복권", "en": "lottery"},
        "description": {"ko": "복권 번호 예측", "en": "predicting lottery numbers"},
        "phrases": ["로또 번호~추천"],
        "examples": ["로또 번호 추천해줘", "which lottery numbers will win?"],
    }
    with pytest.raises(ConfigError) as caught:
        load(policy_file(tmp_path, denied_topics=[topic]))
    assert "which lottery numbers will win?" in " ".join(caught.value.problems)


def test_an_unreadable_file_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("entities: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.problems[0].startswith("BRA_GUARD_POLICY_FILE: cannot read")
