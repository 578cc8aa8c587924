"""The Bedrock operations behind the routes: Converse (prepared here, rendered as JSON or as a stream),
CountTokens and ApplyGuardrail. Each returns Bedrock's response shape or raises `BedrockError`.

Order per call, as in Bedrock: resolve the model (and check it is callable from the call's Region), validate the
request (service tier and cachePoint TTLs included), then faults and latency (a throttled or abandoned call
consumes no scripted reply, so the retry gets it), guardrail on the input, the reply, guardrail on the output,
usage and the tier served.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.bedrock_local.behaviour import Behaviour, Fault, Operation
from bot.bedrock_local.errors import Abandoned, not_found, validation
from bot.bedrock_local.faults import fault_error
from bot.bedrock_local.guard import ConverseGuard
from bot.bedrock_local.guardrails import evaluate, scripted
from bot.bedrock_local.prompt import (
    Body,
    CachePrefix,
    account,
    cache_point_count,
    cache_points,
    guarded_texts,
    last_user_text,
)
from bot.bedrock_local.replies import Reply, resolve
from bot.bedrock_local.routing import DEFAULT_REGION
from bot.bedrock_local.state import EndpointState
from bot.bedrock_local.tiers import check_service_tier, served_tier
from bot.bedrock_local.validation import check_context, check_converse, check_messages, resolve_model
from bot.catalog.schema import Model
from bot.chat.tokens import estimate_tokens


@dataclass(frozen=True)
class Prepared:
    """A Converse call decided and counted (its latency waited out), ready to render as JSON or as a stream."""

    model: Model
    reply: Reply
    usage: dict[str, Any]
    trace: dict[str, Any] | None
    behaviour: Behaviour
    stream_fault: Fault | None
    started: float
    service_tier: str = "default"  # the tier served, reported as `serviceTier.type`

    def latency_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


@dataclass(frozen=True)
class Call:
    """One request's context: when it arrived, how to tell that its caller has gone away, and the Region it is
    served in."""

    started: float = field(default_factory=time.monotonic)
    abandoned: Callable[[], bool] = lambda: False
    region: str = DEFAULT_REGION


def stall(state: EndpointState, call: Call, seconds: float) -> None:
    """Wait `seconds`; raise `Abandoned` if meanwhile the caller left or the endpoint stopped or was reset."""
    generation = state.generation
    if seconds <= 0:
        return
    if state.sleep(seconds) or state.generation != generation or call.abandoned():
        raise Abandoned()


def apply_fault(state: EndpointState, call: Call, scope: str, operation: Operation) -> Fault | None:
    """Raise the error fault that fires, stall for a timeout fault; return a stream fault for the stream."""
    fault = state.faults.pick(scope, operation)
    if fault is None:
        return None
    error = fault_error(fault)
    if error is not None:
        raise error
    if fault.kind == "timeout":
        stall(state, call, fault.seconds)
        return None
    return fault


def prepare_converse(state: EndpointState, call: Call, model: Model, body: Body, *, stream: bool) -> Prepared:
    """Validate, apply faults, wait out the latency (to the first token when streaming), then decide the reply.
    Waiting comes before any scripted reply is taken, so a caller that gives up leaves it for the next one."""
    check_converse(model, body, stream=stream)
    requested = check_service_tier(model, body)
    prompt = account(body)
    check_context(model, prompt.tokens)
    guard = ConverseGuard.open(state, body)
    stream_fault = apply_fault(state, call, model.key, "converse_stream" if stream else "converse")
    behaviour = state.behaviour(model.key)
    stall(state, call, behaviour.first_token_s if stream else behaviour.latency_s)
    started = call.started
    messages = body["messages"]
    user_text = last_user_text(messages)
    if guard is not None:
        verdict = guard.check_input(guarded_texts(messages))
        if verdict.blocked:  # the model never runs: no tokens
            reply = guard.blocked_reply(verdict)
            usage: dict[str, Any] = {"inputTokens": 0, "outputTokens": 0, "totalTokens": 0}
            tier = served_tier(requested, behaviour.serve_tier, None)
            return Prepared(model, reply, usage, guard.trace(reply), behaviour, stream_fault, started, tier)
        if verdict.action == "GUARDRAIL_INTERVENED":
            user_text = " ".join(verdict.outputs)
    max_tokens = (body.get("inferenceConfig") or {}).get("maxTokens")
    reply = resolve(state.next_script(model.key), model, user_text, max_tokens)
    if guard is not None:
        reply = guard.check_output(reply)
    usage = _usage(state, model, body, reply, prompt.tokens, prompt.prefixes)
    trace = guard.trace(reply) if guard is not None else None
    tier = served_tier(requested, behaviour.serve_tier, reply.service_tier)
    return Prepared(model, reply, usage, trace, behaviour, stream_fault, started, tier)


def _usage(
    state: EndpointState, model: Model, body: Body, reply: Reply, tokens: int, prefixes: Sequence[CachePrefix]
) -> dict[str, Any]:
    """Bedrock's TokenUsage: inputTokens excludes cache reads and writes; totalTokens includes them. With a
    cachePoint that names a `ttl`, `cacheDetails` splits the writes by TTL (an entry per TTL written)."""
    cached = state.cache.use(model.key, prefixes)
    read, write = cached.read_tokens, cached.write_tokens
    details: list[dict[str, Any]] = [
        {"ttl": "5m", "inputTokens": cached.write_5m_tokens},
        {"ttl": "1h", "inputTokens": cached.write_1h_tokens},
    ]
    given = reply.usage
    input_tokens = tokens - read - write
    output_tokens = reply.output_tokens()
    if given is not None:
        input_tokens = given.input_tokens if given.input_tokens is not None else input_tokens
        output_tokens = given.output_tokens if given.output_tokens is not None else output_tokens
        read = given.cache_read_input_tokens if given.cache_read_input_tokens is not None else read
        if given.cache_write is not None:
            write = given.cache_write
            details = [d.model_dump(by_alias=True) for d in given.cache_details or []]
    usage: dict[str, Any] = {
        "inputTokens": input_tokens,
        "outputTokens": output_tokens,
        "totalTokens": input_tokens + output_tokens + read + write,
    }
    overridden = given is not None and (given.cache_read_input_tokens, given.cache_write) != (None, None)
    if cache_point_count(body) or overridden:
        usage |= {"cacheReadInputTokens": read, "cacheWriteInputTokens": write}
    explicit = (given is not None and given.cache_details is not None) or any(
        isinstance(b.get("cachePoint"), dict) and "ttl" in b["cachePoint"] for _, b in cache_points(body)
    )
    written = [d for d in details if d["inputTokens"] > 0]
    if explicit and written:
        usage["cacheDetails"] = written
    return usage


def converse_response(prepared: Prepared) -> dict[str, Any]:
    response: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": prepared.reply.content()}},
        "stopReason": prepared.reply.stop_reason,
        "usage": prepared.usage,
        "metrics": {"latencyMs": prepared.latency_ms()},
        "serviceTier": {"type": prepared.service_tier},
    }
    if prepared.trace is not None:
        response["trace"] = prepared.trace
    return response


def count_tokens(state: EndpointState, call: Call, model_id: str, body: Body) -> dict[str, Any]:
    """CountTokens: `input.converse` counted like a Converse call (no cache split), or `input.invokeModel`'s
    body counted as text."""
    model = resolve_model(state.catalog, model_id)
    apply_fault(state, call, model.key, "count_tokens")
    payload = body.get("input") or {}
    if "converse" in payload:
        converse = payload["converse"] or {}
        check_messages(converse)
        return {"inputTokens": account(converse).tokens}
    if "invokeModel" in payload:
        raw = str((payload["invokeModel"] or {}).get("body", ""))
        try:
            text = base64.b64decode(raw, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            text = raw
        return {"inputTokens": estimate_tokens(text)}
    raise validation("The input field must set exactly one of: converse, invokeModel.")


def apply_guardrail(state: EndpointState, call: Call, identifier: str, version: str, body: Body) -> dict[str, Any]:
    """ApplyGuardrail: a scripted outcome if one is queued, else the configured guardrail's verdict."""
    if body.get("source") not in ("INPUT", "OUTPUT"):
        raise validation(
            "Value at 'source' failed to satisfy constraint: Member must satisfy enum value set: [INPUT, OUTPUT]"
        )
    content = body.get("content")
    if not isinstance(content, list) or not content:
        raise validation("The content field must contain at least one content block.")
    texts = [str((block.get("text") or {}).get("text", "")) for block in content if isinstance(block, dict)]
    gid = identifier.rsplit("/", 1)[-1]
    apply_fault(state, call, gid, "apply_guardrail")
    guardrail = state.guardrail(identifier, version)
    outcome = state.next_guardrail_script(gid)
    if outcome is not None:
        return scripted(outcome, guardrail, texts).response()
    if guardrail is None:
        raise not_found(f"The guardrail {gid!r} with version {version!r} was not found.")
    source: Literal["INPUT", "OUTPUT"] = "INPUT" if body["source"] == "INPUT" else "OUTPUT"
    return evaluate(guardrail, source, texts).response()
