"""The core's side of finishing an answer whose process died (`bot.chat.interrupted`), on the real stack: the
partial answer is billed as an estimate and remembered, marked; one the dead process had already settled is
neither billed nor remembered again."""

from __future__ import annotations

import redis

from bot.chat.interrupted import finish_interrupted
from bot.services import Services
from bot.store.journal import Entry
from bot.store.memory import ThreadRef

PARTIAL = "RAG를 설계할 때는 먼저 검색 품질을"


def entry(**fields: object) -> Entry:
    values: dict[str, object] = {
        "id": "s1", "team": "T1", "channel": "C1", "thread_ts": "1700000000.000100", "user": "U1", "lang": "ko",
        "feature": "chat", "question": "RAG 설계 요령?", "mode": "update", "ts": "1.2", "page": PARTIAL,
        "text": PARTIAL, "model": "nova-pro", "prompt_tokens": 420,
    }  # fmt: skip
    values.update(fields)
    return Entry(**values)  # type: ignore[arg-type]


def test_a_partial_answer_is_billed_as_estimated_and_remembered_as_interrupted(services: Services) -> None:
    result = finish_interrupted(services.chat, entry())

    assert result.interrupted and result.usage.estimated and result.usage.input_tokens == 420
    assert result.cost.usd is not None and result.cost.usd > 0
    assert services.ledger is not None
    [event] = services.ledger.events()
    assert (event["estimated"], event["interrupted"], event["model"], event["input"]) == ("1", "1", "nova-pro", "420")
    assert int(event["output"]) > 0
    turns = services.memory.load(ThreadRef("T1", "C1", "1700000000.000100")).turns
    assert [(t.role, t.text, t.interrupted) for t in turns] == [
        ("user", "RAG 설계 요령?", False),
        ("assistant", PARTIAL, True),
    ]


def test_an_answer_already_settled_is_not_billed_or_remembered_again(
    services: Services, redis_client: redis.Redis
) -> None:
    result = finish_interrupted(services.chat, entry(settled=1))

    assert result.interrupted
    assert services.ledger is not None and services.ledger.events() == []
    assert services.memory.load(ThreadRef("T1", "C1", "1700000000.000100")).turns == ()


def test_an_answer_that_never_reached_a_model_bills_nothing_and_says_it_was_lost(services: Services) -> None:
    result = finish_interrupted(services.chat, entry(model="", text="", page=""))

    assert services.ledger is not None and services.ledger.events() == []
    assert result.error is not None and "다시 질문" in result.error


def test_a_partial_answer_is_billed_on_the_route_and_tier_its_process_journaled(services: Services) -> None:
    profile = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    result = finish_interrupted(services.chat, entry(model="claude-sonnet-4-5", profile=profile, tier="standard"))

    assert (result.cost.route, result.cost.profile) == ("global", profile)
    assert services.ledger is not None
    [event] = services.ledger.events()
    assert (event["profile"], event["route"], event["estimated"]) == (profile, "global", "1")


def test_an_interrupted_flex_call_is_priced_at_flex(services: Services) -> None:
    result = finish_interrupted(
        services.chat, entry(model="gpt-oss-120b", profile="openai.gpt-oss-120b-1:0", tier="flex")
    )
    assert result.cost.tier == "flex" and result.cost.usd is not None
