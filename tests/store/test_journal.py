"""The in-flight stream journal against a real Redis: an answer whose writer stopped refreshing it is claimed by
exactly one of many concurrent sweepers; a live answer (heartbeat) is never claimed; a claim not finished is taken
again after its lease, a bounded number of times; finishing forgets it."""

from __future__ import annotations

import threading
import time

import redis

from bot.store import keys
from bot.store.journal import MAX_CLAIMS, Entry, StreamJournal, Track


def entry(n: int) -> Entry:
    return Entry(
        id=f"s{n}", team="T1", channel="C1", thread_ts=f"1.{n}", user="U1", lang="ko", feature="chat", question="q"
    )


def expire_all(client: redis.Redis) -> None:
    """Move every deadline into the past, as if each writer had died a while ago."""
    for member in client.zrange(keys.STREAM_LIVE, 0, -1):
        client.zadd(keys.STREAM_LIVE, {member: 0})


def test_each_abandoned_answer_goes_to_exactly_one_of_many_sweepers(redis_client: redis.Redis) -> None:
    writer = StreamJournal(redis_client, ttl_s=60)
    for n in range(50):
        writer.write(entry(n))
    expire_all(redis_client)

    sweepers = [StreamJournal(redis_client, ttl_s=60) for _ in range(8)]
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(sweepers))

    def sweep(journal: StreamJournal) -> None:
        start.wait()
        while got := journal.claim_expired(lease_s=60, limit=3):
            with lock:
                claimed.extend(e.id for e in got)

    threads = [threading.Thread(target=sweep, args=(s,)) for s in sweepers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"s{n}" for n in range(50))


def test_a_live_answer_is_not_claimed_and_its_record_holds_what_was_shown(redis_client: redis.Redis) -> None:
    journal = StreamJournal(redis_client, ttl_s=60)
    track = Track(journal, entry(1))
    track.calling("nova-pro", 321)
    track.shown(mode="update", ts="9.9", page="partial", sent=0, text="partial")
    assert journal.claim_expired(lease_s=60) == []

    expire_all(redis_client)
    [found] = journal.claim_expired(lease_s=60)
    assert (found.model, found.prompt_tokens, found.ts, found.text) == ("nova-pro", 321, "9.9", "partial")
    assert found.settled == 0


def test_the_heartbeat_pushes_the_deadline_of_the_answers_this_process_writes(redis_client: redis.Redis) -> None:
    journal = StreamJournal(redis_client, ttl_s=60)
    journal.write(entry(1))
    redis_client.zadd(keys.STREAM_LIVE, {"s1": 1})
    assert journal.beat() == 1
    assert float(redis_client.zscore(keys.STREAM_LIVE, "s1") or 0) > time.time() * 1000


def test_an_unfinished_claim_is_taken_again_after_its_lease_then_given_up(redis_client: redis.Redis) -> None:
    journal = StreamJournal(redis_client, ttl_s=60)
    journal.write(entry(1))
    for _ in range(MAX_CLAIMS):
        expire_all(redis_client)
        assert [e.id for e in journal.claim_expired(lease_s=60)] == ["s1"]
        assert journal.claim_expired(lease_s=60) == []  # leased
    expire_all(redis_client)
    assert journal.claim_expired(lease_s=60) == []
    assert redis_client.zcard(keys.STREAM_LIVE) == 0 and not redis_client.exists(keys.stream_journal("s1"))


def test_done_forgets_the_answer(redis_client: redis.Redis) -> None:
    journal = StreamJournal(redis_client, ttl_s=60)
    track = Track(journal, entry(1))
    track.done()
    expire_all(redis_client)
    assert journal.claim_expired(lease_s=60) == [] and not redis_client.keys("bra:stream:*")
