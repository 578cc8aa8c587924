"""The in-flight stream journal: every answer being streamed into Slack, so that when the process writing it dies
another replica (or the next start) can finish the message, bill the partial answer and remember it.

Key families `bra:stream:{id}` (a hash per answer) and `bra:stream:live` (a sorted set: id → deadline in ms);
see `keys.STREAM_JOURNAL`. The writer refreshes the deadline as text arrives and from a heartbeat thread of its
process (`beat`), so a live but slow answer is never taken; a dead process stops refreshing. `claim_expired` hands
each expired answer to exactly one sweeper (a Lua script moves its deadline forward by a lease, so a second
sweeper does not see it; a sweeper that dies in turn leaves it to be claimed again after the lease, at most
`MAX_CLAIMS` times). The hash holds masked text only: what already passed the guardrails and was shown.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, fields
from typing import Any

import redis

from bot.errors import StoreUnavailable
from bot.store import keys

log = logging.getLogger(__name__)

MAX_CLAIMS = 3

# KEYS: live set. ARGV: now (ms), lease deadline (ms), most ids. Returns the ids claimed.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
"""


@dataclass(frozen=True)
class Entry:
    """One answer being streamed: where it is shown and what it has shown so far (masked text)."""

    id: str
    team: str
    channel: str
    thread_ts: str
    user: str
    lang: str
    feature: str
    question: str  # the user's message as the model got it (masked)
    mode: str = ""  # "native" | "update": how the current message is being written
    ts: str = ""  # the current message ("" until Slack gave one)
    marker: str = ""  # update mode: the post marker of the current message (`handlers.post.post_once`)
    page: str = ""  # the current message's Markdown so far
    sent: int = 0  # native: characters of `page` already appended to the stream
    text: str = ""  # the whole answer so far (all its messages)
    model: str = ""  # the catalog key being called ("" before the first call)
    prompt_tokens: int = 0  # estimated input tokens of that call
    profile: str = ""  # the model or inference-profile id it is called by ("" from an older entry: the default)
    tier: str = ""  # the service tier asked for ("" : the deployment's)
    settled: int = 0  # 1 once the core recorded the usage and the memory: only the message is left to finish
    claims: int = 0

    def dump(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if f.name not in ("id", "claims")}

    @classmethod
    def load(cls, id_: str, raw: dict[str, str]) -> Entry:
        values: dict[str, object] = {f.name: raw.get(f.name, "") for f in fields(cls) if f.name != "id"}
        for name in ("sent", "prompt_tokens", "settled", "claims"):
            values[name] = int(raw.get(name) or 0)
        return cls(id=id_, **values)  # type: ignore[arg-type]


class StreamJournal:
    """Thread-safe. `ttl_s`: how long an answer may go without a refresh before it counts as abandoned."""

    def __init__(self, client: redis.Redis, ttl_s: float) -> None:
        self._redis = client
        self.ttl_s = ttl_s
        self._claim = client.register_script(_CLAIM)
        self._mine: set[str] = set()
        self._lock = threading.Lock()
        self._beater: threading.Thread | None = None

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def _deadline(self, seconds: float) -> int:
        return int((time.time() + seconds) * 1000)

    def write(self, entry: Entry) -> None:
        """Create or update the answer's record and push its deadline back. Never raises (logged)."""
        key = keys.stream_journal(entry.id)
        mapping: dict[Any, Any] = entry.dump()
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hset(key, mapping=mapping)
            pipe.expire(key, keys.STREAM_JOURNAL_TTL_S)
            pipe.zadd(keys.STREAM_LIVE, {entry.id: self._deadline(self.ttl_s)})
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("stream journal not written", extra={"stream": entry.id, "error": type(exc).__name__})
            return
        with self._lock:
            self._mine.add(entry.id)
        self._start_beater()

    def update(self, id_: str, **changes: object) -> None:
        """Change some fields of a live answer (only while it is still in the live set)."""
        key = keys.stream_journal(id_)
        try:
            pipe = self._redis.pipeline(transaction=True)
            mapping: dict[Any, Any] = {k: str(v) for k, v in changes.items()}
            pipe.hset(key, mapping=mapping)
            pipe.zadd(keys.STREAM_LIVE, {id_: self._deadline(self.ttl_s)}, xx=True)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("stream journal not updated", extra={"stream": id_, "error": type(exc).__name__})

    def done(self, id_: str) -> None:
        """The answer ended (finished, failed or finished by a sweeper): forget it."""
        with self._lock:
            self._mine.discard(id_)
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.zrem(keys.STREAM_LIVE, id_)
            pipe.delete(keys.stream_journal(id_))
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("stream journal not cleared", extra={"stream": id_, "error": type(exc).__name__})

    def claim_expired(self, *, lease_s: float, limit: int = 20) -> list[Entry]:
        """The answers whose writer stopped refreshing them, each claimed by this caller only (for `lease_s`).
        Raises `StoreUnavailable`."""
        try:
            ids = self._claim(keys=[keys.STREAM_LIVE], args=[self._deadline(0), self._deadline(lease_s), limit])
            out: list[Entry] = []
            for id_ in ids:
                key = keys.stream_journal(str(id_))
                claims = int(self._redis.hincrby(key, "claims", 1))
                raw: dict[str, str] = self._redis.hgetall(key)  # type: ignore[assignment]
                if not raw.get("channel") or claims > MAX_CLAIMS:
                    log.error("abandoned stream given up", extra={"stream": id_, "claims": claims})
                    self.done(str(id_))
                    continue
                out.append(Entry.load(str(id_), raw))
            return out
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc

    # -- heartbeat ---------------------------------------------------------------------------------------------

    def beat(self) -> int:
        """Push back the deadline of every answer this process is writing; how many."""
        with self._lock:
            mine = list(self._mine)
        if mine:
            deadline = self._deadline(self.ttl_s)
            try:
                self._redis.zadd(keys.STREAM_LIVE, dict.fromkeys(mine, deadline), xx=True)
            except redis.RedisError as exc:
                log.warning("stream heartbeat failed", extra={"streams": len(mine), "error": type(exc).__name__})
        return len(mine)

    def _start_beater(self) -> None:
        with self._lock:
            if self._beater is not None and self._beater.is_alive():  # not alive: none yet, or a forked process
                return
            self._beater = threading.Thread(target=self._beat_while_busy, name="stream-heartbeat", daemon=True)
            self._beater.start()

    def _beat_while_busy(self) -> None:
        while True:
            time.sleep(self.ttl_s / 3)
            if self.beat() == 0:
                with self._lock:
                    if not self._mine:
                        self._beater = None
                        return


class Track:
    """One answer's record in the journal, as its writer (`handlers.stream.SlackStream`) keeps it up to date."""

    def __init__(self, journal: StreamJournal, entry: Entry) -> None:
        self.journal, self.entry = journal, entry
        journal.write(entry)

    def calling(self, model: str, prompt_tokens: int, profile: str = "", tier: str = "") -> None:
        self.journal.update(self.entry.id, model=model, prompt_tokens=prompt_tokens, profile=profile, tier=tier)

    def settled(self) -> None:
        self.journal.update(self.entry.id, settled=1)

    def shown(self, *, mode: str, ts: str | None, page: str, sent: int, text: str, marker: str = "") -> None:
        self.journal.update(self.entry.id, mode=mode, ts=ts or "", page=page, sent=sent, text=text, marker=marker)

    def done(self) -> None:
        self.journal.done(self.entry.id)
