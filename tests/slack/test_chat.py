"""Chatting through the real Bolt app: signed payloads → local Slack mock, boto3/langchain-aws → local Bedrock
endpoint, memory in real Redis. Streaming, try threads, compare (with its confirmation), reset, failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.bedrock_local import LocalBedrock
from handlers.ids import COMPARE_CANCEL, COMPARE_CONFIRM
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call


def streamed(calls: list[Call]) -> str:
    """The text sent to Slack streams (start, append and stop carry it), as Slack would show it."""
    parts = []
    for c in calls:
        if c.method in ("chat.startStream", "chat.appendStream", "chat.stopStream"):
            parts.append(str(c.params.get("markdown_text") or ""))
            chunks = c.json_param("chunks") or []
            parts.extend(str(ch.get("text", "")) for ch in chunks if isinstance(ch, dict))
    return "".join(parts)


def stop_blocks(calls: list[Call]) -> str:
    return " ".join(blocks_text(c.json_param("blocks") or []) for c in calls if c.method == "chat.stopStream")


def model_calls(bedrock: LocalBedrock) -> list[Any]:
    return [r for r in bedrock.requests if r.operation in ("converse", "converse_stream")]


def test_a_free_form_mention_streams_the_assistant_answer_with_a_footer(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.event(sr.app_mention("<@U0BOT> RAG 파이프라인 설계할 때 주의할 점은?", ts="1690000001.000100"))
    calls = harness.drain()
    start = [c for c in calls if c.method == "chat.startStream"]
    assert start and start[0].params["thread_ts"] == "1690000001.000100"
    assert start[0].params["recipient_user_id"] == "U123" and start[0].params["recipient_team_id"] == "T0001"
    text = streamed(calls)
    assert text.startswith("[로컬 Amazon Nova Lite]")
    footer = stop_blocks(calls)
    assert "Amazon Nova Lite" in footer and "토큰" in footer and "$" in footer and "가격 기준일" in footer
    [request] = model_calls(local_bedrock)
    assert request.body["requestMetadata"] == {
        "team": "T0001", "channel": "C123", "user": "U123", "feature": "assistant"
    }
    assert "toolConfig" in request.body  # the catalog tools


def test_try_opens_a_thread_bound_to_the_model_and_replies_continue_it(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    response = harness.command("try nova-pro 한 줄로 자기소개 해줘")
    assert response.status == 200 and not response.body
    calls = harness.drain()
    [root] = [c for c in calls if c.method == "chat.postMessage"]
    assert root.params["channel"] == "C123" and "thread_ts" not in root.params
    assert "Amazon Nova Pro" in blocks_text(root.json_param("blocks"))
    [start] = [c for c in calls if c.method == "chat.startStream"]
    root_ts = str(start.params["thread_ts"])
    assert root_ts != "" and calls.index(root) < calls.index(start)
    assert streamed(calls).startswith("[로컬 Amazon Nova Pro]")
    # a reply in the thread, no mention: the same model, with the history
    harness.slack.reset()
    harness.event(sr.message("more please", thread_ts=root_ts))
    calls = harness.drain()
    assert streamed(calls).startswith("[local Amazon Nova Pro]")
    last = model_calls(local_bedrock)[-1]
    assert last.model_key == "nova-pro"
    assert [m["role"] for m in last.body["messages"]] == ["user", "assistant", "user"]
    assert last.body["requestMetadata"]["feature"] == "chat"


def test_try_with_a_korean_flex_flag_asks_bedrock_for_flex_and_the_footer_says_so(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.command("try --플렉스 gpt-oss-120b 한 줄로 자기소개 해줘", name="flex")
    calls = harness.drain()
    [request] = model_calls(local_bedrock)
    assert request.model_key == "gpt-oss-120b" and request.body["serviceTier"] == {"type": "flex"}
    footer = stop_blocks(calls)
    assert "버지니아 북부 리전 내 · Flex" in footer and "$" in footer


def test_try_with_a_tier_the_model_lacks_is_refused_before_the_thread_opens(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.command("try --priority nova-lite hello there", name="nope")
    calls = harness.drain()
    assert not [c for c in calls if c.method == "chat.postMessage"] and model_calls(local_bedrock) == []
    [reply] = [c for c in calls if c.method == "response_url"]
    assert "no Priority price" in str(reply.params.get("text")) + blocks_text(reply.params.get("blocks") or [])


def test_try_in_a_channel_the_bot_cannot_post_in_says_how_to_fix_it(harness: Harness) -> None:
    harness.slack.queue_response("chat.postMessage", body={"ok": False, "error": "not_in_channel"})
    harness.command("try nova-lite hello there", name="t")
    calls = harness.drain()
    [reply] = [c for c in calls if c.method == "response_url"]
    assert "/invite" in str(reply.params.get("text"))


def test_compare_shows_each_model_and_a_summary(harness: Harness, local_bedrock: LocalBedrock) -> None:
    local_bedrock.add_fault(kind="throttle", model="claude-3-haiku")
    harness.command("compare nova-micro,nova-lite,claude-3-haiku Say hello in Korean", name="cmp")
    calls = harness.drain()
    [reply] = [c for c in calls if c.method == "response_url"]
    text = blocks_text(reply.params["blocks"])
    for name in ("Amazon Nova Micro", "Amazon Nova Lite", "Claude 3 Haiku"):
        assert name in text
    assert "[local Amazon Nova Micro]" in text and "throttled" in text
    assert "Fastest" in text and "Cheapest" in text
    assert reply.params.get("response_type") == "ephemeral"


def test_a_costly_compare_asks_first_and_runs_once_on_confirm(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(compare_confirm_usd="0.0001")
    harness.command("compare claude-3-7-sonnet,nova-pro Explain Bedrock in one line", name="ask")
    calls = harness.drain()
    [estimate] = [c for c in calls if c.method == "response_url"]
    assert model_calls(local_bedrock) == []  # nothing ran yet
    buttons = [e for b in estimate.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    confirm = next(b for b in buttons if b["action_id"] == COMPARE_CONFIRM)
    assert "up to $" in blocks_text(estimate.params["blocks"])
    harness.slack.reset()
    harness.action(sr.button_action(COMPARE_CONFIRM, confirm["value"]), name="confirm")
    calls = harness.drain()
    [result] = [c for c in calls if c.method == "response_url"]
    assert result.params.get("replace_original") in (True, "true")
    assert "Claude 3.7 Sonnet" in blocks_text(result.params["blocks"]) and len(model_calls(local_bedrock)) == 2
    harness.slack.reset()
    harness.action(sr.button_action(COMPARE_CONFIRM, confirm["value"]), name="again")
    [again] = [c for c in harness.drain() if c.method == "response_url"]
    assert "만료되었거나 이미 실행되었습니다" in str(again.params["text"])  # no language to go by: the default
    assert len(model_calls(local_bedrock)) == 2


def test_cancel_drops_the_pending_compare(make_harness: Callable[..., Harness], local_bedrock: LocalBedrock) -> None:
    harness = make_harness(compare_confirm_usd="0")
    harness.command("compare nova-micro,nova-lite 안녕", name="ask")
    [estimate] = [c for c in harness.drain() if c.method == "response_url"]
    buttons = [e for b in estimate.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    pending = next(b for b in buttons if b["action_id"] == COMPARE_CANCEL)["value"]
    harness.action(sr.button_action(COMPARE_CANCEL, pending), name="cancel")
    harness.drain()
    assert harness.services.pending.take(pending, team="T0001", user="U123").outcome == "gone"
    assert model_calls(local_bedrock) == []


def test_reset_in_a_thread_forgets_the_conversation(harness: Harness, local_bedrock: LocalBedrock) -> None:
    harness.event(sr.app_mention("<@U0BOT> nova-micro: 안녕", ts="1690000002.000100"))
    harness.drain()
    harness.event(sr.message("초기화", thread_ts="1690000002.000100"))
    harness.drain()
    harness.event(sr.message("RAG 파이프라인 설계할 때 주의할 점은?", thread_ts="1690000002.000100"))
    harness.drain()
    last = model_calls(local_bedrock)[-1]
    assert last.model_key == "nova-lite" and len(last.body["messages"]) == 1  # unbound, no history
    assert any("지웠습니다" in blocks_text(c.json_param("blocks") or []) for c in harness.slack.calls_to(
        "chat.postMessage"))


def test_when_bedrock_keeps_throttling_the_thread_says_so_in_the_users_language(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(model_retries=1, fallback_models="nova-micro")
    local_bedrock.add_fault(kind="throttle")
    harness.event(sr.app_mention("<@U0BOT> nova-lite: 이 문장 요약해줘", ts="1690000003.000100"))
    calls = harness.drain()
    shown = " ".join(blocks_text(c.json_param("blocks") or []) for c in calls if c.json_param("blocks"))
    assert "모델이 답하지 못했습니다" in shown and "Amazon Nova Micro" in shown
    assert len(model_calls(local_bedrock)) == 4


def test_without_the_stream_api_the_answer_arrives_by_chat_update(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.slack.set_response("chat.startStream", {"ok": False, "error": "unknown_method"})
    harness.event(sr.app_mention("<@U0BOT> nova-lite: hello", ts="1690000004.000100"), team_id="T0STREAMLESS")
    calls = harness.drain()
    updates = [c for c in calls if c.method == "chat.update"]
    assert updates and "[local Amazon Nova Lite]" in blocks_text(updates[-1].json_param("blocks"))
    assert "Amazon Nova Lite" in blocks_text(updates[-1].json_param("blocks"))  # the footer
