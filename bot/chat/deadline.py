"""Time limits on model calls: a deadline for the whole turn and a wait limit for a model's first text.

botocore's read timeout is per socket read (a model that sends a byte a minute never trips it) and it is the
same for every call, so it cannot bound a turn. `complete_within` runs one `ChatModel.complete` on a worker
thread and waits for it on the caller's thread: with no text after `first_token_s` the model is given up
(`FirstTokenTimeout`, the chain moves on); at the turn's deadline a stream that has started is cut and returned
as an interrupted answer (`TurnDeadline`). A given-up call is abandoned, not killed: its sink is closed, so its
next piece of text ends it (the worker raises inside the stream, which closes the connection) and nothing more
reaches the user; a call that never sends anything ends at botocore's read timeout. Bedrock may still bill a
given-up call that later answered, so its `Completion` (usage estimated) goes to `late` to be recorded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.chat.model import ChatModel, Completion, ModelError, ModelRequest, prompt_estimate
from bot.chat.tokens import estimate_tokens
from bot.chat.types import Sink, Usage

log = logging.getLogger(__name__)
FIRST_TOKEN = "FirstTokenTimeout"
TURN_DEADLINE = "TurnDeadline"


class Deadline:
    """The end of a turn on a monotonic clock."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self._clock = seconds, clock
        self._at = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._at - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def error(self) -> ModelError:
        return ModelError("timeout", TURN_DEADLINE, f"no answer within the turn's {self.seconds:g} s")


class _Abandoned(Exception):
    """Raised into an abandoned call's stream by its closed sink."""


Late = Callable[[str, Completion], object]  # a given-up call's model key and what it came back with


class _Gate:
    """The sink a timed call writes to: forwards pieces until closed, then stops the call that writes. Whether
    the waiting side gave up (`close`) or the call ended first (`finish`) is decided once, under one lock."""

    def __init__(self, sink: Sink) -> None:
        self._sink, self._open, self._lock = sink, True, threading.Lock()
        self._finished = self._kept = False
        self.pieces: list[str] = []
        self.first = threading.Event()

    def __call__(self, piece: str) -> None:
        with self._lock:
            if not self._open:
                raise _Abandoned()
            self.pieces.append(piece)
            self.first.set()
            self._sink(piece)

    def close(self) -> tuple[str, bool]:
        """Give up: the text shown so far, and whether the call had already finished (then its result counts)."""
        with self._lock:
            self._open, self._kept = False, bool(self.pieces)
            return "".join(self.pieces), self._finished

    def finish(self) -> bool:
        """The call ended: True when it had been given up on before with nothing shown (its result is late; a
        stream cut with text is returned, and recorded, by the waiting side)."""
        with self._lock:
            self._finished = True
            return not self._open and not self._kept


def complete_within(
    model: ChatModel,
    request: ModelRequest,
    sink: Sink,
    deadline: Deadline,
    *,
    first_token_s: float,
    every_s: float,
    waiting: Callable[[float], None] | None = None,
    late: Late | None = None,
) -> Completion:
    """`model.complete(request, sink)` bounded by `deadline` and, until its first text, by `first_token_s`;
    `waiting(seconds)` is called every `every_s` while no text has come. Raises `ModelError` (the model's own,
    or timeout `FirstTokenTimeout` / `TurnDeadline` when nothing was shown); a stream cut at the deadline comes
    back `interrupted` with stop reason "deadline" and an estimated usage. `late(key, completion)` hears a call
    given up on before it showed any text that came back afterwards (with a completion, not an error)."""
    if deadline.expired:
        raise deadline.error()
    gate, done = _Gate(sink), threading.Event()
    box: dict[str, Any] = {}
    started = time.monotonic()

    def work() -> None:
        try:
            box["completion"] = model.complete(request, gate)
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc
        if gate.finish() and "completion" in box and late is not None:
            try:
                late(request.model_key, box["completion"])
            except Exception:  # a thread of its own: nothing above it would log this
                log.exception("recording a given-up model call failed", extra={"model": request.model_key})
        done.set()

    threading.Thread(target=work, name=f"model-{request.model_key}", daemon=True).start()
    while True:
        waited = time.monotonic() - started
        limit = deadline.remaining() if gate.first.is_set() else min(deadline.remaining(), first_token_s - waited)
        if limit <= 0 or done.wait(min(limit, every_s)):
            break
        if waiting is not None and not gate.first.is_set():
            waiting(time.monotonic() - started)
    text, finished = gate.close()
    if finished:
        return _result(box)
    if not text:
        if deadline.expired:
            raise deadline.error()
        raise ModelError("timeout", FIRST_TOKEN, f"no text within {first_token_s:g} s")
    return _cut(request, text, time.monotonic() - started, deadline.error())


def _result(box: dict[str, Any]) -> Completion:
    if "error" in box:
        raise box["error"]
    completion: Completion = box["completion"]
    return completion


def _cut(request: ModelRequest, text: str, elapsed_s: float, error: ModelError) -> Completion:
    """What the user saw of a stream cut at the deadline, with the bot's estimate of its usage (Bedrock's
    comes only at the end of a stream)."""
    usage = Usage(prompt_estimate(request), estimate_tokens(text), latency_ms=elapsed_s * 1000, estimated=True)
    return Completion(text=text, usage=usage, stop_reason="deadline", interrupted=True, error=error)
