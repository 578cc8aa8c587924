"""Hostile HTTP against `bedrock-assistant serve` as a real process (HTTP mode, LOG_LEVEL=DEBUG): garbage and
forgeries get 401, signed but malformed payloads 400, oversized bodies 413 before they are read, trickled bodies
408, trickled headers a closed connection; slow clients hold no thread; no request body reaches the log; gunicorn
leaves no control socket behind. Signed requests, the local Slack mock and the test Redis, as test_serve.py.

Run: .venv/bin/python -m pytest tests/slack/test_http_front.py -q   (needs a Redis; see tests/conftest.py)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlencode, urlsplit

import pytest
import redis

from benchmarks.slack_server import (
    SECRET,
    ServeFailed,
    http_request,
    prepare_redis,
    running_serve,
    signed_command,
)
from tests.support import slack_requests as sr
from tests.support.slack_mock import SlackMock

THREADS = 2  # BRA_HTTP_THREADS of the server under test: fewer than the slow clients below
MAX_BODY = 65_536
SOCKET_TIMEOUT_S = 20.0  # far above the server's deadlines (read 2 s, headers 5 s): reaching it means none held
# What a Korean bank's users type: a resident registration number and a card number.
RRN, CARD = "900101-1234567", "4111-1111-1111-1111"
PII = f"주민번호 {RRN} 카드 {CARD}"


@dataclass(frozen=True)
class Front:
    url: str
    slack: SlackMock
    log: IO[bytes]
    home: Path

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80

    def post(self, path: str, body: str | bytes, headers: dict[str, str]) -> int:
        data = body.encode() if isinstance(body, str) else body
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock = self.connect(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(data)}\r\n{head}\r\n".encode())
        with sock:
            sock.sendall(data)
            return status_of(sock)

    def connect(self, data: bytes = b"") -> socket.socket:
        sock = socket.create_connection(self.address, timeout=SOCKET_TIMEOUT_S)
        if data:
            sock.sendall(data)
        return sock

    def log_text(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def status_of(sock: socket.socket) -> int:
    """The status of the response on `sock`; 0 when the server closed it without one."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return 0
        data += chunk
    return int(data.split(b" ", 2)[1])


def serve_front(stack: ExitStack, redis_url: str, log: IO[bytes] | None = None) -> Front:
    """serve at LOG_LEVEL=DEBUG with few threads and short deadlines, its output in a file, HOME in a temporary
    directory (where gunicorn would put its control socket); stopped when `stack` closes."""
    try:
        prepare_redis(redis_url)
    except (ValueError, redis.RedisError) as exc:
        pytest.fail(f"test Redis not usable: {exc}", pytrace=False)
    home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bra-home-")))
    log = log or stack.enter_context(tempfile.TemporaryFile(prefix="bra-serve-log-"))  # noqa: SIM115
    mock = stack.enter_context(SlackMock())
    env = {
        "SLACK_API_URL": mock.base_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "DEBUG",
        "BRA_HTTP_THREADS": str(THREADS),
        "BRA_HTTP_READ_TIMEOUT_S": "2",
        "BRA_HTTP_MAX_BODY_BYTES": str(MAX_BODY),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
    }
    try:
        url = stack.enter_context(running_serve(env, log=log))
    except ServeFailed as exc:
        pytest.fail(str(exc), pytrace=False)
    return Front(url, mock, log, home)


@pytest.fixture(scope="module")
def front(redis_url: str) -> Iterator[Front]:
    with ExitStack() as stack:
        yield serve_front(stack, redis_url)


def a_mention(text: str = "<@U0BOT> Nova Pro 가격") -> str:
    return sr.event_body(sr.app_mention(text, ts=sr.next_ts()), event_id=f"Ev{uuid.uuid4().hex[:12].upper()}")


def signed_raw(body: bytes, content_type: str = sr.JSON, secret: str = SECRET) -> dict[str, str]:
    """Slack's headers for raw bytes (the helpers in tests/support sign text)."""
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-signature": f"v0={digest}", "x-slack-request-timestamp": ts}


DEEP = ('{"a":' * 5000 + "1" + "}" * 5000).encode()
MALFORMED = {
    "broken-json": b'{"type": "event_callback", ',
    "json-array": b"[1, 2, 3]",
    "not-utf8": b'{"text": "\xff\xfe"}',
    "deep-nesting": DEEP,
}


Request = tuple[bytes, dict[str, str]]


def forged() -> Request:
    body = a_mention()
    return body.encode(), sr.sign("not-the-secret", body)


def stale() -> Request:
    body = a_mention()
    return body.encode(), sr.sign(SECRET, body, timestamp=int(time.time()) - 3600)


UNAUTHENTICATED: dict[
    str, tuple[Callable[[], Request], str]
] = {  # what is sent (built when the test runs: signatures age), and the reason logged
    "non-numeric-timestamp": (
        lambda: (a_mention().encode(), {**signed_raw(b"x"), "x-slack-request-timestamp": "soon"}),
        "bad timestamp",
    ),
    "forged": (forged, "bad signature"),
    "stale-clock": (stale, "stale timestamp"),
    "unsigned-broken-json": (lambda: (MALFORMED["broken-json"], {"content-type": sr.JSON}), "unsigned"),
    "forged-not-utf8": (
        lambda: (MALFORMED["not-utf8"], {**signed_raw(b"{}"), "x-slack-signature": "v0=é"}),
        "bad signature",
    ),
    "unsigned-deep": (lambda: (DEEP, {"content-type": sr.JSON}), "unsigned"),
}


@pytest.mark.parametrize("name", list(UNAUTHENTICATED))
def test_unauthenticated_requests_get_401_and_one_log_line(front: Front, name: str) -> None:
    build, reason = UNAUTHENTICATED[name]
    body, headers = build()
    before = len(front.log_text())
    assert front.post("/slack/events", body, headers) == 401
    new = front.log_text()[before:]
    assert "Traceback" not in new
    [line] = [line for line in new.splitlines() if "refused a request" in line]
    assert f"reason={reason} " in line and "status=401" in line and f"bytes={len(body)}" in line


@pytest.mark.parametrize("name", list(MALFORMED))
def test_signed_but_malformed_json_gets_400(front: Front, name: str) -> None:
    body = MALFORMED[name]
    assert front.post("/slack/events", body, signed_raw(body)) == 400
    assert "Traceback" not in front.log_text()


def test_a_signed_action_whose_payload_is_not_json_gets_400(front: Front) -> None:
    body = urlencode({"payload": '{"type": "block_actions", '}).encode()
    assert front.post("/slack/actions", body, signed_raw(body, sr.FORM)) == 400


def test_an_oversized_body_is_refused_with_413_before_it_is_read(front: Front) -> None:
    head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {50 * 2**20}"
    with front.connect(f"{head}\r\n\r\n".encode() + b"{" * 1000) as sock:  # 50 MB announced, 1 KB sent
        assert status_of(sock) == 413


def test_a_chunked_body_over_the_limit_is_413_as_well(front: Front) -> None:
    head = "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
    chunk = b"x" * (MAX_BODY + 1)
    with front.connect(f"{head}\r\n\r\n{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n") as sock:
        assert status_of(sock) == 413


def test_a_trickled_body_is_cut_with_408(front: Front) -> None:
    head = "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000"
    with front.connect(f"{head}\r\n\r\n{{".encode()) as sock:  # then nothing more
        assert status_of(sock) == 408


def test_trickled_headers_are_cut(front: Front) -> None:
    with front.connect(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n") as sock:  # headers never end
        assert status_of(sock) in (0, 408)  # closed (gunicorn may say 408 first), never left open


def test_slow_clients_hold_no_thread_and_slack_is_still_answered(front: Front) -> None:
    head = "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000"
    with ExitStack() as stack:
        for _ in range(THREADS * 5):
            stack.enter_context(front.connect(f"{head}\r\n\r\n{{".encode()))
        name = f"slow-{uuid.uuid4().hex[:8]}"
        body, headers = signed_command("price nova-pro", response_url=front.slack.response_url(name))
        assert http_request(front.url, "POST", "/slack/commands", body, headers, timeout=SOCKET_TIMEOUT_S)[0] == 200
        front.slack.wait_until(lambda calls: any(c.path == f"/response/{name}" for c in calls), timeout=30)


def test_a_command_whose_text_says_payload_is_answered(front: Front) -> None:
    name = f"payload-{uuid.uuid4().hex[:8]}"
    body, headers = signed_command("explain payload", response_url=front.slack.response_url(name))
    assert http_request(front.url, "POST", "/slack/commands", body, headers)[0] == 200
    front.slack.wait_until(lambda calls: any(c.path == f"/response/{name}" for c in calls), timeout=30)


def test_health_checks_answer_and_slack_paths_want_post(front: Front) -> None:
    assert http_request(front.url, "GET", "/healthz")[0] == 200
    assert json.loads(http_request(front.url, "GET", "/readyz")[1])["redis"] == "ok"
    assert http_request(front.url, "GET", "/slack/events")[0] == 405


def test_no_request_body_reaches_the_log_even_at_debug(redis_url: str) -> None:
    mention = a_mention(f"<@U0BOT> {PII}")
    broken = f'{{"text": "{PII}", '
    suggestion = urlencode({"payload": json.dumps({"type": "block_suggestion", "action_id": "x", "value": PII})})
    name = f"pii-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryFile(prefix="bra-serve-log-") as log:
        with ExitStack() as stack:
            front = serve_front(stack, redis_url, log)
            command, command_headers = signed_command(f"price {PII}", response_url=front.slack.response_url(name))
            for path, body, headers, status in [
                ("/slack/events", mention, sr.sign("not-the-secret", mention), 401),  # forged
                ("/slack/events", mention, sr.sign(SECRET, mention, timestamp=int(time.time()) - 3600), 401),  # stale
                ("/slack/events", broken, sr.sign(SECRET, broken), 400),  # signed, malformed
                (
                    "/slack/actions",
                    suggestion,
                    sr.sign(SECRET, suggestion, content_type=sr.FORM),
                    404,  # unhandled by Bolt, whose warning would quote the value
                ),  # Bolt: unhandled
                ("/slack/commands", command, command_headers, 200),  # answered
            ]:
                assert front.post(path, body, headers) == status
            front.slack.wait_until(lambda calls: any(c.path == f"/response/{name}" for c in calls), timeout=30)
        text = front.log_text()  # serve has stopped: everything it logged is in the file
        assert "DEBUG bot.http_front" in text and "Unhandled request" in text  # logging was on, at DEBUG
        for secret in (RRN, CARD, "주민번호"):
            assert secret not in text


def test_no_gunicorn_control_socket_is_left_at_the_shared_default_path(front: Front) -> None:
    leftovers = [p for p in front.home.rglob("*") if p.name.endswith(".ctl") or p.is_socket()]
    assert leftovers == []
