"""`LocalBedrock`: the local Bedrock Runtime endpoint as an object tests and the console start in-process.

    with LocalBedrock().start() as bedrock:
        client = boto3.client("bedrock-runtime", endpoint_url=bedrock.url, region_name="us-east-1", ...)
        bedrock.script(ScriptedReply.tool("get_price", {"model": "nova-pro"}))
        bedrock.add_fault(kind="throttle", count=1)

Every control here has an HTTP twin under `/_local/` (see `bot.bedrock_local.control`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.bedrock_local.behaviour import Behaviour, Fault, LocalConfig, load_config
from bot.bedrock_local.guardrails import GuardrailOutcome, LocalGuardrail
from bot.bedrock_local.handler import LocalHTTPServer
from bot.bedrock_local.replies import ScriptedReply
from bot.bedrock_local.state import EndpointState, RecordedRequest
from bot.catalog.catalog import Catalog


class LocalBedrock:
    """A Bedrock Runtime look-alike on 127.0.0.1 for unmodified boto3 and `ChatBedrockConverse`.

    `catalog` decides which model ids exist and what each can do (default: the repo's catalog); `config` is a
    `LocalConfig`, a path to a YAML file, or None for `config/bedrock-local.yaml` (zero latency, no faults);
    `clock` drives prompt-cache expiry (a fake one lets tests step past a TTL).
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        config: LocalConfig | Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if catalog is None:
            from bot.catalog.loader import load_catalog

            catalog = load_catalog()
        settings = config if isinstance(config, LocalConfig) else load_config(config)
        self.state = EndpointState(catalog, settings, clock)
        self._server: LocalHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, host: str = "127.0.0.1", port: int = 0) -> LocalBedrock:
        """Listen (port 0: any free port) and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("LocalBedrock is already running")
        self.state.stopping.clear()
        self._server = LocalHTTPServer((host, port), self.state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="bedrock-local", daemon=True
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LocalBedrock is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint URL for `endpoint_url=` / `BEDROCK_ENDPOINT_URL`."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop serving; stalled replies (latency, timeout faults) wake up and end."""
        self.state.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LocalBedrock:
        return self if self._server is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def script(self, reply: ScriptedReply | str | Mapping[str, Any], model: str | None = None) -> None:
        """Queue a reply for `model` (catalog key or model id) or, with None, for any model; FIFO."""
        if isinstance(reply, str):
            reply = ScriptedReply(text=reply)
        elif not isinstance(reply, ScriptedReply):
            reply = ScriptedReply.model_validate(reply)
        self.state.script(reply, model)

    def set_behaviour(self, model: str | None, behaviour: Behaviour | Mapping[str, Any]) -> None:
        """Change the fields set in `behaviour` for one model (catalog key or id) or for the defaults (None);
        a model's fields override the defaults; `faults`, when given, replace that model's (or any-model) faults."""
        value = behaviour if isinstance(behaviour, Behaviour) else Behaviour.model_validate(behaviour)
        self.state.set_behaviour(model, value)

    def add_fault(
        self, fault: Fault | Mapping[str, Any] | None = None, *, model: str | None = None, **fields: Any
    ) -> None:
        """Arm a fault for `model` or any model: `add_fault(kind="throttle", count=1)` or `add_fault(Fault(...))`."""
        value = fault if isinstance(fault, Fault) else Fault.model_validate({**(fault or {}), **fields})
        self.state.faults.add(None if model is None else self.state.model_key(model), value)

    def add_guardrail(self, guardrail: LocalGuardrail | Mapping[str, Any]) -> None:
        """Define (or override) a local guardrail at run time."""
        value = guardrail if isinstance(guardrail, LocalGuardrail) else LocalGuardrail.model_validate(guardrail)
        self.state.add_guardrail(value)

    def script_guardrail(self, outcome: GuardrailOutcome | Mapping[str, Any], guardrail_id: str | None = None) -> None:
        """Queue a guardrail result for `guardrail_id` (or any guardrail): ApplyGuardrail returns it, and a
        Converse call with `guardrailConfig` uses it as the input check."""
        value = outcome if isinstance(outcome, GuardrailOutcome) else GuardrailOutcome.model_validate(outcome)
        self.state.script_guardrail(value, guardrail_id)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Model and guardrail calls received so far, oldest first."""
        return self.state.requests()

    def reset(self) -> None:
        """Back to the configuration: drops scripts, runtime faults and behaviours, recorded requests, the cache."""
        self.state.reset()
