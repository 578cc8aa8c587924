"""`SlackStream` against the local Slack mock with a real `WebClient`: the native stream API, the fallback to
chat.update (remembered per team), throttling by an injected clock, long answers split into several messages,
errors shown in place, and Slack failures logged, never raised."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.chat.types import ChatResult, Cost, Usage
from handlers.blocks.safe import WJ
from handlers.ids import FEEDBACK_UP
from handlers.stream import Mode, NativeSupport, SlackStream
from tests.handlers.slack_limits import assert_slack_limits
from tests.slack.harness import blocks_text
from tests.support.slack_mock import Call, SlackMock
from tests.support.slack_tokens import hidden_links, live_mentions

MESSAGE_CHARS = 4000
THREAD = "1700000000.000001"


class Clock:
    """A clock the test moves by hand: throttling is checked against it, never against real time."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(slack: SlackMock) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.base_url)


@pytest.fixture
def support() -> NativeSupport:
    return NativeSupport()


def make(
    client: WebClient,
    support: NativeSupport,
    *,
    mode: Mode = "auto",
    thread_ts: str | None = THREAD,
    team: str = "T1",
    clock: Clock | None = None,
    lang: str = "en",
) -> SlackStream:
    return SlackStream(
        client,
        channel="C1",
        thread_ts=thread_ts,
        team_id=team,
        user_id="U1",
        lang=lang,
        mode=mode,
        interval_s=1.0,
        clock=clock or Clock(),
        ctx={"team": team, "user": "U1", "kind": "test"},
        support=support,
    )


def result(text: str, **kw: Any) -> ChatResult:
    usage = Usage(input_tokens=10, output_tokens=20, latency_ms=1500, ttft_ms=300)
    cost = Cost(usd=Decimal("0.0001"), region="us-east-1", as_of=date(2025, 6, 1))
    fields: dict[str, Any] = {"lang": "en", "feature": "chat", "model": "nova-pro", "model_name": "Amazon Nova Pro"}
    return ChatResult(**{**fields, "requested": "nova-pro", "text": text, "usage": usage, "cost": cost, **kw})


def feed(stream: SlackStream, text: str, clock: Clock, *, size: int = 40, step: float = 0.25) -> None:
    for i in range(0, len(text), size):
        stream(text[i : i + size])
        clock.now += step


def chunks_text(call: Call) -> str:
    chunks = call.json_param("chunks") or []
    return "".join(c.get("text", "") for c in chunks) + str(call.params.get("markdown_text") or "")


def streamed_messages(calls: list[Call]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each native message in order: its streamed Markdown and the blocks its stopStream added."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for call in calls:
        if call.method == "chat.startStream":
            out.append((chunks_text(call), []))
        elif call.method == "chat.appendStream":
            out[-1] = (out[-1][0] + chunks_text(call), [])
        elif call.method == "chat.stopStream":
            out[-1] = (out[-1][0] + chunks_text(call), call.json_param("blocks") or [])
    return out


def final_messages(slack: SlackMock, stream: SlackStream) -> list[dict[str, Any]]:
    """Each message the stream wrote, as it finally reads: its last chat.update, else its chat.postMessage."""
    posts = slack.calls_to("chat.postMessage")
    out = []
    for i, ts in enumerate(stream.messages):
        updates = [c for c in slack.calls_to("chat.update") if c.params["ts"] == ts]
        out.append((updates[-1] if updates else posts[i]).params)
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\bw\d+_\d+\b", text)


def long_answer(paragraphs: int = 36) -> str:
    parts = []
    for i in range(paragraphs):
        if i % 6 == 5:
            parts.append("```\n" + "\n".join(f"x = {j}  # w{i}_{j}" for j in range(30)) + "\n```")
        else:
            parts.append(" ".join(f"w{i}_{j} **b** & c" for j in range(35)))
    return "\n\n".join(parts)


# -- native ------------------------------------------------------------------------------------------------------
def test_native_streams_the_text_and_stops_with_the_footer_and_feedback(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    clock = Clock()
    stream = make(client, support, clock=clock)
    stream("Hello ")
    clock.now += 0.5
    stream("**world**")  # within the interval: kept until the next flush
    clock.now += 0.6
    stream(".")  # (a final "!" would wait: it may start an image, `![alt](url)`)
    stream.finish(result("Hello **world**."))
    calls = slack.calls
    assert [c.method for c in calls] == ["chat.startStream", "chat.appendStream", "chat.stopStream"]
    start = calls[0].params
    assert (start["channel"], start["thread_ts"], start["recipient_team_id"], start["recipient_user_id"]) == (
        "C1",
        THREAD,
        "T1",
        "U1",
    )
    assert chunks_text(calls[0]) == "Hello " and chunks_text(calls[1]) == "**world**."
    [(text, blocks)] = streamed_messages(calls)
    assert text == "Hello **world**."
    assert_slack_limits(blocks)
    assert "Amazon Nova Pro" in blocks_text(blocks) and "in 10 · out 20 tokens" in blocks_text(blocks)
    assert FEEDBACK_UP in json.dumps(blocks)
    assert stream.native and len(stream.messages) == 1


def test_auto_falls_back_to_updates_when_start_stream_is_refused_and_remembers_the_team(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    slack.queue_response("chat.startStream", body={"ok": False, "error": "not_allowed_token_type"})
    stream = make(client, support)
    stream("Hello")
    stream.finish(result("Hello there", notices=("Memory is off in this channel.",)))
    assert [c.method for c in slack.calls] == ["chat.startStream", "chat.postMessage", "chat.update"]
    post, final = slack.calls_to("chat.postMessage")[0].params, slack.calls_to("chat.update")[0].params
    assert post["text"] == "Hello" and post["thread_ts"] == THREAD
    assert final["ts"] == stream.messages[0]
    text = blocks_text(final["blocks"])
    assert "Hello there" in text and "Memory is off" in text and "Amazon Nova Pro" in text
    assert not stream.native and not support.allowed("T1") and support.allowed("T2")

    slack.reset()
    again = make(client, support)  # same team: straight to chat.update, no second refusal
    again("Hi")
    again.finish(result("Hi"))
    assert [c.method for c in slack.calls] == ["chat.postMessage", "chat.update"]
    slack.reset()
    other = make(client, support, team="T2")
    other("Hi")
    other.finish(result("Hi"))
    assert slack.calls[0].method == "chat.startStream"


def test_a_passing_start_stream_error_falls_back_for_this_answer_only(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    slack.queue_response("chat.startStream", body={"ok": False, "error": "internal_error"})
    stream = make(client, support)
    stream("Hi")
    stream.finish(result("Hi"))
    assert [c.method for c in slack.calls] == ["chat.startStream", "chat.postMessage", "chat.update"]
    assert support.allowed("T1")


def test_a_top_level_answer_uses_updates(slack: SlackMock, client: WebClient, support: NativeSupport) -> None:
    stream = make(client, support, thread_ts=None)
    stream.thinking()
    stream("Hi")
    stream.finish(result("Hi"))
    assert [c.method for c in slack.calls] == ["chat.postMessage", "chat.update", "chat.update"]
    assert "thread_ts" not in slack.calls[0].params and "Thinking" in slack.calls[0].params["text"]


def test_a_failed_stop_stream_still_shows_the_footer_with_chat_update(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    slack.queue_response("chat.stopStream", body={"ok": False, "error": "message_not_in_streaming_state"})
    stream = make(client, support)
    stream("Hello")
    stream.finish(result("Hello"))
    assert [c.method for c in slack.calls] == ["chat.startStream", "chat.stopStream", "chat.update"]
    update = slack.calls[-1].params
    assert update["ts"] == stream.messages[0] and "Amazon Nova Pro" in blocks_text(update["blocks"])
    assert support.allowed("T1")  # the stream API works here; only this message went wrong


# -- update mode -------------------------------------------------------------------------------------------------
def test_updates_are_throttled_by_the_clock(slack: SlackMock, client: WebClient, support: NativeSupport) -> None:
    clock = Clock()
    stream = make(client, support, mode="update", clock=clock)
    stream.thinking()
    start = clock.now
    for i in range(200):  # 200 pieces over 20 s of the fake clock
        stream(f"w{i}_0 ")
        clock.now += 0.1
    elapsed = clock.now - start
    intermediate = len(slack.calls_to("chat.update"))
    stream.finish(result("".join(f"w{i}_0 " for i in range(200))))
    assert 10 <= intermediate <= elapsed / 1.0 + 1
    updates = [c.params for c in slack.calls_to("chat.update")]
    assert len(updates) == intermediate + 1 and len(slack.calls_to("chat.postMessage")) == 1
    shown = [u["text"] for u in updates[:-1]]
    assert all(b.startswith(a.rstrip()) for a, b in pairwise(shown))  # text only grows
    assert words(blocks_text(updates[-1]["blocks"])) == [f"w{i}_0" for i in range(200)]


def test_a_long_answer_continues_in_new_messages_each_within_limits(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    clock, answer = Clock(), long_answer()
    stream = make(client, support, mode="update", clock=clock)
    feed(stream, answer, clock)
    stream.finish(result(answer))
    messages = final_messages(slack, stream)
    assert len(messages) >= 4 and len(set(stream.messages)) == len(messages)
    for message in messages:
        blocks = message["blocks"]
        assert_slack_limits(blocks)
        assert len(blocks_text(blocks)) <= MESSAGE_CHARS
        assert all(b["text"]["text"].count("```") % 2 == 0 for b in blocks if b["type"] == "section")
    assert words("\n".join(blocks_text(m["blocks"]) for m in messages)) == words(answer)
    assert [FEEDBACK_UP in json.dumps(m["blocks"]) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert all(c.params["thread_ts"] == THREAD for c in slack.calls_to("chat.postMessage"))
    assert all(len(c.params["text"]) <= MESSAGE_CHARS for c in slack.calls_to("chat.update"))


def test_a_long_native_answer_stops_and_starts_new_streams(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    clock, answer = Clock(), long_answer()
    stream = make(client, support, clock=clock)
    feed(stream, answer, clock)
    stream.finish(result(answer))
    messages = streamed_messages(slack.calls)
    assert len(messages) >= 4 and not slack.calls_to("chat.update")
    assert all(len(text) <= MESSAGE_CHARS and text.count("```") % 2 == 0 for text, _ in messages)
    assert words("\n".join(text for text, _ in messages)) == words(answer)
    assert [bool(blocks) for _, blocks in messages] == [False] * (len(messages) - 1) + [True]
    assert len(stream.messages) == len(messages)


def test_an_answer_given_only_at_the_end_is_still_split(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    answer = long_answer()
    stream = make(client, support, mode="update")
    stream.finish(result(answer))  # a core that does not stream: all the text arrives with the result
    messages = final_messages(slack, stream)
    assert len(messages) >= 4
    assert words("\n".join(blocks_text(m["blocks"]) for m in messages)) == words(answer)


# -- errors ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["update", "native"])
def test_fail_keeps_the_partial_text_marked_and_shows_the_error(
    slack: SlackMock, client: WebClient, support: NativeSupport, mode: Mode
) -> None:
    stream = make(client, support, mode=mode, lang="ko")
    stream("부분 답변")
    stream.fail("모델이 응답하지 않았습니다.")
    stream.fail("again")  # only the first end counts
    stream.finish(result("ignored"))
    if mode == "update":
        final = slack.calls_to("chat.update")[-1].params
        text, blocks = blocks_text(final["blocks"]), final["blocks"]
    else:
        [(streamed, blocks)] = streamed_messages(slack.calls)
        text = streamed + "\n" + blocks_text(blocks)
    assert_slack_limits(blocks)
    assert "부분 답변" in text and "끊겼습니다" in text and ":warning: 모델이 응답하지 않았습니다." in text
    assert "again" not in text and FEEDBACK_UP not in json.dumps(blocks)


def test_fail_before_any_text_posts_just_the_error(slack: SlackMock, client: WebClient, support: NativeSupport) -> None:
    stream = make(client, support)
    stream.fail("Not allowed here.")
    [post] = [c.params for c in slack.calls]
    assert blocks_text(post["blocks"]) == ":warning: Not allowed here." and post["thread_ts"] == THREAD


def test_slack_errors_are_logged_with_ids_and_never_raised(
    slack: SlackMock, client: WebClient, support: NativeSupport, caplog: pytest.LogCaptureFixture
) -> None:
    slack.queue_response("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    slack.set_response("chat.update", {"ok": False, "error": "msg_too_long"})
    clock = Clock()
    stream = make(client, support, mode="update", clock=clock)
    with caplog.at_level(logging.WARNING):
        stream("secret text ")  # the post fails: the next flush posts again
        clock.now += 2
        stream("more")
        clock.now += 2
        stream("!")
        stream.finish(result("secret text more!"))
    failures = [r for r in caplog.records if r.getMessage().endswith("failed")]
    assert [r.getMessage() for r in failures] == ["chat.postMessage failed", "chat.update failed", "chat.update failed"]
    assert {r.error for r in failures} == {"channel_not_found", "msg_too_long"}  # type: ignore[attr-defined]
    assert all(r.channel == "C1" and r.team == "T1" for r in failures)  # type: ignore[attr-defined]
    assert "secret" not in caplog.text
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_an_unreachable_slack_is_logged_not_raised(support: NativeSupport, caplog: pytest.LogCaptureFixture) -> None:
    dead = WebClient(token="xoxb-test", base_url="http://127.0.0.1:1/api/", timeout=1, retry_handlers=[])
    stream = make(dead, support)
    with caplog.at_level(logging.WARNING):
        stream("Hi")
        stream.finish(result("Hi"))
    assert "native stream failed; using chat.update" in caplog.text and "chat.postMessage failed" in caplog.text
    assert support.allowed("T1")  # a network failure says nothing about the workspace


def test_native_never_sends_a_live_mention_or_link_split_across_pieces(
    slack: SlackMock, client: WebClient, support: NativeSupport
) -> None:
    """Each piece is flushed on its own (the clock moves past the interval): a token cut between two pieces goes
    out broken, and a link goes out once it is complete, showing its destination."""
    clock = Clock()
    stream = make(client, support, clock=clock)
    pieces = ["Hi <", "!channel> and <", "@U0VICTIM> see [https://docs.aws", ".amazon.com](https://evil", ".example)"]
    for piece in pieces:
        stream(piece)
        clock.now += 2
    stream.finish(result("".join(pieces)))
    calls = [c for c in slack.calls if c.method.endswith("Stream")]
    assert len(calls) >= len(pieces)  # one call per piece (and the stop): the cuts really reached Slack
    [(text, _)] = streamed_messages(calls)
    assert live_mentions(text, markdown=True) == [] and hidden_links(text, markdown=True) == []
    assert text.replace(WJ, "") == "Hi <!channel> and <@U0VICTIM> see <https://evil.example>"
    assert all("evil" not in chunks_text(c) or "evil.example>" in chunks_text(c) for c in calls)


def test_progress_edits_the_placeholder_until_text_comes_then_is_ignored(
    client: WebClient, support: NativeSupport, slack: SlackMock
) -> None:
    stream = make(client, support, mode="update")
    stream.thinking()
    stream.progress("Waiting for Amazon Nova Pro… (5 s)")
    stream("Hello")
    stream.progress("Waiting for Amazon Nova Pro… (10 s)")  # too late: the answer is showing
    stream.finish(result("Hello"))
    texts = [str(c.params.get("text")) for c in slack.calls if c.method in ("chat.postMessage", "chat.update")]
    assert texts[1] == ":hourglass_flowing_sand: Waiting for Amazon Nova Pro… (5 s)"
    assert not any("(10 s)" in t for t in texts)
    assert len({c.params.get("ts") for c in slack.calls if c.method == "chat.update"}) == 1


def test_progress_on_a_native_stream_moves_the_answer_to_one_edited_message(
    client: WebClient, support: NativeSupport, slack: SlackMock
) -> None:
    stream = make(client, support, mode="native")
    stream.progress("Retrying Amazon Nova Pro (attempt 2)…")
    stream("Hello there")
    stream.finish(result("Hello there"))
    methods = [c.method for c in slack.calls]
    assert "chat.startStream" not in methods and methods[0] == "chat.postMessage"
    assert "Hello there" in blocks_text(slack.calls_to("chat.update")[-1].json_param("blocks"))
