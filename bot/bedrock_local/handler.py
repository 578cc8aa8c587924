"""The HTTP side: routes Bedrock Runtime's REST paths (and `/_local/*`) to the operations and writes replies the
way botocore reads them — JSON with Content-Length on one keep-alive connection, errors as status +
`x-amzn-ErrorType` + `{"message"}`, and ConverseStream as chunked `application/vnd.amazon.eventstream` so each
frame reaches the client when it is produced. Each call is served in a Region (`bot.bedrock_local.routing`):
Converse and ConverseStream refuse model ids not callable from it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.bedrock_local import control
from bot.bedrock_local.behaviour import Operation
from bot.bedrock_local.errors import Abandoned, BedrockError, validation
from bot.bedrock_local.operations import Call, apply_guardrail, converse_response, count_tokens, prepare_converse
from bot.bedrock_local.routing import call_region, check_callable
from bot.bedrock_local.state import EndpointState, RecordedRequest, visible_headers
from bot.bedrock_local.streaming import frames
from bot.bedrock_local.validation import resolve_model

log = logging.getLogger(__name__)
_MODEL_ROUTES: dict[str, Operation] = {
    "converse": "converse",
    "converse-stream": "converse_stream",
    "count-tokens": "count_tokens",
}


class LocalHTTPServer(ThreadingHTTPServer):
    """Threads per connection, daemonic so a stalled reply never blocks exit, and a deep listen backlog: the
    default (5) resets connections when hundreds of conversations call at once."""

    request_queue_size = 1024
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: EndpointState) -> None:
        super().__init__(address, BedrockHandler)
        self.state = state


class BedrockHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalHTTPServer

    def setup(self) -> None:
        super().setup()
        # Small event-stream frames must leave at once, not wait for the client's delayed ACK (Nagle): without
        # this a kept-alive boto3 connection adds ~40 ms to every streamed call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("bedrock-local %s", format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        region = call_region(self.server.state.config.region, dict(self.headers.items()))
        call = Call(time.monotonic(), self._client_gone, region)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = [unquote(p) for p in urlsplit(self.path).path.split("/")[1:]]
        try:
            body = self._json(raw)
            if parts[:1] == ["_local"]:
                self._send_json(200, control.handle(self.server.state, method, "/".join(parts[1:]), body))
            elif method == "POST":
                self._bedrock(parts, body, call)
            else:
                raise BedrockError(404, "UnknownOperationException", "Unknown operation.")
        except BedrockError as exc:
            self._send_json(exc.status, {"message": exc.message}, {"x-amzn-ErrorType": exc.code})
        except (Abandoned, BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its read timeout)
            self.close_connection = True
        except Exception:
            log.exception("bedrock-local: unexpected error on %s", self.path)
            self._send_json(
                500,
                {"message": "Internal error in the local endpoint."},
                {"x-amzn-ErrorType": "InternalServerException"},
            )

    def _json(self, raw: bytes) -> dict[str, Any]:
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise validation("Malformed input request, please reformat your input and try again.") from exc
        if not isinstance(body, dict):
            raise validation("Malformed input request, please reformat your input and try again.")
        return body

    def _bedrock(self, parts: list[str], body: dict[str, Any], call: Call) -> None:
        state = self.server.state
        if len(parts) == 3 and parts[0] == "model" and parts[2] in _MODEL_ROUTES:
            operation = _MODEL_ROUTES[parts[2]]
            self._record(operation, parts[1], body)
            if operation == "count_tokens":
                self._send_json(200, count_tokens(state, call, parts[1], body))
                return
            model = resolve_model(state.catalog, parts[1])
            check_callable(state.catalog, parts[1], model, call.region)
            prepared = prepare_converse(state, call, model, body, stream=operation == "converse_stream")
            if operation == "converse":
                self._send_json(200, converse_response(prepared))
                return
            self._send_stream(frames(state, prepared))
        elif len(parts) == 5 and parts[0] == "guardrail" and parts[2] == "version" and parts[4] == "apply":
            self._record("apply_guardrail", None, body)
            self._send_json(200, apply_guardrail(state, call, parts[1], parts[3], body))
        else:
            raise BedrockError(404, "UnknownOperationException", "Unknown operation.")

    def _client_gone(self) -> bool:
        """True when the client has closed its side (a timed-out botocore call closes its connection)."""
        try:
            peeked: bytes = self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            return peeked == b""
        except BlockingIOError:  # nothing to read: the client is still waiting
            return False
        except OSError:
            return True

    def _record(self, operation: Operation, model_id: str | None, body: dict[str, Any]) -> None:
        state = self.server.state
        key = None
        if model_id is not None:
            with contextlib.suppress(BedrockError):  # unknown ids are recorded too; the route then rejects them
                key = resolve_model(state.catalog, model_id).key
        headers = visible_headers(dict(self.headers.items()))
        state.record(RecordedRequest(operation, urlsplit(self.path).path, model_id, key, body, headers))

    def _headers(self, status: int, content_type: str, extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in extra.items():
            self.send_header(name, value)

    def _send_json(self, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._headers(status, "application/json", {**(extra or {}), "Content-Length": str(len(data))})
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, chunks: Iterable[bytes]) -> None:
        self._headers(200, "application/vnd.amazon.eventstream", {"Transfer-Encoding": "chunked"})
        self.end_headers()
        try:
            for frame in chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception:  # headers are out: all that is left is to cut the stream, as a failing server would
            log.exception("bedrock-local: stream failed on %s", self.path)
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
