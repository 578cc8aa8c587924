"""Unmodified boto3 against the local endpoint: replies and usage in Bedrock's shape, streaming, validation
errors, prompt caching, CountTokens and recorded requests."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bot.bedrock_local import LocalBedrock, ScriptedReply
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens
from tests.bedrock_local.conftest import NOVA_LITE, make_client, user

CACHE_SYSTEM = "You are the Bedrock pricing assistant. " * 40


def converse(client: Any, text: str = "Hello there", model: str = NOVA_LITE, **kwargs: Any) -> dict[str, Any]:
    return dict(client.converse(modelId=model, messages=[user(text)], **kwargs))


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_converse_replies_in_bedrock_shape_with_estimated_usage(client: Any) -> None:
    reply = converse(client, "Hello there, what does Nova Lite cost?", system=[{"text": "Be brief."}])
    text = reply["output"]["message"]["content"][0]["text"]
    assert reply["output"]["message"]["role"] == "assistant"
    assert text.startswith("[local Amazon Nova Lite] ") and "Hello there, what does Nova Lite cost?" in text
    assert reply["stopReason"] == "end_turn"
    expected_input = (
        estimate_tokens("Be brief.") + MESSAGE_OVERHEAD + estimate_tokens("Hello there, what does Nova Lite cost?")
    )
    assert reply["usage"] == {
        "inputTokens": expected_input,
        "outputTokens": estimate_tokens(text),
        "totalTokens": expected_input + estimate_tokens(text),
    }
    assert isinstance(reply["metrics"]["latencyMs"], int)


def test_same_input_same_reply_and_korean_gets_a_korean_label(client: Any) -> None:
    first = converse(client, "노바 프로 가격 알려줘")["output"]["message"]["content"][0]["text"]
    again = converse(client, "노바 프로 가격 알려줘")["output"]["message"]["content"][0]["text"]
    assert first == again
    assert first.startswith("[로컬 Amazon Nova Lite] ") and "노바 프로 가격 알려줘" in first


def test_model_ids_profiles_and_arns_are_accepted(client: Any) -> None:
    for model in (  # profiles callable from us-east-1 (the client's region); see test_routes.py for the others
        "amazon.nova-lite-v1:0",
        "us.amazon.nova-lite-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
    ):
        assert converse(client, model=model)["stopReason"] == "end_turn"


def test_converse_stream_sends_deltas_in_order_then_stop_and_usage(client: Any) -> None:
    response = client.converse_stream(modelId=NOVA_LITE, messages=[user("Stream me a reply please")])
    events = list(response["stream"])
    kinds = [next(iter(e)) for e in events]
    assert kinds[0] == "messageStart" and events[0]["messageStart"]["role"] == "assistant"
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    deltas = [e["contentBlockDelta"] for e in events if "contentBlockDelta" in e]
    assert len(deltas) > 3 and all(d["contentBlockIndex"] == 0 for d in deltas)
    text = "".join(d["delta"]["text"] for d in deltas)
    assert text == converse(client, "Stream me a reply please")["output"]["message"]["content"][0]["text"]
    assert events[-2]["messageStop"]["stopReason"] == "end_turn"
    usage = events[-1]["metadata"]["usage"]
    assert usage["outputTokens"] == estimate_tokens(text)
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert "latencyMs" in events[-1]["metadata"]["metrics"]


def test_paced_stream_still_delivers_everything(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.set_behaviour("nova-lite", {"latency_s": 0.01, "ttft_s": 0.02, "tokens_per_s": 2000})
    events = list(client.converse_stream(modelId=NOVA_LITE, messages=[user("paced")])["stream"])
    assert "metadata" in events[-1]


def test_scripted_tool_use_in_converse_and_stream(client: Any, bedrock: LocalBedrock) -> None:
    tools = {"tools": [{"toolSpec": {"name": "get_price", "inputSchema": {"json": {"type": "object"}}}}]}
    bedrock.script(ScriptedReply.tool("get_price", {"model": "nova-pro"}, tool_use_id="tool-1"))
    reply = converse(client, "price?", toolConfig=tools)
    assert reply["stopReason"] == "tool_use"
    assert reply["output"]["message"]["content"] == [
        {"toolUse": {"toolUseId": "tool-1", "name": "get_price", "input": {"model": "nova-pro"}}}
    ]
    bedrock.script({"text": "Checking.", "toolUse": {"toolUseId": "tool-2", "name": "get_price", "input": {}}})
    events = list(client.converse_stream(modelId=NOVA_LITE, messages=[user("price?")], toolConfig=tools)["stream"])
    start = next(e["contentBlockStart"] for e in events if "contentBlockStart" in e)
    assert start == {"start": {"toolUse": {"toolUseId": "tool-2", "name": "get_price"}}, "contentBlockIndex": 1}
    assert {"toolUse": {"input": "{}"}} in [e["contentBlockDelta"]["delta"] for e in events if "contentBlockDelta" in e]
    assert events[-2]["messageStop"]["stopReason"] == "tool_use"


def test_tool_result_turn_is_accepted_and_answered(client: Any) -> None:
    tools = {"tools": [{"toolSpec": {"name": "get_price", "inputSchema": {"json": {"type": "object"}}}}]}
    messages = [
        user("price?"),
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_price", "input": {}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "$0.06 per 1M"}]}}]},
    ]
    reply = client.converse(modelId=NOVA_LITE, messages=messages, toolConfig=tools)
    assert "$0.06 per 1M" in reply["output"]["message"]["content"][0]["text"]
    messages[2]["content"][0]["toolResult"]["toolUseId"] = "other"
    with pytest.raises(ClientError) as exc:
        client.converse(modelId=NOVA_LITE, messages=messages, toolConfig=tools)
    assert error_code(exc) == "ValidationException"


def test_scripts_are_fifo_and_per_model_first(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script("any one")
    bedrock.script("any two")
    bedrock.script("for nova lite", model="amazon.nova-lite-v1:0")
    texts = [converse(client)["output"]["message"]["content"][0]["text"] for _ in range(4)]
    assert texts[:3] == ["for nova lite", "any one", "any two"]
    assert texts[3].startswith("[local ")


def test_scripted_usage_stop_reason_and_guardrail_reply(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script({"text": "cut", "stopReason": "max_tokens", "usage": {"inputTokens": 100, "outputTokens": 7}})
    reply = converse(client)
    assert reply["stopReason"] == "max_tokens"
    assert reply["usage"] == {"inputTokens": 100, "outputTokens": 7, "totalTokens": 107}
    bedrock.script(ScriptedReply.guardrail("I can't discuss that."))
    reply = converse(client)
    assert reply["stopReason"] == "guardrail_intervened"
    assert reply["output"]["message"]["content"] == [{"text": "I can't discuss that."}]


def test_max_tokens_cuts_the_reply(client: Any) -> None:
    reply = converse(client, "Tell me everything", inferenceConfig={"maxTokens": 5})
    assert reply["stopReason"] == "max_tokens"
    assert reply["usage"]["outputTokens"] <= 5


@pytest.mark.parametrize(
    ("model", "kwargs", "messages"),
    [
        ("amazon.nova-ultra-v9:0", {}, [user("hi")]),  # unknown model id
        ("amazon.titan-embed-text-v2:0", {}, [user("hi")]),  # not a text model
        (NOVA_LITE, {}, [{"role": "assistant", "content": [{"text": "hi"}]}]),  # first message not user
        (NOVA_LITE, {}, [user("hi"), user("again")]),  # roles do not alternate
        (NOVA_LITE, {}, [{"role": "user", "content": []}]),  # empty content
        (NOVA_LITE, {"inferenceConfig": {"maxTokens": 6000}}, [user("hi")]),  # above max_output (5000)
        (
            "amazon.titan-text-premier-v1:0",
            {"system": [{"text": "s"}, {"cachePoint": {"type": "default"}}]},
            [user("hi")],
        ),  # cachePoint on a model without prompt caching
        (NOVA_LITE, {"requestMetadata": {"user": "홍길동"}}, [user("hi")]),  # metadata outside Bedrock's pattern
    ],
)
def test_invalid_requests_are_validation_exceptions(
    client: Any, model: str, kwargs: dict[str, Any], messages: list[dict[str, Any]]
) -> None:
    with pytest.raises(ClientError) as exc:
        client.converse(modelId=model, messages=messages, **kwargs)
    assert error_code(exc) == "ValidationException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_model_message_is_bedrocks(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        converse(client, model="anthropic.claude-9-v1:0")
    assert exc.value.response["Error"]["Message"] == "The provided model identifier is invalid."
    with pytest.raises(ClientError) as exc:
        client.converse_stream(modelId="anthropic.claude-9-v1:0", messages=[user("hi")])
    assert error_code(exc) == "ValidationException"


def test_prompt_cache_writes_then_reads_the_same_prefix(client: Any) -> None:
    system = [{"text": CACHE_SYSTEM}, {"cachePoint": {"type": "default"}}]
    prefix = estimate_tokens(CACHE_SYSTEM)
    first = converse(client, "first question", system=system)["usage"]
    second = converse(client, "second question", system=system)["usage"]
    assert (first["cacheWriteInputTokens"], first["cacheReadInputTokens"]) == (prefix, 0)
    assert (second["cacheWriteInputTokens"], second["cacheReadInputTokens"]) == (0, prefix)
    rest = MESSAGE_OVERHEAD + estimate_tokens("second question")
    assert second["inputTokens"] == rest  # Bedrock's inputTokens excludes cache reads and writes
    assert second["totalTokens"] == rest + prefix + second["outputTokens"]
    other = converse(client, "first question", model="amazon.nova-pro-v1:0", system=system)["usage"]
    assert other["cacheWriteInputTokens"] == prefix  # the cache is per model


def test_cache_reads_the_longest_cached_prefix(client: Any) -> None:
    point = {"cachePoint": {"type": "default"}}
    system = [{"text": CACHE_SYSTEM}, point]
    turn1 = [user("What is Nova Pro's price?"), {"role": "assistant", "content": [{"text": "It is cheap."}]}]
    converse(client, system=system)
    messages = [*turn1, {"role": "user", "content": [{"text": "And batch?"}, point]}]
    usage = client.converse(modelId=NOVA_LITE, system=system, messages=messages)["usage"]
    assert usage["cacheReadInputTokens"] == estimate_tokens(CACHE_SYSTEM)
    assert usage["cacheWriteInputTokens"] > 0 and usage["inputTokens"] == 0


def test_no_cache_fields_without_cache_points(client: Any) -> None:
    assert "cacheReadInputTokens" not in converse(client)["usage"]


def test_count_tokens_matches_converse_input(client: Any) -> None:
    body = {"messages": [user("How much is Claude 3.5 Sonnet?")], "system": [{"text": "Answer in Korean."}]}
    counted = client.count_tokens(modelId="amazon.nova-lite-v1:0", input={"converse": body})["inputTokens"]
    used = client.converse(modelId="amazon.nova-lite-v1:0", **body)["usage"]["inputTokens"]
    assert (
        counted
        == used
        == estimate_tokens("Answer in Korean.") + MESSAGE_OVERHEAD + estimate_tokens("How much is Claude 3.5 Sonnet?")
    )


def test_count_tokens_of_an_invoke_model_body(client: Any) -> None:
    body = json.dumps({"inputText": "How much is Titan Text Express?"})
    counted = client.count_tokens(modelId="amazon.nova-lite-v1:0", input={"invokeModel": {"body": body.encode()}})
    assert counted["inputTokens"] == estimate_tokens(body)
    with pytest.raises(ClientError) as exc:
        client.count_tokens(modelId="amazon.nova-max-v9:0", input={"invokeModel": {"body": b"{}"}})
    assert error_code(exc) == "ValidationException"


def test_request_metadata_and_headers_are_recorded(client: Any, bedrock: LocalBedrock) -> None:
    metadata = {"team": "T0001", "channel": "C0001", "user": "U0001", "feature": "chat"}
    converse(client, requestMetadata=metadata)
    [recorded] = bedrock.requests
    assert recorded.operation == "converse" and recorded.model_key == "nova-lite"
    assert recorded.model_id == NOVA_LITE and recorded.path == "/model/us.amazon.nova-lite-v1%3A0/converse"
    assert recorded.body["requestMetadata"] == metadata
    assert recorded.headers["content-type"] == "application/json"
    assert "authorization" not in recorded.headers


def test_many_concurrent_conversations(bedrock: LocalBedrock) -> None:
    bedrock.set_behaviour(None, {"latency_s": 0.05})
    client = make_client(bedrock.url, max_pool_connections=100)

    def one(i: int) -> str:
        if i % 2:
            return str(converse(client, f"question {i}")["stopReason"])
        events = list(client.converse_stream(modelId=NOVA_LITE, messages=[user(f"question {i}")])["stream"])
        return str(events[-2]["messageStop"]["stopReason"])

    with ThreadPoolExecutor(max_workers=100) as pool:
        assert list(pool.map(one, range(200))) == ["end_turn"] * 200
