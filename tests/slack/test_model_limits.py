"""What the user sees when models fail mid-stream, hang, run long, or the user goes over the rate limit: the real
Bolt app dispatching signed payloads against the local Slack mock, boto3/langchain-aws against the local Bedrock
endpoint, real Redis. No timed assertions: short limits and hanging models, then what Slack was sent."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.bedrock_local import LocalBedrock
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call

SHOWN = ("chat.postMessage", "chat.update", "chat.startStream", "chat.appendStream", "chat.stopStream", "response_url")
LONG = " ".join(f"word{i}" for i in range(400))


def shown(calls: list[Call]) -> str:
    """Everything posted, edited or streamed, text and blocks, in order."""
    out = []
    for c in calls:
        if c.method in SHOWN:
            out.append(str(c.params.get("text") or c.params.get("markdown_text") or ""))
            chunks = c.json_param("chunks") or []
            out.extend(str(ch.get("text", "")) for ch in chunks if isinstance(ch, dict))
            out.append(blocks_text(c.json_param("blocks") or []) if c.method != "response_url" else "")
    return "\n".join(out)


def test_a_hanging_model_shows_progress_then_the_fallback_answers_and_says_which(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(fallback_models="nova-micro", first_token_timeout_s=0.4, progress_every_s=0.1)
    local_bedrock.add_fault(kind="timeout", seconds=30, model="nova-lite")
    harness.command("try nova-lite hello there")
    calls = harness.drain()
    root, placeholder = [c for c in calls if c.method == "chat.postMessage"]
    assert "thread_ts" not in root.params and placeholder.params["thread_ts"]  # in the try thread
    assert placeholder.params["text"].startswith(":hourglass_flowing_sand: Waiting for Amazon Nova Lite…")
    edits = [c for c in calls if c.method == "chat.update"]
    assert len({e.params["ts"] for e in edits}) == 1  # one message: the placeholder becomes the answer
    texts = [str(e.params["text"]) for e in edits]
    assert ":hourglass_flowing_sand: Amazon Nova Lite did not answer; asking Amazon Nova Micro…" in texts
    final = blocks_text(edits[-1].json_param("blocks"))
    assert "[local Amazon Nova Micro]" in final
    assert "Amazon Nova Lite did not answer, so Amazon Nova Micro answered." in final
    assert not [c for c in calls if c.method == "chat.startStream"]  # progress moved the answer to update mode


def test_an_answer_cut_at_max_tokens_says_so_under_the_answer(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(max_answer_tokens=64)
    local_bedrock.script(LONG)
    harness.command("try nova-lite 긴 글을 써 줘")
    text = shown(harness.drain())
    assert "word0" in text and "word399" not in text
    assert "최대 길이(64 토큰)에 닿아 잘렸습니다 (stop reason: `max_tokens`)" in text


def test_a_failed_answer_names_only_the_models_really_tried(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(fallback_models="nova-micro,claude-3-haiku")
    local_bedrock.add_fault(kind="stream_exception", exception="validationException", after_tokens=0)
    harness.command("try nova-lite hello there")
    text = shown(harness.drain())
    assert "(tried: Amazon Nova Lite)" in text and "Micro" not in text and "Haiku" not in text


def test_in_stream_throttling_falls_back_and_the_thread_says_which_model_answered(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(fallback_models="nova-micro", model_retries=0)
    local_bedrock.add_fault(kind="stream_exception", exception="throttlingException", after_tokens=0, model="nova-lite")
    harness.command("try nova-lite hello there")
    text = shown(harness.drain())
    assert "[local Amazon Nova Micro]" in text
    assert "Amazon Nova Lite did not answer, so Amazon Nova Micro answered." in text


def test_over_the_rate_limit_the_user_is_told_when_to_go_on_and_catalog_answers_still_come(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(rate_limit_calls=1, rate_limit_window_s=60)
    harness.event(sr.app_mention("<@U0BOT> tell me a short story about the sea"))
    harness.drain()
    harness.slack.reset()
    harness.event(sr.app_mention("<@U0BOT> tell me another story, about rivers"))
    text = shown(harness.drain())
    told = r"one person may start 1 model call per 60 s\. You can go on in \d+ s \(at \d\d:\d\d:\d\d KST\)"
    assert re.search(told, text)
    assert len([r for r in local_bedrock.requests if r.operation == "converse_stream"]) == 1
    harness.slack.reset()
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격"))  # a catalog answer calls no model: not limited
    text = shown(harness.drain())
    assert "Nova Pro" in text and "요청이 너무 잦습니다" not in text


def test_a_compare_bigger_than_the_rate_limit_is_refused_and_says_why(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(rate_limit_calls=2, rate_limit_window_s=60)
    harness.command("compare nova-micro,nova-lite,nova-pro say hello", name="cmp")
    [reply] = [c for c in harness.drain() if c.method == "response_url"]
    assert reply.params["response_type"] == "ephemeral"
    assert "This request needs 3 model calls, and one person may start at most 2 per 60 s" in reply.params["text"]
    assert not [r for r in local_bedrock.requests if r.operation in ("converse", "converse_stream")]


def test_a_try_over_the_rate_limit_is_refused_to_the_user_alone_before_any_thread_opens(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(rate_limit_calls=1, rate_limit_window_s=60)
    harness.command("try nova-lite hello there", name="first")
    harness.command("try nova-lite hello again", name="second")
    calls = harness.drain()
    roots = [c for c in calls if c.method == "chat.postMessage" and "thread_ts" not in c.params]
    assert len(roots) == 1  # one try thread in the channel, not a second one holding only an error
    [refusal] = [c for c in calls if c.method == "response_url"]
    assert refusal.params["response_type"] == "ephemeral" and "You can go on in" in refusal.params["text"]
    assert len([r for r in local_bedrock.requests if r.operation == "converse_stream"]) == 1
