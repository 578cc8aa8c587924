"""End to end: `bedrock-assistant serve` as a real process in HTTP mode (gunicorn), driven over HTTP on 127.0.0.1
with requests signed like Slack signs them, answering to the local Slack mock, with the test Redis.

Run: .venv/bin/python -m pytest tests/slack/test_serve.py -q   (needs a Redis; see tests/conftest.py)

One server runs for the whole module; each test tells its own calls apart by a unique ts or response_url name.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import redis

from benchmarks.slack_server import (
    ROOT,
    SERVE,
    ServeFailed,
    free_port,
    http_request,
    prepare_redis,
    running_serve,
    serve_env,
    signed_command,
    signed_event,
)
from tests.slack.harness import blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock

ANSWER_TIMEOUT_S = 30.0
QUESTION = "<@U0BOT> Nova Pro 가격"


@dataclass(frozen=True)
class Served:
    url: str
    slack: SlackMock

    def post(self, path: str, signed: tuple[str, dict[str, str]]) -> int:
        body, headers = signed
        status, _ = http_request(self.url, "POST", path, body, headers)
        return status

    def mention(self) -> tuple[int, str]:
        """POST a new mention (fresh ts and event_id); `(HTTP status, its ts)`."""
        event = sr.app_mention(QUESTION, ts=sr.next_ts())
        event_id = f"Ev{uuid.uuid4().hex[:12].upper()}"
        return self.post("/slack/events", signed_event(event, event_id=event_id)), event["ts"]

    def answers_to(self, ts: str, calls: list[Call] | None = None) -> list[Call]:
        """The chat.postMessage calls in the thread `ts` (among `calls`, default: all recorded so far)."""
        calls = self.slack.calls if calls is None else calls
        return [c for c in calls if c.method == "chat.postMessage" and c.params.get("thread_ts") == ts]

    def wait_answer(self, ts: str) -> None:
        self.slack.wait_until(lambda calls: bool(self.answers_to(ts, calls)), timeout=ANSWER_TIMEOUT_S)


@pytest.fixture(scope="module")
def served(redis_url: str) -> Iterator[Served]:
    try:
        prepare_redis(redis_url)
    except (ValueError, redis.RedisError) as exc:
        pytest.fail(f"test Redis not usable: {exc}", pytrace=False)
    with ExitStack() as stack:
        mock = stack.enter_context(SlackMock())
        try:
            url = stack.enter_context(running_serve({"SLACK_API_URL": mock.base_url, "REDIS_URL": redis_url}))
        except ServeFailed as exc:
            pytest.fail(str(exc), pytrace=False)
        yield Served(url, mock)


def test_health_and_readiness_answer_and_unknown_paths_are_404(served: Served) -> None:
    assert http_request(served.url, "GET", "/healthz")[0] == 200
    status, body = http_request(served.url, "GET", "/readyz")
    assert status == 200 and json.loads(body)["redis"] == "ok"
    assert http_request(served.url, "GET", "/nowhere")[0] == 404


def test_a_mention_is_acked_then_answered_once_in_its_thread(served: Served) -> None:
    status, ts = served.mention()
    assert status == 200
    served.wait_answer(ts)
    [answer] = served.answers_to(ts)
    text = blocks_text(answer.json_param("blocks"))
    assert "Nova Pro" in text and "기준일" in text


def test_a_slash_command_gets_an_ephemeral_answer_at_its_response_url(served: Served) -> None:
    name = f"serve-{uuid.uuid4().hex[:8]}"
    command = signed_command("price nova-pro", response_url=served.slack.response_url(name))
    assert served.post("/slack/commands", command) == 200
    served.slack.wait_until(lambda calls: any(c.path == f"/response/{name}" for c in calls), timeout=ANSWER_TIMEOUT_S)
    [reply] = [c for c in served.slack.calls_to("response_url") if c.path == f"/response/{name}"]
    assert reply.params["response_type"] == "ephemeral"
    assert "Nova Pro" in blocks_text(reply.json_param("blocks"))


def test_a_retried_event_is_acked_every_time_and_answered_once(served: Served) -> None:
    event = sr.app_mention(QUESTION, ts=sr.next_ts())
    event_id = f"EvRETRY{uuid.uuid4().hex[:8].upper()}"
    for retry in (None, 1, 2):
        assert served.post("/slack/events", signed_event(event, event_id=event_id, retry_num=retry)) == 200
    _, sentinel = served.mention()
    served.wait_answer(sentinel)
    served.wait_answer(event["ts"])
    assert len(served.answers_to(event["ts"])) == 1


def test_a_bad_signature_is_refused_and_never_answered(served: Served) -> None:
    event = sr.app_mention(QUESTION, ts=sr.next_ts(), channel="C0BADSIG")
    assert served.post("/slack/events", signed_event(event, event_id="EvBADSIG", secret="not-the-secret")) == 401
    _, sentinel = served.mention()
    served.wait_answer(sentinel)
    leaked = [
        c for c in served.slack.calls if event["ts"] in json.dumps(c.params) or "C0BADSIG" in json.dumps(c.params)
    ]
    assert leaked == []


# No endpoint, and nowhere boto3 could find credentials.
NO_BEDROCK: dict[str, str | None] = {
    "BEDROCK_ENDPOINT_URL": None,
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
}


@pytest.mark.parametrize(
    ("overrides", "code", "names"),
    [
        ({"SLACK_BOT_TOKEN": None}, 78, "SLACK_BOT_TOKEN"),
        ({"REDIS_URL": "redis://127.0.0.1:1/15"}, 69, "REDIS_URL"),
        (NO_BEDROCK, 78, "BEDROCK_ENDPOINT_URL"),
    ],
    ids=["no-bot-token", "redis-unreachable", "no-bedrock"],
)
def test_start_up_problems_exit_with_a_message_naming_the_setting(
    overrides: dict[str, str | None], code: int, names: str, redis_url: str
) -> None:
    env = serve_env(
        {"SLACK_API_URL": "http://127.0.0.1:1/api/", "REDIS_URL": redis_url, "PORT": str(free_port()), **overrides}
    )
    result = subprocess.run(SERVE, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    assert names in result.stderr
