"""Questions the parser cannot read (offline: the closest concept or names, with a "did you mean"), and concept
answers quoting per-1M prices with the official sources first."""

from __future__ import annotations

import re

import pytest

from bot.qa.engine import Engine
from bot.render_text import render

PER_1K_PRICE = re.compile(r"\b0\.\d+ USD\b")  # "0.003 USD", the pricing page's per-1K form


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("how do I use provisoned thruput", "provisioned-throughput"),
        ("explain promt cachng for me", "prompt-caching"),
        ("프로비저닝 스루풋 쓰는 법", "provisioned-throughput"),
        ("배치 추로 쓰면 뭐가 좋아", "batch-inference"),
        ("custom model improt how", "custom-model-import"),
        ("모델 디스틸레이숀 설명", "model-distillation"),
    ],
)
def test_closest_concept_with_did_you_mean(engine: Engine, question: str, concept: str) -> None:
    answer = engine.closest(question)
    text = render(answer)
    title = engine.concepts.concepts[concept].title.get(answer.lang)
    assert answer.intent == "concept" and answer.title == title, text
    assert (f"Did you mean '{title}'?" if answer.lang == "en" else f"혹시 '{title}'에 대한 질문인가요?") in text


@pytest.mark.parametrize(
    "question", ["RAG 파이프라인 설계할 때 주의할 점은?", "what's the weather in Seoul", "회의록 템플릿 만들어줘"]
)
def test_nothing_close_is_said_unread_without_a_guess(engine: Engine, question: str) -> None:
    answer = engine.closest(question)
    assert answer.intent == "not_understood" and not answer.ok


def test_names_close_to_an_unread_question_are_offered(engine: Engine) -> None:
    answer = engine.closest("novva mikro")
    assert answer.intent == "not_understood" and "Amazon Nova Micro" in answer.suggestions


@pytest.mark.parametrize(
    "question",
    [
        *("배치 추론이 뭐야?", "what is batch inference", "프롬프트 캐싱이 뭐야?", "what is prompt caching"),
        *("지연 시간 최적화 추론이 뭐야?", "latency-optimized inference"),
        *("온디맨드 요금 방식", "how does on-demand pricing work"),
    ],
)
def test_concept_answers_quote_per_1m_prices(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.intent == "concept"
    body = "\n".join(answer.lines)
    assert not PER_1K_PRICE.findall(body), f"a per-1K price in a concept answer: {PER_1K_PRICE.findall(body)}"
    assert "$" in body and ("1M" in body or "100만" in body)


def test_concept_sources_put_the_official_ones_first(engine: Engine) -> None:
    for question in ("배치 추론이 뭐야?", "what is provisioned throughput", "Converse API vs InvokeModel"):
        answer = engine.ask(question)
        ranks = [engine.catalog.sources[s.key].authority for s in answer.sources]
        assert ranks == sorted(ranks) and ranks[0] <= 2, (question, [s.key for s in answer.sources])
