"""A Converse request's prompt, read the way the local endpoint needs it: token counts, cache prefixes, and the
text a reply or a guardrail looks at.

Tokens come from `bot.chat.tokens.estimate_tokens` (the estimate the bot itself plans with), summed per content
block, plus `MESSAGE_OVERHEAD` per message; tool definitions are not counted. A prefix is everything (tools,
system, messages) up to a cachePoint; it is identified by a hash of its canonical JSON and carries the
cachePoint's time-to-live (`ttl`: "5m", the default, or "1h").
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens

DEFAULT_CACHE_TTL = "5m"
IMAGE_TOKENS = 1_600  # about what a ~1.15 megapixel image costs on Claude; the exact count is model-specific
Body = Mapping[str, Any]


@dataclass(frozen=True)
class CachePrefix:
    """The prompt up to one cachePoint: its hash, its tokens and the cachePoint's TTL."""

    digest: str
    tokens: int
    ttl: str = DEFAULT_CACHE_TTL


@dataclass(frozen=True)
class PromptAccount:
    """Input tokens of a request, and the prefixes ending at each of its cachePoints (in order)."""

    tokens: int
    prefixes: list[CachePrefix]


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def block_tokens(block: Mapping[str, Any]) -> int:
    """Estimated tokens of one content block (system or message)."""
    if "text" in block:
        return estimate_tokens(str(block["text"]))
    if "guardContent" in block:
        return estimate_tokens(str(block["guardContent"].get("text", {}).get("text", "")))
    if "toolUse" in block:
        tool_use = block["toolUse"]
        arguments = _canonical(tool_use.get("input")).decode()
        return estimate_tokens(str(tool_use.get("name", ""))) + estimate_tokens(arguments)
    if "toolResult" in block:
        return sum(_tool_result_item_tokens(item) for item in block["toolResult"].get("content", []))
    if "image" in block:
        return IMAGE_TOKENS
    if "document" in block:
        source = block["document"].get("source", {})
        if "bytes" in source:  # base64 on the wire: 4 characters carry 3 bytes, ~4 bytes of text a token
            return max(1, math.ceil(len(str(source["bytes"])) * 3 / 4 / 4))
        return estimate_tokens(str(source.get("text", "")))
    if "reasoningContent" in block:
        return estimate_tokens(str(block["reasoningContent"].get("reasoningText", {}).get("text", "")))
    if "cachePoint" in block:
        return 0
    return estimate_tokens(_canonical(block).decode())


def _tool_result_item_tokens(item: Mapping[str, Any]) -> int:
    if "json" in item:
        return estimate_tokens(_canonical(item["json"]).decode())
    return block_tokens(item)


def account(body: Body) -> PromptAccount:
    """Input tokens and cache prefixes of a Converse (or CountTokens `converse`) body."""
    digest = hashlib.sha256()
    tokens = 0
    prefixes: list[CachePrefix] = []

    def visit(block: Mapping[str, Any], cost: int) -> None:
        nonlocal tokens
        if "cachePoint" in block:
            prefixes.append(CachePrefix(digest.copy().hexdigest(), tokens, cache_ttl(block)))
            return
        digest.update(_canonical(block))
        tokens += cost

    for tool in (body.get("toolConfig") or {}).get("tools", []):
        visit(tool, 0)
    for block in body.get("system") or []:
        visit(block, block_tokens(block))
    for message in body.get("messages") or []:
        digest.update(_canonical({"role": message.get("role")}))
        tokens += MESSAGE_OVERHEAD
        for block in message.get("content") or []:
            visit(block, block_tokens(block))
    return PromptAccount(tokens, prefixes)


def cache_ttl(block: Mapping[str, Any]) -> str:
    """A cachePoint block's TTL ("5m" when it names none)."""
    point = block.get("cachePoint")
    ttl = point.get("ttl") if isinstance(point, Mapping) else None
    return DEFAULT_CACHE_TTL if ttl is None else str(ttl)


def cache_points(body: Body) -> list[tuple[str, Mapping[str, Any]]]:
    """Each cachePoint in prompt order (tools, system, messages) with its place, as Bedrock's messages name it
    (`system.2.member.cachePoint`, `messages.1.member.content.3.member.cachePoint`: 1-based)."""
    found: list[tuple[str, Mapping[str, Any]]] = []

    def scan(blocks: Any, where: str) -> None:
        for n, block in enumerate(blocks or [], start=1):
            if isinstance(block, Mapping) and "cachePoint" in block:
                found.append((f"{where}.{n}.member.cachePoint", block))

    scan((body.get("toolConfig") or {}).get("tools"), "toolConfig.tools")
    scan(body.get("system"), "system")
    for i, message in enumerate(body.get("messages") or [], start=1):
        if isinstance(message, Mapping):
            scan(message.get("content"), f"messages.{i}.member.content")
    return found


def cache_point_count(body: Body) -> int:
    return len(cache_points(body))


def block_text(block: Mapping[str, Any]) -> str:
    """The readable text of a block: text, guarded text, or a tool result's text/JSON."""
    if "text" in block:
        return str(block["text"])
    if "guardContent" in block:
        return str(block["guardContent"].get("text", {}).get("text", ""))
    if "toolResult" in block:
        parts = block["toolResult"].get("content", [])
        return " ".join(str(p["text"]) if "text" in p else _canonical(p.get("json")).decode() for p in parts)
    return ""


def last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The text of the last user message (its text blocks, else its tool results)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            blocks = message.get("content") or []
            texts = [block_text(b) for b in blocks if "text" in b or "guardContent" in b]
            return " ".join(t for t in texts if t) or " ".join(block_text(b) for b in blocks if "toolResult" in b)
    return ""


def guarded_texts(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    """What a guardrail on Converse judges: the guardContent blocks if any (Bedrock then judges only those),
    else the text blocks of the last user turn."""
    guarded = [block_text(b) for m in messages for b in m.get("content") or [] if "guardContent" in b]
    if guarded:
        return guarded
    for message in reversed(messages):
        if message.get("role") == "user":
            return [str(b["text"]) for b in message.get("content") or [] if "text" in b]
    return []
