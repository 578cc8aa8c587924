"""Budgets against a real Redis: limits read what the ledger recorded today, warnings are claimed once per threshold
and period whatever the number of replicas, over a limit the policy blocks or downgrades, an admin override lifts a
user's limits for the day, a Redis outage lets calls through, and the budgets file is validated."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis

from bot.caller import Caller
from bot.errors import BudgetExceeded, ConfigError
from bot.store import keys
from bot.usage.budgets import Admission, BudgetPolicy, Budgets
from bot.usage.event import UsageEvent, to_nusd
from bot.usage.ledger import Ledger, month_of
from tests.usage.proxy import TcpProxy

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "budgets.yaml"
NAMES = {"nova-pro": "Nova Pro", "nova-micro": "Nova Micro"}
ALICE = Caller(team="T1", user="U1", channel="C1")


def make_budgets(client: redis.Redis, **policy: Any) -> Budgets:
    ledger = Ledger(client, tz=ZoneInfo("Asia/Seoul"), retention_days=30, max_events=10_000, buffer_max=100)
    return Budgets(BudgetPolicy.model_validate(policy), ledger, client, NAMES)


def spend(budgets: Budgets, usd: str, *, user: str = "U1", channel: str = "C1") -> None:
    """Record a call that cost `usd`, now (budgets read today's and this month's aggregates)."""
    event = UsageEvent(
        team="T1",
        channel=channel,
        user=user,
        feature="chat",
        model="nova-pro",
        region="us-east-1",
        profile="us.amazon.nova-pro-v1:0",
        cost_nusd=to_nusd(Decimal(usd)),
        at=datetime.now(UTC),
    )
    assert budgets.ledger.record(event)


# -- no policy, warnings ------------------------------------------------------------------------------------------


def test_without_limits_every_call_is_admitted_as_asked(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client)
    spend(budgets, "1000")

    assert budgets.admit(ALICE, "nova-pro", "en") == Admission("nova-pro")
    assert budgets.warnings(ALICE, "en") == ()
    assert redis_client.keys("bra:budget:*") == []


def test_each_threshold_warns_once(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1, warn_at=[0.5, 0.8])
    spend(budgets, "0.30")
    assert budgets.admit(ALICE, "nova-pro", "en") == Admission("nova-pro")

    spend(budgets, "0.25")
    first = budgets.admit(ALICE, "nova-pro", "en")
    assert first.model == "nova-pro"
    assert len(first.notices) == 1
    assert "55%" in first.notices[0] and "$0.55" in first.notices[0] and "$1.00" in first.notices[0]
    assert "requests stop" in first.notices[0]
    assert budgets.admit(ALICE, "nova-pro", "en").notices == ()

    spend(budgets, "0.20")
    assert budgets.admit(ALICE, "nova-pro", "en").notices == ()  # 75 %: no new threshold
    spend(budgets, "0.10")
    (second,) = budgets.admit(ALICE, "nova-pro", "ko").notices
    assert "85%" in second and "$0.85" in second and "$1.00" in second and "오늘 예산" in second
    assert budgets.admit(ALICE, "nova-pro", "en").notices == ()
    assert budgets.warnings(ALICE, "en") == ()


def test_a_threshold_warns_once_among_racing_replicas(redis_url: str, redis_client: redis.Redis) -> None:
    replicas, calls = 8, 5
    clients = [redis.Redis.from_url(redis_url, decode_responses=True) for _ in range(replicas)]
    everyone = [make_budgets(c, user_daily_usd=1, warn_at=[0.5, 0.8]) for c in clients]
    spend(everyone[0], "0.60")
    start = threading.Barrier(replicas * 2)
    notices: list[str] = []
    lock = threading.Lock()

    def ask(budgets: Budgets) -> None:
        start.wait(timeout=10)
        for _ in range(calls):
            got = budgets.admit(ALICE, "nova-pro", "en").notices
            with lock:
                notices.extend(got)

    workers = [threading.Thread(target=ask, args=(b,)) for b in everyone + everyone]  # two threads per replica
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    for c in clients:
        c.close()

    assert len(notices) == 1
    assert "60%" in notices[0]


def test_warnings_after_a_call_tell_about_the_threshold_it_crossed(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=2, warn_at=[0.8])
    spend(budgets, "1.00")
    assert budgets.admit(ALICE, "nova-pro", "en").notices == ()

    spend(budgets, "0.70")  # the call admitted above cost this
    (notice,) = budgets.warnings(ALICE, "en")
    assert "85%" in notice and "$1.70" in notice and "$2.00" in notice
    assert budgets.warnings(ALICE, "en") == ()
    assert budgets.admit(ALICE, "nova-pro", "en").notices == ()
    today = budgets.ledger.today().isoformat()
    assert redis_client.ttl(keys.budget_warned("user", "U1", today, 80)) > 24 * 60 * 60


# -- over a limit -------------------------------------------------------------------------------------------------


def test_over_the_daily_limit_a_block_policy_raises_with_the_figures(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1, action="block")
    spend(budgets, "1.20")

    with pytest.raises(BudgetExceeded) as info:
        budgets.admit(ALICE, "nova-pro", "en")
    en, ko = info.value.message("en"), info.value.message("ko")
    assert "$1.20" in en and "$1.00" in en and "Today's budget" in en and "midnight" in en
    assert "$1.20" in ko and "$1.00" in ko and "오늘 예산" in ko
    other = Caller(team="T1", user="U2", channel="C1")
    assert budgets.admit(other, "nova-pro", "en") == Admission("nova-pro")  # the limit is per user


def test_reaching_the_limit_exactly_counts_as_over(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd="0.50")
    spend(budgets, "0.49")
    assert budgets.admit(ALICE, "nova-pro", "en").model == "nova-pro"
    spend(budgets, "0.01")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")


def test_over_the_limit_a_downgrade_policy_answers_with_the_cheaper_model(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1, action="downgrade", downgrade_to="nova-micro")
    spend(budgets, "1.50")

    admission = budgets.admit(ALICE, "nova-pro", "en")
    assert admission.model == "nova-micro"
    assert admission.downgraded_from == "nova-pro"
    (notice,) = admission.notices
    assert "Nova Micro" in notice and "Nova Pro" in notice and "$1.00" in notice
    assert budgets.admit(ALICE, "nova-micro", "en") == Admission("nova-micro")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en", can_downgrade=False)


def test_a_warning_under_a_downgrade_policy_names_the_downgrade_model(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1, action="downgrade", downgrade_to="nova-micro")
    spend(budgets, "0.90")
    (notice,) = budgets.admit(ALICE, "nova-pro", "en").notices
    assert "answers come from Nova Micro" in notice


def test_a_channels_monthly_limit_counts_every_users_spend(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, channel_monthly_usd=2, warn_at=[0.5])
    spend(budgets, "0.80", user="U1")
    spend(budgets, "0.40", user="U2")
    spend(budgets, "5.00", user="U2", channel="C9")  # another channel's spend does not count

    (notice,) = budgets.admit(Caller(team="T1", user="U3", channel="C1"), "nova-pro", "en").notices
    assert "This channel" in notice and "60%" in notice and "$1.20" in notice and "$2.00" in notice

    spend(budgets, "0.80", user="U3")
    with pytest.raises(BudgetExceeded) as info:
        budgets.admit(Caller(team="T1", user="U4", channel="C1"), "nova-pro", "en")
    en = info.value.message("en")
    assert "This channel's monthly budget" in en and "$2.00 of $2.00" in en
    assert budgets.admit(Caller(team="T1", user="U4", channel="C2"), "nova-pro", "en") == Admission("nova-pro")
    month = month_of(budgets.ledger.today())
    assert [s.period for s in budgets.standings(Caller(team="T1", user="U4", channel="C1"))] == [
        budgets.ledger.today().isoformat(),
        month,
    ]


def test_a_dm_has_no_channel_limit(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, channel_monthly_usd=1, channels={"D1": 1})
    spend(budgets, "3.00", channel="D1")

    assert budgets.admit(Caller(team="T1", user="U1", channel="D1"), "nova-pro", "en") == Admission("nova-pro")
    assert [s.scope for s in budgets.standings(Caller(team="T1", user="U1", channel="D1"))] == ["user"]


def test_per_user_and_per_channel_limits_replace_the_defaults(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1, users={"U1": 5, "U2": None}, channels={"C1": None})
    spend(budgets, "2.00", user="U1")
    spend(budgets, "9.00", user="U2")
    spend(budgets, "1.00", user="U3")

    assert budgets.admit(ALICE, "nova-pro", "en").model == "nova-pro"
    assert budgets.admit(Caller(team="T1", user="U2", channel="C1"), "nova-pro", "en").model == "nova-pro"
    with pytest.raises(BudgetExceeded):
        budgets.admit(Caller(team="T1", user="U3", channel="C1"), "nova-pro", "en")


# -- admin override -----------------------------------------------------------------------------------------------


def test_an_admin_override_raises_removes_and_restores_the_daily_limit(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, user_daily_usd=1)
    spend(budgets, "1.50")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")

    budgets.override("U1", Decimal("5"))
    assert budgets.admit(ALICE, "nova-pro", "en").model == "nova-pro"
    (standing,) = budgets.standings(ALICE)
    assert (standing.limit, standing.overridden) == (Decimal("5"), True)
    key = keys.budget_override("U1", budgets.ledger.today().isoformat())
    assert 0 < redis_client.ttl(key) <= keys.BUDGET_OVERRIDE_TTL_S
    spend(budgets, "3.60")
    with pytest.raises(BudgetExceeded) as info:
        budgets.admit(ALICE, "nova-pro", "en")
    assert "$5.10 of $5.00" in info.value.message("en")

    budgets.override("U1", None)
    assert budgets.admit(ALICE, "nova-pro", "en").model == "nova-pro"
    assert budgets.standings(ALICE)[0].limit is None

    budgets.override("U1", "reset")
    assert redis_client.exists(key) == 0
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")
    assert budgets.admit(Caller(team="T1", user="U2", channel="C1"), "nova-pro", "en").model == "nova-pro"


def test_an_override_lets_the_user_past_an_exhausted_channel_limit(redis_client: redis.Redis) -> None:
    budgets = make_budgets(redis_client, channel_monthly_usd=1)
    spend(budgets, "1.00", user="U2")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")

    budgets.override("U1", None)
    assert budgets.admit(ALICE, "nova-pro", "en") == Admission("nova-pro")
    with pytest.raises(BudgetExceeded):  # only the overridden user
        budgets.admit(Caller(team="T1", user="U3", channel="C1"), "nova-pro", "en")

    budgets.override("U1", "reset")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")


# -- Redis down ---------------------------------------------------------------------------------------------------


def test_when_redis_is_down_calls_are_let_through(
    proxy: TcpProxy, proxied: redis.Redis, redis_client: redis.Redis
) -> None:
    budgets = make_budgets(proxied, user_daily_usd=1, channel_monthly_usd=1)
    spend(budgets, "2.00")
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")
    proxy.stop()

    assert budgets.admit(ALICE, "nova-pro", "en") == Admission("nova-pro")
    assert budgets.warnings(ALICE, "en") == ()

    proxy.start()
    with pytest.raises(BudgetExceeded):
        budgets.admit(ALICE, "nova-pro", "en")


# -- the budgets file ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("user_daily_usd: 1\nwarn_at: [0.5, 1.5]\n", "warn_at"),
        ("user_daily_usd: 1\nwarn_at: [0]\n", "warn_at"),
        ("user_daly_usd: 1\n", "user_daly_usd"),
        ("user_daily_usd: -1\n", "user_daily_usd"),
        ("action: shrink\n", "action"),
        ("user_daily_usd: 1\naction: downgrade\n", "downgrade_to"),
        ("user_daily_usd: 1\naction: downgrade\ndowngrade_to: titan-embed\n", "downgrade_to"),
        ("- a list\n", "(top)"),
    ],
)
def test_a_bad_budgets_file_is_rejected_naming_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "budgets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        BudgetPolicy.load(path, {"nova-micro", "nova-pro"})
    assert any(field in p and str(path) in p for p in info.value.problems), info.value.problems


def test_an_unreadable_budgets_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        BudgetPolicy.load(tmp_path / "missing.yaml", set())
    assert "BRA_BUDGET_FILE" in info.value.problems[0]


def test_the_shipped_budgets_file_is_valid_and_limits_nothing() -> None:
    policy = BudgetPolicy.load(SHIPPED, {"nova-micro"})
    assert not policy.enabled
    assert policy.action == "block" and policy.warn_at == [0.8]


def test_a_downgrade_policy_with_a_chat_model_loads(tmp_path: Path) -> None:
    path = tmp_path / "budgets.yaml"
    path.write_text(
        "user_daily_usd: 2.5\nchannels: {C1: 100, C2: null}\nwarn_at: [0.9, 0.5, 0.9]\n"
        "action: downgrade\ndowngrade_to: nova-micro\n",
        encoding="utf-8",
    )
    policy = BudgetPolicy.load(path, {"nova-micro"})
    assert policy.enabled and policy.warn_at == [0.5, 0.9]
    assert policy.user_limit("U1") == Decimal("2.5")
    assert (policy.channel_limit("C1"), policy.channel_limit("C2"), policy.channel_limit("C3")) == (
        Decimal(100),
        None,
        None,
    )


# -- limits of zero and below -------------------------------------------------------------------------------------


def test_a_zero_daily_limit_blocks_every_call(redis_client: redis.Redis) -> None:
    # BUG (bot/usage/budgets.py, BudgetPolicy.enabled): Decimal(0) is falsy, so a policy whose only limits are 0
    # counts as "no budgets" and `admit` returns before reading anything; with any other non-zero limit in the
    # file, the same 0 limit blocks. The schema allows 0 (ge=0) and says null, not 0, means "no limit".
    with_another_limit = make_budgets(redis_client, users={"U1": 0}, channel_monthly_usd=100)
    with pytest.raises(BudgetExceeded):
        with_another_limit.admit(ALICE, "nova-pro", "en")

    alone = make_budgets(redis_client, users={"U1": 0})
    with pytest.raises(BudgetExceeded):
        alone.admit(ALICE, "nova-pro", "en")


def test_a_negative_per_user_or_per_channel_limit_is_rejected(tmp_path: Path) -> None:
    # BUG (bot/usage/budgets.py, BudgetPolicy.users / channels): the defaults refuse negative amounts (ge=0), the
    # per-id limits take them, so a typo such as `U1: -5` starts up and blocks that user for good.
    path = tmp_path / "budgets.yaml"
    path.write_text("users: {U1: -5}\nchannels: {C1: -1}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        BudgetPolicy.load(path, set())
    assert any("users" in p for p in info.value.problems) and any("channels" in p for p in info.value.problems)
