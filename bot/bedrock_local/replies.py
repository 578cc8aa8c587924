"""What the local endpoint answers: a deterministic, clearly labelled local reply, or a scripted one.

The default reply names the model and echoes the start of the last user message, so the same input always
gives the same output and nobody mistakes it for a real model. Tests queue `ScriptedReply`s to make the "model"
call a tool, trip a guardrail, report exact usage (with its cache writes split by TTL) or report a service
tier served other than the one asked for. Field names accept Bedrock's camelCase too
(`toolUse`, `toolUseId`, `stopReason`, `inputTokens`, ...).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.bedrock_local.tiers import ServiceTierType
from bot.catalog.schema import Model
from bot.chat.tokens import estimate_tokens

StopReason = Literal[
    "end_turn",
    "tool_use",
    "max_tokens",
    "stop_sequence",
    "guardrail_intervened",
    "content_filtered",
    "malformed_model_output",
    "malformed_tool_use",
    "model_context_window_exceeded",
]
ECHO_CHARS = 80
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)


class ToolUse(_Wire):
    """A tool call the "model" makes. Without an id, one is derived from the name and input."""

    name: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")
    input: dict[str, Any] = {}
    tool_use_id: str | None = Field(None, alias="toolUseId", pattern=r"^[a-zA-Z0-9_.:-]{1,64}$")

    def block(self) -> dict[str, Any]:
        """The Converse `toolUse` content block."""
        digest = hashlib.sha256(json.dumps([self.name, self.input], sort_keys=True).encode()).hexdigest()
        return {"toolUseId": self.tool_use_id or f"tooluse_{digest[:22]}", "name": self.name, "input": self.input}


class CacheDetail(_Wire):
    """Bedrock's `CacheDetail`: the tokens written to the cache with one TTL."""

    ttl: Literal["5m", "1h"]
    input_tokens: int = Field(ge=0, alias="inputTokens")


class UsageOverride(_Wire):
    """Usage numbers to report instead of the computed ones (unset fields stay computed). `cacheDetails`, as
    Bedrock shapes it (`[{"ttl": "1h", "inputTokens": 40}, ...]`), is reported as given and sets
    `cacheWriteInputTokens` to its sum unless that is given too (then they must agree)."""

    input_tokens: int | None = Field(None, ge=0, alias="inputTokens")
    output_tokens: int | None = Field(None, ge=0, alias="outputTokens")
    cache_read_input_tokens: int | None = Field(None, ge=0, alias="cacheReadInputTokens")
    cache_write_input_tokens: int | None = Field(None, ge=0, alias="cacheWriteInputTokens")
    cache_details: list[CacheDetail] | None = Field(None, alias="cacheDetails")

    @model_validator(mode="after")
    def _details_add_up(self) -> UsageOverride:
        if self.cache_details is not None and self.cache_write_input_tokens is not None:
            total = sum(d.input_tokens for d in self.cache_details)
            if total != self.cache_write_input_tokens:
                raise ValueError(
                    f"cacheDetails add up to {total}, not to cacheWriteInputTokens {self.cache_write_input_tokens}"
                )
        return self

    @property
    def cache_write(self) -> int | None:
        """The total cache write to report, if this override sets it."""
        if self.cache_details is not None and self.cache_write_input_tokens is None:
            return sum(d.input_tokens for d in self.cache_details)
        return self.cache_write_input_tokens


class ScriptedReply(_Wire):
    """One queued reply: text, a tool call (text may precede it), or a guardrail intervention with `text` as
    the blocked message; `stop_reason`, `usage` and `service_tier` (the tier reported as served) override what
    would be reported."""

    text: str | None = None
    tool_use: ToolUse | None = Field(None, alias="toolUse")
    guardrail_intervened: bool = Field(False, alias="guardrailIntervened")
    stop_reason: StopReason | None = Field(None, alias="stopReason")
    usage: UsageOverride | None = None
    service_tier: ServiceTierType | None = Field(None, alias="serviceTier")

    @classmethod
    def tool(cls, name: str, tool_input: dict[str, Any], tool_use_id: str | None = None) -> ScriptedReply:
        return cls(tool_use=ToolUse(name=name, input=tool_input, tool_use_id=tool_use_id))

    @classmethod
    def guardrail(cls, text: str) -> ScriptedReply:
        return cls(text=text, guardrail_intervened=True)


@dataclass(frozen=True)
class Reply:
    """A reply ready to render: text and/or one tool call, the stop reason, any usage override and any tier it
    says was served."""

    text: str
    tool_use: dict[str, Any] | None
    stop_reason: StopReason
    usage: UsageOverride | None = None
    service_tier: str | None = None

    def content(self) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = [{"text": self.text}] if self.text or self.tool_use is None else []
        return blocks + ([{"toolUse": self.tool_use}] if self.tool_use is not None else [])

    def output_tokens(self) -> int:
        tool = self.tool_use
        tool_tokens = estimate_tokens(tool["name"] + " " + json.dumps(tool["input"])) if tool else 0
        return estimate_tokens(self.text) + tool_tokens


def local_text(model: Model, user_text: str) -> str:
    """The deterministic local reply: a label, an echo of the user's first words and a fixed sentence,
    in Korean when the user wrote Korean."""
    flat = " ".join(user_text.split())
    echo = flat if len(flat) <= ECHO_CHARS else flat[: ECHO_CHARS - 1] + "…"
    if _HANGUL.search(user_text):
        return f'[로컬 {model.name}] 받은 메시지: "{echo}". 실제 모델이 아닌 로컬 Bedrock 엔드포인트의 고정 응답입니다.'
    return (
        f'[local {model.name}] You said: "{echo}". '
        "This is a deterministic reply from the local Bedrock endpoint, not a real model."
    )


def truncate(text: str, max_tokens: int) -> str:
    """The longest prefix of `text` within `max_tokens` (the estimate only grows as a prefix grows)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if estimate_tokens(text[:mid]) <= max_tokens else (lo, mid - 1)
    return text[:lo]


def resolve(script: ScriptedReply | None, model: Model, user_text: str, max_tokens: int | None) -> Reply:
    """The reply to a request: the scripted one if any, else the local text; cut at `max_tokens`
    (stop reason `max_tokens`) unless the script fixed the stop reason."""
    if script is None:
        script = ScriptedReply(text=local_text(model, user_text))
    text = script.text or ""
    tool = script.tool_use.block() if script.tool_use is not None else None
    stop: StopReason = script.stop_reason or (
        "guardrail_intervened" if script.guardrail_intervened else "tool_use" if tool else "end_turn"
    )
    if script.stop_reason is None and max_tokens is not None and estimate_tokens(text) > max_tokens:
        text, tool, stop = truncate(text, max_tokens), None, "max_tokens"
    return Reply(text, tool, stop, script.usage, script.service_tier)
