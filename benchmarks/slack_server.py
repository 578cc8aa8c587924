"""Running `bedrock-assistant serve` (HTTP mode) as a child process against the local Slack mock, and talking to it
over real HTTP on 127.0.0.1: shared by the HTTP benchmarks and `tests/slack/test_serve.py`.

Not a benchmark itself. The benchmarks using it run as modules from the repository root, e.g.
`.venv/bin/python -m benchmarks.bench_slack_ack`.

    with SlackMock() as mock, running_serve({"SLACK_API_URL": mock.base_url, "REDIS_URL": url}) as base_url:
        status, body = http_request(base_url, "GET", "/healthz")
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import redis

from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock

ROOT = Path(__file__).resolve().parent.parent
SERVE = [sys.executable, "-m", "bot", "serve"]
SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-e2e"
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
REQUEST_TIMEOUT_S = 10.0
_IDLE_RECONNECT_S = 2.0  # gunicorn closes idle keep-alive connections after 5 s; reconnect well before that


DEFAULT_BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"


class ServeFailed(RuntimeError):
    """serve exited or never answered /healthz; the message carries its captured output."""


# -- the mock and the process ------------------------------------------------------------------------------------------
def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit(143), so `running_serve` stops serve when a benchmark is killed."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_redis(url: str) -> None:
    """Empty the Redis database at `url` for a run. Refuses DB 0 (ValueError); raises redis errors if it does
    not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        if int(client.connection_pool.connection_kwargs.get("db", 0)) == 0:
            raise ValueError(f"{redact(url)} is DB 0; the run flushes its database, so give it a dedicated one")
        client.flushdb()
    finally:
        client.close()


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """The options both Slack benchmarks take: client threads, serve's workers and threads, the time budget."""
    parser.add_argument("--concurrency", type=int, default=50, help="client threads (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="BRA_HTTP_WORKERS (default 2, as serve)")
    parser.add_argument("--threads", type=int, default=32, help="BRA_HTTP_THREADS (default 32)")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole run (default 300)")


def start_local_run(deadline_s: float) -> tuple[Deadline, str] | None:
    """Arm SIGTERM, start the time budget and empty the benchmark's Redis DB (BENCH_REDIS_URL, default DB 14).
    The deadline and the Redis URL, or None (after saying why) when Redis is not usable."""
    exit_on_sigterm()
    deadline = Deadline(deadline_s)
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_BENCH_REDIS_URL
    try:
        prepare_redis(redis_url)
    except Exception as exc:
        print(f"Redis not usable: {exc}", file=sys.stderr)
        return None
    return deadline, redis_url


def start_run(args: argparse.Namespace) -> tuple[Deadline, dict[str, str]] | None:
    """`start_local_run`, then serve's environment for that Redis and the worker options."""
    started = start_local_run(args.deadline)
    if started is None:
        return None
    deadline, redis_url = started
    return deadline, {
        "REDIS_URL": redis_url,
        "BRA_HTTP_WORKERS": str(args.workers),
        "BRA_HTTP_THREADS": str(args.threads),
    }


def redact(url: str) -> str:
    """`url` with any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def serve_env(overrides: Mapping[str, str | None]) -> dict[str, str]:
    """The environment of serve: this process's, without SLACK_APP_TOKEN (HTTP mode), with the test bot token,
    signing secret, one worker, LOG_LEVEL=WARNING and a Bedrock endpoint nothing listens on (catalog answers need
    no model; chat scenarios override it with a local endpoint), then `overrides` (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k != "SLACK_APP_TOKEN"}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "BRA_HTTP_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "BEDROCK_ENDPOINT_URL": "http://127.0.0.1:9/",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@contextlib.contextmanager
def running_serve(
    env_overrides: Mapping[str, str | None],
    *,
    startup_timeout: float = STARTUP_TIMEOUT_S,
    stop_timeout: float = STOP_TIMEOUT_S,
    log: IO[bytes] | None = None,
) -> Iterator[str]:
    """Run serve (HTTP mode) on a free port with `serve_env(env_overrides)`; yield its base URL once /healthz
    answers 200. Raises `ServeFailed` (with serve's output) if it exits or does not answer within
    `startup_timeout`, or if it died on its own while in use. On leaving: SIGTERM to its process group, then
    SIGKILL after `stop_timeout`.

    The overrides should set SLACK_API_URL (the mock) and REDIS_URL; PORT is picked unless given. serve's output
    goes to `log` when given (a file the caller reads), else to a temporary file.
    """
    env = serve_env({"PORT": str(free_port()), **env_overrides})
    base_url = f"http://127.0.0.1:{env['PORT']}"
    with contextlib.nullcontext(log) if log is not None else tempfile.TemporaryFile(prefix="bra-serve-") as log:
        proc = subprocess.Popen(SERVE, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        failed = True
        try:
            _wait_healthy(proc, base_url, startup_timeout, log)
            yield base_url
            failed = False
        except ServeFailed:
            raise
        except BaseException:
            print(f"--- serve output (tail) ---\n{_tail(log)}", file=sys.stderr)
            raise
        finally:
            died = proc.poll()
            stop(proc, stop_timeout)
        if not failed and died is not None:
            raise ServeFailed(f"serve exited by itself with status {died} while in use:\n{_tail(log)}")


def stop(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> int:
    """SIGTERM to the process group of `proc` (gunicorn's arbiter and its workers), SIGKILL after `timeout`."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    else:  # the arbiter is gone; make sure no orphaned worker is left in its group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait()


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, timeout: float, log: Any) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, _ = http_request(base_url, "GET", "/healthz", timeout=1.0)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        try:
            code = proc.wait(0.1)  # also the pause between attempts
        except subprocess.TimeoutExpired:
            continue
        raise ServeFailed(f"serve exited with status {code} before /healthz answered:\n{_tail(log)}")
    raise ServeFailed(f"serve did not answer /healthz within {timeout:.0f} s ({last}):\n{_tail(log)}")


def _tail(log: Any, lines: int = 60) -> str:
    log.flush()
    log.seek(0)
    text = log.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


# -- HTTP ---------------------------------------------------------------------------------------------------------
def http_request(
    base_url: str,
    method: str,
    path: str,
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = REQUEST_TIMEOUT_S,
) -> tuple[int, bytes]:
    """One request on a fresh connection: `(status, body)`."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body.encode() if body is not None else None, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Client:
    """One keep-alive connection to serve, for one client thread. `post` returns `(status, seconds)`, timed from
    sending the request to having read the whole response."""

    def __init__(self, base_url: str, timeout: float = REQUEST_TIMEOUT_S) -> None:
        parts = urlsplit(base_url)
        self._host, self._port, self._timeout = parts.hostname or "127.0.0.1", parts.port, timeout
        self._conn: http.client.HTTPConnection | None = None
        self._used = 0.0

    def post(self, path: str, body: str, headers: Mapping[str, str]) -> tuple[int, float]:
        if self._conn is not None and time.monotonic() - self._used > _IDLE_RECONNECT_S:
            self.close()
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        data = body.encode()
        started = time.perf_counter()
        try:
            self._conn.request("POST", path, body=data, headers=dict(headers))
            response = self._conn.getresponse()
            response.read()
        except BaseException:
            self.close()
            raise
        elapsed = time.perf_counter() - started
        self._used = time.monotonic()
        if response.will_close:
            self.close()
        return response.status, elapsed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# -- what Slack sends -----------------------------------------------------------------------------------------------
def signed_event(
    event: dict[str, Any], *, event_id: str, retry_num: int | None = None, secret: str = SECRET
) -> tuple[str, dict[str, str]]:
    """`(body, headers)` of an Events API delivery, signed now (retries carry Slack's retry headers)."""
    return sr.signed(secret, sr.event_body(event, event_id=event_id), "json", retry_num=retry_num)


def signed_command(text: str, *, response_url: str, secret: str = SECRET) -> tuple[str, dict[str, str]]:
    """`(body, headers)` of a `/bedrock <text>` slash command, signed now."""
    return sr.signed(secret, sr.command_body(text, response_url=response_url), "form")


# -- measuring ------------------------------------------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (as in bench_answers.py)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def wait_calls(
    mock: SlackMock, count: Callable[[list[Call]], int], target: int, timeout: float, stall: float = 15.0
) -> int:
    """Wait until `count(calls) >= target`, at most `timeout` s and at most `stall` s without progress; return
    the last count."""
    end = time.monotonic() + timeout
    seen = count(mock.calls)
    while seen < target and (left := end - time.monotonic()) > 0:
        try:
            mock.wait_until(_more_than(count, seen), timeout=max(0.01, min(left, stall)))
        except AssertionError:  # no new call for `stall` seconds (or the time is up)
            break
        seen = count(mock.calls)
    return seen


def _more_than(count: Callable[[list[Call]], int], seen: int) -> Callable[[list[Call]], bool]:
    return lambda calls: count(calls) > seen


class Deadline:
    """A global time budget: `remaining()` seconds left (never below 0), `passed` once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._end


class Counter:
    """A thread-safe `next()` over 0, 1, 2, … for client threads sharing one list of work."""

    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            value, self._next = self._next, self._next + 1
            return value


@dataclass
class Acks:
    """What the clients saw: ack latencies of the 200s, other statuses (0: no response), a few error texts."""

    latencies_ms: list[float] = field(default_factory=list)
    bad_status: Tally[int] = field(default_factory=Tally)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, seconds: float, error: str | None = None) -> None:
        with self.lock:
            if status == 200:
                self.latencies_ms.append(seconds * 1000)
            else:
                self.bad_status[status] += 1
            if error is not None and len(self.errors) < 5:
                self.errors.append(error)


def post_concurrently(
    base_url: str,
    path: str,
    request_for: Callable[[int], tuple[str, dict[str, str]]],
    count: int,
    concurrency: int,
    deadline: Deadline,
    burst: bool = False,
) -> Acks:
    """POST `request_for(i)` (body, headers) for i in range(count) to `path` from `concurrency` client threads, each
    on its own keep-alive connection. `burst`: in waves of `concurrency` requests sent at the same moment (a
    barrier), the next wave once every ack of this one is back; otherwise a closed loop at full load."""
    acks, counter, stop = Acks(), Counter(), threading.Event()  # stop: the caller gave up (SIGTERM, Ctrl-C)
    waves = threading.Barrier(concurrency) if burst else None

    def next_index() -> int | None:
        if waves is not None:
            try:
                waves.wait(timeout=max(deadline.remaining(), 0.1))
            except threading.BrokenBarrierError:
                return None
        i = counter.next()
        if i >= count and waves is not None:
            waves.abort()
        return i if i < count else None

    def client_thread() -> None:
        client = Client(base_url)
        try:
            while not stop.is_set() and not deadline.passed and (i := next_index()) is not None:
                body, headers = request_for(i)
                try:
                    status, seconds = client.post(path, body, headers)
                except OSError as exc:
                    acks.record(0, 0.0, f"{type(exc).__name__}: {exc}")
                    continue
                acks.record(status, seconds, None if status == 200 else f"HTTP {status}")
        finally:
            client.close()

    threads = [threading.Thread(target=client_thread, name=f"client-{n}", daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(deadline.remaining() + 15)  # a request has its own 10 s timeout
    finally:
        stop.set()
    return acks


def with_bench_redis(url: str, seconds: float, run: Callable[[redis.Redis, Deadline], int]) -> int:
    """Run `run(client, deadline)` on the benchmark's dedicated Redis DB: flushed before and after (DB 0 refused),
    the bot's own client settings, a global time budget. 1 when Redis is not usable."""
    from pydantic import SecretStr

    from bot.settings import RedisSettings
    from bot.store.client import connect

    try:
        prepare_redis(url)
    except Exception as exc:
        print(f"Redis not usable: {exc}", file=sys.stderr)
        return 1
    deadline = Deadline(seconds)
    client = connect(RedisSettings(url=SecretStr(url)))
    try:
        return run(client, deadline)
    finally:
        client.close()
        prepare_redis(url)
