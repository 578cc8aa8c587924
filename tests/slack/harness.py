"""The real Bolt app, wired by the composition root, against the local Slack mock and a real Redis.

Requests are signed like Slack signs them and dispatched with `app.dispatch`; lazy work runs on an executor the
harness owns, so `drain()` waits until every listener has finished before a test counts the calls."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import yaml
from pydantic import SecretStr
from slack_bolt import App, BoltRequest, BoltResponse

from bot.services import Services, build_services
from bot.settings import (
    AssistantSettings,
    AwsSettings,
    ChatSettings,
    GuardSettings,
    RedisSettings,
    Settings,
    SlackSettings,
    UsageSettings,
)
from bot.slack_app import create_app, web_client
from tests.support import slack_requests as sr
from tests.support.slack_mock import Call, SlackMock


class TrackingExecutor(ThreadPoolExecutor):
    """The listener pool, remembering what it was given so a test can wait for all of it (`settle`)."""

    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="test-listener")
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def settle(self) -> None:
        """Wait until everything submitted so far (and anything it submitted) has finished."""
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
            if not pending:
                return
            wait(pending)


SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "U0BOT"  # what the mock's auth.test says the bot is


@dataclass
class Harness:
    app: App
    services: Services
    slack: SlackMock
    executor: TrackingExecutor
    responses: list[BoltResponse] = field(default_factory=list)

    def send(
        self, body: str, kind: str = "json", *, retry_num: int | None = None, secret: str = SECRET
    ) -> BoltResponse:
        raw, headers = sr.signed(secret, body, kind=kind, retry_num=retry_num)  # type: ignore[arg-type]
        return self.dispatch(raw, headers)

    def dispatch(self, raw: str, headers: dict[str, str]) -> BoltResponse:
        """Hand Bolt a request exactly as given (e.g. one signed request sent again: a replay)."""
        response = self.app.dispatch(BoltRequest(body=raw, headers={k: [v] for k, v in headers.items()}))
        self.responses.append(response)
        return response

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None, **kw: Any
    ) -> BoltResponse:
        return self.send(sr.event_body(event, event_id=event_id, **kw), retry_num=retry_num)

    def command(self, text: str, *, name: str = "cmd", **kw: Any) -> BoltResponse:
        return self.send(sr.command_body(text, response_url=self.slack.response_url(name), **kw), kind="form")

    def action(self, action: dict[str, Any], *, name: str = "act", **kw: Any) -> BoltResponse:
        return self.send(sr.block_actions_body(action, response_url=self.slack.response_url(name), **kw), kind="form")

    def drain(self) -> list[Call]:
        """Wait for all lazy work to finish; every Slack call made so far."""
        self.executor.settle()
        return self.slack.calls


def settings_for(
    slack: SlackMock,
    redis_url: str,
    access_file: Path,
    bedrock_url: str,
    guard: GuardSettings | None = None,
    usage: UsageSettings | None = None,
    **chat: Any,
) -> Settings:
    return Settings(
        guard=guard or GuardSettings(),
        usage=usage or UsageSettings(),
        aws=AwsSettings(bedrock_endpoint_url=bedrock_url, region="us-east-1"),
        chat=ChatSettings(**{"retry_base_s": 0.0, "retry_max_s": 0.0, **chat}),
        slack=SlackSettings(
            bot_token=SecretStr(BOT_TOKEN), signing_secret=SecretStr(SECRET), api_url=slack.base_url, app_token=None
        ),
        redis=RedisSettings(url=SecretStr(redis_url)),
        assistant=AssistantSettings(access_file=access_file),
    )


def build_harness(
    slack: SlackMock,
    redis_url: str,
    tmp_path: Path,
    access: dict[str, Any] | None = None,
    client: redis.Redis | None = None,
    *,
    bedrock_url: str,
    guard: GuardSettings | None = None,
    usage: UsageSettings | None = None,
    **chat: Any,
) -> Harness:
    access_file = tmp_path / "access.yaml"
    access_file.write_text(yaml.safe_dump(access or {}), encoding="utf-8")
    settings = settings_for(slack, redis_url, access_file, bedrock_url, guard, usage, **chat)
    services = build_services(settings, client)
    executor = TrackingExecutor()
    app = create_app(services, web_client(settings.slack), executor=executor)
    return Harness(app, services, slack, executor)


def blocks_text(blocks: Any) -> str:
    """All text in a list of blocks (or a JSON string of one), for content assertions."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)
