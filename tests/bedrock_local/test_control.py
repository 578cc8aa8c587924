"""The `/_local/*` control endpoints, and `bedrock-assistant bedrock-local` as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bot.bedrock_local import LocalBedrock
from tests.bedrock_local.conftest import NOVA_LITE, make_client, user

ROOT = Path(__file__).resolve().parents[2]


def http(url: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, method="GET" if body is None else "POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def text_of(client: Any) -> str:
    return str(client.converse(modelId=NOVA_LITE, messages=[user("hi")])["output"]["message"]["content"][0]["text"])


def test_health(bedrock: LocalBedrock) -> None:
    status, body = http(bedrock.url, "/_local/health")
    assert status == 200 and body["status"] == "ok" and body["models"] > 10


def test_script_fault_behaviour_requests_and_reset_over_http(client: Any, bedrock: LocalBedrock) -> None:
    url = bedrock.url
    assert http(url, "/_local/script", {"reply": "over http"})[0] == 200
    assert http(url, "/_local/script", {"reply": {"toolUse": {"name": "get_price", "input": {}}}, "model": "nova-pro"})
    assert text_of(client) == "over http"
    assert http(url, "/_local/fault", {"fault": {"kind": "throttle", "count": 1}, "model": "nova-lite"})[0] == 200
    with pytest.raises(ClientError) as exc:
        text_of(client)
    assert exc.value.response["Error"]["Code"] == "ThrottlingException"
    assert http(url, "/_local/behaviour", {"model": "nova-lite", "behaviour": {"tokens_per_s": 5000}})[0] == 200
    status, recorded = http(url, "/_local/requests")
    assert status == 200 and [r["operation"] for r in recorded["requests"]] == ["converse", "converse"]
    assert recorded["requests"][0]["model_key"] == "nova-lite"
    assert http(url, "/_local/reset", {})[0] == 200
    assert http(url, "/_local/requests")[1] == {"requests": []}
    assert text_of(client).startswith("[local ")  # the nova-pro script is gone too


def test_guardrail_controls_over_http(client: Any, bedrock: LocalBedrock) -> None:
    assert http(bedrock.url, "/_local/guardrail", {"guardrail": {"id": "httpguard", "blocked_words": ["x1"]}})[0] == 200
    body = {"outcome": {"action": "NONE"}, "guardrail_id": "httpguard"}
    assert http(bedrock.url, "/_local/guardrail/script", body)[0] == 200
    args = {
        "guardrailIdentifier": "httpguard",
        "guardrailVersion": "DRAFT",
        "source": "INPUT",
        "content": [{"text": {"text": "x1"}}],
    }
    assert client.apply_guardrail(**args)["action"] == "NONE"  # the scripted outcome first
    assert client.apply_guardrail(**args)["action"] == "GUARDRAIL_INTERVENED"


def test_invalid_control_bodies_and_routes(bedrock: LocalBedrock) -> None:
    status, body = http(bedrock.url, "/_local/fault", {"fault": {"kind": "explode"}})
    assert status == 400 and "kind" in body["message"]
    assert http(bedrock.url, "/_local/behaviour", {"behaviour": {"latency": 1}})[0] == 400  # unknown key
    assert http(bedrock.url, "/_local/script", {"reply": "x", "model": "gpt-4o"})[0] == 400
    assert http(bedrock.url, "/_local/nothing", {})[0] == 404


def test_cli_serves_until_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRA_", "SLACK_"))}
    config = tmp_path / "local.yaml"
    config.write_text("defaults:\n  latency_s: 0\nmodels:\n  nova-lite:\n    tokens_per_s: 500\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "bedrock-local", "--port", "0", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "http://127.0.0.1:" in first, process.stderr.read() if process.stderr else ""
        url = first.split()[first.split().index("on") + 1]
        assert "BEDROCK_ENDPOINT_URL=" + url in process.stdout.readline()
        assert http(url, "/_local/health")[1]["status"] == "ok"
        assert text_of(make_client(url)).startswith("[local Amazon Nova Lite]")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_rejects_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("defaults:\n  latencyy_s: 2\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "bedrock-local", "--port", "0", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "latencyy_s" in result.stderr
