"""The access policy file: validation at start-up and the checks handlers rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.access import AccessPolicy
from bot.caller import Caller
from bot.errors import AccessDenied, ConfigError
from bot.settings import DEFAULT_ACCESS_FILE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_policy_allows_everyone_and_has_no_admins() -> None:
    policy = AccessPolicy.load(DEFAULT_ACCESS_FILE)
    policy.check(team_id="T1", channel_id="C1", user_id="U1")
    policy.check(team_id="T1", channel_id="D1", user_id="U1")
    assert not policy.is_admin("U1")


def test_a_bad_policy_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "channels:\n  alow: [C1]\nadmins: U1\n")
    with pytest.raises(ConfigError) as info:
        AccessPolicy.load(path)
    text = info.value.message("en")
    assert f"{path}: channels.alow" in text and f"{path}: admins" in text


def test_workspace_channel_dm_and_admin_rules(tmp_path: Path) -> None:
    policy = AccessPolicy.load(
        write(
            tmp_path,
            "workspaces: [T1]\nchannels: {allow: [C1, C2], deny: [C2]}\ndirect_messages: false\nadmins: [UA]\n",
        )
    )
    policy.check(team_id="T1", channel_id="C1", user_id="U1")
    for team, channel, words in [
        ("T2", "C1", "workspace"),
        ("T1", "C2", "channel"),  # deny wins over allow
        ("T1", "C3", "channel"),  # not on the allow list
        ("T1", "D1", "Direct messages"),
    ]:
        with pytest.raises(AccessDenied) as info:
            policy.check(team_id=team, channel_id=channel, user_id="U1")
        assert words in info.value.message("en")
    policy.require_admin("UA")
    with pytest.raises(AccessDenied):
        policy.require_admin("U1")


def test_other_bots(tmp_path: Path) -> None:
    assert not AccessPolicy().answers_bot("B1")
    assert AccessPolicy.load(write(tmp_path, "bots: {allow: [B1]}\n")).answers_bot("B1")
    assert AccessPolicy.load(write(tmp_path, "bots: {answer: true}\n")).answers_bot("B9")


def test_admit_checks_where_the_caller_is_and_the_console_keeps_only_the_model_rules() -> None:
    policy = AccessPolicy.model_validate(
        {"workspaces": ["T1"], "direct_messages": False, "models": {"deny": ["nova-pro"], "restricted": {"x": ["U1"]}}}
    )
    policy.admit(Caller(team="T1", user="U1", channel="C1"))
    policy.admit(Caller(team="T1", user="U1", channel=None))  # App Home: outside any channel
    with pytest.raises(AccessDenied):
        policy.admit(Caller(team="T2", user="U1", channel=None))
    with pytest.raises(AccessDenied):
        policy.admit(Caller(team="T1", user="U1", channel="D1"))
    console = policy.for_console()
    console.admit(Caller(team="console", user="local", channel="console"))
    assert not console.allows_model("local", "nova-pro") and not console.allows_model("local", "x")
    assert policy.allows_model("U1", "x") and not policy.allows_model(None, "x")  # None: "everybody"
