"""The services every front end shares, built once at start-up and passed to handlers (Bolt's `context`)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import redis

from bot.access import AccessPolicy
from bot.chat.bedrock import bedrock_client
from bot.chat.chat import Chat
from bot.chat.compare import Comparer
from bot.chat.model import BedrockChatModel, ChatModel
from bot.chat.resolve import is_chat_model
from bot.console import build_engine
from bot.guardrails.bedrock import BedrockGuardrail
from bot.guardrails.guard import Guard
from bot.qa.engine import Engine
from bot.settings import Settings
from bot.store.client import connect
from bot.store.events import EventDedup
from bot.store.journal import StreamJournal
from bot.store.memory import LocalMemory, Memory, MemoryStore
from bot.store.pending import Pending
from bot.store.prefs import Prefs
from bot.store.rate import RateLimiter
from bot.store.threads import Threads
from bot.usage.budgets import BudgetPolicy, Budgets
from bot.usage.ledger import Ledger
from bot.usage.meter import Meter
from bot.usage.spill import Spill


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
    memory: MemoryStore
    pending: Pending
    guard: Guard
    ledger: Ledger | None
    budgets: Budgets | None
    chat: Chat
    comparer: Comparer
    journal: StreamJournal | None = None  # answers being streamed (None offline: nothing to recover)

    def __copy__(self) -> Services:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        return self


def build_services(
    settings: Settings, client: redis.Redis | None = None, model: ChatModel | None = None, *, offline: bool = False
) -> Services:
    """Load the catalog and the access policy, connect Redis and Bedrock (both lazily); raise on bad data.

    `model` replaces the Bedrock model seam (benchmarks measuring the bot's own overhead); by default calls go
    through boto3 to `BEDROCK_ENDPOINT_URL` or AWS. `offline` (the console without Redis): memory in process, no
    per-user defaults, no usage ledger and no budgets.
    """
    r = client if client is not None else connect(settings.redis)
    engine = build_engine(settings)
    access = AccessPolicy.load(settings.assistant.access_file)
    prefs = Prefs(r)
    memory: MemoryStore = LocalMemory() if offline else Memory(r, settings.chat.memory_ttl_days * 24 * 60 * 60)
    threads = settings.server.listener_threads
    client_: Any = None
    guardrail: BedrockGuardrail | None = None
    if settings.guard.guardrail_id:
        client_ = bedrock_client(settings.aws, settings.chat, pool=threads)
        guardrail = BedrockGuardrail(client_, settings.guard.guardrail_id, settings.guard.guardrail_version)
    guard = Guard(settings.guard, redis_client=None if offline else r, bedrock=guardrail)
    ledger, budgets = (None, None) if offline else _usage(settings, r, engine)
    if model is None:
        client_ = client_ or bedrock_client(settings.aws, settings.chat, pool=threads)
        model = BedrockChatModel(client_, settings.aws.region, guard.converse_config())
    chat = Chat(
        engine=engine,
        access=access,
        prefs=None if offline else prefs,
        memory=memory,
        model=model,
        guard=guard,
        settings=settings.chat,
        region=settings.aws.region,
        default_model=settings.assistant.default_model,
        prompt_lang=settings.catalog.default_language,
        meter=Meter(ledger),
        budgets=budgets,
        rate=None if offline else RateLimiter(
            r, limit=settings.chat.rate_limit_calls, window_s=settings.chat.rate_limit_window_s
        ),
        tz=settings.usage.tz,
    )
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="compare")
    return Services(
        settings=settings,
        engine=engine,
        redis=r,
        dedup=EventDedup(r),
        prefs=prefs,
        threads=Threads(r),
        access=access,
        memory=memory,
        pending=Pending(r),
        guard=guard,
        ledger=ledger,
        budgets=budgets,
        chat=chat,
        comparer=Comparer(chat, pool),
        journal=None if offline else StreamJournal(r, settings.chat.stream_journal_ttl_s),
    )


def _usage(settings: Settings, r: redis.Redis, engine: Engine) -> tuple[Ledger, Budgets]:
    """The ledger and the budgets (their file validated against the catalog: raises `ConfigError`)."""
    usage, catalog = settings.usage, engine.catalog
    ledger = Ledger(
        r,
        tz=usage.tz,
        retention_days=usage.usage_retention_days,
        max_events=usage.usage_events_max,
        buffer_max=usage.usage_buffer_max,
        spill=Spill(usage.usage_spill_dir),
    )
    chat_models = {k for k, m in catalog.models.items() if is_chat_model(m)}
    policy = BudgetPolicy.load(usage.budget_file, chat_models)
    return ledger, Budgets(policy, ledger, r, {k: m.name for k, m in catalog.models.items()})
