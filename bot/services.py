"""The services every front end shares, built once at start-up and passed to handlers (Bolt's `context`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from bot.access import AccessPolicy
from bot.console import build_engine
from bot.qa.engine import Engine
from bot.settings import Settings
from bot.store.client import connect
from bot.store.events import EventDedup
from bot.store.prefs import Prefs
from bot.store.threads import Threads


@dataclass(frozen=True)
class Caller:
    """Who is asking and where (Slack ids; the console uses fixed local ones)."""

    team: str
    user: str
    channel: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class Services:
    """Shared, thread-safe services. Copies are the same object: Bolt deep-copies its context for lazy
    listeners, and these hold connection pools that must be shared, not cloned."""

    settings: Settings
    engine: Engine
    redis: redis.Redis
    dedup: EventDedup
    prefs: Prefs
    threads: Threads
    access: AccessPolicy

    def __copy__(self) -> Services:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        return self


def build_services(settings: Settings, client: redis.Redis | None = None) -> Services:
    """Load the catalog and the access policy, connect Redis (lazily); raise on bad data."""
    r = client if client is not None else connect(settings.redis)
    return Services(
        settings=settings,
        engine=build_engine(settings),
        redis=r,
        dedup=EventDedup(r),
        prefs=Prefs(r),
        threads=Threads(r),
        access=AccessPolicy.load(settings.assistant.access_file),
    )
