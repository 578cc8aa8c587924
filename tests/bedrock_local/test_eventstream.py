"""The frame encoder against botocore's own decoder: headers, payload and both CRCs must survive the trip,
whatever way the bytes are split on the wire."""

from __future__ import annotations

import json
import struct
import zlib

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from bot.bedrock_local.eventstream import encode_message, event_frame, exception_frame


def decode(data: bytes, step: int | None = None) -> list[tuple[dict[str, object], bytes]]:
    buffer = EventStreamBuffer()
    pieces = [data] if step is None else [data[i : i + step] for i in range(0, len(data), step)]
    messages: list[tuple[dict[str, object], bytes]] = []
    for piece in pieces:
        buffer.add_data(piece)
        messages.extend((m.headers, m.payload) for m in buffer)
    return messages


def test_event_frame_round_trips_through_botocore() -> None:
    body = {"delta": {"text": "안녕 hello"}, "contentBlockIndex": 0}
    [(headers, payload)] = decode(event_frame("contentBlockDelta", body))
    assert headers == {
        ":message-type": "event",
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
    }
    assert json.loads(payload) == body


def test_exception_frame_carries_type_and_message() -> None:
    [(headers, payload)] = decode(exception_frame("throttlingException", "slow down"))
    assert headers[":message-type"] == "exception"
    assert headers[":exception-type"] == "throttlingException"
    assert json.loads(payload) == {"message": "slow down"}


def test_frames_split_anywhere_decode_in_order() -> None:
    stream = b"".join(
        event_frame("contentBlockDelta", {"delta": {"text": str(i)}, "contentBlockIndex": 0}) for i in range(20)
    )
    for step in (1, 7, 64):
        texts = [json.loads(payload)["delta"]["text"] for _, payload in decode(stream, step)]
        assert texts == [str(i) for i in range(20)]


def test_prelude_and_lengths() -> None:
    frame = encode_message({":message-type": "event"}, b"{}")
    total, headers_len, prelude_crc = struct.unpack(">III", frame[:12])
    assert total == len(frame)
    assert prelude_crc == zlib.crc32(frame[:8])
    assert headers_len == len(frame) - 12 - 2 - 4
    assert struct.unpack(">I", frame[-4:])[0] == zlib.crc32(frame[:-4])


def test_corrupted_frame_is_rejected() -> None:
    frame = bytearray(event_frame("messageStop", {"stopReason": "end_turn"}))
    frame[-6] ^= 0xFF
    with pytest.raises(ChecksumMismatch):
        decode(bytes(frame))
