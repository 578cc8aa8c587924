"""Request checks Bedrock makes before it runs a model, with Bedrock's wording, so that a bug in how the bot
builds a request fails here the way it would fail in AWS rather than passing silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.bedrock_local.errors import INVALID_MODEL, BedrockError, validation
from bot.bedrock_local.prompt import Body, cache_point_count, cache_points, cache_ttl
from bot.catalog.catalog import Catalog
from bot.catalog.schema import Model

MESSAGE_BLOCKS = frozenset(
    {"text", "image", "document", "video", "toolUse", "toolResult", "cachePoint", "guardContent", "reasoningContent"}
)
SYSTEM_BLOCKS = frozenset({"text", "guardContent", "cachePoint"})
MAX_CACHE_POINTS = 4
CACHE_TTLS = ("5m", "1h")  # botocore's CacheTTL
_METADATA = re.compile(r"[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}")


def bare_id(model_id: str) -> str:
    """The model or inference profile id of an id or of an ARN ending in one."""
    return model_id.rsplit("/", 1)[-1] if model_id.startswith("arn:") else model_id


def resolve_model(catalog: Catalog, model_id: str) -> Model:
    """The catalog model for a model id, inference profile id, or an ARN ending in one."""
    model = catalog.model_by_id(bare_id(model_id))
    if model is None:
        raise validation(INVALID_MODEL)
    return model


def check_model_for_converse(model: Model, *, stream: bool) -> None:
    if model.kind != "text" or not model.features.converse:
        raise validation(
            "This action doesn't support the model that you provided. Try again with a supported text or chat model."
        )
    if stream and not model.features.streaming:
        raise validation("The model is unsupported for streaming.")


def check_messages(body: Body) -> None:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise validation(
            "A conversation must start with a user message. "
            "Try again with a conversation that starts with a user message."
        )
    previous: str | None = None
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if role not in ("user", "assistant"):
            raise validation(
                f"Value at 'messages.{i + 1}.member.role' failed to satisfy constraint: "
                "Member must satisfy enum value set: [user, assistant]"
            )
        if i == 0 and role != "user":
            raise validation(
                "A conversation must start with a user message. "
                "Try again with a conversation that starts with a user message."
            )
        if role == previous:
            raise validation(
                "A conversation must alternate between user and assistant roles. "
                "Make sure the conversation alternates between user and assistant roles and try again."
            )
        previous = role
        _check_blocks(message.get("content"), f"messages.{i}.content", MESSAGE_BLOCKS)
    for block in body.get("system") or []:
        _check_block(block, "system", SYSTEM_BLOCKS)
    _check_tool_turns(messages, has_tool_config=bool(body.get("toolConfig")))


def _check_blocks(content: Any, where: str, allowed: frozenset[str]) -> None:
    if not isinstance(content, list) or not content:
        raise validation(
            f"The content field in the Message object at {where.rsplit('.', 1)[0]} is empty. "
            "Add a ContentBlock object to the content field and try again."
        )
    for j, block in enumerate(content):
        _check_block(block, f"{where}.{j}", allowed)


def _check_block(block: Any, where: str, allowed: frozenset[str]) -> None:
    keys = list(block) if isinstance(block, Mapping) else []
    if len(keys) != 1 or keys[0] not in allowed:
        raise validation(f"The content block at {where} must set exactly one of: {', '.join(sorted(allowed))}.")
    if keys[0] == "text" and not str(block["text"]).strip():
        raise validation(
            f"The text field in the ContentBlock object at {where} is blank. Add text to the text field, and try again."
        )


def _check_tool_turns(messages: list[Mapping[str, Any]], *, has_tool_config: bool) -> None:
    asked: set[str] = set()
    for i, message in enumerate(messages):
        blocks = message.get("content") or []
        if any("toolUse" in b or "toolResult" in b for b in blocks) and not has_tool_config:
            raise validation("The toolConfig field must be defined when using toolUse and toolResult content blocks.")
        results = [b["toolResult"].get("toolUseId") for b in blocks if "toolResult" in b]
        if any(r not in asked for r in results):
            raise validation(
                f"The toolResult blocks at messages.{i}.content must answer toolUse blocks of the previous turn."
            )
        asked = {b["toolUse"].get("toolUseId") for b in blocks if "toolUse" in b}


def check_features(model: Model, body: Body) -> None:
    """Tool use, prompt caching and maxTokens against what the catalog says the model can do."""
    if body.get("toolConfig") and not model.features.tool_use:
        raise validation("This model doesn't support tool use.")
    points = cache_point_count(body)
    if points and not model.features.prompt_caching:
        raise validation(
            "You invoked an unsupported model or your request did not allow prompt caching. "
            "See the documentation for more information."
        )
    if points > MAX_CACHE_POINTS:
        raise validation(f"A maximum of {MAX_CACHE_POINTS} cachePoint blocks are supported; {points} were given.")
    if points:
        check_cache_ttls(model, body)
    max_tokens = (body.get("inferenceConfig") or {}).get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        raise validation(
            "Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    if max_tokens is not None and model.max_output is not None and max_tokens > model.max_output:
        raise validation(
            f"The maximum tokens you requested exceeds the model limit of {model.max_output}. "
            f"Try again with a maximum tokens value that is lower than {model.max_output}."
        )


def _enum_error(value: Any, where: str, allowed: tuple[str, ...]) -> BedrockError:
    return validation(
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def check_cache_ttls(model: Model, body: Body) -> None:
    """cachePoint `type` and `ttl` against their enums; a 1-hour TTL only on a model the catalog prices 1-hour
    writes for; and no 1-hour point after a 5-minute one (TTLs must not grow along tools, system, messages)."""
    seen_5m = False
    for where, block in cache_points(body):
        point = block["cachePoint"]
        kind = point.get("type") if isinstance(point, Mapping) else None
        if kind != "default":
            raise _enum_error(kind, f"{where}.type", ("default",))
        ttl = cache_ttl(block)
        if ttl not in CACHE_TTLS:
            raise _enum_error(ttl, f"{where}.ttl", CACHE_TTLS)
        if ttl == "1h":
            if not any(p.cache_write_1h is not None for p in model.prices):
                raise validation(
                    f"The 1h cache TTL at {where}.ttl isn't supported for this model. "
                    "Try again with a 5m TTL or without a ttl."
                )
            if seen_5m:
                raise validation(
                    f"The cachePoint at {where} has ttl 1h after a cachePoint with ttl 5m. A cachePoint with a "
                    "longer TTL must come before any cachePoint with a shorter TTL (tools, then system, then messages)."
                )
        seen_5m = seen_5m or ttl == "5m"


def check_request_metadata(body: Body) -> None:
    metadata = body.get("requestMetadata")
    if metadata is None:
        return
    if not isinstance(metadata, Mapping) or not 1 <= len(metadata) <= 16:
        raise validation(
            "Value at 'requestMetadata' failed to satisfy constraint: Member must have length "
            "less than or equal to 16 and greater than or equal to 1"
        )
    for key, value in metadata.items():
        if not (isinstance(value, str) and key and _METADATA.fullmatch(key) and _METADATA.fullmatch(value)):
            raise validation(
                f"Value at 'requestMetadata' failed to satisfy constraint: key {key!r} or its value "
                r"must satisfy regular expression pattern: [a-zA-Z0-9\s:_@$#=/+,-.]{0,256}"
            )


def check_context(model: Model, input_tokens: int) -> None:
    if model.context_window is not None and input_tokens > model.context_window:
        raise validation("Input is too long for requested model.")


def check_converse(model: Model, body: Body, *, stream: bool) -> None:
    """Everything Converse / ConverseStream check before running (context length is checked once counted)."""
    check_model_for_converse(model, stream=stream)
    check_messages(body)
    check_features(model, body)
    check_request_metadata(body)
