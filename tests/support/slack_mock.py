"""A local Slack Web API mock on 127.0.0.1 (standard library only), for tests that drive a real slack_sdk client.

It keeps the messages posted (chat.postMessage, chat.update edits them) and answers conversations.history and
conversations.replies from them, with their metadata when asked (`include_all_metadata`). `delay(method, s)`
holds the next calls to a method before answering: the call is recorded when it arrives, its effect (a posted
message) exists only once the delay is over, as with a slow Slack."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Reply = dict[str, Any] | Callable[["Call"], dict[str, Any]]
_BOT = {"type": "message", "user": "U0BOT", "bot_id": "B0BOT"}


class _Server(ThreadingHTTPServer):
    """A threading server with a deep listen backlog: the default (5) makes the kernel reset connections when
    many listener threads post answers at once, and an answer would be lost in a test or benchmark."""

    request_queue_size = 1024
    daemon_threads = True


@dataclass(frozen=True)
class Call:
    """One request the mock received: the API method (or "upload" / "response_url"), its params and raw body."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    body: bytes
    path: str

    def json_param(self, name: str) -> Any:
        """The param `name` json-decoded when it arrived as a string (form field), else as it is (None if absent)."""
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) else value

    @property
    def token(self) -> str | None:
        """The token sent in the Authorization header or, failing that, in the params."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        token = self.params.get("token")
        return str(token) if token is not None else None


@dataclass(frozen=True)
class _Queued:
    status: int
    body: dict[str, Any] | str | None
    headers: dict[str, str]


def _parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Query string plus a JSON or form-encoded body as a dict (JSON-valued form fields stay strings)."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = content_type.lower()
    if not body:
        return params
    try:
        if "json" in ctype:
            loaded = json.loads(body.decode("utf-8"))
            params.update(loaded if isinstance(loaded, dict) else {"_json": loaded})
        elif "x-www-form-urlencoded" in ctype or not ctype:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except ValueError:  # a body the mock cannot read is still recorded (raw, in Call.body)
        pass
    return params


class SlackMock:
    """A Slack Web API look-alike: records every call, answers like Slack, and can inject faults per method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._queued: dict[str, deque[_Queued]] = defaultdict(deque)
        self._overrides: dict[str, Reply] = {}
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self._messages: list[dict[str, Any]] = []  # posted messages, oldest first (with "channel")
        self._ts = itertools.count(100, 100)
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> SlackMock:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _make_handler(self))
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="slack-mock", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread."""
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SlackMock:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("SlackMock is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)`, with its trailing slash."""
        return f"{self.root_url}/api/"

    def response_url(self, name: str = "cmd1") -> str:
        """A `response_url` on this mock; posts to it are recorded as method "response_url"."""
        return f"{self.root_url}/response/{name}"

    # -- recorded calls ------------------------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """A copy of every recorded call, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls to `method`."""
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def wait_until(self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0) -> list[Call]:
        """Block until `predicate(calls)` holds; return the calls then. AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self._calls]
                    raise AssertionError(f"SlackMock: condition not met within {timeout}s; recorded calls: {methods}")
                self._cond.wait(remaining)
            return list(self._calls)

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until at least `count` calls to `method` were recorded and return them. AssertionError on timeout."""
        try:
            calls = self.wait_until(lambda cs: sum(c.method == method for c in cs) >= count, timeout)
        except AssertionError:
            methods = [c.method for c in self.calls]
            raise AssertionError(
                f"SlackMock: expected {count} call(s) to {method} within {timeout}s, "
                f"got {methods.count(method)}; recorded calls: {methods}"
            ) from None
        return [c for c in calls if c.method == method]

    def reset(self) -> None:
        """Forget recorded calls, queued responses and `set_response` overrides."""
        with self._lock:
            self._calls.clear()
            self._queued.clear()
            self._overrides.clear()
            self._delays.clear()
            self._messages.clear()

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message posted so far (as Slack would return it, plus "channel"), oldest first."""
        with self._lock:
            return [dict(m) for m in self._messages]

    # -- fault injection -----------------------------------------------------------------------------------
    def queue_response(
        self,
        method: str,
        *,
        status: int = 200,
        body: dict[str, Any] | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next call to `method` with this response (FIFO, used once; the call is still recorded)."""
        with self._lock:
            self._queued[method].append(_Queued(status, body, dict(headers or {})))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls to `method` for `seconds` before handling them (a client whose timeout is
        shorter gives up first; the call still takes effect, late)."""
        with self._lock:
            self._delays[method].extend([seconds] * times)

    def _take_delay(self, method: str) -> float:
        with self._lock:
            queue = self._delays.get(method)
            return queue.popleft() if queue else 0.0

    def set_response(self, method: str, body: Reply) -> None:
        """Replace the default reply of `method` (a dict, or a callable of the Call) until `reset()`."""
        with self._lock:
            self._overrides[method] = body

    # -- request handling (called from server threads) -------------------------------------------------------
    def _record(self, call: Call) -> tuple[_Queued | None, Reply | None]:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            queue = self._queued.get(call.method)
            return (queue.popleft() if queue else None), self._overrides.get(call.method)

    def _next_ts(self) -> str:
        with self._lock:
            n = next(self._ts)
        return f"{1700000000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):04d}"

    def _history(self, call: Call) -> list[dict[str, Any]]:
        """conversations.history (the channel's top-level messages, newest first) or conversations.replies (the
        thread `ts`: its parent, then the replies, oldest first), from `oldest` on."""
        p = call.params
        channel, oldest = str(p.get("channel") or ""), float(p.get("oldest") or 0)
        metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            posted = [dict(m) for m in self._messages if m["channel"] == channel and float(m["ts"]) >= oldest]
        if call.method == "conversations.replies":
            thread = str(p.get("ts") or "")
            picked = [m for m in posted if m["ts"] == thread or m.get("thread_ts") == thread]
        else:
            picked = [m for m in reversed(posted) if m.get("thread_ts") in (None, m["ts"])]
        for m in picked:
            m.pop("channel", None)
            if not metadata:
                m.pop("metadata", None)
        return picked

    # fmt: off
    def _default_reply(self, call: Call) -> dict[str, Any]:
        """What Slack answers to a successful call (the fields an app reads; the rest of Slack's reply omitted)."""
        p, ok = call.params, {"ok": True}
        channel, ts = str(p.get("channel") or p.get("channel_id") or "C123"), str(p.get("ts") or "")
        match call.method:
            case "auth.test":
                return {**ok, "url": "https://test-team.slack.com/", "team": "Test Team", "user": "bedrock-bot",
                        "team_id": "T0001", "user_id": "U0BOT", "bot_id": "B0BOT", "is_enterprise_install": False}
            case "chat.postMessage":
                msg = {**_BOT, "text": p.get("text", ""), "ts": self._next_ts()}
                if p.get("thread_ts"):
                    msg["thread_ts"] = p["thread_ts"]
                if p.get("blocks"):
                    msg["blocks"] = call.json_param("blocks")
                if p.get("metadata"):
                    msg["metadata"] = call.json_param("metadata")
                with self._lock:
                    self._messages.append({**msg, "channel": channel})
                return {**ok, "channel": channel, "ts": msg["ts"], "message": msg}
            case "chat.postEphemeral":
                return {**ok, "message_ts": self._next_ts()}
            case "chat.update":
                with self._lock:
                    for m in self._messages:
                        if m["channel"] == channel and m["ts"] == ts:
                            m["text"] = p.get("text", "")
                return {**ok, "channel": channel, "ts": ts, "text": p.get("text", "")}
            case "chat.delete" | "chat.appendStream":
                return {**ok, "channel": channel, "ts": ts}
            case "chat.startStream":  # a streamed message exists in the thread from its start
                msg = {**_BOT, "text": str(p.get("markdown_text") or ""), "ts": self._next_ts()}
                if p.get("thread_ts"):
                    msg["thread_ts"] = p["thread_ts"]
                with self._lock:
                    self._messages.append({**msg, "channel": channel})
                return {**ok, "channel": channel, "ts": msg["ts"]}
            case "chat.stopStream":  # the message text is what was appended to this stream, as Slack shows it
                parts = [c.params.get("markdown_text") or "" for c in self.calls_to("chat.appendStream")
                         if c.params.get("ts") == ts and c.params.get("channel") == channel]
                text = "".join(parts) + str(p.get("markdown_text") or "")
                return {**ok, "channel": channel, "ts": ts, "message": {**_BOT, "text": text, "ts": ts}}
            case "views.publish" | "views.open" | "views.update" | "views.push":
                view = {**(call.json_param("view") or {}), "id": self._next_id("V"), "hash": "1700000000.abcdef"}
                return {**ok, "view": {**view, "team_id": "T0001", "app_id": "A0APP", "bot_id": "B0BOT"}}
            case "conversations.replies" | "conversations.history":
                return {**ok, "messages": self._history(call), "has_more": False}
            case "conversations.info":
                return {**ok, "channel": {"id": channel, "name": "general", "is_channel": channel.startswith("C"),
                                          "is_im": channel.startswith("D"), "is_private": False, "is_member": True}}
            case "users.info":
                return {**ok, "user": {"id": str(p.get("user") or "U123"), "team_id": "T0001", "name": "test.user",
                                       "real_name": "Test User", "tz": "Asia/Seoul", "locale": "en-US",
                                       "is_bot": False}}
            case "files.getUploadURLExternal":
                file_id = self._next_id("F")
                return {**ok, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}
            case "files.completeUploadExternal":
                files = call.json_param("files") or []
                return {**ok, "files": [{"id": f.get("id"), "title": f.get("title") or ""} for f in files]}
            case "apps.connections.open":
                return {**ok, "url": "ws://127.0.0.1:1/unreachable"}
        return ok
    # fmt: on


def _make_handler(mock: SlackMock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            ctype = headers.get("content-type", "")
            segments = parts.path.strip("/").split("/", 1)
            kind, rest = segments[0], segments[1] if len(segments) > 1 else ""
            if kind == "upload":
                method, params = "upload", {"file_id": rest, **dict(parse_qsl(parts.query))}
            elif kind == "response":
                method = "response_url"
                params = _parse_params(ctype or "application/json", body, parts.query)
            else:
                method = rest if kind == "api" else parts.path
                params = _parse_params(ctype, body, parts.query)
            call = Call(method, params, headers, body, self.path)
            queued, override = mock._record(call)
            held = mock._take_delay(method)
            if held:
                time.sleep(held)
            if queued is not None:
                self._send(queued.status, queued.body if queued.body is not None else {"ok": True}, queued.headers)
            elif method == "upload":
                self._send(200, f"OK - {len(body)}")
            elif method == "response_url":
                self._send(200, "ok")
            elif kind != "api":
                self._send(404, {"ok": False, "error": "unknown_method"})
            elif override is not None:
                self._send(200, override(call) if callable(override) else override)
            else:
                self._send(200, mock._default_reply(call))

        def _send(self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
            is_json = isinstance(body, dict)
            data = (json.dumps(body) if is_json else str(body)).encode("utf-8")
            self.send_response(status)
            extra = dict(headers or {})
            if not any(k.lower() == "content-type" for k in extra):
                ctype = "application/json; charset=utf-8" if is_json else "text/plain; charset=utf-8"
                self.send_header("Content-Type", ctype)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            try:
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting (a delayed method): Slack's side is done all the same
                self.close_connection = True

    return Handler
