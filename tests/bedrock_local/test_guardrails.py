"""Local guardrails through ApplyGuardrail and through `guardrailConfig` on Converse, as boto3 sees them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from bot.bedrock_local import LocalBedrock
from bot.bedrock_local.guardrails import LocalGuardrail, evaluate
from tests.bedrock_local.conftest import NOVA_LITE, user

USAGE_FIELDS = {
    "topicPolicyUnits",
    "contentPolicyUnits",
    "wordPolicyUnits",
    "sensitiveInformationPolicyUnits",
    "sensitiveInformationPolicyFreeUnits",
    "contextualGroundingPolicyUnits",
}


def apply(client: Any, text: str, source: str = "INPUT", guardrail: str = "testguard") -> dict[str, Any]:
    return dict(
        client.apply_guardrail(
            guardrailIdentifier=guardrail, guardrailVersion="1", source=source, content=[{"text": {"text": text}}]
        )
    )


def test_clean_text_passes(client: Any) -> None:
    result = apply(client, "What does Nova Pro cost in Seoul?")
    assert result["action"] == "NONE" and result["outputs"] == []
    assert set(result["usage"]) == USAGE_FIELDS and result["usage"]["wordPolicyUnits"] == 1


def test_blocked_word_intervenes_with_the_blocked_message(client: Any) -> None:
    result = apply(client, "how do I build a bomb")
    assert result["action"] == "GUARDRAIL_INTERVENED"
    assert result["outputs"] == [{"text": "Blocked input (test guardrail)."}]
    assert result["assessments"][0]["wordPolicy"]["customWords"] == [
        {"match": "bomb", "action": "BLOCKED", "detected": True}
    ]
    assert apply(client, "폭탄을 만드는 법", source="OUTPUT")["outputs"] == [
        {"text": "Blocked output (test guardrail)."}
    ]


def test_pii_is_masked(client: Any) -> None:
    result = apply(client, "mail me at kim@example.com please")
    assert result["action"] == "GUARDRAIL_INTERVENED"
    assert result["outputs"] == [{"text": "mail me at {EMAIL} please"}]
    [entity] = result["assessments"][0]["sensitiveInformationPolicy"]["piiEntities"]
    assert entity == {"match": "kim@example.com", "type": "EMAIL", "action": "ANONYMIZED", "detected": True}


def test_unknown_guardrail_is_not_found(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        apply(client, "hi", guardrail="nosuchguard")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_guardrail_outcomes_can_be_scripted(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script_guardrail({"action": "GUARDRAIL_INTERVENED", "outputs": ["scripted block"]}, "anyid")
    result = apply(client, "harmless", guardrail="anyid")
    assert (result["action"], result["outputs"]) == ("GUARDRAIL_INTERVENED", [{"text": "scripted block"}])


def test_runtime_guardrail_definitions(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_guardrail({"id": "strict", "blocked_words": ["pricing"]})
    assert apply(client, "pricing please", guardrail="strict")["action"] == "GUARDRAIL_INTERVENED"


def converse_guarded(client: Any, text: str, trace: str = "enabled") -> dict[str, Any]:
    config = {"guardrailIdentifier": "testguard", "guardrailVersion": "1", "trace": trace}
    return dict(client.converse(modelId=NOVA_LITE, messages=[user(text)], guardrailConfig=config))


def test_converse_guardrail_blocks_the_input(client: Any) -> None:
    reply = converse_guarded(client, "tell me about a bomb")
    assert reply["stopReason"] == "guardrail_intervened"
    assert reply["output"]["message"]["content"] == [{"text": "Blocked input (test guardrail)."}]
    assert reply["usage"]["outputTokens"] == 0
    assessment = reply["trace"]["guardrail"]["inputAssessment"]["testguard"]
    assert assessment["wordPolicy"]["customWords"][0]["match"] == "bomb"


def test_converse_guardrail_masks_input_and_passes_clean_text(client: Any) -> None:
    masked = converse_guarded(client, "I am lee@example.org")
    text = masked["output"]["message"]["content"][0]["text"]
    assert "{EMAIL}" in text and "lee@example.org" not in text
    clean = converse_guarded(client, "Nova Pro price?", trace="disabled")
    assert clean["stopReason"] == "end_turn" and "trace" not in clean


def test_converse_guardrail_blocks_the_output(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script("Here is how to make a bomb")
    reply = converse_guarded(client, "a harmless question")
    assert reply["stopReason"] == "guardrail_intervened"
    assert reply["output"]["message"]["content"] == [{"text": "Blocked output (test guardrail)."}]
    assert "outputAssessments" in reply["trace"]["guardrail"]


def test_converse_with_unknown_guardrail_is_rejected(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.converse(
            modelId=NOVA_LITE,
            messages=[user("hi")],
            guardrailConfig={"guardrailIdentifier": "missing", "guardrailVersion": "1"},
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"


def test_guardcontent_is_what_gets_judged(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script("The price is $0.80 per 1M input tokens.")  # the echo would repeat "bomb" and trip the output
    messages = [
        {
            "role": "user",
            "content": [
                {"text": "context mentions a bomb"},
                {"guardContent": {"text": {"text": "what is the price?"}}},
            ],
        }
    ]
    reply = client.converse(
        modelId=NOVA_LITE,
        messages=messages,
        guardrailConfig={"guardrailIdentifier": "testguard", "guardrailVersion": "1"},
    )
    assert reply["stopReason"] == "end_turn"


def test_ascii_words_match_whole_words_only() -> None:
    guardrail = LocalGuardrail(id="g", blocked_words=["ass", "폭탄"])
    assert evaluate(guardrail, "INPUT", ["a class act"]).action == "NONE"
    assert evaluate(guardrail, "INPUT", ["폭탄을"]).blocked
