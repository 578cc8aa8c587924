"""Replayed slash commands and interactions (the same signed request sent again within Slack's 5-minute window, or
reaching two replicas) run once; a user who runs the same command again (a new trigger_id) gets it run again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.bedrock_local import LocalBedrock
from bot.store import keys
from handlers.ids import SHARE
from tests.slack.harness import SECRET, Harness
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call


def model_calls(bedrock: LocalBedrock) -> list[Any]:
    return [r for r in bedrock.requests if r.operation in ("converse", "converse_stream")]


def threads_opened(calls: list[Call]) -> list[Call]:
    """Top-level posts in the channel (a try opens its thread with one)."""
    return [c for c in calls if c.method == "chat.postMessage" and "thread_ts" not in c.params]


def shared(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "response_url" and c.params.get("response_type") == "in_channel"]


def signed_command(harness: Harness, text: str) -> tuple[str, dict[str, str]]:
    body = sr.command_body(text, response_url=harness.slack.response_url("try"))
    return sr.signed(SECRET, body, kind="form")


def test_a_try_sent_four_times_opens_one_thread_and_calls_the_model_once(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    raw, headers = signed_command(harness, "try nova-lite 한 줄 요약해줘")
    responses = [harness.dispatch(raw, headers) for _ in range(4)]
    assert all(r.status == 200 and not r.body for r in responses)  # every copy is acked, silently
    calls = harness.drain()
    assert len(threads_opened(calls)) == 1
    assert len(model_calls(local_bedrock)) == 1
    trigger = dict(p.split("=", 1) for p in raw.split("&"))["trigger_id"]
    ttl = harness.services.redis.ttl(keys.trigger(trigger))
    assert keys.TRIGGER_TTL_S - 60 < ttl <= keys.TRIGGER_TTL_S  # outlives the 5-minute signature window


def test_the_same_request_reaching_two_replicas_runs_once(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    one, two = make_harness(), make_harness()  # two Bolt apps, one Redis: two replicas
    raw, headers = signed_command(one, "try nova-lite hello there")
    for replica in (one, two, two, one):
        assert replica.dispatch(raw, headers).status == 200
    one.drain()
    two.drain()
    assert len(threads_opened(one.slack.calls)) == 1  # the mock is shared: both replicas' calls
    assert len(model_calls(local_bedrock)) == 1


def test_the_same_command_typed_twice_runs_twice(harness: Harness, local_bedrock: LocalBedrock) -> None:
    harness.command("try nova-lite hello there", name="first")
    harness.command("try nova-lite hello there", name="second")  # a new trigger_id, as Slack gives each
    calls = harness.drain()
    assert len(threads_opened(calls)) == 2
    assert len(model_calls(local_bedrock)) == 2


def test_a_replayed_share_click_posts_in_the_channel_once(make_harness: Callable[..., Harness]) -> None:
    one, two = make_harness(), make_harness()
    ephemeral = {"type": "message", "message_ts": "1700000000.000400", "channel_id": "C123", "is_ephemeral": True}
    body = sr.block_actions_body(
        sr.button_action(SHARE, "price nova-micro"), response_url=one.slack.response_url("share"), container=ephemeral
    )
    raw, headers = sr.signed(SECRET, body, kind="form")
    for replica in (one, two, one):
        assert replica.dispatch(raw, headers).status == 200
    one.drain()
    two.drain()
    assert len(shared(one.slack.calls)) == 1
    # a second, real click (its own trigger_id) shares again
    one.action(sr.button_action(SHARE, "price nova-micro"), name="share2", container=ephemeral)
    one.drain()
    assert len(shared(one.slack.calls)) == 2
