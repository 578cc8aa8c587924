"""The assistant side panel, App Home and the buttons on answers, through the real Bolt app."""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import COMPARE_WITH, HOME_DEFAULT_MODEL, RUN_COMMAND, SHARE
from tests.handlers.slack_limits import MAX_VIEW_BLOCKS, assert_slack_limits
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr

THREAD = "1700000000.000001"


def calls(harness: Harness, method: str) -> list[dict[str, Any]]:
    return [c.params for c in harness.drain() if c.method == method]


def test_thread_start_greets_and_suggests_prompts_in_the_users_language(harness: Harness) -> None:
    harness.services.prefs.remember_lang(team="T0001", user="U123", lang="en")
    harness.event(sr.assistant_thread_started())
    [greeting] = calls(harness, "chat.postMessage")
    assert greeting["thread_ts"] == THREAD and "Bedrock Assistant" in greeting["text"]
    assert "2025-03-06" in greeting["text"]
    [prompts] = calls(harness, "assistant.threads.setSuggestedPrompts")
    listed = prompts["prompts"] if isinstance(prompts["prompts"], list) else json.loads(prompts["prompts"])
    assert 1 <= len(listed) <= 4 and all(p["title"] and p["message"] for p in listed)
    assert listed[0]["message"] == "How much is Nova Micro?"


def test_panel_message_shows_status_sets_title_once_and_answers_in_thread(harness: Harness) -> None:
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", thread_ts=THREAD))
    harness.drain()  # Slack delivers a thread's messages in order; the pool would otherwise race them
    harness.event(sr.message("Claude 3 Haiku 가격은?", channel="D123", channel_type="im", thread_ts=THREAD))
    statuses = calls(harness, "assistant.threads.setStatus")
    assert len(statuses) == 2 and statuses[0]["loading_messages"]
    [title] = calls(harness, "assistant.threads.setTitle")
    assert title["title"] == "Nova Pro 가격"
    answers = calls(harness, "chat.postMessage")
    assert [a["thread_ts"] for a in answers] == [THREAD, THREAD]
    assert any("Claude 3 Haiku" in blocks_text(a["blocks"]) for a in answers)


def test_app_home_shows_the_saved_default_and_the_picker_saves_a_new_one(harness: Harness) -> None:
    harness.services.prefs.set_user_model(team="T0001", user="U123", model="claude-3-haiku")
    harness.event(sr.app_home_opened())
    [published] = calls(harness, "views.publish")
    view = published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    assert_slack_limits(view["blocks"], max_blocks=MAX_VIEW_BLOCKS)
    [picker] = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert picker["action_id"] == HOME_DEFAULT_MODEL and picker["initial_option"]["value"] == "claude-3-haiku"
    assert "Nova Pro" in blocks_text(view["blocks"])  # example questions
    harness.slack.reset()
    harness.action(sr.select_action(HOME_DEFAULT_MODEL, "nova-pro"), view=view)
    [republished] = calls(harness, "views.publish")
    assert harness.services.redis.hget("bra:user:T0001:U123", "model") == "nova-pro"
    assert '"initial_option": {"text": {"type": "plain_text", "text": "Amazon Nova Pro"' in json.dumps(
        republished["view"], ensure_ascii=False
    )


def test_buttons_under_an_ephemeral_answer_answer_ephemerally(harness: Harness) -> None:
    ephemeral = {"type": "message", "message_ts": "1700000000.000200", "channel_id": "C123", "is_ephemeral": True}
    harness.action(sr.button_action(f"{RUN_COMMAND}:0", "가격 claude-3-haiku ap-northeast-2"), container=ephemeral)
    [reply] = calls(harness, "response_url")
    assert reply["response_type"] == "ephemeral" and "서울" in blocks_text(reply["blocks"])


def test_compare_with_under_a_thread_answer_posts_in_the_thread(harness: Harness) -> None:
    message = {"type": "message", "ts": "1700000000.000300", "thread_ts": "1700000000.000250", "text": "x"}
    harness.action(sr.select_action(COMPARE_WITH, "compare nova-pro,claude-3-haiku"), message=message)
    [post] = calls(harness, "chat.postMessage")
    assert post["thread_ts"] == "1700000000.000250"
    text = blocks_text(post["blocks"])
    assert "Amazon Nova Pro" in text and "Claude 3 Haiku" in text


def test_share_posts_in_channel_and_replaces_the_ephemeral_copy(harness: Harness) -> None:
    ephemeral = {"type": "message", "message_ts": "1700000000.000400", "channel_id": "C123", "is_ephemeral": True}
    harness.action(sr.button_action(SHARE, "price nova-micro"), container=ephemeral)
    public, confirmation = calls(harness, "response_url")
    assert public["response_type"] == "in_channel" and "Nova Micro" in blocks_text(public["blocks"])
    assert confirmation["replace_original"] is True and "Shared" in confirmation["text"]


def test_followup_buttons_from_a_real_answer_run(harness: Harness) -> None:
    """The buttons an answer carries are valid commands: click the first one of a recommendation."""
    harness.command("recommend seoul image input")
    [reply] = calls(harness, "response_url")
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]
    details = next(b for b in buttons if b["action_id"].startswith(RUN_COMMAND))
    harness.slack.reset()
    ephemeral = {"type": "message", "message_ts": "1700000000.000500", "channel_id": "C123", "is_ephemeral": True}
    harness.action(sr.button_action(details["action_id"], details["value"]), container=ephemeral)
    [answer] = calls(harness, "response_url")
    assert "prices" in blocks_text(answer["blocks"])
