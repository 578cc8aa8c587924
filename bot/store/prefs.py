"""User and channel preferences. Key families: `bra:user:{team}:{user}` and `bra:channel:{team}:{channel}`
(hashes; see `keys.USER_PREFS`, `keys.CHANNEL_PREFS`)."""

from __future__ import annotations

import contextlib

import redis

from bot.errors import StoreUnavailable
from bot.store import keys


class Prefs:
    """Default model per user and per channel, each channel's service tier, and each user's last language. Redis
    errors → `StoreUnavailable`."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def user_model(self, *, team: str, user: str) -> str | None:
        return self._get(keys.user_prefs(team, user), "model")

    def set_user_model(self, *, team: str, user: str, model: str) -> None:
        self._set(keys.user_prefs(team, user), "model", model)

    def channel_model(self, *, team: str, channel: str) -> str | None:
        return self._get(keys.channel_prefs(team, channel), "model")

    def set_channel_model(self, *, team: str, channel: str, model: str) -> None:
        self._set(keys.channel_prefs(team, channel), "model", model)

    def channel_tier(self, *, team: str, channel: str) -> str | None:
        """The service tier calls from this channel ask for (`/bedrock tier <tier>`, admins), or None."""
        return self._get(keys.channel_prefs(team, channel), "tier")

    def set_channel_tier(self, *, team: str, channel: str, tier: str | None) -> None:
        """Set (or, with None, clear: back to the deployment's) the channel's service tier."""
        key = keys.channel_prefs(team, channel)
        if tier is not None:
            self._set(key, "tier", tier)
            return
        try:
            self._redis.hdel(key, "tier")
        except redis.RedisError:
            raise StoreUnavailable() from None

    def user_lang(self, *, team: str, user: str) -> str | None:
        return self._get(keys.user_prefs(team, user), "lang")

    def remember_lang(self, *, team: str, user: str, lang: str) -> None:
        """Best effort: the language is a convenience for App Home and greetings, never worth an error."""
        with contextlib.suppress(redis.RedisError):
            self._redis.hset(keys.user_prefs(team, user), "lang", lang)

    def _get(self, key: str, field: str) -> str | None:
        try:
            value = self._redis.hget(key, field)
        except redis.RedisError:
            raise StoreUnavailable() from None
        return value if isinstance(value, str) else None

    def _set(self, key: str, field: str, value: str) -> None:
        try:
            self._redis.hset(key, field, value)
        except redis.RedisError:
            raise StoreUnavailable() from None
