"""Nothing is lost when a `serve` process dies: real subprocesses (gunicorn, HTTP mode) against the local Slack mock,
the local Bedrock endpoint and the test Redis.

- A graceful restart (SIGTERM, as a deploy does) while Redis is away: the 10 usage events buffered in memory are
  spilled on the way out and land in Redis, once, when the next process starts with Redis back.
- A worker killed (SIGKILL) in the middle of a slow stream: a second serve finishes the message with the
  "interrupted" mark, records the partial answer's usage as estimated, and remembers the turn, marked.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from benchmarks.slack_server import ROOT, SERVE, free_port, http_request, serve_env, signed_event, stop
from bot.bedrock_local import LocalBedrock
from bot.chat.present import interrupted_mark
from bot.store import keys
from tests.slack.harness import blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock
from tests.usage.proxy import TcpProxy

WAIT_S = 60.0
QUESTION = "<@U0BOT> RAG 파이프라인 설계할 때 주의할 점은?"  # free-form: the catalog assistant streams an answer


@contextlib.contextmanager
def serve_process(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """serve on a free port; (process, base URL) once /healthz answers. Stopped (SIGTERM) on leaving."""
    port = free_port()
    with tempfile.TemporaryFile(prefix="bra-serve-") as out:
        proc = subprocess.Popen(
            SERVE, cwd=ROOT, env=serve_env({**env, "PORT": str(port)}), stdout=out, stderr=out, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + WAIT_S
            while True:
                with contextlib.suppress(OSError):
                    if http_request(url, "GET", "/healthz", timeout=1.0)[0] == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    out.seek(0)
                    pytest.fail(f"serve did not start:\n{out.read().decode(errors='replace')[-3000:]}")
                time.sleep(0.1)
            yield proc, url
        finally:
            stop(proc)


def mention(url: str, ts: str) -> None:
    body, headers = signed_event(sr.app_mention(QUESTION, ts=ts), event_id=f"Ev{ts.replace('.', '')}")
    assert http_request(url, "POST", "/slack/events", body, headers)[0] == 200


def finals(calls: list[Call]) -> list[Call]:
    """Final edits of update-mode answers (intermediate edits carry text only, the last one blocks)."""
    return [c for c in calls if c.method == "chat.update" and c.params.get("blocks")]


@pytest.fixture
def env(slack: SlackMock, local_bedrock: LocalBedrock, redis_client: redis.Redis, tmp_path: Path) -> dict[str, str]:
    return {
        "SLACK_API_URL": slack.base_url,
        "BEDROCK_ENDPOINT_URL": local_bedrock.url,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "BRA_USAGE_SPILL_DIR": str(tmp_path / "spill"),
        "BRA_USAGE_STOP_FLUSH_S": "1",
        "BRA_STREAM_MODE": "update",
        "BRA_MODEL_RETRIES": "0",
    }


def test_a_graceful_restart_while_redis_is_down_loses_no_usage_event(
    env: dict[str, str], slack: SlackMock, redis_url: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    parts = urlsplit(redis_url)
    with TcpProxy((parts.hostname or "127.0.0.1", parts.port or 6379)) as proxy:
        through_proxy = f"redis://127.0.0.1:{proxy.port}{parts.path}"
        with serve_process({**env, "REDIS_URL": through_proxy}) as (proc, url):
            proxy.stop()  # Redis goes away while serve runs
            for n in range(10):
                mention(url, f"1690001000.{n:06d}")
            slack.wait_until(lambda calls: len(finals(calls)) >= 10, timeout=WAIT_S)
            assert redis_client.xlen(keys.USAGE_EVENTS) == 0
            os.killpg(proc.pid, signal.SIGTERM)  # a deploy stops it
            assert proc.wait(WAIT_S) == 0
        assert redis_client.xlen(keys.USAGE_EVENTS) == 0
        proxy.start()  # Redis is back; the next version starts
        with serve_process({**env, "REDIS_URL": through_proxy}):
            deadline = time.monotonic() + WAIT_S
            while redis_client.xlen(keys.USAGE_EVENTS) < 10 and time.monotonic() < deadline:
                time.sleep(0.1)
    rows = redis_client.xrange(keys.USAGE_EVENTS)
    events = [json.loads(fields["event"]) for _id, fields in rows]  # type: ignore[union-attr,index]
    assert len(events) == 10
    assert {e["channel"] for e in events} == {"C123"} and all(int(e["output"]) > 0 for e in events)
    assert list((tmp_path / "spill").iterdir()) == []  # replayed and gone


@pytest.mark.parametrize("mode", ["update", "native"])
def test_a_worker_killed_mid_stream_is_finished_by_the_next_serve_as_interrupted(
    mode: str,
    env: dict[str, str],
    slack: SlackMock,
    local_bedrock: LocalBedrock,
    redis_url: str,
    redis_client: redis.Redis,
) -> None:
    local_bedrock.script("로컬 답변입니다. " + "RAG 설계에서는 검색 품질, 청크 크기, 평가가 중요합니다. " * 40)
    local_bedrock.set_behaviour(None, {"tokens_per_s": 20})  # about a minute for the whole answer
    stream_env = {
        **env,
        "REDIS_URL": redis_url,
        "BRA_STREAM_MODE": mode,
        "BRA_STREAM_INTERVAL_S": "0.2",
        "BRA_STREAM_JOURNAL_TTL_S": "1",
        "BRA_STREAM_SWEEP_S": "0.2",
    }
    thread = "1690002000.000100"
    shown = ("chat.update",) if mode == "update" else ("chat.startStream", "chat.appendStream")
    with serve_process(stream_env) as (proc, url):
        mention(url, thread)
        slack.wait_until(lambda calls: _has_text(calls, shown), timeout=WAIT_S)
        _wait_journaled(redis_client)
        os.killpg(proc.pid, signal.SIGKILL)  # the arbiter and its worker, mid-stream
        proc.wait(WAIT_S)
    [message] = [c for c in slack.calls if c.method in ("chat.postMessage", "chat.startStream")]
    partial = [c for c in slack.calls if c.method in shown]
    before = len(slack.calls)

    with serve_process(stream_env):
        end = "chat.update" if mode == "update" else "chat.stopStream"
        slack.wait_until(lambda calls: any(_marked(c, end) for c in calls[before:]), timeout=WAIT_S)
    [finished] = [c for c in slack.calls[before:] if _marked(c, end)]
    ts = _ts_of(message, slack)
    assert finished.params["ts"] == ts  # the same message, finished in place
    text = blocks_text(finished.json_param("blocks"))
    assert "(추정)" in text  # the footer says the tokens are estimated
    if mode == "update":
        assert _text_of(partial[-1]).split()[0] in text  # the text shown so far stays

    events = [json.loads(f["event"]) for _id, f in redis_client.xrange(keys.USAGE_EVENTS)]  # type: ignore[union-attr,index]
    assert len(events) == 1
    [raw] = events
    assert (raw["estimated"], raw["interrupted"], raw["channel"]) == ("1", "1", "C123")
    assert int(raw["input"]) > 0 and int(raw["output"]) > 0
    turns = [json.loads(t) for t in redis_client.lrange(keys.turns("T0001", "C123", thread), 0, -1)]
    assert [t["role"] for t in turns] == ["user", "assistant"]
    assert turns[1].get("interrupted") is True and turns[1]["text"]
    assert redis_client.zcard(keys.STREAM_LIVE) == 0 and not redis_client.keys("bra:stream:*")


def _wait_journaled(client: redis.Redis) -> None:
    """Until the journal holds the answer's message ts (written right after Slack gave it)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        ids = client.zrange(keys.STREAM_LIVE, 0, -1)
        if any(client.hget(keys.stream_journal(str(i)), "ts") for i in ids):
            return
        time.sleep(0.02)
    pytest.fail("the answer was never journaled with its message ts")


def _has_text(calls: list[Call], methods: tuple[str, ...]) -> bool:
    return any("로컬" in _text_of(c) for c in calls if c.method in methods)


def _text_of(call: Call) -> str:
    """What a call shows: its text, or the Markdown a stream call carries (markdown_text or chunks)."""
    chunks = call.json_param("chunks") or []
    parts = [str(ch.get("text", "")) for ch in chunks if isinstance(ch, dict)]
    return str(call.params.get("text") or call.params.get("markdown_text") or "") + "".join(parts)


def _marked(call: Call, method: str) -> bool:
    return call.method == method and interrupted_mark("ko") in blocks_text(call.json_param("blocks") or [])


def _ts_of(message: Call, slack: SlackMock) -> str:
    """The ts Slack gave the answer's message (posted, or started as a stream)."""
    return str(next(m["ts"] for m in slack.messages if m.get("thread_ts") == message.params.get("thread_ts")))
