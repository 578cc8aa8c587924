"""The endpoint's mutable state, shared by every request thread: behaviours, armed faults, scripted replies and
guardrail outcomes, the prompt cache, local guardrails and the log of received requests.

All of it is reset by `reset()` to what the configuration says, so one server can serve a whole test session.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.bedrock_local.behaviour import Behaviour, LocalConfig, Operation
from bot.bedrock_local.cache import PromptCache
from bot.bedrock_local.faults import FaultBook
from bot.bedrock_local.guardrails import GuardrailOutcome, LocalGuardrail
from bot.bedrock_local.replies import ScriptedReply
from bot.bedrock_local.tiers import requested_tier
from bot.bedrock_local.validation import resolve_model
from bot.catalog.catalog import Catalog

_HIDDEN_HEADERS = frozenset({"authorization", "x-amz-security-token"})


@dataclass(frozen=True)
class RecordedRequest:
    """One model or guardrail call as received: route, raw and resolved model, parsed body, headers (minus
    credentials-bearing ones)."""

    operation: Operation
    path: str
    model_id: str | None
    model_key: str | None
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def service_tier(self) -> str | None:
        """The `serviceTier.type` the request asked for (None when it named none)."""
        return requested_tier(self.body)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "path": self.path,
            "model_id": self.model_id,
            "model_key": self.model_key,
            "body": self.body,
            "headers": self.headers,
        }


class EndpointState:
    """Everything a request handler reads or changes. Thread-safe."""

    def __init__(self, catalog: Catalog, config: LocalConfig, clock: Callable[[], float] = time.monotonic) -> None:
        """`clock` is the prompt cache's (tests pass a fake one to expire entries without waiting)."""
        self.catalog = catalog
        self.config = config
        self.stopping = threading.Event()
        self.faults = FaultBook(config.seed)
        cache = config.prompt_cache
        self.cache = PromptCache(cache.ttl_s, cache.min_tokens, clock, ttl_1h_s=cache.ttl_1h_s)
        self._lock = threading.Lock()
        self._defaults = config.defaults
        self._overrides: dict[str, Behaviour] = {}
        self._scripts: dict[str | None, deque[ScriptedReply]] = {}
        self._guardrails: list[LocalGuardrail] = []
        self._guardrail_scripts: dict[str | None, deque[GuardrailOutcome]] = {}
        self._requests: list[RecordedRequest] = []
        self.generation = 0  # bumped by reset(), so calls stalled across a reset know they are stale
        self.reset()

    def model_key(self, model: str) -> str:
        """A catalog key, or the key of a model id / profile / ARN (ValueError if neither)."""
        if model in self.catalog.models:
            return model
        try:
            return resolve_model(self.catalog, model).key
        except Exception as exc:
            raise ValueError(f"unknown model {model!r}: use a catalog key or a Bedrock model id") from exc

    def reset(self) -> None:
        """Back to the configuration: behaviours and faults as configured; no scripts, requests or cache."""
        with self._lock:
            self.generation += 1
            self._defaults = self.config.defaults
            self._overrides = {self.model_key(k): b for k, b in self.config.models.items()}
            self._scripts.clear()
            self._guardrails = list(self.config.guardrails)
            self._guardrail_scripts.clear()
            self._requests.clear()
        self.cache.clear()
        self.faults.clear()
        self.faults.replace(None, self._defaults.faults)
        for key, behaviour in self._overrides.items():
            self.faults.replace(key, behaviour.faults)

    def behaviour(self, model_key: str) -> Behaviour:
        """The model's timing: its override's explicitly set fields over the defaults."""
        with self._lock:
            override = self._overrides.get(model_key)
            return self._defaults if override is None else override.over(self._defaults)

    def set_behaviour(self, model: str | None, behaviour: Behaviour) -> None:
        """Change the fields set in `behaviour` for a model, or for the defaults (`None`); faults, when given,
        replace that model's (or the any-model) faults."""
        key = None if model is None else self.model_key(model)
        with self._lock:
            if key is None:
                self._defaults = _merge(self._defaults, behaviour)
            else:
                self._overrides[key] = _merge(self._overrides.get(key, Behaviour()), behaviour)
        if "faults" in behaviour.model_fields_set:
            self.faults.replace(key, behaviour.faults)

    def script(self, reply: ScriptedReply, model: str | None) -> None:
        key = None if model is None else self.model_key(model)
        with self._lock:
            self._scripts.setdefault(key, deque()).append(reply)

    def next_script(self, model_key: str) -> ScriptedReply | None:
        """The model's next queued reply, else the next any-model one."""
        with self._lock:
            for key in (model_key, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return None

    def add_guardrail(self, guardrail: LocalGuardrail) -> None:
        with self._lock:
            self._guardrails.insert(0, guardrail)  # newest first, so it overrides a configured one

    def guardrail(self, identifier: str, version: str) -> LocalGuardrail | None:
        gid = identifier.rsplit("/", 1)[-1]
        with self._lock:
            return next((g for g in self._guardrails if g.id == gid and g.version in ("*", version)), None)

    def script_guardrail(self, outcome: GuardrailOutcome, guardrail_id: str | None) -> None:
        with self._lock:
            self._guardrail_scripts.setdefault(guardrail_id, deque()).append(outcome)

    def has_guardrail_script(self, guardrail_id: str) -> bool:
        with self._lock:
            return bool(self._guardrail_scripts.get(guardrail_id) or self._guardrail_scripts.get(None))

    def next_guardrail_script(self, identifier: str) -> GuardrailOutcome | None:
        gid = identifier.rsplit("/", 1)[-1]
        with self._lock:
            for key in (gid, None):
                queue = self._guardrail_scripts.get(key)
                if queue:
                    return queue.popleft()
        return None

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def sleep(self, seconds: float) -> bool:
        """Wait, but wake at once when the server stops; True if it is stopping."""
        return self.stopping.wait(seconds) if seconds > 0 else self.stopping.is_set()


def _merge(old: Behaviour, new: Behaviour) -> Behaviour:
    """`old` with `new`'s explicitly set fields; the result remembers both sets as explicitly set."""
    fields = {**old.model_dump(include=old.model_fields_set), **new.model_dump(include=new.model_fields_set)}
    return Behaviour.model_validate(fields)


def visible_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() not in _HIDDEN_HEADERS}
