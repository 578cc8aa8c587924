"""Prompt-cache TTLs through real boto3 and langchain-aws: cachePoint `ttl` 5m/1h is checked (enum, the model's
1-hour price, 1h before 5m), entries expire by their own TTL on an injected clock, and usage splits the writes
by TTL in `cacheDetails`, which langchain-aws and the bot's `BedrockChatModel` read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_aws import ChatBedrockConverse
from langchain_core.messages import HumanMessage, SystemMessage

from bot.bedrock_local import LocalBedrock, LocalConfig, UsageOverride
from bot.bedrock_local.cache import PromptCache
from bot.bedrock_local.prompt import CachePrefix
from bot.catalog.catalog import Catalog
from bot.chat.model import BedrockChatModel, ModelRequest
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens
from tests.bedrock_local.conftest import CREDENTIALS, make_client, user

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"  # the catalog prices its 1-hour cache writes
NOVA_LITE = "us.amazon.nova-lite-v1:0"  # prompt caching, but no 1-hour price
TOOLS = "You are a careful assistant for Amazon Bedrock prices and quotas. " * 20
RULES = "Answer in the user's language; name the Region and the date of each price. " * 10


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clocked(catalog: Catalog) -> Iterator[tuple[LocalBedrock, Clock]]:
    clock = Clock()
    config = LocalConfig.model_validate({"prompt_cache": {"ttl_s": 300, "ttl_1h_s": 3600}})
    with LocalBedrock(catalog, config, clock=clock) as bedrock:
        yield bedrock, clock


@pytest.fixture
def timed(clocked: tuple[LocalBedrock, Clock]) -> Iterator[tuple[Any, Clock]]:
    bedrock, clock = clocked
    bedrock.reset()
    yield make_client(bedrock.url), clock
    bedrock.reset()


def point(ttl: str | None = None) -> dict[str, Any]:
    return {"cachePoint": {"type": "default", **({"ttl": ttl} if ttl else {})}}


def two_point_system(first: str | None, second: str | None) -> list[dict[str, Any]]:
    return [{"text": TOOLS}, point(first), {"text": RULES}, point(second)]


def usage_of(client: Any, system: list[dict[str, Any]], model: str = HAIKU) -> dict[str, Any]:
    usage: dict[str, Any] = client.converse(modelId=model, system=system, messages=[user("Price of Haiku?")])["usage"]
    return usage


def error_of(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == "ValidationException"
    return str(info.value.response["Error"]["Message"])


def test_writes_are_split_by_the_ttl_of_their_cache_point(timed: tuple[Any, Clock]) -> None:
    client, _ = timed
    usage = usage_of(client, two_point_system("1h", "5m"))
    long, short = estimate_tokens(TOOLS), estimate_tokens(RULES)
    assert usage["cacheWriteInputTokens"] == long + short
    assert usage["cacheDetails"] == [{"ttl": "5m", "inputTokens": short}, {"ttl": "1h", "inputTokens": long}]
    assert usage["cacheReadInputTokens"] == 0
    assert usage["inputTokens"] == MESSAGE_OVERHEAD + estimate_tokens("Price of Haiku?")


def test_each_entry_expires_by_its_own_ttl(timed: tuple[Any, Clock]) -> None:
    client, clock = timed
    system = two_point_system("1h", "5m")
    long, short = estimate_tokens(TOOLS), estimate_tokens(RULES)
    usage_of(client, system)
    clock.now += 299
    within = usage_of(client, system)
    assert (within["cacheReadInputTokens"], within["cacheWriteInputTokens"]) == (long + short, 0)
    assert "cacheDetails" not in within  # nothing written: no entry for any TTL
    clock.now += 301  # the 5-minute entry (refreshed at 299 s) has now lapsed, the 1-hour one has not
    after_5m = usage_of(client, system)
    assert after_5m["cacheReadInputTokens"] == long
    assert after_5m["cacheDetails"] == [{"ttl": "5m", "inputTokens": short}]
    clock.now += 3601
    after_1h = usage_of(client, system)
    assert after_1h["cacheReadInputTokens"] == 0
    assert after_1h["cacheDetails"] == [{"ttl": "5m", "inputTokens": short}, {"ttl": "1h", "inputTokens": long}]


def test_without_a_ttl_the_point_is_a_5_minute_one_and_no_details_are_sent(timed: tuple[Any, Clock]) -> None:
    client, clock = timed
    system = [{"text": TOOLS}, point()]
    first = usage_of(client, system)
    assert first["cacheWriteInputTokens"] == estimate_tokens(TOOLS) and "cacheDetails" not in first
    clock.now += 301
    assert usage_of(client, system)["cacheWriteInputTokens"] == estimate_tokens(TOOLS)  # expired after 5 minutes


def test_the_prompt_cache_alone_keeps_the_longer_life_on_a_shorter_hit() -> None:
    clock = Clock()
    cache = PromptCache(300, clock=clock, ttl_1h_s=3600)
    assert cache.use("m", [CachePrefix("a", 10, "1h")]).write_1h_tokens == 10
    clock.now += 200
    assert cache.use("m", [CachePrefix("a", 10, "5m")]).read_tokens == 10
    clock.now += 1000  # past the 5-minute refresh, within the hour granted first
    assert cache.use("m", [CachePrefix("a", 10, "5m")]).read_tokens == 10


def test_a_1h_ttl_is_refused_on_a_model_without_a_1_hour_price(client: Any) -> None:
    message = error_of(lambda: usage_of(client, [{"text": TOOLS}, point("1h")], NOVA_LITE))
    assert message == (
        "The 1h cache TTL at system.2.member.cachePoint.ttl isn't supported for this model. "
        "Try again with a 5m TTL or without a ttl."
    )
    assert usage_of(client, [{"text": TOOLS}, point("5m")], NOVA_LITE)["cacheWriteInputTokens"] > 0


def test_a_1h_point_after_a_5m_point_is_refused(client: Any) -> None:
    message = error_of(lambda: usage_of(client, two_point_system("5m", "1h")))
    assert message == (
        "The cachePoint at system.4.member.cachePoint has ttl 1h after a cachePoint with ttl 5m. A cachePoint with a "
        "longer TTL must come before any cachePoint with a shorter TTL (tools, then system, then messages)."
    )
    messages = [{"role": "user", "content": [{"text": "Price of Haiku?"}, point("1h")]}]
    with pytest.raises(ClientError, match=r"messages\.1\.member\.content\.2\.member\.cachePoint has ttl 1h"):
        client.converse(modelId=HAIKU, system=[{"text": TOOLS}, point()], messages=messages)


def test_ttl_and_type_outside_their_enums_are_refused(client: Any) -> None:
    message = error_of(lambda: usage_of(client, [{"text": TOOLS}, point("2h")]))
    assert message == (
        "1 validation error detected: Value '2h' at 'system.2.member.cachePoint.ttl' failed to satisfy constraint: "
        "Member must satisfy enum value set: [5m, 1h]"
    )
    wrong_type = [{"text": TOOLS}, {"cachePoint": {"type": "ephemeral"}}]
    assert "at 'system.2.member.cachePoint.type'" in error_of(lambda: usage_of(client, wrong_type))


def test_scripted_usage_sets_the_split(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script({"text": "ok", "usage": {"cacheDetails": [{"ttl": "1h", "inputTokens": 40}]}})
    usage = usage_of(client, [{"text": TOOLS}, point()])
    assert usage["cacheWriteInputTokens"] == 40
    assert usage["cacheDetails"] == [{"ttl": "1h", "inputTokens": 40}]
    with pytest.raises(ValueError, match="add up to 40, not to cacheWriteInputTokens 41"):
        UsageOverride.model_validate({"cacheWriteInputTokens": 41, "cacheDetails": [{"ttl": "1h", "inputTokens": 40}]})


def test_langchain_reads_the_ttl_split(timed: tuple[Any, Clock], clocked: tuple[LocalBedrock, Clock]) -> None:
    bedrock, clock = clocked
    llm = ChatBedrockConverse(  # type: ignore[call-arg]  # `model` is the documented alias of model_id
        model=HAIKU, endpoint_url=bedrock.url, region_name="us-east-1", **CREDENTIALS
    )
    system = SystemMessage([{"type": "text", "text": TOOLS}, point("1h"), {"type": "text", "text": RULES}, point("5m")])
    messages = [system, HumanMessage("Price of Haiku?")]
    first = llm.invoke(messages).usage_metadata
    assert bedrock.requests[-1].body["system"][1] == point("1h")
    clock.now += 600
    second = llm.invoke(messages).usage_metadata
    assert first is not None and second is not None
    long, short = estimate_tokens(TOOLS), estimate_tokens(RULES)
    assert first["input_token_details"] == {
        "cache_read": 0,
        "cache_creation": 0,
        "ephemeral_5m_input_tokens": short,
        "ephemeral_1h_input_tokens": long,
    }
    assert second["input_token_details"] == {
        "cache_read": long,
        "cache_creation": 0,
        "ephemeral_5m_input_tokens": short,
    }
    assert first["input_tokens"] == second["input_tokens"]


def test_bedrock_chat_model_reports_the_served_tier_and_the_1_hour_writes(
    timed: tuple[Any, Clock], clocked: tuple[LocalBedrock, Clock]
) -> None:
    client, _ = timed
    bedrock, _ = clocked
    bedrock.set_behaviour("nova-2-lite", {"serve_tier": {"priority": "default"}})
    model = BedrockChatModel(client, "us-east-1")
    system = SystemMessage([{"type": "text", "text": TOOLS}, point("1h"), {"type": "text", "text": RULES}, point()])
    request = ModelRequest(
        model_key="claude-haiku-4-5",
        model_id=HAIKU,
        messages=[system, HumanMessage("Price of Haiku?")],
        max_tokens=200,
        metadata={"team": "T1"},
        service_tier="default",
    )
    pieces: list[str] = []
    done = model.complete(request, pieces.append)
    assert bedrock.requests[-1].service_tier == "default"
    assert done.served_tier == "default"
    assert done.usage.cache_write_1h_tokens == estimate_tokens(TOOLS)
    assert done.usage.cache_write_tokens == estimate_tokens(RULES)
    assert done.usage.input_tokens == MESSAGE_OVERHEAD + estimate_tokens("Price of Haiku?")
    assert done.text == "".join(pieces)
    flex = ModelRequest(
        model_key="nova-2-lite",
        model_id="us.amazon.nova-2-lite-v1:0",
        messages=[HumanMessage("Priority please")],
        max_tokens=200,
        metadata={"team": "T1"},
        service_tier="priority",
    )
    assert model.complete(flex, pieces.append).served_tier == "default"  # priority over capacity
