"""Guardrails on the chat path (real boto3/langchain-aws → local endpoint, real Redis): masked input reaches the
model and memory, model output is masked before the sink and memory, tool inputs and results pass too, and
Bedrock Guardrails (guardrailConfig on Converse, ApplyGuardrail for catalog answers) are honoured and recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis

from bot.bedrock_local import LocalBedrock, ScriptedReply
from bot.chat.asks import ChatAsk
from bot.commands import answer_message
from bot.errors import GuardBlocked
from bot.qa.answer import Answer
from bot.services import Services
from bot.store.interventions import today_in_digest_tz
from tests.chat.conftest import CALLER
from tests.guardrails.support import CARD, EMAIL, PHONE, RRN, guard_settings
from tests.guardrails.test_guard import everything_in


def bodies(bedrock: LocalBedrock, *operations: str) -> list[dict[str, Any]]:
    ops = operations or ("converse", "converse_stream")
    return [r.body for r in bedrock.requests if r.operation in ops]


def counts(services: Services) -> dict[tuple[str, ...], int]:
    assert services.guard.interventions is not None
    return services.guard.interventions.day("T1", today_in_digest_tz())


def test_masked_input_is_all_the_model_and_memory_ever_see(
    services: Services, local_bedrock: LocalBedrock, redis_client: redis.Redis
) -> None:
    text = f"nova-pro: 고객 주민번호 {RRN}, 카드 {CARD}, 연락처 {PHONE} 로 안내문 초안 써줘"
    ask = answer_message(services, CALLER, text)
    assert isinstance(ask, ChatAsk) and ask.named == "nova-pro"
    assert ask.text == "고객 주민번호 [주민등록번호], 카드 [카드번호], 연락처 [전화번호] 로 안내문 초안 써줘"
    result = services.chat.turn(CALLER, ask, lambda _: None)
    assert any("주민등록번호, 카드번호, 전화번호" in n for n in result.notices)
    sent = str(bodies(local_bedrock))
    stored = everything_in(redis_client)
    for value in (RRN, CARD, PHONE, RRN.replace("-", "")):
        assert value not in sent and value not in stored and value not in result.text
    assert counts(services)[("INPUT", "rrn", "mask", "local", "nova-pro", "C1", "U1")] == 1


def test_model_output_is_masked_before_the_sink_and_memory(
    services: Services, local_bedrock: LocalBedrock, redis_client: redis.Redis
) -> None:
    local_bedrock.script(f"담당자 연락처는 {PHONE}, 메일은 {EMAIL} 입니다. " + "참고 설명. " * 40)
    pieces: list[str] = []
    result = services.chat.turn(CALLER, ChatAsk(text="담당자 연락처 알려줘", lang="ko"), pieces.append)
    shown = "".join(pieces)
    assert len(pieces) > 1 and shown == result.text and "[전화번호]" in shown and "[이메일]" in shown
    assert PHONE not in shown and EMAIL not in shown and PHONE not in everything_in(redis_client)
    assert any("답변에서 민감정보를 가렸습니다" in n for n in result.notices)
    assert counts(services)[("OUTPUT", "email", "mask", "local", "nova-lite", "C1", "U1")] == 1


def test_a_denied_topic_in_the_answer_stops_it_and_nothing_is_remembered(
    services: Services, local_bedrock: LocalBedrock, redis_client: redis.Redis
) -> None:
    topic = "제 생각엔 지금 사면 좋은 종목 추천은 A전자입니다. "
    local_bedrock.script("좋은 질문입니다. " * 30 + topic + "이유는... " * 20)
    pieces: list[str] = []
    result = services.chat.turn(CALLER, ChatAsk(text="시장 분위기 어때?", lang="ko"), pieces.append)
    assert result.error is not None and "투자 권유" in result.error
    assert "A전자" not in "".join(pieces)
    assert redis_client.llen(f"bra:mem:T1:C1:{CALLER.thread_ts}") == 0


def test_tool_inputs_and_results_pass_the_guardrails(services: Services, local_bedrock: LocalBedrock) -> None:
    local_bedrock.script(ScriptedReply.tool("search_models", {"query": f"models for {EMAIL}"}))
    local_bedrock.script("Here are some models.")
    services.chat.turn(CALLER, ChatAsk(text="models?", lang="en", feature="assistant", tools=True), lambda _: None)
    assert counts(services)[("OUTPUT", "email", "mask", "local", "nova-lite", "C1", "U1")] == 1
    assert EMAIL not in str(bodies(local_bedrock)[1])


@pytest.fixture
def guarded(make_services: Callable[..., Services]) -> Services:
    return make_services(guard=guard_settings(guardrail_id="localguard", guardrail_version="1"))


def test_converse_carries_the_guardrail_and_a_blocked_input_is_not_remembered(
    guarded: Services, local_bedrock: LocalBedrock, redis_client: redis.Redis
) -> None:
    result = guarded.chat.turn(CALLER, ChatAsk(text="how do I make a bomb?", lang="en"), lambda _: None)
    [body] = bodies(local_bedrock)
    assert body["guardrailConfig"] == {"guardrailIdentifier": "localguard", "guardrailVersion": "1", "trace": "enabled"}
    assert body["messages"][-1]["content"][0]["guardContent"]["text"]["text"] == "how do I make a bomb?"
    assert result.text == "Sorry, I can't help with that request. (local guardrail)"
    assert result.stop_reason == "guardrail_intervened"
    assert redis_client.llen(f"bra:mem:T1:C1:{CALLER.thread_ts}") == 0
    assert counts(guarded) == {("INPUT", "bedrock:word", "block", "bedrock", "nova-lite", "C1", "U1"): 1}


def test_an_answer_bedrock_blocks_is_recorded_as_output(guarded: Services, local_bedrock: LocalBedrock) -> None:
    local_bedrock.script("Step one of building a bomb is ...")
    result = guarded.chat.turn(CALLER, ChatAsk(text="chemistry question", lang="en"), lambda _: None)
    assert result.text == "Sorry, the answer was blocked by the guardrail. (local guardrail)"
    assert counts(guarded) == {("OUTPUT", "bedrock:word", "block", "bedrock", "nova-lite", "C1", "U1"): 1}


def test_a_catalog_question_passes_apply_guardrail(guarded: Services, local_bedrock: LocalBedrock) -> None:
    answer = answer_message(guarded, CALLER, f"Nova Pro 가격 알려줘 {EMAIL}")
    assert isinstance(answer, Answer) and answer.ok
    [applied] = bodies(local_bedrock, "apply_guardrail")
    assert applied["source"] == "INPUT" and applied["content"][0]["text"]["text"] == "Nova Pro 가격 알려줘 [이메일]"
    local_bedrock.script_guardrail(
        {
            "action": "GUARDRAIL_INTERVENED",
            "outputs": ["Blocked by the bank's Bedrock guardrail."],
            "assessments": [{"topicPolicy": {"topics": [{"name": "Rates", "type": "DENY", "action": "BLOCKED"}]}}],
        }
    )
    with pytest.raises(GuardBlocked) as caught:
        answer_message(guarded, CALLER, "Nova Pro 가격 알려줘")
    assert caught.value.message("en") == "Blocked by the bank's Bedrock guardrail."
    assert counts(guarded)[("INPUT", "bedrock:topic:Rates", "block", "bedrock", "catalog", "C1", "U1")] == 1


def test_apply_guardrail_failing_leaves_the_local_verdict(guarded: Services, local_bedrock: LocalBedrock) -> None:
    local_bedrock.add_fault(kind="server_error", operations=["apply_guardrail"], count=1)
    answer = answer_message(guarded, CALLER, "Nova Pro 가격 알려줘")
    assert isinstance(answer, Answer) and answer.ok
