"""Socket Mode: the same app answers socket-mode requests (no signature: Slack authenticated the WebSocket), and
`serve` with SLACK_APP_TOKEN connects out with that token and still answers the health checks on PORT."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from slack_bolt import BoltRequest

from bot.slack_app import create_app, web_client
from tests.slack.harness import Harness, blocks_text
from tests.support import slack_requests as sr
from tests.support.slack_mock import SlackMock

ROOT = Path(__file__).resolve().parents[2]


def test_socket_mode_requests_are_answered_without_a_signature(harness: Harness) -> None:
    app = create_app(
        harness.services, web_client(harness.services.settings.slack), socket_mode=True, executor=harness.executor
    )
    body = sr.event_body(sr.app_mention("<@U0BOT> Nova Micro 가격", ts="1690000000.000700"))
    assert app.dispatch(BoltRequest(body=body, mode="socket_mode")).status == 200
    [post] = [c.params for c in harness.drain() if c.method == "chat.postMessage"]
    assert post["thread_ts"] == "1690000000.000700" and "Nova Micro" in blocks_text(post["blocks"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_in_socket_mode_connects_with_the_app_token_and_answers_health(slack: SlackMock, redis_url: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env |= {
        "BEDROCK_ENDPOINT_URL": "http://127.0.0.1:9/",
        "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_APP_TOKEN": "xapp-1-socket",
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        [opened] = slack.wait_for("apps.connections.open", timeout=30)
        assert opened.token == "xapp-1-socket"
        health = None
        deadline = time.monotonic() + 30
        while health is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    health = json.loads(response.read())
            except OSError:
                time.sleep(0.05)
        assert health is not None and health["redis"] == "ok", proc.stderr.read() if proc.poll() is not None else ""
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
