"""👍/👎 on answers, counted per day and model for the digest. Key families: `bra:fb:{team}:{channel}:{message_ts}`
(who voted what on one answer), `bra:fbday:{day}:{model}` (counts) and `bra:fbmodels:{day}` (see
`keys.FEEDBACK_VOTES`, `keys.FEEDBACK_COUNTS`, `keys.FEEDBACK_MODELS`).

One vote per user per answer: voting again the same way changes nothing, the other way moves one count from one
side to the other. The vote and the counts change in one Lua script, TTLs included, so concurrent clicks on several
replicas never double-count and no key is left without an expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast
from zoneinfo import ZoneInfo

import redis

from bot.errors import StoreUnavailable
from bot.store import keys

Vote = Literal["up", "down"]
Outcome = Literal["recorded", "changed", "same"]

DIGEST_TZ = ZoneInfo("Asia/Seoul")  # the digest's day (DESIGN §5.4)

# KEYS: 1 votes hash of the message, 2 counts hash of (day, model), 3 set of the day's models
# ARGV: 1 user, 2 vote ("up" | "down"), 3 model, 4 votes TTL (s), 5 counts TTL (s)
# Returns "recorded" (first vote), "changed" (the other way than before) or "same" (nothing written).
_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return 'same' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if old then redis.call('HINCRBY', KEYS[2], old, -1) end
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[5])
if old then return 'changed' end
return 'recorded'
"""

_UNAVAILABLE_KO = "저장소(Redis)가 응답하지 않아 평가를 기록하지 못했습니다. 잠시 후 다시 눌러 주세요."
_UNAVAILABLE_EN = "Couldn't record your feedback: the store (Redis) did not answer. Try again shortly."


@dataclass(frozen=True)
class Votes:
    """How one model's answers were rated on one day."""

    up: int = 0
    down: int = 0


class Feedback:
    """Records votes on answers and reads the daily counts. Redis errors → `StoreUnavailable` (the user is told
    the vote was not recorded)."""

    def __init__(self, client: redis.Redis, *, tz: ZoneInfo = DIGEST_TZ) -> None:
        self._redis = client
        self._tz = tz
        self._record = client.register_script(_RECORD)

    def record(self, *, team: str, channel: str, message_ts: str, user: str, model: str, vote: Vote) -> Outcome:
        """Count `user`'s `vote` on the answer at `message_ts`, once; the day is the answer's (its ts)."""
        day = self.day_of(message_ts)
        keys_ = [keys.feedback_votes(team, channel, message_ts), keys.feedback_counts(day, model)]
        args: list[str | int] = [user, vote, model, keys.FEEDBACK_VOTES_TTL_S, keys.FEEDBACK_COUNT_TTL_S]
        try:
            result = self._record(keys=[*keys_, keys.feedback_models(day)], args=args)
        except redis.RedisError:
            raise StoreUnavailable(ko=_UNAVAILABLE_KO, en=_UNAVAILABLE_EN) from None
        text = result.decode() if isinstance(result, bytes) else str(result)
        return cast(Outcome, text)

    def counts(self, day: date | str, model: str) -> Votes:
        """The 👍/👎 counts of `model`'s answers on `day`."""
        try:
            values = self._redis.hmget(keys.feedback_counts(_day(day), model), ["up", "down"])
        except redis.RedisError:
            raise StoreUnavailable() from None
        up, down = (int(v) if v is not None else 0 for v in values)
        return Votes(up=up, down=down)

    def models(self, day: date | str) -> set[str]:
        """The models whose answers got a vote on `day`."""
        try:
            members = self._redis.smembers(keys.feedback_models(_day(day)))
        except redis.RedisError:
            raise StoreUnavailable() from None
        return {m.decode() if isinstance(m, bytes) else str(m) for m in members}

    def day_of(self, message_ts: str) -> str:
        """The calendar day (digest time zone) of a Slack message ts; today for a ts that is not one."""
        try:
            moment = datetime.fromtimestamp(float(message_ts), self._tz)
        except (ValueError, OverflowError, OSError):
            moment = datetime.now(self._tz)
        return moment.date().isoformat()


def _day(day: date | str) -> str:
    return day.isoformat() if isinstance(day, date) else day
