"""Retries and fallbacks around model calls (DESIGN §5.2 failures).

Throttling, 5xx and timeouts are retried a bounded number of times with jittered exponential backoff ("equal
jitter": half the delay fixed, half random, so replicas do not retry in step); then the next model of the
fallback chain is tried. A call that has already streamed text is never retried (the user has seen it): it comes
back interrupted instead. Validation errors are not retried: the same request would fail the same way.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
class Answered:
    model_key: str
    completion: Completion
    failed: tuple[tuple[str, ModelError], ...]  # models tried before, with why


def call_with_retries(
    model: ChatModel,
    request: ModelRequest,
    sink: Sink,
    backoff: Backoff,
    sleep: Callable[[float], None] = time.sleep,
) -> Completion:
    """One model, retried on retryable errors; raises the last `ModelError`."""
    attempt = 0
    while True:
        try:
            return model.complete(request, sink)
        except ModelError as exc:
            if not exc.retryable or attempt >= backoff.retries:
                raise
            wait = backoff.delay(attempt)
            log.info(
                "model call retried",
                extra={"model": request.model_key, "error": exc.code, "attempt": attempt + 1, "wait_s": round(wait, 3)},
            )
            sleep(wait)
            attempt += 1


def call_with_fallback(
    model: ChatModel,
    chain: Sequence[str],
    build: Callable[[str], ModelRequest],
    sink: Sink,
    backoff: Backoff,
    sleep: Callable[[float], None] = time.sleep,
) -> Answered:
    """Try each model of `chain` (the chosen one first) until one answers. Raises the last `ModelError` when none
    does; a non-retryable error other than "denied" stops the chain (the request itself is wrong)."""
    failed: list[tuple[str, ModelError]] = []
    for key in chain:
        try:
            completion = call_with_retries(model, build(key), sink, backoff, sleep)
        except ModelError as exc:
            failed.append((key, exc))
            log.warning("model failed; trying the next in the chain", extra={"model": key, "error": exc.code})
            if not exc.retryable and exc.kind != "denied":
                raise
            continue
        return Answered(key, completion, tuple(failed))
    raise failed[-1][1] if failed else ModelError("failed", "EmptyChain")
