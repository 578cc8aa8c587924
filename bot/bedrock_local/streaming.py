"""ConverseStream's events for a prepared reply, paced like a model: the time to first token has passed when the
reply was prepared, so messageStart and the first text go at once, then chunks of a few tokens follow at
`tokens_per_s`; a `stream_exception` fault cuts the stream with an exception frame after its number of tokens.

Text blocks get no contentBlockStart (Bedrock sends none for text); a tool call gets contentBlockStart with its id
and name, then its input as one JSON string delta, which is what botocore and langchain-aws expect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from bot.bedrock_local.eventstream import event_frame, exception_frame
from bot.bedrock_local.faults import STREAM_MESSAGES
from bot.bedrock_local.operations import Prepared
from bot.bedrock_local.state import EndpointState
from bot.chat.tokens import estimate_tokens

CHUNK_TOKENS = 3
_WORD = re.compile(r"\s*\S+\s*")


def chunks(text: str, size: int = CHUNK_TOKENS) -> list[str]:
    """`text` cut between words into pieces of about `size` tokens; joined, they give `text` back."""
    pieces: list[str] = []
    current = ""
    for word in _WORD.findall(text) or [text]:
        current += word
        if estimate_tokens(current) >= size:
            pieces.append(current)
            current = ""
    if current or not pieces:
        pieces.append(current)
    return pieces


def frames(state: EndpointState, prepared: Prepared) -> Iterator[bytes]:
    """The stream's frames; sleeps between them for pacing, stops early if the server is stopping."""
    behaviour, reply, fault = prepared.behaviour, prepared.reply, prepared.stream_fault
    yield event_frame("messageStart", {"role": "assistant"})
    sent = 0
    index = 0
    has_text = bool(reply.text) or reply.tool_use is None
    for n, piece in enumerate(chunks(reply.text) if has_text else []):
        if fault is not None and sent >= fault.after_tokens:
            break
        tokens = estimate_tokens(piece)
        if n and behaviour.tokens_per_s and state.sleep(tokens / behaviour.tokens_per_s):
            return
        yield event_frame("contentBlockDelta", {"delta": {"text": piece}, "contentBlockIndex": index})
        sent += tokens
    if fault is not None:
        yield exception_frame(fault.exception, fault.message or STREAM_MESSAGES[fault.exception])
        return
    if has_text:
        yield event_frame("contentBlockStop", {"contentBlockIndex": index})
        index += 1
    if reply.tool_use is not None:
        tool = reply.tool_use
        start = {"toolUse": {"toolUseId": tool["toolUseId"], "name": tool["name"]}}
        yield event_frame("contentBlockStart", {"start": start, "contentBlockIndex": index})
        delta = {"toolUse": {"input": json.dumps(tool["input"], ensure_ascii=False)}}
        yield event_frame("contentBlockDelta", {"delta": delta, "contentBlockIndex": index})
        yield event_frame("contentBlockStop", {"contentBlockIndex": index})
    yield event_frame("messageStop", {"stopReason": reply.stop_reason})
    metadata = {
        "usage": prepared.usage,
        "metrics": {"latencyMs": prepared.latency_ms()},
        "serviceTier": {"type": prepared.service_tier},
    }
    if prepared.trace is not None:
        metadata["trace"] = prepared.trace
    yield event_frame("metadata", metadata)
