"""The Redis stores against a real Redis: claims are exclusive and expire, preferences persist, threads are
remembered with a TTL, and a Redis that is down degrades the way each store documents."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from pydantic import SecretStr

from bot.errors import StartupError, StoreUnavailable
from bot.settings import RedisSettings
from bot.store import keys
from bot.store.client import connect, require
from bot.store.events import EventDedup
from bot.store.pending import Pending
from bot.store.prefs import Prefs
from bot.store.threads import Threads

DOWN = RedisSettings(url=SecretStr("redis://:hunter2@127.0.0.1:1/15"))


def test_an_event_is_claimed_exactly_once_among_many_racing_replicas(redis_client: redis.Redis) -> None:
    dedups = [EventDedup(redis_client) for _ in range(8)]
    with ThreadPoolExecutor(32) as pool:
        wins = list(pool.map(lambda i: dedups[i % 8].claim(event_id="Ev1"), range(64)))
    assert wins.count(True) == 1
    assert 0 < redis_client.ttl(keys.event("Ev1")) <= keys.EVENT_TTL_S


def test_a_claim_is_set_with_its_expiry_in_the_same_command(redis_client: redis.Redis) -> None:
    dedup = EventDedup(redis_client, ttl_s=7)
    assert dedup.claim(event_id="Ev2")
    assert 0 < redis_client.ttl(keys.event("Ev2")) <= 7
    assert not dedup.claim(event_id="Ev2")


def test_a_trigger_id_is_claimed_once_among_racing_replicas_apart_from_events(redis_client: redis.Redis) -> None:
    dedups = [EventDedup(redis_client) for _ in range(8)]
    with ThreadPoolExecutor(32) as pool:
        wins = list(pool.map(lambda i: dedups[i % 8].claim_trigger(trigger_id="123.456.abc"), range(64)))
    assert wins.count(True) == 1
    assert 0 < redis_client.ttl(keys.trigger("123.456.abc")) <= keys.TRIGGER_TTL_S
    assert keys.TRIGGER_TTL_S > 5 * 60  # longer than the window in which Bolt accepts a signed request
    assert dedups[0].claim(event_id="123.456.abc")  # its own key family: an event id never collides


def test_a_pending_command_is_its_owners_and_taken_once_among_racing_replicas(redis_client: redis.Redis) -> None:
    id_ = Pending(redis_client).put("compare nova-micro,nova-lite hi", team="T1", user="U1")
    assert 0 < redis_client.ttl(keys.pending(id_)) <= keys.PENDING_TTL_S
    other = Pending(redis_client).take(id_, team="T1", user="U2")
    assert other.outcome == "other" and other.owner == "U1" and other.command is None
    assert Pending(redis_client).take(id_, team="T2", user="U1").outcome == "other"  # same id, other workspace
    stores = [Pending(redis_client) for _ in range(8)]
    with ThreadPoolExecutor(32) as pool:
        taken = list(pool.map(lambda i: stores[i % 8].take(id_, team="T1", user="U1"), range(64)))
    assert [t.command for t in taken if t.outcome == "taken"] == ["compare nova-micro,nova-lite hi"]
    assert {t.outcome for t in taken} == {"taken", "gone"} and redis_client.exists(keys.pending(id_)) == 0
    redis_client.set(keys.pending("old"), "compare a,b x")  # a value of another shape (e.g. an older release)
    assert Pending(redis_client).take("old", team="T1", user="U1").outcome == "gone"


def test_preferences_are_kept_per_user_and_channel(redis_client: redis.Redis) -> None:
    prefs = Prefs(redis_client)
    prefs.set_user_model(team="T1", user="U1", model="nova-pro")
    prefs.set_channel_model(team="T1", channel="C1", model="claude-3-haiku")
    prefs.remember_lang(team="T1", user="U1", lang="en")
    assert prefs.user_model(team="T1", user="U1") == "nova-pro"
    assert prefs.user_model(team="T1", user="U2") is None
    assert prefs.channel_model(team="T1", channel="C1") == "claude-3-haiku"
    assert prefs.user_lang(team="T1", user="U1") == "en"
    assert redis_client.ttl(keys.user_prefs("T1", "U1")) == -1  # kept until changed


def test_threads_are_remembered_with_a_ttl_and_titles_claimed_once(redis_client: redis.Redis) -> None:
    threads = Threads(redis_client)
    assert not threads.joined(team="T1", channel="C1", thread_ts="1.0")
    threads.join(team="T1", channel="C1", thread_ts="1.0")
    assert threads.joined(team="T1", channel="C1", thread_ts="1.0")
    assert 0 < redis_client.ttl(keys.bot_thread("T1", "C1", "1.0")) <= keys.BOT_THREAD_TTL_S
    assert threads.claim_title(team="T1", channel="D1", thread_ts="2.0")
    assert not threads.claim_title(team="T1", channel="D1", thread_ts="2.0")


def test_redis_down_degrades_as_documented() -> None:
    down = connect(DOWN)
    assert EventDedup(down).claim(event_id="Ev3")  # answer rather than drop
    assert EventDedup(down).claim_trigger(trigger_id="1.2.x")
    assert not Threads(down).joined(team="T1", channel="C1", thread_ts="1.0")
    Prefs(down).remember_lang(team="T1", user="U1", lang="ko")  # best effort, no error
    with pytest.raises(StoreUnavailable) as info:
        Prefs(down).set_user_model(team="T1", user="U1", model="nova-pro")
    assert "Redis" in info.value.message("en")
    with pytest.raises(StartupError) as start:
        require(down, DOWN)
    text = start.value.message("en")
    assert "REDIS_URL" in text and "127.0.0.1:1" in text and "hunter2" not in text
