"""Builders for what Slack sends to an app: signed event, slash-command and block-action requests."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any, Literal
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TOKEN = "verification-token"  # the legacy verification token Slack still puts in payloads

_ts_counter = itertools.count(1)


def next_ts() -> str:
    """A unique, increasing message ts ("1690000000.000001", ...), earlier than any ts the SlackMock hands out."""
    n = next(_ts_counter)
    return f"{1690000000 + n // 1_000_000}.{n % 1_000_000:06d}"


def sign(secret: str, body: str, timestamp: int | None = None, *, content_type: str = JSON) -> dict[str, str]:
    """The headers Slack sends with `body`: content type, `x-slack-signature` and `x-slack-request-timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"content-type": content_type, "x-slack-signature": signature, "x-slack-request-timestamp": ts}


def signed(
    secret: str,
    body: str,
    kind: Literal["json", "form"] = "json",
    timestamp: int | None = None,
    retry_num: int | None = None,
) -> tuple[str, dict[str, str]]:
    """`(body, headers)` for a signed request; `retry_num` adds Slack's retry headers (reason http_timeout)."""
    headers = sign(secret, body, timestamp, content_type=JSON if kind == "json" else FORM)
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return body, headers


# -- Events API -------------------------------------------------------------------------------------------------
def event_body(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = "T0001",
    api_app_id: str = "A0APP",
    authorizations: bool = True,
) -> str:
    """The JSON string of an `event_callback` envelope around `event`."""
    envelope: dict[str, Any] = {
        "token": TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": int(time.time()),
    }
    if authorizations:
        envelope["authorizations"] = [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ]
        envelope["is_ext_shared_channel"] = False
    return json.dumps(envelope)


def url_verification_body(challenge: str) -> str:
    """The JSON body of Slack's `url_verification` handshake."""
    return json.dumps({"token": TOKEN, "challenge": challenge, "type": "url_verification"})


def app_mention(
    text: str, *, user: str = "U123", channel: str = "C123", ts: str | None = None, thread_ts: str | None = None
) -> dict[str, Any]:
    """An `app_mention` event (text as Slack sends it, e.g. "<@U0BOT> hello")."""
    ts = ts or next_ts()
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": "T0001",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(
    text: str,
    *,
    user: str = "U123",
    channel: str = "C123",
    channel_type: Literal["channel", "group", "im", "mpim"] = "channel",
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
) -> dict[str, Any]:
    """A `message` event; `bot_id` / `subtype` for bot posts and the other message subtypes."""
    ts = ts or next_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
        "team": "T0001",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if bot_id:
        event["bot_id"] = bot_id
    if subtype:
        event["subtype"] = subtype
    return event


def assistant_thread_started(
    *,
    user: str = "U123",
    channel: str = "D123",
    thread_ts: str = "1700000000.000001",
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An `assistant_thread_started` event (the user opened the assistant container)."""
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": user,
            "context": context if context is not None else {},
            "channel_id": channel,
            "thread_ts": thread_ts,
        },
        "event_ts": next_ts(),
    }


def app_home_opened(*, user: str = "U123", tab: str = "home") -> dict[str, Any]:
    """An `app_home_opened` event."""
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab, "event_ts": next_ts()}


# -- interactivity ------------------------------------------------------------------------------------------------
def new_trigger_id() -> str:
    """A fresh trigger id, as Slack gives every command and interaction ("1234567890.1234.abcdef…")."""
    return f"{1690000000 + next(_ts_counter)}.4242.{uuid.uuid4().hex}"


def command_body(
    text: str,
    *,
    command: str = "/bedrock",
    user: str = "U123",
    channel: str = "C123",
    team_id: str = "T0001",
    response_url: str,
    trigger_id: str | None = None,
) -> str:
    """The form-encoded body of a slash command (a fresh `trigger_id` unless one is given)."""
    return urlencode(
        {
            "token": TOKEN,
            "team_id": team_id,
            "team_domain": "test-team",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user,
            "user_name": "test.user",
            "command": command,
            "text": text,
            "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def button_action(action_id: str, value: str, block_id: str = "b1") -> dict[str, Any]:
    """A `button` element action."""
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "value": value,
        "action_ts": next_ts(),
    }


def select_action(action_id: str, value: str, text: str = "x", block_id: str = "b1") -> dict[str, Any]:
    """A `static_select` element action with `selected_option`."""
    return {
        "type": "static_select",
        "action_id": action_id,
        "block_id": block_id,
        "selected_option": {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value},
        "action_ts": next_ts(),
    }


def block_actions_body(
    action: dict[str, Any],
    *,
    user: str = "U123",
    channel: str = "C123",
    team_id: str = "T0001",
    response_url: str | None = None,
    container: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    trigger_id: str | None = None,
) -> str:
    """The form-encoded `payload=<json>` body of a `block_actions` interaction (App Home when `view` is given; a
    fresh `trigger_id` unless one is given)."""
    if container is None:
        if view is not None:
            container = {"type": "view", "view_id": view.get("id", "V0001")}
        else:
            msg_ts = (message or {}).get("ts") or "1700000000.000100"
            container = {"type": "message", "message_ts": msg_ts, "channel_id": channel, "is_ephemeral": False}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "test.user", "name": "test.user", "team_id": team_id},
        "api_app_id": "A0APP",
        "token": TOKEN,
        "container": container,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": "test-team"},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if view is None:
        payload["channel"] = {"id": channel, "name": "general"}
    else:
        payload["view"] = view
    if message is not None:
        payload["message"] = message
    if response_url is not None:
        payload["response_url"] = response_url
    elif view is not None:
        payload["response_urls"] = []
    return urlencode({"payload": json.dumps(payload)})
