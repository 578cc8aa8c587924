"""One chat turn on the real stack: boto3/langchain-aws → local Bedrock endpoint, memory in real Redis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
import redis

from bot.bedrock_local import LocalBedrock, ScriptedReply
from bot.chat.asks import ChatAsk
from bot.chat.cost import call_cost
from bot.errors import AccessDenied, InputError, ModelUnavailable
from bot.services import Services
from bot.store import keys
from tests.chat.conftest import CALLER


def ask(text: str = "Explain prompt caching in one line.", **kw: object) -> ChatAsk:
    return ChatAsk(text=text, lang="en", **kw)  # type: ignore[arg-type]


def converse_calls(bedrock: LocalBedrock, feature: str | None = None) -> list[dict[str, object]]:
    calls = [r.body for r in bedrock.requests if r.operation in ("converse", "converse_stream")]
    return [b for b in calls if feature is None or b.get("requestMetadata", {}).get("feature") == feature]


def test_a_turn_streams_prices_remembers_and_tags_the_call(services: Services, local_bedrock: LocalBedrock,
                                                           redis_client: redis.Redis) -> None:
    pieces: list[str] = []
    result = services.chat.turn(CALLER, ask(), pieces.append)

    # in order, nothing lost (a short answer comes in one piece: the output guardrails hold back the last
    # characters until they cannot be part of a sensitive value; tests/chat/test_guardrails.py streams a long one)
    assert pieces and "".join(pieces) == result.text
    assert result.text.startswith("[local Amazon Nova Lite]") and result.model == "nova-lite"
    usage = result.usage
    assert usage.output_tokens > 0 and usage.prompt_tokens > 0 and usage.ttft_ms is not None
    assert result.cost == call_cost(services.engine.catalog, "nova-lite", "us-east-1", usage)
    assert result.cost.usd is not None and result.cost.usd > 0 and result.cost.as_of is not None
    body = converse_calls(local_bedrock)[0]
    assert body["requestMetadata"] == {"team": "T1", "channel": "C1", "user": "U1", "feature": "chat"}
    # role-structured memory with a TTL, not flattened text
    stored = redis_client.lrange(keys.turns("T1", "C1", CALLER.thread_ts or ""), 0, -1)
    assert [t.split('"role": "')[1][:4] for t in stored] == ["user", "assi"]
    ttl = redis_client.ttl(keys.turns("T1", "C1", CALLER.thread_ts or ""))
    assert 0 < ttl <= services.settings.chat.memory_ttl_days * 86400


def test_the_second_turn_sends_the_history_as_turns_with_cache_points(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    first = services.chat.turn(CALLER, ask("What is Bedrock?"), lambda _: None)
    second = services.chat.turn(CALLER, ask("And Converse?"), lambda _: None)

    body = converse_calls(local_bedrock)[-1]
    messages = body["messages"]
    assert isinstance(messages, list)
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[0]["content"][0]["text"] == "What is Bedrock?"
    assert messages[1]["content"][0]["text"] == first.text
    # Nova Lite supports prompt caching: cache points after the system prompt and after the history
    assert {"cachePoint": {"type": "default"}} in body["system"]
    assert messages[1]["content"][-1] == {"cachePoint": {"type": "default"}}
    assert second.usage.cache_read_tokens + second.usage.cache_write_tokens > 0
    # the next turn reads back what this one wrote: the history up to the previous turn comes from the cache
    third = services.chat.turn(CALLER, ask("And streaming?"), lambda _: None)
    assert third.usage.cache_read_tokens >= second.usage.cache_read_tokens + second.usage.cache_write_tokens
    assert len([b for m in converse_calls(local_bedrock)[-1]["messages"] for b in m["content"]  # type: ignore[union-attr]
                if "cachePoint" in b]) == 2


def test_models_without_prompt_caching_get_no_cache_points(services: Services, local_bedrock: LocalBedrock) -> None:
    services.chat.turn(CALLER, ask(named="titan-text-express", bind=True), lambda _: None)
    services.chat.turn(CALLER, ask("again"), lambda _: None)
    assert "cachePoint" not in str(converse_calls(local_bedrock)[-1])


def test_trimming_folds_old_turns_into_a_model_summary_and_tells_the_user_once(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(history_tokens=900)
    long = "Please remember the quarterly budget figures for the platform team in detail. " * 12
    notices = []
    for i in range(8):
        result = services.chat.turn(CALLER, ask(f"{i}: {long}"), lambda _: None)
        notices.append(result.notices)
    told = [n for n in notices if any("summary" in x for x in n)]
    assert len(told) == 1  # told once, not on every turn
    summaries = converse_calls(local_bedrock, "summary")
    assert summaries and all(b.get("requestMetadata", {}).get("user") == "U1" for b in summaries)
    last = converse_calls(local_bedrock, "chat")[-1]
    assert "이전 대화 요약" in str(last["system"])  # system prompts are in the deployment language (ko)
    sent = sum(len(str(m["content"][0]["text"])) for m in last["messages"])  # type: ignore[index]
    assert sent < 8 * len(long)  # the history was trimmed
    state = services.memory.load(services.chat.thread_ref(CALLER))
    assert state.folded > 0 and state.summary and state.turns[0].role == "user"


def test_without_a_summary_model_the_summary_is_extractive(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(history_tokens=600, summary_model="none")
    for i in range(6):
        services.chat.turn(CALLER, ask(f"Topic {i}. " + "Details follow here. " * 30), lambda _: None)
    assert converse_calls(local_bedrock, "summary") == []
    state = services.memory.load(services.chat.thread_ref(CALLER))
    assert "- User: Topic 0." in state.summary


def test_a_failing_summary_model_falls_back_to_an_extractive_summary(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(history_tokens=600, model_retries=0)
    local_bedrock.add_fault(kind="server_error", model="nova-micro")
    for i in range(6):
        result = services.chat.turn(CALLER, ask(f"Topic {i}. " + "Details follow here. " * 30), lambda _: None)
        assert result.ok
    assert "- User: Topic 0." in services.memory.load(services.chat.thread_ref(CALLER)).summary


def test_a_message_no_context_window_can_hold_is_refused_before_any_call(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    with pytest.raises(InputError) as err:
        services.chat.turn(CALLER, ask("word " * 40_000, named="titan-text-lite"), lambda _: None)
    assert "context window" in err.value.message("en")
    assert converse_calls(local_bedrock) == []


def test_reset_forgets_the_thread_and_its_model(services: Services) -> None:
    services.chat.turn(CALLER, ask(named="nova-pro", bind=True), lambda _: None)
    assert services.chat.bound_model(CALLER) == "nova-pro"
    assert services.chat.reset(CALLER) == CALLER.thread_ts
    assert services.chat.bound_model(CALLER) is None
    assert services.memory.load(services.chat.thread_ref(CALLER)).turns == ()
    # a slash command has no thread: it resets the caller's latest chat in the channel
    services.chat.turn(CALLER, ask(), lambda _: None)
    assert services.chat.reset(replace(CALLER, thread_ts=None)) == CALLER.thread_ts
    assert services.chat.reset(replace(CALLER, thread_ts=None)) is None


# -- model resolution and access -------------------------------------------------------------------------------


def test_model_resolution_most_specific_first(services: Services) -> None:
    chat, prefs = services.chat, services.prefs
    assert chat.choose(CALLER, None).key == "nova-lite"  # workspace default
    prefs.set_channel_model(team="T1", channel="C1", model="nova-micro")
    assert chat.choose(CALLER, None).key == "nova-micro"
    prefs.set_user_model(team="T1", user="U1", model="claude-3-haiku")
    assert chat.choose(CALLER, None).key == "claude-3-haiku"
    assert chat.choose(CALLER, None, thread_model="nova-pro").key == "nova-pro"
    assert chat.choose(CALLER, "claude-3-5-haiku", thread_model="nova-pro").key == "claude-3-5-haiku"


def test_the_access_policy_limits_models_per_user(make_services: Callable[..., Services]) -> None:
    services = make_services(
        access={"admins": ["UADMIN"], "models": {"deny": ["claude-3-opus"], "restricted": {"nova-pro": ["U2"]}}}
    )
    chat = services.chat
    with pytest.raises(AccessDenied) as err:
        chat.choose(CALLER, "claude-3-opus")
    assert "not allowed" in err.value.message("en") and "nova-lite" in err.value.message("en")
    with pytest.raises(AccessDenied):
        chat.choose(CALLER, "nova-pro")
    assert chat.choose(replace(CALLER, user="U2"), "nova-pro").key == "nova-pro"
    assert chat.choose(replace(CALLER, user="UADMIN"), "nova-pro").key == "nova-pro"
    # a default the policy refuses is skipped quietly (the next level answers)
    services.prefs.set_user_model(team="T1", user="U1", model="nova-pro")
    assert chat.choose(CALLER, None).key == "nova-lite"


# -- reliability -----------------------------------------------------------------------------------------------


def test_throttling_is_retried_on_the_same_model(services: Services, local_bedrock: LocalBedrock) -> None:
    local_bedrock.add_fault(kind="throttle", count=2, model="nova-lite")
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.model == "nova-lite" and result.notices == ()
    assert len(converse_calls(local_bedrock)) == 3


def test_after_the_retries_the_fallback_chain_answers_and_the_user_is_told(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="claude-3-haiku,nova-micro")
    local_bedrock.add_fault(kind="throttle", model="nova-pro")
    local_bedrock.add_fault(kind="server_error", status=503, model="claude-3-haiku")
    result = services.chat.turn(CALLER, ask(named="nova-pro"), lambda _: None)
    assert result.requested == "nova-pro" and result.model == "nova-micro"
    assert any("Nova Pro did not answer" in n and "Nova Micro answered" in n for n in result.notices)
    assert result.cost == call_cost(services.engine.catalog, "nova-micro", "us-east-1", result.usage)


def test_a_timeout_counts_as_a_failure_and_falls_back(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_timeout_s=0.3, model_retries=0, fallback_models="nova-micro")
    local_bedrock.add_fault(kind="timeout", seconds=2, model="nova-lite")
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.model == "nova-micro"


def test_when_no_model_answers_the_error_names_what_was_tried(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro", model_retries=1)
    local_bedrock.add_fault(kind="throttle")
    with pytest.raises(ModelUnavailable) as err:
        services.chat.turn(CALLER, ask(), lambda _: None)
    text = err.value.message("ko")
    assert "Amazon Nova Lite" in text and "Amazon Nova Micro" in text and "스로틀링" in text
    assert len(converse_calls(local_bedrock)) == 4  # 2 attempts × 2 models: bounded


def test_an_exception_mid_stream_keeps_the_partial_text_and_reported_usage(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.add_fault(kind="stream_exception", after_tokens=6, count=1)
    pieces: list[str] = []
    result = services.chat.turn(CALLER, ask(), pieces.append)
    assert result.interrupted and result.text and result.text == "".join(pieces)
    assert result.usage.output_tokens > 0 and result.usage.estimated  # no metadata event came: estimated, marked
    assert len(converse_calls(local_bedrock)) == 1  # text was shown: never retried
    state = services.memory.load(services.chat.thread_ref(CALLER))
    assert state.turns[-1].text == result.text  # the partial answer is remembered as what was said


def test_with_redis_down_the_turn_still_answers_and_says_so(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    services = make_services(client=dead)
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.ok and result.text
    assert any("without the conversation's memory" in n for n in result.notices)


# -- the catalog assistant ---------------------------------------------------------------------------------------


def test_the_assistant_answers_with_numbers_from_the_catalog_tools(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.script(ScriptedReply.tool("get_price", {"model": "nova-pro", "region": "us-east-1"}))
    local_bedrock.script("Nova Pro costs $0.80 per 1M input tokens (catalog).")
    result = services.chat.turn(CALLER, ask("which is a good model for long documents?", feature="assistant",
                                            tools=True), lambda _: None)
    assert result.text.endswith("(catalog).") and result.feature == "assistant"
    calls = converse_calls(local_bedrock)
    assert len(calls) == 2
    assert [t["toolSpec"]["name"] for t in calls[0]["toolConfig"]["tools"]] == [  # type: ignore[index]
        "search_models", "get_price", "estimate_cost", "compare_models"
    ]
    tool_result = calls[1]["messages"][-1]["content"][0]["toolResult"]  # type: ignore[index]
    shown = str(tool_result["content"])
    assert tool_result["status"] == "success" and "Nova Pro" in shown and "0.80" in shown  # the catalog's price
    first, second = calls[0]["requestMetadata"], calls[1]["requestMetadata"]
    assert first == second and first["feature"] == "assistant"  # type: ignore[index]
    assert result.usage.output_tokens > 0


def test_a_tool_error_goes_back_to_the_model_as_an_error_result(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.script(ScriptedReply.tool("get_price", {"model": "gpt-9"}))
    local_bedrock.script("That model is not in the catalog.")
    result = services.chat.turn(CALLER, ask("gpt-9?", feature="assistant", tools=True), lambda _: None)
    tool_result = converse_calls(local_bedrock)[1]["messages"][-1]["content"][0]["toolResult"]  # type: ignore[index]
    assert tool_result["status"] == "error" and "gpt-9" in str(tool_result["content"])
    assert result.ok


def test_cost_uses_cache_prices(services: Services) -> None:
    from bot.chat.types import Usage

    catalog = services.engine.catalog
    plain = call_cost(catalog, "nova-lite", "us-east-1", Usage(input_tokens=1000, output_tokens=0)).usd
    cached = call_cost(catalog, "nova-lite", "us-east-1", Usage(cache_read_tokens=1000)).usd
    assert plain is not None and cached is not None and cached < plain
    assert call_cost(catalog, "nova-lite", "xx-nowhere-1", Usage(input_tokens=5)).usd is None
    assert plain == Decimal("0.00006")
