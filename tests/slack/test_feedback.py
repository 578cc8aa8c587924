"""👍/👎 through the real Bolt app: signed block_actions payloads → counts in Redis and an ephemeral thank-you
in the voter's language; a second identical vote changes nothing, the other button moves the vote."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from pydantic import SecretStr

from bot.settings import RedisSettings
from bot.store.client import connect
from bot.store.feedback import Feedback, Votes
from handlers.ids import FEEDBACK_DOWN, FEEDBACK_UP
from tests.slack.harness import Harness
from tests.support import slack_requests as sr

ANSWER_TS = "1700000000.000100"  # the answer message the buttons are on (the builders' default container)
DAY = date(2023, 11, 15)  # its day in Seoul
VALUE = json.dumps({"model": "nova-pro", "feature": "chat"})


def click(harness: Harness, action_id: str, *, user: str = "U123") -> dict[str, object]:
    before = len(harness.slack.calls_to("response_url"))
    response = harness.action(sr.button_action(action_id, VALUE), user=user, message={"ts": ANSWER_TS})
    assert response.status == 200
    replies = [c.params for c in harness.drain() if c.method == "response_url"]
    assert len(replies) == before + 1
    return replies[-1]


def counts(harness: Harness) -> Votes:
    return Feedback(harness.services.redis).counts(DAY, "nova-pro")


def test_a_vote_is_counted_once_and_thanked_ephemerally(harness: Harness) -> None:
    reply = click(harness, FEEDBACK_UP)
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert reply["text"] == "고마워요! 평가를 기록했어요. 👍"  # the workspace default language
    assert counts(harness) == Votes(up=1, down=0)

    again = click(harness, FEEDBACK_UP)
    assert "이미 같은 평가" in str(again["text"]) and counts(harness) == Votes(up=1, down=0)

    changed = click(harness, FEEDBACK_DOWN)
    assert "바꿨어요" in str(changed["text"]) and counts(harness) == Votes(up=0, down=1)
    assert not harness.slack.calls_to("chat.postMessage")  # nothing public


def test_votes_of_several_users_add_up_and_each_is_thanked_in_their_language(harness: Harness) -> None:
    harness.services.prefs.remember_lang(team="T0001", user="U2", lang="en")
    click(harness, FEEDBACK_UP)
    reply = click(harness, FEEDBACK_UP, user="U2")
    assert reply["text"] == "Thanks — recorded. 👍"
    assert click(harness, FEEDBACK_DOWN, user="U3")["response_type"] == "ephemeral"
    assert counts(harness) == Votes(up=2, down=1)


def test_with_redis_down_the_voter_is_told_it_was_not_recorded(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(client=connect(RedisSettings(url=SecretStr("redis://127.0.0.1:1/15"))))
    reply = click(harness, FEEDBACK_UP)
    assert reply["response_type"] == "ephemeral" and "평가를 기록하지 못했습니다" in str(reply["text"])
