"""Usage and budgets through the real Bolt app: a real chat turn (local Bedrock) lands in the ledger (real Redis);
`/bedrock usage` and `/bedrock budget` read it back; App Home shows the user's month; an exhausted budget stops
the next message with a clear message."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import yaml

from bot.caller import Caller
from bot.settings import UsageSettings
from tests.slack.harness import Harness, blocks_text
from tests.slack.test_commands import one_reply
from tests.support import slack_requests as sr

CALLER = Caller(team="T0001", user="U123", channel="C123")


def chat_once(harness: Harness, text: str = "nova-lite: say hello", user: str = "U123") -> None:
    harness.event(sr.app_mention(f"<@U0BOT> {text}", user=user))
    harness.drain()


def test_usage_me_shows_what_the_chat_turn_recorded(harness: Harness) -> None:
    chat_once(harness)

    reply = one_reply(harness, "usage me today")
    text = blocks_text(reply["blocks"])
    assert reply["response_type"] == "ephemeral"
    assert "Amazon Nova Lite" in text and "1 request ·" in text and "estimated" in text
    assert "No usage recorded" not in text


def test_usage_defaults_to_me_today_and_korean_aliases_work(harness: Harness) -> None:
    chat_once(harness)
    korean = blocks_text(one_reply(harness, "사용량 채널 이번달")["blocks"])
    assert "<#C123> 사용량" in korean and "요청 1건" in korean
    nobody = blocks_text(one_reply(harness, "usage", user="U999")["blocks"])
    assert "No usage recorded" in nobody  # another user's usage is not theirs


def test_usage_all_is_for_admins(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness({"admins": ["UADMIN"]})
    chat_once(harness)

    assert "bot admins only" in one_reply(harness, "usage all week")["text"]
    everyone = blocks_text(one_reply(harness, "usage all week", user="UADMIN")["blocks"])
    assert "Everyone's usage" in everyone and "<@U123>" in everyone and "Amazon Nova Lite" in everyone


def test_usage_with_a_wrong_argument_gets_the_usage_line(harness: Harness) -> None:
    text = one_reply(harness, "usage yesterday")["text"]
    assert "Unknown argument: yesterday" in text and "/bedrock usage [me|channel|all] [today|week|month]" in text


def test_app_home_shows_the_users_month(harness: Harness) -> None:
    chat_once(harness)
    harness.slack.reset()
    harness.event(sr.app_home_opened())
    [published] = [c.params for c in harness.drain() if c.method == "views.publish"]
    view = published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    text = blocks_text(view["blocks"])
    assert "This month (" in text or "이번 달(" in text
    assert "Amazon Nova Lite" in text


def budgets_file(tmp_path: Path, **policy: object) -> UsageSettings:
    path = tmp_path / "budgets.yaml"
    path.write_text(yaml.safe_dump(policy), encoding="utf-8")
    return UsageSettings(budget_file=path)


def test_an_exhausted_budget_stops_the_next_message_and_an_admin_can_lift_it(
    make_harness: Callable[..., Harness], tmp_path: Path
) -> None:
    harness = make_harness({"admins": ["UADMIN"]}, usage=budgets_file(tmp_path, user_daily_usd="0.000001"))
    chat_once(harness)  # under the limit when it starts; over it afterwards

    harness.slack.reset()
    chat_once(harness, "nova-lite: and again")
    said = " ".join(str(c.params.get("text", "")) + blocks_text(c.json_param("blocks") or [])
                    for c in harness.slack.calls if c.method in ("chat.postMessage", "chat.postEphemeral"))  # fmt: skip
    assert "Today's budget is used up" in said or "예산을 모두 썼습니다" in said

    mine = blocks_text(one_reply(harness, "budget")["blocks"])
    assert "Your budget today" in mine and "$0.000001" not in mine  # shown rounded
    assert "bot admins only" in one_reply(harness, "budget <@U123|test.user> unlimited")["text"]
    lifted = blocks_text(one_reply(harness, "budget <@U123|test.user> unlimited", user="UADMIN")["blocks"])
    assert "<@U123>: no limit today" in lifted
    assert harness.services.budgets is not None
    [standing] = harness.services.budgets.standings(CALLER)
    assert standing.limit is None and standing.overridden


def test_a_budget_amount_must_be_a_number(make_harness: Callable[..., Harness], tmp_path: Path) -> None:
    harness = make_harness({"admins": ["UADMIN"]}, usage=budgets_file(tmp_path, user_daily_usd="1"))
    text = one_reply(harness, "budget <@U123> lots", user="UADMIN")["text"]
    assert "Not an amount: lots" in text and "/bedrock budget" in text
    done = blocks_text(one_reply(harness, "budget U123 $2.5", user="UADMIN")["blocks"])
    assert "today's limit $2.50" in done
    assert harness.services.budgets is not None
    assert harness.services.budgets.standings(CALLER)[0].limit == Decimal("2.5")
