"""The guardrail pipeline every text passes: user messages before they are stored or sent to a model (INPUT),
model answers before they are posted or stored (OUTPUT), summaries, and the catalog assistant's tool inputs and
results.

Stages: the local policy (always, in-process) → Bedrock Guardrails' ApplyGuardrail for texts that reach no
guarded Converse call (`standalone`; model calls carry `guardrailConfig` instead, see `converse_config`). Every
intervention is recorded (`Interventions`) with who, where and which model — never the text.

The policy can be reloaded without a restart: `reload()` validates the file first (a bad file raises and the old
policy stays) and bumps a generation counter in Redis; every replica checks it every `BRA_GUARD_RELOAD_CHECK_S`
seconds and reloads too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

from bot.caller import Caller
from bot.errors import ConfigError, GuardBlocked, StoreUnavailable
from bot.guardrails import messages
from bot.guardrails.bedrock import BedrockGuardrail
from bot.guardrails.local import LocalPolicy
from bot.guardrails.policy import load
from bot.guardrails.stream import StreamGuard
from bot.guardrails.verdict import Hit, Source, Verdict
from bot.settings import GuardSettings
from bot.store import keys
from bot.store.interventions import Interventions, Where

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    local: LocalPolicy
    digest: str
    at: datetime


class Guard:
    """Thread-safe; built once (`bot.services`)."""

    def __init__(
        self,
        settings: GuardSettings,
        *,
        redis_client: redis.Redis | None,
        bedrock: BedrockGuardrail | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Raises `ConfigError` when the policy file is bad (start-up stops)."""
        self.path: Path = settings.guard_policy_file
        self.bedrock = bedrock
        self._redis, self._clock, self._every = redis_client, clock, settings.guard_reload_check_s
        self._lock = threading.Lock()
        self._loaded = self._load()
        self._generation = self._read_generation()
        self._next_check = clock() + self._every
        self.interventions = (
            Interventions(
                redis_client, retention_days=settings.guard_retention_days, max_events=settings.guard_events_max
            )
            if redis_client is not None
            else None
        )

    # -- the policy ---------------------------------------------------------------------------------------------

    @property
    def local(self) -> LocalPolicy:
        """The current local policy (reloaded first if another replica reloaded since the last check)."""
        if self._redis is not None and self._clock() >= self._next_check:
            self._follow()
        return self._loaded.local

    @property
    def loaded(self) -> Loaded:
        return self._loaded

    def named(self) -> dict[str, tuple[str, str]]:
        return self.local.named

    def reload(self) -> Loaded:
        """Load the policy file again. Raises `ConfigError` (the running policy stays) when it is bad."""
        loaded = self._load()
        with self._lock:
            self._loaded = loaded
        if self._redis is not None:
            try:
                self._generation = int(self._redis.incr(keys.GUARD_GENERATION))
            except redis.RedisError:
                log.warning("guardrail policy reloaded here only: Redis did not answer")
        log.info("guardrail policy loaded", extra={"digest": loaded.digest, "path": str(self.path)})
        return loaded

    def _load(self) -> Loaded:
        policy, digest = load(self.path)
        return Loaded(LocalPolicy(policy), digest, datetime.now(UTC))

    def _read_generation(self) -> int:
        try:
            value = self._redis.get(keys.GUARD_GENERATION) if self._redis is not None else None
        except redis.RedisError:
            return -1
        return int(value) if value is not None else 0

    def _follow(self) -> None:
        with self._lock:
            if self._clock() < self._next_check:
                return
            self._next_check = self._clock() + self._every
        generation = self._read_generation()
        if generation < 0 or generation == self._generation:
            return
        self._generation = generation
        try:
            loaded = self._load()
        except ConfigError as exc:
            log.error("guardrail policy reload refused; the old policy stays", extra={"problems": exc.problems})
            return
        with self._lock:
            self._loaded = loaded
        log.info("guardrail policy reloaded after another replica", extra={"digest": loaded.digest})

    # -- judging ------------------------------------------------------------------------------------------------

    def check(self, text: str, source: Source, lang: str, *, standalone: bool = False) -> Verdict:
        """Judge `text` without recording. `standalone`: also ApplyGuardrail (when configured), for a text that
        reaches no guarded model call; if Bedrock fails, the local verdict stands (logged)."""
        verdict = self.local.check(text, source, lang)
        return self.standalone(verdict) if standalone else verdict

    def standalone(self, verdict: Verdict) -> Verdict:
        """`verdict` followed by ApplyGuardrail on its (masked) text, when Bedrock Guardrails are configured."""
        if self.bedrock is None or verdict.blocked:
            return verdict
        try:
            return verdict.then(self.bedrock.apply(verdict.text, verdict.source))
        except Exception as exc:  # any boto or network failure: the local policy already ran
            log.warning("ApplyGuardrail failed; local policy only", extra={"error": type(exc).__name__})
            return verdict

    def judge(self, text: str, source: Source, lang: str, *, where: Where, standalone: bool = False) -> Verdict:
        """Judge and record; the caller decides what a blocked verdict means."""
        verdict = self.check(text, source, lang, standalone=standalone)
        self.record(where, source, verdict.hits)
        return verdict

    def screen(
        self,
        text: str,
        source: Source,
        lang: str,
        *,
        where: Where,
        standalone: bool = False,
    ) -> Verdict:
        """Judge and record; raise `GuardBlocked` (with the user's message) when blocked."""
        verdict = self.judge(text, source, lang, where=where, standalone=standalone)
        if verdict.blocked:
            raise self.blocked(verdict)
        return verdict

    def record(self, where: Where, source: Source, hits: tuple[Hit, ...] | list[Hit]) -> None:
        if not hits:
            return
        log.info(
            "guardrail intervention",
            extra={
                "team": where.team,
                "channel": where.channel,
                "user": where.user,
                "model": where.model,
                "feature": where.feature,
                "source": source,
                "kinds": sorted({h.kind for h in hits}),
                "actions": sorted({h.action for h in hits}),
            },
        )
        if self.interventions is None:
            return
        try:
            self.interventions.record(where, source, hits)
        except StoreUnavailable:
            log.warning("guardrail intervention not recorded: Redis did not answer")

    def blocked(self, verdict: Verdict) -> GuardBlocked:
        return messages.blocked(verdict, self.named())

    def notices(self, verdict: Verdict, lang: str) -> tuple[str, ...]:
        return messages.notices(verdict, lang, self.named())

    def stream(self, sink: Callable[[str], None], lang: str) -> StreamGuard:
        return StreamGuard(self.local, sink, lang)

    def converse_config(self) -> dict[str, str] | None:
        return self.bedrock.converse_config() if self.bedrock is not None else None


def where(caller: Caller, *, model: str, feature: str) -> Where:
    return Where(team=caller.team, channel=caller.channel or "-", user=caller.user, model=model, feature=feature)
