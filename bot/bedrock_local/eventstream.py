"""An encoder for `application/vnd.amazon.eventstream`, the binary framing of ConverseStream replies.

botocore ships only a decoder (`botocore.eventstream.EventStreamBuffer`); the local endpoint needs the other half.
A frame is `[total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]`, big-endian,
both CRCs CRC32; the prelude CRC covers the first 8 bytes, the message CRC everything before it. Only string
headers (type 7) are needed: `:message-type`, `:event-type` / `:exception-type` and `:content-type`.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Mapping
from typing import Any, Literal

_STRING_HEADER = 7
_PRELUDE = struct.Struct(">II")
_CRC = struct.Struct(">I")

EventType = Literal[
    "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"
]
StreamExceptionType = Literal[
    "throttlingException",
    "modelStreamErrorException",
    "internalServerException",
    "serviceUnavailableException",
    "validationException",
]


def encode_headers(headers: Mapping[str, str]) -> bytes:
    """String headers: name length (u8), name, type 7, value length (u16), value."""
    out = bytearray()
    for name, value in headers.items():
        raw_name, raw_value = name.encode("utf-8"), value.encode("utf-8")
        out += struct.pack(">B", len(raw_name)) + raw_name
        out += struct.pack(">BH", _STRING_HEADER, len(raw_value)) + raw_value
    return bytes(out)


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One complete frame with both checksums."""
    raw_headers = encode_headers(headers)
    total = _PRELUDE.size + _CRC.size + len(raw_headers) + len(payload) + _CRC.size
    prelude = _PRELUDE.pack(total, len(raw_headers))
    head = prelude + _CRC.pack(zlib.crc32(prelude)) + raw_headers + payload
    return head + _CRC.pack(zlib.crc32(head))


def _json(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_frame(event_type: EventType, body: Mapping[str, Any]) -> bytes:
    """An event such as `contentBlockDelta`; `body` is the event's own shape (e.g. `{"delta": ..., ...}`)."""
    headers = {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"}
    return encode_message(headers, _json(body))


def exception_frame(exception_type: StreamExceptionType, message: str) -> bytes:
    """An in-stream exception; botocore raises it (an `EventStreamError`) while the caller iterates."""
    headers = {":message-type": "exception", ":exception-type": exception_type, ":content-type": "application/json"}
    return encode_message(headers, _json({"message": message}))
