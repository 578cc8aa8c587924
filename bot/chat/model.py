"""The seam between the bot and Bedrock: one `ChatModel.complete` call streams text to a sink and returns the whole
answer with its `Usage`.

`BedrockChatModel` uses langchain-aws `ChatBedrockConverse` (message conversion, tool calls, stream parsing) over
one shared boto3 client whose retries are off: the bot retries and falls back itself (`bot.chat.reliability`), so
it can tell the user which model answered. Errors before the first piece of text raise `ModelError` (retryable or
not); an error after it returns the partial answer marked `interrupted`, with the usage Bedrock reported or, when
the stream died before its metadata event, an estimate marked as such.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import botocore.exceptions
from langchain_aws import ChatBedrockConverse
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from bot.chat.tokens import estimate_tokens
from bot.chat.types import Sink, Usage
from bot.guardrails.bedrock import trace_hits
from bot.guardrails.verdict import Hit, Source

log = logging.getLogger(__name__)
GuardTrace = dict[Source, list[Hit]]

RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelNotReadyException",
        "ModelTimeoutException",
        "ModelStreamErrorException",
        "TooManyRequestsException",
    }
)


class ModelError(Exception):
    """A call that produced no answer. `kind`: throttled, unavailable, timeout, invalid, denied or failed."""

    def __init__(self, kind: str, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.kind, self.code, self.detail = kind, code, detail

    @property
    def retryable(self) -> bool:
        return self.kind in ("throttled", "unavailable", "timeout")


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ModelRequest:
    """One Converse call. `messages` are LangChain messages (system first, when any); `tools` are Converse
    `toolSpec` entries; `metadata` becomes Bedrock's `requestMetadata` (cost attribution: team, channel, user,
    feature)."""

    model_key: str
    model_id: str
    messages: Sequence[BaseMessage]
    max_tokens: int
    metadata: Mapping[str, str]
    tools: Sequence[Mapping[str, Any]] = ()
    service_tier: str | None = None


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage
    stop_reason: str
    tool_calls: tuple[ToolCall, ...] = ()
    message: AIMessage | None = None  # the assistant message as sent back to the model in a tool loop
    interrupted: bool = False
    error: ModelError | None = field(default=None, compare=False)
    guardrail: GuardTrace = field(default_factory=dict)  # Bedrock Guardrails' interventions, by source
    calls: int = 1  # Converse calls behind this answer (the catalog assistant's tool rounds add theirs)
    served_tier: str | None = None  # the `serviceTier.type` Bedrock reported serving ("default", "flex", ...)


class ChatModel(Protocol):
    def complete(self, request: ModelRequest, sink: Sink) -> Completion: ...


def classify(exc: BaseException) -> ModelError:
    """A Bedrock/botocore/langchain failure as a `ModelError` the caller can act on. An exception that arrives
    inside a ConverseStream (`throttlingException`, `serviceUnavailableException`...) is classified like its HTTP
    twin (`ThrottlingException`...): botocore raises it as an `EventStreamError`, a `ClientError` with a
    lower-camel code and HTTP status 200, so the code is normalised before it is looked at."""
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        code, message = _twin(str(err.get("Code", "ClientError"))), str(err.get("Message", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in ("ThrottlingException", "TooManyRequestsException") or status == 429:
            return ModelError("throttled", code, message)
        if code in RETRYABLE_CODES or status >= 500:
            return ModelError("timeout" if "Timeout" in code else "unavailable", code, message)
        if code == "AccessDeniedException":
            return ModelError("denied", code, message)
        return ModelError("invalid", code, message)
    if isinstance(exc, (botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError)):
        return ModelError("timeout", type(exc).__name__, str(exc))
    if isinstance(exc, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionError)):
        return ModelError("unavailable", type(exc).__name__, str(exc))
    if isinstance(exc, ConnectionError):  # langchain: stream ended without messageStop
        return ModelError("unavailable", "IncompleteStream", str(exc))
    if isinstance(exc, ValueError) and "AWS exception" in str(exc):  # langchain: exception event in the stream
        kind = "throttled" if "hrottl" in str(exc) else "unavailable"
        return ModelError(kind, "ModelStreamErrorException", str(exc).splitlines()[0])
    return ModelError("failed", type(exc).__name__, str(exc))


def _twin(code: str) -> str:
    """`throttlingException` (an in-stream exception's type) → `ThrottlingException` (its HTTP error code)."""
    return code[:1].upper() + code[1:] if code.endswith("Exception") else code


class BedrockChatModel:
    """`ChatModel` over ChatBedrockConverse: one LangChain model object per Bedrock id, one boto3 client."""

    def __init__(self, client: Any, region: str, guardrail: Mapping[str, str] | None = None) -> None:
        """`guardrail`: Bedrock Guardrails' `guardrailConfig` for every call (the last user turn is guarded)."""
        self._client = client
        self._region = region
        self._guardrail = dict(guardrail) if guardrail else None
        self._models: dict[str, ChatBedrockConverse] = {}
        self._lock = threading.Lock()

    def _model(self, model_id: str) -> ChatBedrockConverse:
        with self._lock:
            model = self._models.get(model_id)
            if model is None:
                model = ChatBedrockConverse(
                    model_id=model_id,
                    client=self._client,
                    region_name=self._region,
                    guardrail_config=self._guardrail,
                    guard_last_turn_only=self._guardrail is not None,
                )
                self._models[model_id] = model
            return model

    def complete(self, request: ModelRequest, sink: Sink) -> Completion:
        llm = self._model(request.model_id)
        kwargs: dict[str, Any] = {"max_tokens": request.max_tokens, "request_metadata": dict(request.metadata)}
        if request.tools:
            kwargs["tool_config"] = {"tools": [{"toolSpec": dict(t)} for t in request.tools]}
        if request.service_tier:
            kwargs["service_tier"] = request.service_tier
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        merged: AIMessageChunk | None = None
        try:
            for chunk in llm.stream(list(request.messages), **kwargs):
                assert isinstance(chunk, AIMessageChunk)
                merged = chunk if merged is None else merged + chunk
                piece = _text_of(chunk)
                if piece:
                    if first is None:
                        first = time.perf_counter()
                    pieces.append(piece)
                    sink(piece)
        except Exception as exc:
            error = classify(exc)
            if not pieces:
                raise error from exc
            log.warning("model stream interrupted", extra={"model": request.model_key, "error": error.code})
            return self._finish(request, merged, pieces, started, first, error)
        return self._finish(request, merged, pieces, started, first, None)

    def _finish(
        self,
        request: ModelRequest,
        merged: AIMessageChunk | None,
        pieces: list[str],
        started: float,
        first: float | None,
        error: ModelError | None,
    ) -> Completion:
        elapsed = (time.perf_counter() - started) * 1000
        ttft = (first - started) * 1000 if first is not None else None
        text = "".join(pieces)
        usage = _usage(merged, elapsed, ttft)
        if usage is None:  # the stream died before Bedrock reported usage
            usage = Usage(
                input_tokens=prompt_estimate(request),
                output_tokens=estimate_tokens(text),
                latency_ms=elapsed,
                ttft_ms=ttft,
                estimated=True,
            )
        meta = merged.response_metadata if merged is not None else {}
        stop = str(meta.get("stopReason") or ("interrupted" if error else "end_turn"))
        calls = tuple(
            ToolCall(id=str(c.get("id") or ""), name=c["name"], args=dict(c.get("args") or {}))
            for c in (merged.tool_calls if merged is not None and error is None else [])
        )
        message = None
        if merged is not None and error is None:
            message = AIMessage(content=merged.content, tool_calls=merged.tool_calls)
        return Completion(
            text=text,
            usage=usage,
            stop_reason=stop,
            tool_calls=calls,
            message=message,
            interrupted=error is not None,
            error=error,
            guardrail=_guardrail(meta, stop, usage),
            served_tier=_served_tier(meta),
        )


def _guardrail(meta: Mapping[str, Any], stop: str, usage: Usage) -> GuardTrace:
    """Bedrock Guardrails' interventions from the trace. Without a trace, an intervention with no output tokens
    was on the input (the model never ran), otherwise on the output."""
    found = trace_hits(meta.get("trace")) if meta.get("trace") else {"INPUT": [], "OUTPUT": []}
    if stop == "guardrail_intervened" and not (found["INPUT"] or found["OUTPUT"]):
        found["INPUT" if usage.output_tokens == 0 else "OUTPUT"].append(Hit("bedrock:guardrail", "block", "bedrock"))
    return found if found["INPUT"] or found["OUTPUT"] else {}


def _served_tier(meta: Mapping[str, Any]) -> str | None:
    """The metadata event's `serviceTier.type`: the tier Bedrock actually served (it may differ from the one
    asked for, e.g. priority over capacity served as default)."""
    tier = meta.get("serviceTier")
    value = tier.get("type") if isinstance(tier, Mapping) else None
    return str(value) if value else None


def _text_of(chunk: AIMessageChunk) -> str:
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def prompt_estimate(request: ModelRequest) -> int:
    """The bot's estimate of a request's input tokens, for a call Bedrock reported no usage for."""
    return sum(estimate_tokens(_plain(m.content)) for m in request.messages)


def _plain(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))


def _usage(merged: AIMessageChunk | None, elapsed_ms: float, ttft_ms: float | None) -> Usage | None:
    if merged is None or not merged.usage_metadata:
        return None
    um = merged.usage_metadata
    details: Mapping[str, Any] = um.get("input_token_details") or {}
    cache_read = int(details.get("cache_read") or 0)
    # With Bedrock's `cacheDetails`, langchain-aws splits the writes by time-to-live and zeroes `cache_creation`.
    write_5m = int(details.get("ephemeral_5m_input_tokens") or 0)
    write_1h = int(details.get("ephemeral_1h_input_tokens") or 0)
    cache_write = int(details.get("cache_creation") or 0) + write_5m
    return Usage(
        input_tokens=int(um.get("input_tokens", 0)) - cache_read - cache_write - write_1h,  # LangChain's has them
        output_tokens=int(um.get("output_tokens", 0)),
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
        cache_write_1h_tokens=write_1h,
        latency_ms=elapsed_ms,
        ttft_ms=ttft_ms,
    )
