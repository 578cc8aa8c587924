"""Mentions, thread follow-ups and DMs through the real Bolt app: where answers go, in which language, and
what is ignored (the bot itself, other bots, edits, untracked threads), plus de-duplication of retries."""

from __future__ import annotations

from collections.abc import Callable

from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr


def posts(harness: Harness) -> list[dict]:
    return [c.params for c in harness.drain() if c.method == "chat.postMessage"]


def test_mention_is_answered_in_its_thread_in_korean(harness: Harness) -> None:
    response = harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격 알려줘", ts="1690000000.000100"))
    assert response.status == 200
    [post] = posts(harness)
    assert post["channel"] == "C123" and post["thread_ts"] == "1690000000.000100"
    text = blocks_text(post["blocks"])
    assert "Amazon Nova Pro — 가격" in text and "$0.80" in text and "기준일 2025-03-06" in text
    assert "<@U0BOT>" not in post["text"]


def test_english_question_gets_an_english_answer(harness: Harness) -> None:
    harness.event(sr.app_mention("<@U0BOT> how much is Nova Micro?"))
    [post] = posts(harness)
    text = blocks_text(post["blocks"])
    assert "Amazon Nova Micro — prices" in text and "as of 2025-03-06" in text


def test_mention_inside_a_thread_answers_in_that_thread(harness: Harness) -> None:
    harness.event(sr.app_mention("<@U0BOT> nova lite price", ts="1690000000.000300", thread_ts="1690000000.000200"))
    [post] = posts(harness)
    assert post["thread_ts"] == "1690000000.000200"


def test_follow_up_in_a_mention_thread_needs_no_new_mention(harness: Harness) -> None:
    harness.event(sr.app_mention("<@U0BOT> Nova Pro 가격", ts="1690000000.000400"))
    harness.drain()
    harness.event(sr.message("그럼 Claude 3 Haiku는?", ts="1690000000.000500", thread_ts="1690000000.000400"))
    answers = posts(harness)
    assert len(answers) == 2
    assert answers[1]["thread_ts"] == "1690000000.000400"
    assert "Claude 3 Haiku" in blocks_text(answers[1]["blocks"])


def test_unrelated_channel_messages_are_not_answered(harness: Harness) -> None:
    harness.event(sr.message("Nova Pro 가격"))  # top level, no mention
    harness.event(sr.message("Nova Pro 가격", thread_ts="1690000000.000600"))  # a thread the bot is not in
    harness.event(sr.message("<@U0BOT> Nova Pro 가격", thread_ts="1690000000.000600"))  # app_mention's job
    assert posts(harness) == []


def test_direct_message_is_answered_at_top_level(harness: Harness) -> None:
    harness.event(sr.message("Nova Micro 가격", channel="D123", channel_type="im"))
    [post] = posts(harness)
    assert post["channel"] == "D123" and post.get("thread_ts") is None
    assert "Nova Micro" in blocks_text(post["blocks"])


def test_own_messages_other_bots_and_edits_are_ignored(harness: Harness) -> None:
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", user="U0BOT", bot_id="B0BOT"))
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", user="U999", bot_id="B999"))
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", subtype="message_changed"))
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", subtype="channel_join"))
    assert posts(harness) == []


def test_other_bots_are_answered_when_the_policy_allows_them(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"bots": {"allow": ["B999"]}})
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", user="U999", bot_id="B999"))
    harness.event(sr.message("Nova Pro 가격", channel="D123", channel_type="im", user="U998", bot_id="B998"))
    assert len(posts(harness)) == 1


def test_a_retried_event_is_answered_once(harness: Harness) -> None:
    event = sr.app_mention("<@U0BOT> Nova Pro 가격")
    for retry in (None, 1, 2):
        assert harness.event(event, event_id="EvRETRY1", retry_num=retry).status == 200
    assert len(posts(harness)) == 1


def test_an_event_delivered_to_two_replicas_is_answered_once(make_harness: Callable[..., Harness]) -> None:
    one, two = make_harness(), make_harness()
    event = sr.app_mention("<@U0BOT> Nova Pro 가격")
    one.event(event, event_id="EvBOTH")
    two.event(event, event_id="EvBOTH", retry_num=1)
    one.drain()
    two.drain()
    assert len(one.slack.calls_to("chat.postMessage")) == 1


def test_empty_mention_gets_help_and_a_huge_one_a_clear_refusal(harness: Harness) -> None:
    harness.event(sr.app_mention("<@U0BOT>"))
    harness.event(sr.app_mention("<@U0BOT> " + "가격 " * 5000))
    texts = sorted(blocks_text(p["blocks"]) for p in posts(harness))
    assert any("/bedrock price" in t for t in texts)  # help lists the commands
    assert any("메시지가 너무 깁니다" in t for t in texts)
