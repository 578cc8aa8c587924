"""Guardrails through the real Bolt app (signed payloads → Slack mock; boto3 → local Bedrock; real Redis): after a
full turn the unmasked values are nowhere — not in Redis, not in what Bedrock received, not in what was posted,
not in any log record; blocked messages are answered with the reason; admins see and reload the policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.bedrock_local import LocalBedrock
from tests.guardrails.support import AWS_KEY, CARD, EMAIL, PHONE, RRN, guard_settings, policy_file
from tests.guardrails.test_guard import everything_in
from tests.slack.harness import Harness, blocks_text
from tests.slack.test_commands import one_reply
from tests.support import slack_requests as sr

VALUES = (RRN, RRN.replace("-", ""), CARD, PHONE, EMAIL)


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record: message, arguments and every extra field."""
    return "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)


def posted(harness: Harness) -> str:
    return "\n".join(f"{c.method} {c.params}" for c in harness.drain())


def test_after_a_full_turn_no_unmasked_value_is_anywhere(
    harness: Harness, local_bedrock: LocalBedrock, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    local_bedrock.script(f"확인했습니다. 연락처 {PHONE} 고객께 안내하겠습니다. " + "세부 내용. " * 40)
    harness.event(
        sr.app_mention(
            f"<@U0BOT> nova-pro: 고객 {RRN} 카드 {CARD} 메일 {EMAIL} 건 안내문 써줘", ts="1690000002.000100"
        )
    )
    harness.event(sr.message(f"연락처 {PHONE} 도 추가해줘", thread_ts="1690000002.000100"))
    calls = posted(harness)
    assert "민감정보를 가리고 처리했습니다" in calls and "주민등록번호" in calls
    sent = str([r.body for r in local_bedrock.requests])
    assert "[주민등록번호]" in sent and "[전화번호]" in sent  # the model got the masked text
    stored, logs = everything_in(redis_client), logged(caplog)
    assert "[카드번호]" in stored
    for value in VALUES:
        assert value not in stored, value
        assert value not in sent, value
        assert value not in calls, value
        assert value not in logs, value


def test_a_message_with_a_secret_is_refused_in_the_thread_and_goes_nowhere(
    harness: Harness, local_bedrock: LocalBedrock, redis_client: redis.Redis
) -> None:
    harness.event(sr.app_mention(f"<@U0BOT> 이 키로 접속이 안 돼요 {AWS_KEY}", ts="1690000003.000100"))
    calls = posted(harness)
    assert "AWS 액세스 키이(가) 포함되어 있어 처리하지 않았습니다" in calls
    assert AWS_KEY not in calls and AWS_KEY not in everything_in(redis_client)
    assert not local_bedrock.requests


def test_the_panel_title_is_masked(harness: Harness) -> None:
    harness.event(sr.message(f"{PHONE} 고객 건", channel="D123", channel_type="im", thread_ts="1700000000.000001"))
    [title] = [c.params for c in harness.drain() if c.method == "assistant.threads.setTitle"]
    assert title["title"] == "[전화번호] 고객 건"


@pytest.fixture
def admin(make_harness: Callable[..., Harness], tmp_path: Path) -> tuple[Harness, Path]:
    path = policy_file(tmp_path)
    return make_harness({"admins": ["U123"]}, guard=guard_settings(path)), path


def test_admins_see_the_policy_and_others_are_refused(admin: tuple[Harness, Path], harness: Harness) -> None:
    harness_, _ = admin
    text = blocks_text(one_reply(harness_, "guardrails")["blocks"])
    assert "가드레일" in text or "Guardrail" in text
    for shown in ("resident registration number", "investment advice", "Bedrock Guardrails", "reload"):
        assert shown in text, shown
    refused: dict[str, Any] = one_reply(harness, "guardrails", user="U999")
    assert "admin" in str(refused).lower() or "관리자" in str(refused)


def test_reload_refuses_a_bad_file_and_keeps_the_running_policy(admin: tuple[Harness, Path]) -> None:
    harness, path = admin
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("phone: mask", "phone: hide"), encoding="utf-8")
    text = blocks_text(one_reply(harness, "guardrails reload")["blocks"])
    assert "entities.phone" in text and ("not reloaded" in text or "다시 읽지 않음" in text)
    harness.event(sr.app_mention(f"<@U0BOT> {PHONE} 고객 Nova Pro 가격", ts="1690000004.000100"))
    assert PHONE not in posted(harness)
    path.write_text(good.replace("phone: mask", "phone: allow"), encoding="utf-8")
    text = blocks_text(one_reply(harness, "guardrails reload")["blocks"])
    assert "reloaded" in text or "다시 읽었습니다" in text
    assert harness.services.guard.check(f"전화 {PHONE}", "INPUT", "ko").text == f"전화 {PHONE}"
