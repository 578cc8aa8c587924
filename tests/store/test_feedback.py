"""Feedback votes against a real Redis: one vote per user per answer, changes move the counts, concurrent clicks
count exactly, every key expires, and a Redis that is down says the vote was not recorded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import redis
from pydantic import SecretStr

from bot.errors import StoreUnavailable
from bot.settings import RedisSettings
from bot.store import keys
from bot.store.client import connect
from bot.store.feedback import Feedback, Vote, Votes

TS = "1700000000.000100"  # 2023-11-14 22:13 UTC = 2023-11-15 07:13 in Seoul
DAY = date(2023, 11, 15)


def vote(feedback: Feedback, user: str, choice: Vote, *, ts: str = TS, model: str = "nova-pro") -> str:
    return feedback.record(team="T1", channel="C1", message_ts=ts, user=user, model=model, vote=choice)


def test_a_vote_counts_once_and_a_change_moves_it(redis_client: redis.Redis) -> None:
    feedback = Feedback(redis_client)
    assert vote(feedback, "U1", "up") == "recorded"
    assert vote(feedback, "U1", "up") == "same"
    assert feedback.counts(DAY, "nova-pro") == Votes(up=1, down=0)
    assert vote(feedback, "U1", "down") == "changed"
    assert feedback.counts(DAY, "nova-pro") == Votes(up=0, down=1)
    assert vote(feedback, "U2", "down") == "recorded"
    assert feedback.counts("2023-11-15", "nova-pro") == Votes(up=0, down=2)
    assert feedback.counts(DAY, "nova-lite") == Votes()


def test_counts_are_per_day_of_the_answer_and_per_model(redis_client: redis.Redis) -> None:
    feedback = Feedback(redis_client)
    vote(feedback, "U1", "up")
    vote(feedback, "U1", "up", ts="1700100000.000100", model="nova-lite")  # the next day in Seoul
    assert feedback.counts(DAY, "nova-pro") == Votes(up=1)
    assert feedback.counts(date(2023, 11, 16), "nova-lite") == Votes(up=1)
    assert feedback.models(DAY) == {"nova-pro"}
    assert feedback.day_of("1700000000.000100") == "2023-11-15"


def test_every_key_is_written_with_its_ttl(redis_client: redis.Redis) -> None:
    vote(Feedback(redis_client), "U1", "down")
    assert 0 < redis_client.ttl(keys.feedback_votes("T1", "C1", TS)) <= keys.FEEDBACK_VOTES_TTL_S
    assert 0 < redis_client.ttl(keys.feedback_counts("2023-11-15", "nova-pro")) <= keys.FEEDBACK_COUNT_TTL_S
    assert 0 < redis_client.ttl(keys.feedback_models("2023-11-15")) <= keys.FEEDBACK_COUNT_TTL_S
    assert redis_client.hgetall(keys.feedback_votes("T1", "C1", TS)) == {"U1": "down"}  # ids only, no text


def test_many_concurrent_voters_are_counted_exactly(redis_client: redis.Redis) -> None:
    replicas = [Feedback(redis_client) for _ in range(4)]
    users = [f"U{i:03d}" for i in range(120)]
    choices: dict[str, Vote] = {u: "up" if i % 3 else "down" for i, u in enumerate(users)}

    def click(n: int) -> str:  # every user clicks three times (a double click among them), on any replica
        user = users[n % len(users)]
        return vote(replicas[n % 4], user, choices[user])

    with ThreadPoolExecutor(32) as pool:
        outcomes = list(pool.map(click, range(3 * len(users))))
    assert outcomes.count("recorded") == len(users) and outcomes.count("same") == 2 * len(users)
    assert Feedback(redis_client).counts(DAY, "nova-pro") == Votes(up=80, down=40)


def test_concurrent_changes_leave_counts_that_match_the_votes(redis_client: redis.Redis) -> None:
    feedback = Feedback(redis_client)
    users = [f"U{i}" for i in range(20)]

    def click(n: int) -> str:  # each user flips between up and down from many threads at once
        return vote(feedback, users[n % 20], "up" if (n // 20) % 2 else "down")

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(click, range(400)))
    stored = redis_client.hgetall(keys.feedback_votes("T1", "C1", TS))
    expected = Votes(up=list(stored.values()).count("up"), down=list(stored.values()).count("down"))
    assert len(stored) == 20 and feedback.counts(DAY, "nova-pro") == expected


def test_redis_down_says_the_vote_was_not_recorded() -> None:
    down = connect(RedisSettings(url=SecretStr("redis://127.0.0.1:1/15")))
    with pytest.raises(StoreUnavailable) as error:
        vote(Feedback(down), "U1", "up")
    assert "feedback" in error.value.message("en") and "평가" in error.value.message("ko")
