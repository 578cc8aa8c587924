"""The shipped policy on the labelled corpus (tests/data/guardrails/corpus.yaml): recall on valid values and the
false-positive rate on look-alikes per entity type (issue 5's goals), and the same for denied topics and prompt
attacks. `benchmarks/bench_guardrails.py` prints the figures."""

from __future__ import annotations

import pytest

from bot.guardrails.local import LocalPolicy
from bot.guardrails.pii import ENTITY_TYPES
from bot.guardrails.policy import load as load_policy
from tests.guardrails.corpus import ANY, Sample, load, score_entities, score_labels
from tests.guardrails.support import DEFAULT_POLICY

RECALL, FPR = 0.98, 0.02


@pytest.fixture(scope="module")
def local() -> LocalPolicy:
    return LocalPolicy(load_policy(DEFAULT_POLICY)[0])


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    return load()


@pytest.mark.parametrize("kind", ENTITY_TYPES)
def test_each_entity_type_meets_the_recall_and_false_positive_goals(
    local: LocalPolicy, samples: list[Sample], kind: str
) -> None:
    scores = score_entities(samples, lambda text: [(f.kind, f.start, f.end) for f in local.spans(text)])
    score = scores[kind]
    assert score.positives >= 12 and score.lookalikes >= 10
    assert score.recall >= RECALL, f"missed: {score.missed}"
    assert score.fpr <= FPR, f"flagged: {score.flagged}"


@pytest.mark.parametrize(("field", "prefix", "recall"), [("topic", "topic:", 0.9), ("attack", "attack:", 0.95)])
def test_topics_and_attacks_are_caught_without_flagging_near_misses(
    local: LocalPolicy, samples: list[Sample], field: str, prefix: str, recall: float
) -> None:
    def classify(text: str) -> set[str]:
        hits = local.check(text, "INPUT", "ko").hits
        return {h.kind.removeprefix(prefix) for h in hits if h.kind.startswith(prefix)}

    overall = score_labels(samples, field, classify)[ANY]  # type: ignore[arg-type]
    assert overall.recall >= recall and overall.fpr <= FPR, overall


def test_masking_leaves_no_labelled_value_in_the_text(local: LocalPolicy, samples: list[Sample]) -> None:
    for sample in samples:
        masked = local.check(sample.text, "INPUT", sample.lang).text
        for _, value in sample.entities:
            assert value not in masked, sample.id
