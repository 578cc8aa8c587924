"""HTTP mode's ASGI application: every request is read whole, bounded and checked before a thread runs Bolt.

gunicorn's asyncio worker reads the headers (bounded by its limit_request_* settings and, bot/http_worker.py, a
deadline); this app then reads the body on the event loop, refusing it with 413 when Content-Length (or what has
arrived) exceeds BRA_HTTP_MAX_BODY_BYTES, and with 408 when it has not arrived within BRA_HTTP_READ_TIMEOUT_S. A
slow or hostile client thus holds a coroutine, never a thread. The raw bytes must carry Slack's signature (401
otherwise) and parse as Bolt expects (400 otherwise, bot/slack_request.py); only then does a thread of the pool
(BRA_HTTP_THREADS) dispatch the request to Bolt, which acks at once (and does not check the signature again:
`create_app(verified_upstream=True)`). Each refusal is one log line: path, status, reason, size and client
address, never the body. `/healthz` and `/readyz` answer as in bot/web.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.services import Services
from bot.settings import ServerSettings
from bot.slack_request import Refusal, check_payload, check_signature
from bot.web import SLACK_PATHS, readiness

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class SlackFront:
    """The ASGI app: health checks, Slack's paths behind the checks above, 404 for anything else."""

    def __init__(self, app: App, services: Services, secret: str, server: ServerSettings) -> None:
        self._app, self._services, self._secret = app, services, secret.encode()
        self._limit, self._read_timeout = server.http_max_body_bytes, server.http_read_timeout_s
        self._pool = ThreadPoolExecutor(max_workers=server.http_threads, thread_name_prefix="bra-http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        if path == "/healthz":
            await _respond(send, 200, {"status": "ok"})
        elif path == "/readyz":
            ok, detail = await self._in_pool(readiness, self._services)
            await _respond(send, 200 if ok else 503, detail)
        elif path in SLACK_PATHS:
            await self._slack(scope, receive, send)
        else:
            await _respond(send, 404, {"error": "not found"})

    async def _slack(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope.get("method") != "POST":
            return await self._refuse(scope, send, Refusal(405, "not POST"), 0)
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > self._limit):
            return await self._refuse(scope, send, Refusal(413, "body too large"), declared)
        body = await self._read(receive)
        if body is None:  # the client left
            return None
        if isinstance(body, Refusal):
            return await self._refuse(scope, send, body, declared or "?")
        refusal = check_signature(body, headers, self._secret)
        checked = refusal or check_payload(body, headers.get("content-type", "").split(";")[0].strip() or None)
        if isinstance(checked, Refusal):
            return await self._refuse(scope, send, checked, len(body))
        log.debug("passing a request to Bolt", extra={"path": scope.get("path"), "bytes": len(body)})
        query = scope.get("query_string", b"").decode("latin-1")
        response = await self._in_pool(self._dispatch, checked, query, scope.get("headers", []))
        await _send(send, response.status, response.body.encode(), _bolt_headers(response))
        return None

    async def _read(self, receive: Receive) -> bytes | Refusal | None:
        """The whole body, within the time and size limits; None when the client disconnected."""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self._read_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self._limit:
                        return Refusal(413, "body too large")
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            return Refusal(408, "body too slow")

    def _dispatch(self, text: str, query: str, raw_headers: list[tuple[bytes, bytes]]) -> BoltResponse:
        headers: dict[str, str | Sequence[str]] = {}
        for key, value in raw_headers:
            name = key.decode("latin-1").lower()
            headers[name] = [*headers.get(name, []), value.decode("latin-1")]
        try:
            return self._app.dispatch(BoltRequest(body=text, query=query, headers=headers))
        except Exception as exc:  # Bolt catches listener errors; this is a bug in Bolt or a middleware
            log.error("Bolt failed on a request", extra={"error": type(exc).__name__})  # no message: it may quote
            return BoltResponse(status=500, body=json.dumps({"error": "internal error"}))

    async def _in_pool(self, work: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)

    async def _refuse(self, scope: Scope, send: Send, refusal: Refusal, size: int | str) -> None:
        client = scope.get("client") or ("?", 0)
        log.warning(
            "refused a request",
            extra={
                "path": scope.get("path"),
                "status": refusal.status,
                "reason": refusal.reason,
                "bytes": size,
                "client": client[0],
            },
        )
        close = [(b"connection", b"close")] if refusal.status in (408, 413) else []
        await _send(send, refusal.status, json.dumps({"error": refusal.reason}).encode(), close)


def _bolt_headers(response: BoltResponse) -> list[tuple[bytes, bytes]]:
    return [
        (k.encode("latin-1"), v.encode("latin-1"))
        for k, values in response.headers.items()
        if k.lower() != "content-length"  # set from the encoded body
        for v in values
    ]


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    await _send(send, status, json.dumps(body).encode(), [(b"content-type", b"application/json")])


async def _send(send: Send, status: int, data: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    has_type = any(k.lower() == b"content-type" for k, _ in headers)
    extra = [] if has_type else [(b"content-type", b"application/json")]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, *extra, (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})
