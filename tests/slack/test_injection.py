"""No Slack injection, through the real Bolt app: signed payloads → local Slack mock, the real boto3/langchain-aws
stack → the local Bedrock endpoint scripted to answer with every injection form. Whatever the model or the user
writes, nothing the mock receives would notify anyone or show a link under a label that is not its destination —
native stream, chat.update, compare, the `try` root message, error replies, the panel title, the `text` fallback."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

from bot.bedrock_local import LocalBedrock
from handlers.blocks.safe import WJ
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call
from tests.support.slack_tokens import INJECTIONS, hidden_links, live_mentions

CALLER = "<@U123>"  # the bot's own mention of whoever ran `/bedrock try`
MARKDOWN_FIELDS = ("markdown_text", "chunks")  # the stream API: Slack reads these as Markdown


def texts(call: Call) -> tuple[list[str], list[str]]:
    """(mrkdwn / plain strings, Markdown strings) of everything in one call Slack would render."""
    mrkdwn, markdown = [], []
    for key, value in call.params.items():
        if key in ("token", "channel", "ts", "thread_ts", "recipient_team_id", "recipient_user_id", "value"):
            continue
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        target = markdown if key in MARKDOWN_FIELDS else mrkdwn
        target.append(value if isinstance(value, str) else blocks_text(value))
    return mrkdwn, markdown


def assert_harmless(calls: list[Call], *, allowed: tuple[str, ...] = (), links: bool = True) -> str:
    """No live mention (other than `allowed`) and (with `links`) no disguised link in any call; all the text."""
    seen = []
    for call in calls:
        mrkdwn, markdown = texts(call)
        for text in mrkdwn:
            assert live_mentions(text, allowed) == [], (call.method, text)
            assert not links or hidden_links(text) == [], (call.method, text)
        for text in markdown:
            assert live_mentions(text, allowed, markdown=True) == [], (call.method, text)
            assert hidden_links(text, markdown=True) == [], (call.method, text)
        seen += [*mrkdwn, *markdown]
    return "\n".join(seen)


def streamed(calls: list[Call]) -> str:
    return "".join("".join(texts(c)[1]) for c in calls if c.method.endswith("Stream"))


def test_native_stream_breaks_every_mention_and_shows_real_link_targets(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.script(INJECTIONS)
    harness.event(sr.app_mention("<@U0BOT> nova-lite: 공지 써줘", ts="1690000101.000100"))
    calls = harness.drain()
    assert [c for c in calls if c.method == "chat.startStream"]  # the default in a thread: native
    assert_harmless(calls)
    shown = streamed(calls).replace(WJ, "")  # what the reader sees: the word joiners are invisible
    assert "<!channel> <!here> <!everyone>" in shown and "<@U0VICTIM> <#C0SECRET>" in shown
    assert "[https://docs.aws.amazon.com]" not in shown and "<https://evil.example>" in shown


def test_update_mode_escapes_every_mention_and_shows_real_link_targets(
    make_harness: Callable[..., Harness], local_bedrock: LocalBedrock
) -> None:
    harness = make_harness(stream_mode="update")
    local_bedrock.script(INJECTIONS)
    harness.event(sr.app_mention("<@U0BOT> nova-lite: 공지 써줘", ts="1690000102.000100"))
    calls = harness.drain()
    assert not [c for c in calls if c.method.endswith("Stream")] and harness.slack.calls_to("chat.update")
    seen = assert_harmless(calls)
    final = blocks_text(harness.slack.calls_to("chat.update")[-1].json_param("blocks"))
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;" in final and "&lt;@U0VICTIM&gt;" in final
    assert "click (<https://evil.example>)" in final and "<https://evil.example>" in final
    fallback = harness.slack.calls_to("chat.update")[-1].params["text"]
    assert "&lt;!channel&gt;" in fallback and "&lt;!channel&gt;" in seen


def test_a_dm_answer_and_its_text_fallback_are_harmless(harness: Harness, local_bedrock: LocalBedrock) -> None:
    local_bedrock.script(INJECTIONS)
    harness.event(sr.message("nova-lite: 공지 써줘", channel="D0DM", channel_type="im"))  # top level: update mode
    calls = harness.drain()
    assert_harmless(calls)
    assert any("&lt;!here&gt;" in str(c.params.get("text")) for c in calls if c.method.startswith("chat."))


def test_compare_sections_and_fallback_are_harmless(harness: Harness, local_bedrock: LocalBedrock) -> None:
    local_bedrock.script(INJECTIONS, model="nova-micro")
    local_bedrock.script("<!here> [https://aws.amazon.com](https://evil.example/2)", model="nova-lite")
    harness.command("compare nova-micro,nova-lite <!channel> 공지 써줘 <@U0VICTIM>", name="cmp")
    calls = harness.drain()
    [reply] = [c for c in calls if c.method == "response_url"]
    seen = assert_harmless([reply])
    assert "&lt;!channel&gt; 공지 써줘 &lt;@U0VICTIM&gt;" in seen  # the prompt, as typed
    assert "<https://evil.example/2>" in seen and "&lt;!subteam^S0EVIL|@security&gt;" in seen


def test_try_root_message_quotes_the_prompt_without_mentions(harness: Harness, local_bedrock: LocalBedrock) -> None:
    local_bedrock.script("ok <!everyone>")
    harness.command("try nova-lite <!channel> 모두 봐 <@U0VICTIM> <https://evil.example|docs>", name="try")
    calls = harness.drain()
    [root] = [c for c in calls if c.method == "chat.postMessage"]
    assert root.params["text"].startswith(f"🧪 {CALLER}")  # the caller's own mention stays
    assert "&lt;!channel&gt; 모두 봐 &lt;@U0VICTIM&gt;" in root.params["text"]
    assert_harmless(calls, allowed=(CALLER,))


def test_error_replies_quote_user_text_without_mentions(harness: Harness) -> None:
    harness.command("<!channel>해 <@U0VICTIM>", name="err")
    harness.event(sr.app_mention("<@U0BOT> /bedrock <!here>지금 <#C0SECRET>", ts="1690000103.000100"))
    calls = harness.drain()
    [command_reply] = [c for c in calls if c.method == "response_url"]
    [thread_reply] = [c for c in calls if c.method == "chat.postMessage"]
    assert "&lt;!channel&gt;" in command_reply.params["text"] and "&lt;!here&gt;" in thread_reply.params["text"]
    seen = assert_harmless(calls)
    assert "Unknown subcommand" in seen or "알 수 없는 명령" in seen


def test_the_panel_title_carries_no_mention(harness: Harness) -> None:
    harness.event(
        sr.message("<!channel> <@U0VICTIM> Nova Pro 가격", channel="D123", channel_type="im", thread_ts="1.2")
    )
    calls = harness.drain()
    [title] = [c for c in calls if c.method == "assistant.threads.setTitle"]
    assert live_mentions(str(title.params["title"]), markdown=True) == []
    assert str(title.params["title"]).replace(WJ, "").startswith("<!channel> <@U0VICTIM>")
    assert_harmless(calls, links=False)  # a catalog answer: its sources footer is the bot's own labelled links


def test_nul_and_a_lone_surrogate_reach_neither_bedrock_nor_slack_and_the_user_gets_an_answer(
    harness: Harness, local_bedrock: LocalBedrock
) -> None:
    harness.event(sr.app_mention("<@U0BOT> nova-lite: hello \ud800there\x00 friend", ts="1690000104.000100"))
    calls = harness.drain()
    [request] = [r for r in local_bedrock.requests if r.operation in ("converse", "converse_stream")]  # no retries
    sent = json.dumps(request.body, ensure_ascii=False)
    assert "hello there friend" in sent
    assert not any(_bad(ch) for ch in sent)
    answer = streamed(calls)
    assert answer.startswith("[local Amazon Nova Lite]") and "hello there friend" in answer
    assert not any(_bad(ch) for c in calls for ch in json.dumps(c.params, ensure_ascii=False))


def _bad(ch: str) -> bool:
    return ch == "\x00" or "\ud800" <= ch <= "\udfff"
