"""Conversation memory per Slack thread: role-structured turns, a running summary of folded turns, the thread's
bound model. Key families `bra:mem:*`, `bra:memmeta:*`, `bra:lastchat:*` (see `keys.TURNS`, `keys.THREAD_META`,
`keys.LAST_CHAT`).

Every write is one transaction that also sets the TTL. Folding (replacing the oldest turns by a summary) is a Lua
script keyed on the absolute count of folded turns, so two replicas folding the same thread at once fold once.
Redis errors raise `StoreUnavailable`; the chat path then answers without memory and says so.
`LocalMemory` is the same store in process, for the console when no Redis answers (DESIGN §3).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import redis

from bot.errors import StoreUnavailable
from bot.store import keys

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class ThreadRef:
    """Which conversation: a Slack thread (`thread` = its ts, "-" for a DM's top level)."""

    team: str
    channel: str
    thread: str


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str
    tokens: int
    model: str | None = None
    interrupted: bool = False  # an answer cut off when its process died (finished by `bot.chat.interrupted`)

    def dump(self) -> str:
        data: dict[str, Any] = {"role": self.role, "text": self.text, "tokens": self.tokens, "model": self.model}
        if self.interrupted:
            data["interrupted"] = True
        return json.dumps(data)

    @classmethod
    def load(cls, raw: str) -> Turn:
        data = json.loads(raw)
        return cls(
            role=data["role"],
            text=data["text"],
            tokens=int(data["tokens"]),
            model=data.get("model"),
            interrupted=bool(data.get("interrupted", False)),
        )


@dataclass(frozen=True)
class ThreadState:
    turns: tuple[Turn, ...] = ()
    model: str | None = None
    summary: str = ""
    summary_tokens: int = 0
    folded: int = 0
    told: bool = False
    last_at: float | None = None  # when turns were last appended (epoch seconds): how long the prompt cache idled
    tier: str | None = None  # the service tier the thread's command asked for (`try --flex`), kept with its model

    @property
    def history_tokens(self) -> int:
        return self.summary_tokens + sum(t.tokens for t in self.turns)


class MemoryStore(Protocol):
    def load(self, ref: ThreadRef) -> ThreadState: ...
    def append(self, ref: ThreadRef, user: str, turns: list[Turn]) -> None: ...
    def bind(self, ref: ThreadRef, model: str, tier: str | None = None) -> None: ...
    def bound(self, ref: ThreadRef) -> str | None: ...
    def fold(self, ref: ThreadRef, *, upto: int, summary: str, summary_tokens: int) -> bool: ...
    def mark_told(self, ref: ThreadRef) -> None: ...
    def reset(self, ref: ThreadRef) -> bool: ...
    def last_thread(self, *, team: str, channel: str, user: str) -> str | None: ...


# KEYS: turns, meta. ARGV: upto (absolute count of turns folded after this), summary, summary_tokens, ttl.
_FOLD = """
local folded = tonumber(redis.call('HGET', KEYS[2], 'folded') or '0')
local upto = tonumber(ARGV[1])
if upto <= folded then return 0 end
redis.call('LTRIM', KEYS[1], upto - folded, -1)
redis.call('HSET', KEYS[2], 'folded', upto, 'summary', ARGV[2], 'summary_tokens', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


class Memory:
    """`MemoryStore` in Redis."""

    def __init__(self, client: redis.Redis, ttl_s: int) -> None:
        self._redis = client
        self._ttl = ttl_s
        self._fold = client.register_script(_FOLD)

    def _keys(self, ref: ThreadRef) -> tuple[str, str]:
        return keys.turns(ref.team, ref.channel, ref.thread), keys.thread_meta(ref.team, ref.channel, ref.thread)

    def load(self, ref: ThreadRef) -> ThreadState:
        turns_key, meta_key = self._keys(ref)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.lrange(turns_key, 0, -1)
            pipe.hgetall(meta_key)
            raw_turns, meta = pipe.execute()
        except redis.RedisError:
            raise StoreUnavailable() from None
        return _state(raw_turns, meta)

    def append(self, ref: ThreadRef, user: str, turns: list[Turn]) -> None:
        turns_key, meta_key = self._keys(ref)
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.rpush(turns_key, *(t.dump() for t in turns))
            pipe.hsetnx(meta_key, "folded", 0)
            pipe.hset(meta_key, "at", f"{time.time():.3f}")
            pipe.expire(turns_key, self._ttl)
            pipe.expire(meta_key, self._ttl)
            pipe.set(keys.last_chat(ref.team, ref.channel, user), ref.thread, ex=self._ttl)
            pipe.execute()
        except redis.RedisError:
            raise StoreUnavailable() from None

    def bind(self, ref: ThreadRef, model: str, tier: str | None = None) -> None:
        """Bind the thread to `model` and to the service `tier` its command asked for (None: no tier of its own)."""
        _, meta_key = self._keys(ref)

        def ops(p: Any) -> None:
            p.hset(meta_key, "model", model)
            if tier:
                p.hset(meta_key, "tier", tier)
            else:
                p.hdel(meta_key, "tier")
            p.expire(meta_key, self._ttl)

        self._write(ops)

    def bound(self, ref: ThreadRef) -> str | None:
        """The thread's bound model: one field, read on every message routed in a thread."""
        try:
            value = self._redis.hget(self._keys(ref)[1], "model")
        except redis.RedisError:
            raise StoreUnavailable() from None
        return value if isinstance(value, str) and value else None

    def fold(self, ref: ThreadRef, *, upto: int, summary: str, summary_tokens: int) -> bool:
        try:
            return bool(self._fold(keys=list(self._keys(ref)), args=[upto, summary, summary_tokens, self._ttl]))
        except redis.RedisError:
            raise StoreUnavailable() from None

    def mark_told(self, ref: ThreadRef) -> None:
        _, meta_key = self._keys(ref)
        self._write(lambda p: (p.hset(meta_key, "told", "1"), p.expire(meta_key, self._ttl)))

    def reset(self, ref: ThreadRef) -> bool:
        try:
            return bool(self._redis.delete(*self._keys(ref)))
        except redis.RedisError:
            raise StoreUnavailable() from None

    def last_thread(self, *, team: str, channel: str, user: str) -> str | None:
        try:
            value = self._redis.get(keys.last_chat(team, channel, user))
        except redis.RedisError:
            raise StoreUnavailable() from None
        return value if isinstance(value, str) else None

    def _write(self, ops: Any) -> None:
        try:
            pipe = self._redis.pipeline(transaction=True)
            ops(pipe)
            pipe.execute()
        except redis.RedisError:
            raise StoreUnavailable() from None


def _state(raw_turns: list[str], meta: dict[str, str]) -> ThreadState:
    return ThreadState(
        turns=tuple(Turn.load(r) for r in raw_turns),
        model=meta.get("model") or None,
        summary=meta.get("summary", ""),
        summary_tokens=int(meta.get("summary_tokens") or 0),
        folded=int(meta.get("folded") or 0),
        told=meta.get("told") == "1",
        last_at=float(meta["at"]) if meta.get("at") else None,
        tier=meta.get("tier") or None,
    )


@dataclass
class _LocalThread:
    turns: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


class LocalMemory:
    """`MemoryStore` in this process (the console without Redis): same behaviour, no expiry, lost on exit."""

    def __init__(self) -> None:
        self._threads: dict[ThreadRef, _LocalThread] = {}
        self._last: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()

    def _get(self, ref: ThreadRef) -> _LocalThread:
        return self._threads.setdefault(ref, _LocalThread())

    def load(self, ref: ThreadRef) -> ThreadState:
        with self._lock:
            t = self._get(ref)
            return _state(list(t.turns), dict(t.meta))

    def append(self, ref: ThreadRef, user: str, turns: list[Turn]) -> None:
        with self._lock:
            thread = self._get(ref)
            thread.turns.extend(t.dump() for t in turns)
            thread.meta["at"] = f"{time.time():.3f}"
            self._last[(ref.team, ref.channel, user)] = ref.thread

    def bind(self, ref: ThreadRef, model: str, tier: str | None = None) -> None:
        with self._lock:
            meta = self._get(ref).meta
            meta["model"] = model
            if tier:
                meta["tier"] = tier
            else:
                meta.pop("tier", None)

    def bound(self, ref: ThreadRef) -> str | None:
        with self._lock:
            thread = self._threads.get(ref)
            return (thread.meta.get("model") or None) if thread is not None else None

    def fold(self, ref: ThreadRef, *, upto: int, summary: str, summary_tokens: int) -> bool:
        with self._lock:
            t = self._get(ref)
            folded = int(t.meta.get("folded") or 0)
            if upto <= folded:
                return False
            del t.turns[: upto - folded]
            t.meta.update(folded=str(upto), summary=summary, summary_tokens=str(summary_tokens))
            return True

    def mark_told(self, ref: ThreadRef) -> None:
        with self._lock:
            self._get(ref).meta["told"] = "1"

    def reset(self, ref: ThreadRef) -> bool:
        with self._lock:
            return self._threads.pop(ref, None) is not None

    def last_thread(self, *, team: str, channel: str, user: str) -> str | None:
        with self._lock:
            return self._last.get((team, channel, user))
