"""Retries and fallbacks around model calls (DESIGN §5.2 failures).

Throttling, 5xx and timeouts are retried a bounded number of times with jittered exponential backoff ("equal
jitter": half the delay fixed, half random, so replicas do not retry in step); then the next model of the
fallback chain is tried. A call that has already streamed text is never retried (the user has seen it): it comes
back interrupted instead. Validation errors are not retried: the same request would fail the same way.

Time is bounded too (`bot.chat.deadline`): a model with no text after `Limits.first_token_s` is not retried but
left for the next model of the chain, and the whole turn ends at `Limits.turn_s`. While it waits, the caller
hears `Progress` events (waiting, retrying, falling back) to show the user.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.chat.deadline import FIRST_TOKEN, TURN_DEADLINE, Deadline, Late, complete_within
from bot.chat.model import ChatModel, Completion, ModelError, ModelRequest
from bot.chat.types import Sink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    retries: int = 2
    base_s: float = 0.25
    max_s: float = 4.0

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        full = min(self.max_s, self.base_s * (1 << attempt))
        return full / 2 + rng() * full / 2


@dataclass(frozen=True)
class Limits:
    """How long to wait: for a model's first text, for the whole turn; how often to say "still waiting"."""

    first_token_s: float = 20.0
    turn_s: float = 120.0
    progress_every_s: float = 5.0


@dataclass(frozen=True)
class Progress:
    """What the caller is waiting for: `model` still silent after `waited_s`, retried (`attempt`, 1-based), or
    tried because `previous` did not answer."""

    kind: Literal["waiting", "retrying", "fallback"]
    model: str
    waited_s: float = 0.0
    attempt: int = 0
    previous: str | None = None


OnProgress = Callable[[Progress], None]


def _quiet(_: Progress) -> None:
    """No one is shown progress (compare collects whole answers)."""


@dataclass(frozen=True)
class Answered:
    model_key: str
    completion: Completion
    failed: tuple[tuple[str, ModelError], ...]  # models tried before, with why


class NoAnswer(ModelError):
    """No model of the chain answered. `failed`: the models really called, in order, with why (a chain that
    stops early — the request itself is wrong, or the turn's time is up — does not list the ones never tried)."""

    def __init__(self, failed: Sequence[tuple[str, ModelError]], last: ModelError) -> None:
        super().__init__(last.kind, last.code, last.detail)
        self.failed = tuple(failed)

    @property
    def tried(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for key, _ in self.failed))


def call_with_retries(
    model: ChatModel,
    request: ModelRequest,
    sink: Sink,
    backoff: Backoff,
    sleep: Callable[[float], None] = time.sleep,
    *,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
    progress: OnProgress = _quiet,
    late: Late | None = None,
) -> Completion:
    """One model, retried on retryable errors within `deadline`; raises the last `ModelError`. A model that
    stayed silent past `limits.first_token_s` is not retried (it is likely to hang again). `late` hears a
    given-up call that answered after all (see `complete_within`), so its usage can still be recorded."""
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.turn_s)
    key = request.model_key

    def waiting(seconds: float) -> None:
        progress(Progress("waiting", key, waited_s=seconds))

    attempt = 0
    while True:
        try:
            return complete_within(
                model, request, sink, deadline,
                first_token_s=limits.first_token_s, every_s=limits.progress_every_s, waiting=waiting, late=late,
            )  # fmt: skip
        except ModelError as exc:
            if not exc.retryable or exc.code in (FIRST_TOKEN, TURN_DEADLINE) or attempt >= backoff.retries:
                raise
            wait = backoff.delay(attempt)
            log.info(
                "model call retried",
                extra={"model": key, "error": exc.code, "attempt": attempt + 1, "wait_s": round(wait, 3)},
            )
            if wait >= deadline.remaining():
                raise deadline.error() from exc
            sleep(wait)
            attempt += 1
            progress(Progress("retrying", key, attempt=attempt + 1))


def call_with_fallback(
    model: ChatModel,
    chain: Sequence[str],
    build: Callable[[str], ModelRequest],
    sink: Sink,
    backoff: Backoff,
    sleep: Callable[[float], None] = time.sleep,
    *,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
    progress: OnProgress = _quiet,
    late: Late | None = None,
) -> Answered:
    """Try each model of `chain` (the chosen one first) until one answers, all within one deadline. Raises
    `NoAnswer` naming the models really tried; a non-retryable error other than "denied" stops the chain (the
    request itself is wrong), and so does the turn's deadline."""
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.turn_s)
    failed: list[tuple[str, ModelError]] = []
    for key in chain:
        if failed:
            progress(Progress("fallback", key, previous=failed[-1][0]))
        try:
            request = build(key)
            completion = call_with_retries(
                model, request, sink, backoff, sleep, limits=limits, deadline=deadline, progress=progress, late=late
            )
        except ModelError as exc:
            failed.append((key, exc))
            log.warning("model failed; trying the next in the chain", extra={"model": key, "error": exc.code})
            if (not exc.retryable and exc.kind != "denied") or exc.code == TURN_DEADLINE:
                raise NoAnswer(failed, exc) from exc
            continue
        return Answered(key, completion, tuple(failed))
    raise NoAnswer(failed, failed[-1][1] if failed else ModelError("failed", "EmptyChain"))
