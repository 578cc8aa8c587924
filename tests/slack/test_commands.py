"""`/bedrock` through the real Bolt app: ephemeral answers via the response_url, sharing, usage lines, Korean
aliases, the settings and admin subcommands, access control."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr


def replies(harness: Harness) -> list[dict[str, Any]]:
    return [c.params for c in harness.drain() if c.method == "response_url"]


def one_reply(harness: Harness, text: str, **kw: Any) -> dict[str, Any]:
    """The one response_url reply to `/bedrock text` (the mock forgets earlier calls first)."""
    harness.drain()
    harness.slack.reset()
    response = harness.command(text, **kw)
    assert response.status == 200 and not response.body  # acked at once, nothing shown until the answer
    [reply] = replies(harness)
    return reply


def test_price_is_ephemeral_with_a_table_and_a_share_button(harness: Harness) -> None:
    reply = one_reply(harness, "price nova-pro")
    assert reply["response_type"] == "ephemeral"
    text = blocks_text(reply["blocks"])
    assert "Amazon Nova Pro — prices" in text and "```" in text and "$0.80" in text
    share = [
        e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "bra_share"
    ]
    assert share and share[0]["value"] == "price nova-pro"


def test_korean_alias_replies_in_korean_and_share_posts_in_channel(harness: Harness) -> None:
    reply = one_reply(harness, "가격 nova-pro 서울 공유")
    assert reply["response_type"] == "in_channel"
    assert "가격" in blocks_text(reply["blocks"])
    assert "bra_share" not in str(reply["blocks"])  # already public


def test_wrong_arguments_get_the_usage_line(harness: Harness) -> None:
    assert "Usage: `/bedrock cost &lt;model&gt;" in one_reply(harness, "cost nova-pro")["text"]  # mrkdwn: escaped


def test_unknown_model_gets_closest_names_and_no_number(harness: Harness) -> None:
    reply = one_reply(harness, "price nova-prp-max")
    assert reply["response_type"] == "ephemeral"
    assert "not in the catalog" in reply["text"] and "$" not in reply["text"]


def test_unknown_subcommand_lists_every_subcommand(harness: Harness) -> None:
    text = one_reply(harness, "pricez nova")["text"]
    assert "Unknown subcommand: 'pricez'" in text
    for sub in ("price", "cost", "compare", "recommend", "try", "model", "reset", "usage"):
        assert sub in text


def test_empty_command_shows_help(harness: Harness) -> None:
    assert "/bedrock price" in blocks_text(one_reply(harness, "")["blocks"])


def test_try_checks_its_arguments(harness: Harness) -> None:
    usage = "Usage: `/bedrock try [--flex|--priority] &lt;model&gt; &lt;prompt&gt;`"
    assert usage in one_reply(harness, "try nova-pro", name="a")["text"]
    assert "not in the catalog" in one_reply(harness, "try gpt-9 hello there", name="b")["text"]
    assert "not a chat (text) model" in one_reply(harness, "try titan-embed-text-v2 hello", name="c")["text"]


def test_model_sets_the_users_default_in_redis(harness: Harness) -> None:
    reply = one_reply(harness, "model claude 3 haiku")
    assert "Claude 3 Haiku" in blocks_text(reply["blocks"])
    assert harness.services.redis.hget("bra:user:T0001:U123", "model") == "claude-3-haiku"
    listing = blocks_text(one_reply(harness, "model")["blocks"])
    assert "You: Claude 3 Haiku" in listing and "Workspace default: Amazon Nova Lite" in listing


def test_channel_default_and_status_are_for_admins_only(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"admins": ["UADMIN"]})
    refused = one_reply(harness, "model nova-pro channel")
    assert "bot admins only" in refused["text"]
    assert harness.services.redis.hget("bra:channel:T0001:C123", "model") is None
    one_reply(harness, "model nova-pro channel", user="UADMIN")
    assert harness.services.redis.hget("bra:channel:T0001:C123", "model") == "nova-pro"
    assert "bot admins only" in one_reply(harness, "status")["text"]
    status = blocks_text(one_reply(harness, "status", user="UADMIN")["blocks"])
    assert "Redis: OK" in status and "prices as of 2025-03-06" in status


def test_access_policy_refuses_denied_channels_and_other_workspaces(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"workspaces": ["T0001"], "channels": {"deny": ["CBAD"]}})
    assert "not enabled in this channel" in one_reply(harness, "price nova-pro", channel="CBAD", name="a")["text"]
    assert "not enabled for this workspace" in one_reply(harness, "price nova-pro", team_id="T9999", name="b")["text"]
    assert one_reply(harness, "price nova-pro", name="c")["response_type"] == "ephemeral"


def test_mention_in_a_denied_channel_gets_the_refusal_in_the_thread(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"channels": {"allow": ["CGOOD"]}})
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격", channel="COTHER", ts="1690000000.000900"))
    [post] = [c.params for c in harness.drain() if c.method == "chat.postMessage"]
    assert post["thread_ts"] == "1690000000.000900" and "이 채널에서는" in post["text"]
    harness.event(sr.message("그럼 Claude는?", channel="COTHER", thread_ts="1690000000.000900"))
    assert len([c for c in harness.drain() if c.method == "chat.postMessage"]) == 1  # no refusal for each reply
