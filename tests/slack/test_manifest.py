"""manifest.yaml agrees with the app: the events it subscribes to are the ones handlers listen for, the slash
command is ours, every scope those need is asked for, and the URLs point at serve's paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.web import SLACK_PATHS
from handlers.ids import COMMAND

ROOT = Path(__file__).resolve().parents[2]
NEEDS = {  # event → the scope Slack requires for it
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "assistant_thread_started": "assistant:write",
    "assistant_thread_context_changed": "assistant:write",
}


def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_events_match_the_listeners_and_scopes_cover_them() -> None:
    data = manifest()
    events = set(data["settings"]["event_subscriptions"]["bot_events"])
    listened = {"app_mention", "app_home_opened", "assistant_thread_started", "assistant_thread_context_changed"}
    assert listened <= events
    assert {"message.channels", "message.im"} <= events  # thread follow-ups and DMs
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {NEEDS[e] for e in events if e in NEEDS} <= scopes
    assert {"chat:write", "commands"} <= scopes


def test_command_home_assistant_and_urls() -> None:
    data = manifest()
    [command] = data["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["features"]["assistant_view"]["assistant_description"]
    urls = [
        command["url"],
        data["settings"]["event_subscriptions"]["request_url"],
        data["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.startswith("https://") and url.endswith(SLACK_PATHS) for url in urls)
    assert isinstance(data["settings"]["socket_mode_enabled"], bool)
