"""Commands waiting for their asker's confirmation (a costly compare), so a button can carry a short id instead of
the whole prompt (button values are limited to 2,000 characters). Key family `bra:pending:{id}` (a hash: the
command line and its owner; see `keys.PENDING`).

A waiting command belongs to the user who asked: only they can take it (run or cancel it), and only once. Another
user's click on a shared estimate finds it theirs and leaves it waiting. The check and the take are one Lua script,
so two clicks on two replicas never both run it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal, cast

import redis

from bot.errors import StoreUnavailable
from bot.store import keys

# KEYS: 1 the pending hash. ARGV: 1 the owner ("team:user") taking it.
# Returns {"taken", command} (and deletes it), {"other", owner} (left as it is) or {"gone"} (expired, or taken).
_TAKE = """
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return {'gone'} end
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return {'gone'} end
if owner ~= ARGV[1] then return {'other', owner} end
local command = redis.call('HGET', KEYS[1], 'command')
redis.call('DEL', KEYS[1])
return {'taken', command}
"""

Outcome = Literal["taken", "other", "gone"]


@dataclass(frozen=True)
class Taken:
    """What a take found: `command` when the caller took it; the `owner` user id when it is someone else's."""

    outcome: Outcome
    command: str | None = None
    owner: str | None = None


def _owner(team: str, user: str) -> str:
    return f"{team}:{user}"


class Pending:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._take = client.register_script(_TAKE)

    def put(self, command: str, *, team: str, user: str) -> str:
        """Keep `command` for `user` for `keys.PENDING_TTL_S` (hash and TTL in one transaction); its id."""
        id_ = secrets.token_urlsafe(12)
        key = keys.pending(id_)
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, mapping={"command": command, "owner": _owner(team, user)})
                pipe.expire(key, keys.PENDING_TTL_S)
                pipe.execute()
        except redis.RedisError:
            raise StoreUnavailable() from None
        return id_

    def take(self, id_: str, *, team: str, user: str) -> Taken:
        """The command, once, when `user` is its owner; otherwise who owns it, or that it is gone (expired or
        taken already)."""
        try:
            result = self._take(keys=[keys.pending(id_)], args=[_owner(team, user)])
        except redis.RedisError:
            raise StoreUnavailable() from None
        parts = [p.decode() if isinstance(p, bytes) else str(p) for p in cast(list[object], result)]
        match parts:
            case ["taken", command]:
                return Taken("taken", command=command)
            case ["other", owner]:
                return Taken("other", owner=owner.split(":", 1)[-1])
        return Taken("gone")
