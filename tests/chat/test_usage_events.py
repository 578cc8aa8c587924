"""Every model call lands in the usage ledger (real Redis), and budgets act before the call: chat, the catalog
assistant, compare and summaries on the real stack (boto3/langchain-aws → local Bedrock endpoint)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from bot.chat.asks import ChatAsk, CompareAsk
from bot.commands import answer_message
from bot.errors import BudgetExceeded
from bot.services import Services
from bot.settings import UsageSettings
from bot.usage.event import to_nusd
from bot.usage.ledger import Ledger, per
from tests.chat.conftest import CALLER


def ledger_of(services: Services) -> Ledger:
    assert services.ledger is not None
    return services.ledger


def budgeted(make: Callable[..., Services], tmp_path: Path, **policy: Any) -> Services:
    path = tmp_path / "budgets.yaml"
    path.write_text(yaml.safe_dump({k: str(v) if isinstance(v, Decimal) else v for k, v in policy.items()}))
    return make(usage=UsageSettings(budget_file=path))


def test_a_chat_turn_records_one_event_with_its_ids_tokens_cost_and_aggregates(services: Services) -> None:
    result = services.chat.turn(CALLER, ChatAsk(text="Explain prompt caching.", lang="en"), lambda _: None)

    ledger = ledger_of(services)
    [event] = ledger.events()
    assert (event["team"], event["channel"], event["user"], event["feature"]) == ("T1", "C1", "U1", "chat")
    assert event["model"] == result.model == "nova-lite" and event["region"] == "us-east-1"
    assert event["profile"] == services.engine.catalog.models["nova-lite"].ids[0]
    assert int(event["input"]) == result.usage.input_tokens and int(event["output"]) == result.usage.output_tokens
    assert result.cost.usd is not None and int(event["cost_nusd"]) == to_nusd(result.cost.usd) > 0
    today = ledger.today()
    for dim, value in (("all", "*"), ("user", "U1"), ("channel", "C1"), ("feature", "chat"), ("model", "nova-lite")):
        totals = ledger.day(today, dim)[value]
        assert totals.requests == 1 and totals.cost_nusd == to_nusd(result.cost.usd), dim
    assert ledger.month(today, per("user_models", "U1"))["nova-lite"].output == result.usage.output_tokens


def test_input_interventions_are_in_the_event(services: Services) -> None:
    reply = answer_message(services, CALLER, "nova-lite: 내 번호 010-1234-5678 로 연락 달라고 적어줘")
    assert isinstance(reply, ChatAsk) and "010-1234-5678" not in reply.text
    services.chat.turn(CALLER, reply, lambda _: None)

    [event] = ledger_of(services).events()
    assert "INPUT:phone:mask" in event["guardrail"].split(",")


def test_compare_records_one_event_per_model(services: Services) -> None:
    ask = CompareAsk(models=("nova-micro", "nova-lite"), prompt="Say hi", lang="en")
    comparison = services.comparer.run(CALLER, ask)

    events = ledger_of(services).events()
    assert sorted(e["model"] for e in events) == ["nova-lite", "nova-micro"]
    assert {e["feature"] for e in events} == {"compare"}
    by_model = ledger_of(services).day(ledger_of(services).today(), "model")
    for result in comparison.results:
        assert result.cost.usd is not None
        assert by_model[result.model].cost_nusd == to_nusd(result.cost.usd)


def test_summary_calls_are_recorded_as_their_own_feature(make_services: Callable[..., Services]) -> None:
    services = make_services(history_tokens=900)
    long = "Please remember the quarterly budget figures for the platform team in detail. " * 12
    for i in range(8):
        services.chat.turn(CALLER, ChatAsk(text=f"{i}: {long}", lang="en"), lambda _: None)

    features = ledger_of(services).day(ledger_of(services).today(), "feature")
    assert features["chat"].requests == 8
    assert features["summary"].requests >= 1 and features["summary"].cost_nusd > 0
    summary_models = {e["model"] for e in ledger_of(services).events() if e["feature"] == "summary"}
    assert summary_models == {services.settings.chat.summary_model}


def _cost_of_one_turn(make_services: Callable[..., Services], redis_client: redis.Redis) -> Decimal:
    """What the test prompt costs (the local endpoint is deterministic); the ledger is emptied afterwards."""
    probe = make_services()
    usd = probe.chat.turn(CALLER, ChatAsk(text="Explain budgets.", lang="en"), lambda _: None).cost.usd
    redis_client.flushdb()
    assert usd is not None and usd > 0
    return usd


def test_a_user_budget_warns_once_then_blocks(make_services: Callable[..., Services], tmp_path: Path) -> None:
    ask = ChatAsk(text="Explain budgets.", lang="en")
    first = make_services().chat.turn(CALLER, ask, lambda _: None)  # before budgets: its cost stays recorded
    assert first.cost.usd is not None and first.cost.usd > 0
    services = budgeted(make_services, tmp_path, user_daily_usd=first.cost.usd * 3, warn_at=[0.5])

    notices: list[str] = []
    with pytest.raises(BudgetExceeded) as blocked:
        for _ in range(20):  # turns get cheaper as the prompt cache warms up; the limit is reached well before
            notices.extend(services.chat.turn(CALLER, ask, lambda _: None).notices)
    warnings = [n for n in notices if "of today's budget" in n]
    assert len(warnings) == 1, notices  # once per threshold and day, not on every turn
    message = blocked.value.message("en")
    assert "Today's budget is used up" in message and "resets at midnight" in message
    assert "예산을 모두 썼습니다" in blocked.value.message("ko")
    recorded = len(ledger_of(services).events())
    with pytest.raises(BudgetExceeded):
        services.chat.turn(CALLER, ask, lambda _: None)
    assert len(ledger_of(services).events()) == recorded  # a blocked call never runs

    assert services.budgets is not None
    services.budgets.override("U1", None)  # an admin lifts the limit for today
    assert services.chat.turn(CALLER, ask, lambda _: None).ok


def test_over_budget_downgrades_to_the_cheaper_model_and_says_so(
    make_services: Callable[..., Services], redis_client: redis.Redis, tmp_path: Path
) -> None:
    one = _cost_of_one_turn(make_services, redis_client)
    services = budgeted(make_services, tmp_path, user_daily_usd=one / 2, action="downgrade", downgrade_to="nova-micro")
    ask = ChatAsk(text="Explain budgets.", lang="en", named="nova-pro", bind=True)

    first = services.chat.turn(CALLER, ask, lambda _: None)
    second = services.chat.turn(CALLER, ask, lambda _: None)

    assert first.model == "nova-pro"
    assert second.model == "nova-micro" and second.requested == "nova-pro"
    assert any("Amazon Nova Micro answered instead of Amazon Nova Pro" in n for n in second.notices)
    assert services.chat.bound_model(CALLER) == "nova-pro"  # the thread keeps the model the user chose


def test_compare_over_budget_is_blocked_not_downgraded(
    make_services: Callable[..., Services], redis_client: redis.Redis, tmp_path: Path
) -> None:
    one = _cost_of_one_turn(make_services, redis_client)
    services = budgeted(make_services, tmp_path, user_daily_usd=one / 2, action="downgrade", downgrade_to="nova-micro")
    services.chat.turn(CALLER, ChatAsk(text="Explain budgets.", lang="en"), lambda _: None)

    with pytest.raises(BudgetExceeded):
        services.comparer.run(CALLER, CompareAsk(models=("nova-micro", "nova-lite"), prompt="hi", lang="en"))
