"""Injected faults as boto3 and langchain-aws see them: the error codes the bot's retry and fallback logic keys
on, read timeouts, and exceptions in the middle of a stream."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError, ReadTimeoutError
from langchain_aws import ChatBedrockConverse

from bot.bedrock_local import Fault, LocalBedrock, ScriptedReply
from bot.bedrock_local.faults import FaultBook
from tests.bedrock_local.conftest import NOVA_LITE, make_client, user

LONG = " ".join(f"word{i}" for i in range(60))


def call(client: Any, model: str = NOVA_LITE) -> dict[str, Any]:
    return dict(client.converse(modelId=model, messages=[user("hi")]))


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ({"kind": "throttle"}, "ThrottlingException", 429),
        ({"kind": "server_error"}, "InternalServerException", 500),
        ({"kind": "server_error", "status": 503}, "ServiceUnavailableException", 503),
        ({"kind": "model_timeout"}, "ModelTimeoutException", 408),
    ],
)
def test_error_faults_raise_the_bedrock_error(
    client: Any, bedrock: LocalBedrock, fault: dict[str, Any], code: str, status: int
) -> None:
    bedrock.add_fault(fault, count=1)
    with pytest.raises(ClientError) as exc:
        call(client)
    assert exc.value.response["Error"]["Code"] == code
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert call(client)["stopReason"] == "end_turn"  # a count=1 fault fires once


def test_throttle_on_stream_fails_the_call_itself(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="throttle", count=1, message="Too many tokens, please wait.")
    with pytest.raises(ClientError) as exc:
        client.converse_stream(modelId=NOVA_LITE, messages=[user("hi")])
    assert exc.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Too many tokens, please wait."}


def test_throttled_call_keeps_its_script_for_the_retry(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="throttle", count=2)
    bedrock.script("after the retries")
    for _ in range(2):
        with pytest.raises(ClientError):
            call(client)
    assert call(client)["output"]["message"]["content"][0]["text"] == "after the retries"
    assert len(bedrock.requests) == 3


def test_faults_target_one_model(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="throttle", model="nova-pro")
    assert call(client)["stopReason"] == "end_turn"
    with pytest.raises(ClientError):
        call(client, "amazon.nova-pro-v1:0")


def test_timeout_fault_trips_the_read_timeout(bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="timeout", seconds=3, count=1)
    slow = make_client(bedrock.url, read_timeout=0.2, connect_timeout=1)
    with pytest.raises(ReadTimeoutError):
        call(slow)
    assert call(slow)["stopReason"] == "end_turn"


def test_a_timed_out_call_leaves_its_script_for_the_next_caller(bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="timeout", seconds=0.3, count=1)
    bedrock.script("kept for the retry")
    slow = make_client(bedrock.url, read_timeout=0.1, connect_timeout=1)
    with pytest.raises(ReadTimeoutError):
        call(slow)
    time.sleep(0.5)  # let the stalled call wake up, find its caller gone and stop
    assert call(slow)["output"]["message"]["content"][0]["text"] == "kept for the retry"


def test_stream_exception_after_some_deltas(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script(LONG)
    bedrock.add_fault(kind="stream_exception", after_tokens=6, count=1)
    received: list[str] = []
    stream = client.converse_stream(modelId=NOVA_LITE, messages=[user("hi")])["stream"]
    with pytest.raises(EventStreamError) as exc:
        for event in stream:
            if "contentBlockDelta" in event:
                received.append(event["contentBlockDelta"]["delta"]["text"])
    assert exc.value.response["Error"]["Code"] == "modelStreamErrorException"
    assert received and LONG.startswith("".join(received)) and "".join(received) != LONG


def test_stream_exception_type_is_configurable(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="stream_exception", exception="throttlingException", after_tokens=0, count=1)
    stream = client.converse_stream(modelId=NOVA_LITE, messages=[user("hi")])["stream"]
    with pytest.raises(EventStreamError) as exc:
        list(stream)
    assert exc.value.response["Error"]["Code"] == "throttlingException"


def test_stream_exception_does_not_touch_converse(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.add_fault(kind="stream_exception", count=1)
    assert call(client)["stopReason"] == "end_turn"
    with pytest.raises(EventStreamError):
        list(client.converse_stream(modelId=NOVA_LITE, messages=[user("hi")])["stream"])


def test_langchain_sees_throttling_and_stream_errors(
    bedrock: LocalBedrock, chat: Callable[..., ChatBedrockConverse]
) -> None:
    llm = chat(max_retries=0)
    bedrock.add_fault(kind="throttle", count=1)
    with pytest.raises(ClientError) as exc:
        llm.invoke("hi")
    assert exc.value.response["Error"]["Code"] == "ThrottlingException"
    bedrock.script(LONG)
    bedrock.add_fault(kind="stream_exception", after_tokens=4, count=1)
    chunks = []
    with pytest.raises(ClientError):
        for chunk in llm.stream("hi"):
            chunks.append(chunk)
    assert any(chunk.text for chunk in chunks)


def test_behaviour_faults_apply_to_their_model(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.set_behaviour("amazon.nova-lite-v1:0", {"faults": [{"kind": "server_error", "count": 1}]})
    with pytest.raises(ClientError):
        call(client)
    assert call(client)["stopReason"] == "end_turn"


def test_probabilistic_faults_are_repeatable() -> None:
    def pattern(seed: int) -> list[bool]:
        book = FaultBook(seed)
        book.add(None, Fault(kind="throttle", probability=0.5))
        return [book.pick("nova-lite", "converse") is not None for _ in range(64)]

    assert pattern(7) == pattern(7)
    assert 0 < sum(pattern(7)) < 64
    assert pattern(7) != pattern(8)


def test_faults_only_hit_their_operations() -> None:
    book = FaultBook()
    book.add(None, Fault(kind="throttle", operations=["count_tokens"]))
    assert book.pick("nova-lite", "converse") is None
    assert book.pick("nova-lite", "count_tokens") is not None


def test_scripted_text_streams_verbatim(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script(ScriptedReply(text="scripted"))
    events = list(client.converse_stream(modelId=NOVA_LITE, messages=[user("hi")])["stream"])
    assert "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e) == "scripted"
