"""The access policy on every surface, through the real Bolt app: App Home and its picker, the assistant panel,
votes, model defaults, `/bedrock try`, a costly compare's Run / Cancel, the length limit and the Share button.
Each refusal is what Slack receives (a refusal view, an ephemeral message), and Redis holds nothing for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.bedrock_local import LocalBedrock
from handlers.ids import COMPARE_CANCEL, COMPARE_CONFIRM, FEEDBACK_UP, HOME_DEFAULT_MODEL, SHARE
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call

ONLY_T0001 = {"workspaces": ["T0001"]}
VOTE = json.dumps({"model": "nova-pro", "feature": "chat"})
ANSWER_TS = "1700000000.000100"


def params(harness: Harness, method: str) -> list[dict[str, Any]]:
    return [c.params for c in harness.drain() if c.method == method]


def view_of(published: dict[str, Any]) -> dict[str, Any]:
    view = published["view"]
    return view if isinstance(view, dict) else json.loads(view)


def model_calls(bedrock: LocalBedrock) -> list[Any]:
    return [r for r in bedrock.requests if r.operation in ("converse", "converse_stream")]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


# -- a workspace (or channel) the policy refuses --------------------------------------------------------------------
def test_app_home_in_another_workspace_shows_only_the_refusal(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(ONLY_T0001)
    harness.services.prefs.set_user_model(team="T9999", user="U123", model="nova-pro")  # e.g. from before
    harness.event(sr.app_home_opened(), team_id="T9999")
    [published] = params(harness, "views.publish")
    view = view_of(published)
    assert published["user_id"] == "U123"
    assert "이 워크스페이스에서는 Bedrock Assistant를 사용할 수 없습니다" in blocks_text(view["blocks"])
    assert not [b for b in view["blocks"] if b["type"] == "actions"]  # no picker
    assert "Nova Pro" not in blocks_text(view["blocks"])  # no examples, no default, no usage


def test_app_home_is_outside_any_channel_so_dms_off_still_shows_it(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"workspaces": ["T0001"], "direct_messages": False, "channels": {"allow": ["CGOOD"]}})
    harness.event(sr.app_home_opened())
    [published] = params(harness, "views.publish")
    assert [b for b in view_of(published)["blocks"] if b["type"] == "actions"]  # the picker: the full home view


def test_app_home_picker_in_another_workspace_saves_nothing(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(ONLY_T0001)
    harness.action(sr.select_action(HOME_DEFAULT_MODEL, "nova-pro"), view={"id": "V1"}, team_id="T9999")
    [published] = params(harness, "views.publish")
    view = view_of(published)
    assert "이 워크스페이스에서는 Bedrock Assistant를 사용할 수 없습니다" in blocks_text(view["blocks"])
    assert not [b for b in view["blocks"] if b["type"] == "actions"]
    assert harness.services.redis.keys("bra:user:*") == []


def test_the_assistant_panel_in_another_workspace_gets_the_refusal_not_the_greeting(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(ONLY_T0001)
    harness.event(sr.assistant_thread_started(), team_id="T9999")
    calls = harness.drain()
    [post] = [c.params for c in calls if c.method == "chat.postMessage"]
    assert "이 워크스페이스에서는" in post["text"] and "2025-03-06" not in post["text"]  # not the greeting
    assert not [c for c in calls if c.method == "assistant.threads.setSuggestedPrompts"]


def test_the_assistant_panel_with_dms_off_gets_the_refusal_and_no_status_or_title(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness({"direct_messages": False})
    harness.event(sr.assistant_thread_started(channel="D123"))
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", thread_ts="1700000000.000001"))
    calls = harness.drain()
    posts = [c.params for c in calls if c.method == "chat.postMessage"]
    assert len(posts) == 2 and all("DM에서는 사용할 수 없습니다" in p["text"] for p in posts)
    shown = {c.method for c in calls}
    assert not shown & {
        "assistant.threads.setSuggestedPrompts",
        "assistant.threads.setStatus",
        "assistant.threads.setTitle",
    }
    assert harness.services.redis.keys("bra:title:*") == [] and model_calls(local_bedrock) == []


def test_votes_from_another_workspace_or_a_denied_channel_are_refused_and_not_stored(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness({"workspaces": ["T0001"], "channels": {"deny": ["CBAD"]}})
    harness.action(sr.button_action(FEEDBACK_UP, VOTE), team_id="T9999", message={"ts": ANSWER_TS}, name="a")
    harness.action(sr.button_action(FEEDBACK_UP, VOTE), channel="CBAD", message={"ts": ANSWER_TS}, name="b")
    replies = params(harness, "response_url")
    assert len(replies) == 2 and all(r["response_type"] == "ephemeral" for r in replies)
    assert "이 워크스페이스에서는" in replies[0]["text"] and "이 채널에서는" in replies[1]["text"]
    assert harness.services.redis.keys("bra:fb*") == []
    harness.action(sr.button_action(FEEDBACK_UP, VOTE), message={"ts": ANSWER_TS}, name="c")  # allowed: counted
    assert "기록했어요" in params(harness, "response_url")[-1]["text"]
    assert harness.services.redis.keys("bra:fb:*") == [f"bra:fb:T0001:C123:{ANSWER_TS}"]


# -- models the policy refuses ----------------------------------------------------------------------------------
MODELS = {"admins": ["UADMIN"], "models": {"deny": ["claude-3-opus"], "restricted": {"nova-pro": ["UVIP"]}}}


def test_a_denied_or_restricted_model_is_refused_as_a_default_when_it_is_set(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(MODELS)
    harness.command("model claude 3 opus", name="a")
    harness.command("model nova-pro", name="b")  # restricted, and U123 is not on its list
    harness.command("model nova-pro channel", user="UADMIN", name="c")  # a channel's default is everybody's
    replies = params(harness, "response_url")
    assert len(replies) == 3 and all(r["response_type"] == "ephemeral" for r in replies)
    texts = [r["text"] for r in replies]  # the three commands run at once: their replies come in any order
    assert any("Claude 3 Opus" in t and "not allowed by this workspace's policy" in t for t in texts), texts
    assert any("Amazon Nova Pro" in t and "not allowed" in t and "restricted" not in t for t in texts), texts
    assert any("restricted to some users" in t for t in texts), texts
    assert harness.services.redis.keys("bra:user:*") == [] and harness.services.redis.keys("bra:channel:*") == []
    harness.command("model nova-pro", user="UVIP", name="d")  # on the list: saved
    harness.drain()
    assert harness.services.redis.hget("bra:user:T0001:UVIP", "model") == "nova-pro"


def test_the_app_home_picker_offers_and_saves_only_allowed_models(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(MODELS)
    harness.event(sr.app_home_opened())
    [published] = params(harness, "views.publish")
    view = view_of(published)
    [picker] = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    offered = {o["value"] for o in picker["options"]}
    assert "nova-lite" in offered and not offered & {"claude-3-opus", "nova-pro"}
    harness.slack.reset()
    harness.action(sr.select_action(HOME_DEFAULT_MODEL, "claude-3-opus"), view=view)  # a forged value
    [republished] = params(harness, "views.publish")
    text = blocks_text(view_of(republished)["blocks"])
    assert "Claude 3 Opus" in text and "정책상 사용할 수 없습니다" in text  # the reason, on top of the home view
    assert [b for b in view_of(republished)["blocks"] if b["type"] == "actions"]  # and the home view itself
    assert harness.services.redis.hget("bra:user:T0001:U123", "model") is None


def test_try_with_a_denied_model_is_refused_before_anything_is_posted(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(MODELS)
    harness.command("try claude-3-opus 안녕하세요", name="a")
    harness.command("try nova-pro 안녕하세요", name="b")
    calls = harness.drain()
    assert not [c for c in calls if c.method in ("chat.postMessage", "chat.startStream")]
    replies = [c.params for c in calls if c.method == "response_url"]
    assert len(replies) == 2 and all(r["response_type"] == "ephemeral" for r in replies)
    assert "정책상 사용할 수 없습니다" in replies[0]["text"] and "Claude 3 Opus" in replies[0]["text"]
    assert model_calls(local_bedrock) == []


def test_a_mention_naming_a_denied_model_is_refused_before_the_placeholder(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(MODELS, stream_mode="update")  # update mode would post a "Thinking…" placeholder first
    harness.event(sr.app_mention("<@U0BOT> claude-3-opus: 안녕", ts="1690000003.000100"))
    calls = harness.drain()
    [post] = [c.params for c in calls if c.method == "chat.postMessage"]
    assert post["thread_ts"] == "1690000003.000100" and "정책상 사용할 수 없습니다" in post["text"]
    assert (
        not [c for c in calls if c.method in ("chat.startStream", "chat.update")] and model_calls(local_bedrock) == []
    )


# -- the length limit ---------------------------------------------------------------------------------------------
def test_a_40000_character_try_prompt_is_refused_and_never_reaches_the_model(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.command("try nova-lite " + "요약해 줘 " * 6_667)  # 40,000 characters
    calls = harness.drain()
    [reply] = [c.params for c in calls if c.method == "response_url"]
    assert reply["response_type"] == "ephemeral" and "메시지가 너무 깁니다" in reply["text"]
    assert not [c for c in calls if c.method == "chat.postMessage"] and model_calls(local_bedrock) == []


# -- a costly compare waits for its asker ----------------------------------------------------------------------
def asked_compare(harness: Harness) -> tuple[str, str]:
    """A costly compare shared in the channel by U123: (Run's pending id, Cancel's)."""
    harness.command("compare nova-micro,nova-lite 안녕 share", name="ask")
    [estimate] = params(harness, "response_url")
    assert estimate["response_type"] == "in_channel"  # everyone sees the buttons
    found = {b["action_id"]: b["value"] for b in buttons(estimate)}
    return found[COMPARE_CONFIRM], found[COMPARE_CANCEL]


def test_only_the_asker_may_run_or_cancel_a_costly_compare(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(compare_confirm_usd="0")
    run, cancel = asked_compare(harness)
    harness.slack.reset()
    harness.action(sr.button_action(COMPARE_CONFIRM, run), user="UOTHER", name="other-run")
    harness.action(sr.button_action(COMPARE_CANCEL, cancel), user="UOTHER", name="other-cancel")
    refusals = params(harness, "response_url")
    assert len(refusals) == 2
    for refusal in refusals:
        assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False  # the estimate stays
        assert "<@U123>" in refusal["text"] and "만 실행하거나 취소할 수 있습니다" in refusal["text"]
    assert model_calls(local_bedrock) == []
    harness.slack.reset()
    harness.action(sr.button_action(COMPARE_CONFIRM, run), name="asker-run")  # still waiting for its asker
    [result] = params(harness, "response_url")
    assert result["replace_original"] in (True, "true") and "Amazon Nova Micro" in blocks_text(result["blocks"])
    assert len(model_calls(local_bedrock)) == 2


# -- Share in channel ---------------------------------------------------------------------------------------------
def test_the_share_button_carries_the_masked_command_and_shares_no_raw_value(harness: Harness) -> None:
    harness.command("price nova-pro 010-1234-5678 hong.gildong@example.com")
    [reply] = params(harness, "response_url")
    [share] = [b for b in buttons(reply) if b["action_id"] == SHARE]
    assert "010-1234-5678" not in share["value"] and "hong.gildong@example.com" not in share["value"]
    assert share["value"].startswith("price nova-pro ") and "[" in share["value"]  # the masked placeholders
    harness.slack.reset()
    ephemeral = {"type": "message", "message_ts": "1700000000.000600", "channel_id": "C123", "is_ephemeral": True}
    harness.action(sr.button_action(SHARE, share["value"]), container=ephemeral)
    calls: list[Call] = harness.drain()
    public = [c.params for c in calls if c.method == "response_url" and c.params.get("response_type") == "in_channel"]
    assert len(public) == 1 and "Amazon Nova Pro" in blocks_text(public[0]["blocks"])
    assert "010-1234-5678" not in json.dumps([c.params for c in calls], ensure_ascii=False)
