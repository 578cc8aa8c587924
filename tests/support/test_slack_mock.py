"""The test support code itself: SlackMock against the real slack_sdk clients, and request signing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode
from urllib.request import Request, urlopen

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support import slack_requests as sr
from tests.support.slack_mock import SlackMock

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe\x00binary\r\n"


@pytest.fixture
def slack() -> Iterator[SlackMock]:
    with SlackMock() as mock:
        yield mock


@pytest.fixture
def client(slack: SlackMock) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.base_url, timeout=5)


def test_base_url_and_auth_test(slack: SlackMock, client: WebClient) -> None:
    assert slack.base_url == f"http://127.0.0.1:{slack.port}/api/"
    resp = client.auth_test()
    assert resp["user_id"] == "U0BOT" and resp["bot_id"] == "B0BOT" and resp["team_id"] == "T0001"
    assert resp["is_enterprise_install"] is False
    [call] = slack.calls_to("auth.test")
    assert call.path == "/api/auth.test"
    assert call.headers["authorization"] == "Bearer xoxb-test" and call.token == "xoxb-test"


def test_post_message_json_and_form(slack: SlackMock, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    # slack_sdk 3.47 sends chat.postMessage as JSON (blocks a real list) ...
    first = client.chat_postMessage(channel="C1", text="hello", thread_ts="1700000000.000001")
    second = client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    # ... and methods called with params= form-encoded (blocks a JSON string)
    third = client.api_call("chat.postMessage", params={"channel": "C2", "text": "form", "blocks": json.dumps(blocks)})
    assert first["channel"] == "C1" and first["message"]["thread_ts"] == "1700000000.000001"
    assert first["message"]["text"] == "hello" and first["message"]["ts"] == first["ts"]
    assert float(first["ts"]) < float(second["ts"]) < float(third["ts"])
    calls = slack.wait_for("chat.postMessage", count=3)
    assert calls[0].headers["content-type"] == "application/json;charset=utf-8"
    assert calls[0].params["text"] == "hello" and calls[0].params["channel"] == "C1"
    assert calls[1].params["blocks"] == blocks and calls[1].json_param("blocks") == blocks
    assert calls[2].headers["content-type"] == "application/x-www-form-urlencoded"
    assert calls[2].token == "xoxb-test"
    assert isinstance(calls[2].params["blocks"], str) and calls[2].json_param("blocks") == blocks
    assert second["message"]["blocks"] == blocks and third["message"]["blocks"] == blocks
    assert third["channel"] == "C2"


def test_json_body(slack: SlackMock, client: WebClient) -> None:
    resp = client.chat_appendStream(channel="C1", ts="1700000000.000100", markdown_text="part 1, ")
    client.chat_appendStream(channel="C1", ts="1700000000.000100", markdown_text="end")
    call = slack.calls_to("chat.appendStream")[0]
    assert call.headers["content-type"].startswith("application/json")
    assert call.params["markdown_text"] == "part 1, " and resp["ts"] == "1700000000.000100"
    stopped = client.chat_stopStream(channel="C1", ts="1700000000.000100")
    assert stopped["message"]["text"] == "part 1, end"


def test_token_in_form_and_plain_http(slack: SlackMock) -> None:
    body = urlencode({"token": "xoxb-form", "channel": "C1", "text": "raw"}).encode()
    request = Request(slack.base_url + "chat.postMessage", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urlopen(request, timeout=5) as resp:
        reply = json.loads(resp.read())
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/json")
    assert reply["ok"] is True and reply["channel"] == "C1"
    [call] = slack.calls
    assert call.token == "xoxb-form" and call.params["text"] == "raw" and call.body == body


def test_files_upload_v2_records_binary(slack: SlackMock, client: WebClient) -> None:
    resp = client.files_upload_v2(channel="C1", content=PNG, filename="a.png")
    assert [c.method for c in slack.calls] == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    url_call, upload, complete = slack.calls
    assert url_call.params["filename"] == "a.png" and url_call.params["length"] == str(len(PNG))
    assert upload.body == PNG
    assert upload.path == f"/upload/{upload.params['file_id']}"
    files = complete.json_param("files")
    assert files[0]["id"] == upload.params["file_id"] and complete.params["channel_id"] == "C1"
    assert resp["file"]["id"] == upload.params["file_id"]


def test_rate_limit_then_success(slack: SlackMock) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url, timeout=5)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.queue_response(
        "chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "0"}
    )
    resp = client.chat_postMessage(channel="C1", text="again")
    assert resp["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_queued_error_is_used_once(slack: SlackMock, client: WebClient) -> None:
    slack.queue_response("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C404", text="x")
    assert info.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C1", text="y")["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_set_response_and_reset(slack: SlackMock, client: WebClient) -> None:
    slack.set_response("users.info", {"ok": True, "user": {"id": "U9", "locale": "ko-KR"}})
    assert client.users_info(user="U9")["user"]["locale"] == "ko-KR"
    slack.queue_response("users.info", body={"ok": False, "error": "user_not_found"})
    slack.reset()
    assert slack.calls == []
    assert client.users_info(user="U9")["user"]["locale"] == "en-US"


def test_response_url_via_webhook_client(slack: SlackMock) -> None:
    resp = WebhookClient(slack.response_url("x")).send(text="hi", response_type="ephemeral")
    assert resp.status_code == 200 and resp.body == "ok"
    [call] = slack.wait_for("response_url")
    assert call.path == "/response/x"
    assert call.params == {"text": "hi", "response_type": "ephemeral"}


def test_wait_for_times_out_with_recorded_methods(slack: SlackMock, client: WebClient) -> None:
    client.auth_test()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"views\.publish.*auth\.test"):
        slack.wait_for("views.publish", timeout=0.2)
    assert time.monotonic() - started < 2


def test_stop_and_restart_frees_the_thread() -> None:
    mock = SlackMock().start()
    url = mock.base_url
    mock.stop()
    assert url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError):
        _ = mock.base_url


def test_sign_verifies_only_with_the_same_secret() -> None:
    body = sr.event_body(sr.app_mention("<@U0BOT> hi"))
    headers = sr.sign("s3cret", body)
    ts, sig = headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    assert SignatureVerifier("s3cret").is_valid(body, ts, sig) is True
    assert SignatureVerifier("other").is_valid(body, ts, sig) is False


def test_request_builders() -> None:
    envelope = json.loads(sr.event_body(sr.message("hi", channel_type="im"), event_id="Ev1"))
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev1"
    assert envelope["authorizations"][0]["user_id"] == "U0BOT"
    assert envelope["event"]["channel_type"] == "im"
    a, b = sr.app_mention("x"), sr.app_mention("y")
    assert float(b["ts"]) > float(a["ts"])
    body, headers = sr.signed("s", sr.command_body("help", response_url="http://x/response/c"), "form", retry_num=1)
    assert headers["content-type"] == sr.FORM and headers["x-slack-retry-num"] == "1"
    assert parse_qs(body)["command"] == ["/bedrock"]
    home = parse_qs(sr.block_actions_body(sr.button_action("go", "1"), view={"id": "V1", "type": "home"}))
    payload = json.loads(home["payload"][0])
    assert "channel" not in payload and payload["container"] == {"type": "view", "view_id": "V1"}
    assert payload["actions"][0]["action_id"] == "go"
