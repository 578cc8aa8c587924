"""Armed faults: which injected failure, if any, hits a given call.

Faults are kept per model key, plus one list for any model. A counted fault fires for its next N matching calls
and is then dropped; a probabilistic one draws from its own seeded RNG, so a run is repeatable call by call.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from bot.bedrock_local.behaviour import Fault, Operation
from bot.bedrock_local.errors import BedrockError
from bot.bedrock_local.eventstream import StreamExceptionType

THROTTLED = "Too many requests, please wait before trying again."
INTERNAL = "The server encountered an internal error while processing the request."
UNAVAILABLE = "Bedrock is unable to process your request."
MODEL_TIMEOUT = "Model has timed out in processing the request. Try your request again."
STREAM_MESSAGES: dict[StreamExceptionType, str] = {
    "throttlingException": THROTTLED,
    "modelStreamErrorException": "The model encountered an error while streaming its response. Try again.",
    "internalServerException": INTERNAL,
    "serviceUnavailableException": UNAVAILABLE,
    "validationException": "The model returned a response that is not valid. Try your request again.",
}


@dataclass
class _Armed:
    fault: Fault
    remaining: int | None
    rng: random.Random


class FaultBook:
    """The armed faults of one endpoint. Thread-safe."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._armed: dict[str | None, list[_Armed]] = {}
        self._lock = threading.Lock()

    def _arm(self, fault: Fault) -> _Armed:
        return _Armed(fault, fault.count, random.Random(self._seed if fault.seed is None else fault.seed))

    def replace(self, scope: str | None, faults: Sequence[Fault]) -> None:
        """Set the faults of a model key (or of any model, `None`), re-arming their counters and RNGs."""
        with self._lock:
            self._armed[scope] = [self._arm(f) for f in faults]

    def add(self, scope: str | None, fault: Fault) -> None:
        with self._lock:
            self._armed.setdefault(scope, []).append(self._arm(fault))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def pick(self, model_key: str, operation: Operation) -> Fault | None:
        """The first fault that fires for this call (the model's own before the any-model ones), or None."""
        with self._lock:
            for scope in (model_key, None):
                armed = self._armed.get(scope, [])
                for entry in armed:
                    if not entry.fault.applies_to(operation):
                        continue
                    if entry.fault.probability is not None and entry.rng.random() >= entry.fault.probability:
                        continue
                    if entry.remaining is not None:
                        entry.remaining -= 1
                        if entry.remaining <= 0:
                            armed.remove(entry)
                    return entry.fault
        return None


def fault_error(fault: Fault) -> BedrockError | None:
    """The HTTP error a fault answers with, or None for faults that act otherwise (timeout, stream)."""
    if fault.kind == "throttle":
        return BedrockError(429, "ThrottlingException", fault.message or THROTTLED)
    if fault.kind == "model_timeout":
        return BedrockError(408, "ModelTimeoutException", fault.message or MODEL_TIMEOUT)
    if fault.kind == "server_error" and fault.status == 503:
        return BedrockError(503, "ServiceUnavailableException", fault.message or UNAVAILABLE)
    if fault.kind == "server_error":
        return BedrockError(500, "InternalServerException", fault.message or INTERNAL)
    return None
