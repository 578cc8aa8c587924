"""Calls are made and priced as AWS bills them: the route (in-Region id, geo or global profile) from the
configuration and the access policy, the service tier from the command, the channel or the deployment, the
prompt-cache lifetime, and the long-context tier — through boto3/langchain-aws against the local endpoint, with
usage events in real Redis."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bot.bedrock_local import LocalBedrock
from bot.catalog.dimensions import Route, ServiceTier
from bot.catalog.pricing import THOUSAND
from bot.chat.asks import ChatAsk, take_tier
from bot.chat.plan import expired_writes
from bot.chat.present import cost_text, footer
from bot.chat.types import Usage
from bot.commands import run_subcommand
from bot.errors import AccessDenied, UsageError
from bot.qa.format import spend
from bot.services import Services, build_services
from bot.settings import AwsSettings
from bot.store import keys
from tests.chat.conftest import CALLER, chat_settings

SONNET = "claude-sonnet-4-5"
SONNET_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0"
FLEX_MODEL = "gpt-oss-120b"  # priced on Flex and Priority in us-east-1


def row(services: Services, key: str, *, route: Route, tier: ServiceTier = ServiceTier.standard, above: bool = False):
    """The catalog row a test expects to be used, found by hand (not through the pricing helpers)."""
    model = services.engine.catalog.models[key]
    [found] = [
        p
        for p in model.prices
        if p.mode.value == "on_demand"
        and "us-east-1" in p.regions
        and p.route is route
        and p.tier is tier
        and (p.context_above is not None) is above
        and (route is Route.in_region or (p.profile or "").startswith(("global.", "us.")))
        and (route is not Route.geo or (p.profile or "").startswith("us."))
    ]
    return found


def scripted(bedrock: LocalBedrock, **usage: int) -> None:
    """The next answer reports exactly this usage (cache parts 0 unless given)."""
    usage = {"cacheReadInputTokens": 0, "cacheWriteInputTokens": 0, **usage}
    bedrock.script({"text": "An answer from the local endpoint.", "usage": usage})


def test_routes_follow_the_configuration_within_what_the_policy_allows(make_services: Callable[..., Services]) -> None:
    model = lambda s: s.engine.catalog.models[SONNET]  # noqa: E731
    auto = make_services()
    assert auto.chat.planner.model_id(model(auto)) == SONNET_ID  # priced in-Region in N. Virginia
    per_model = make_services(model_routes=f"{SONNET}=global")
    assert per_model.chat.planner.model_id(model(per_model)) == f"global.{SONNET_ID}"
    geo = make_services(route="geo")
    assert geo.chat.planner.model_id(model(geo)) == f"us.{SONNET_ID}"
    kept_home = make_services(access={"routes": {"models": {SONNET: ["in_region"]}}}, route="global")
    assert kept_home.chat.planner.model_id(model(kept_home)) == SONNET_ID


def test_a_model_whose_only_routes_the_policy_forbids_is_refused_out_loud(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(access={"routes": {"allow": ["in_region"]}})
    planner = services.chat.planner
    profile_only = next(
        m
        for m in services.engine.catalog.models.values()
        if m.kind == "text" and planner.candidates(m) and Route.in_region not in planner.candidates(m)
    )
    with pytest.raises(AccessDenied) as refused:
        planner.model_id(profile_only)
    assert profile_only.name in refused.value.message("en") and "policy" in refused.value.message("en")
    assert "정책" in refused.value.message("ko")


def test_a_global_route_is_called_and_priced_at_the_global_row(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_routes=f"{SONNET}=global")
    scripted(local_bedrock, inputTokens=12_000, outputTokens=800)
    result = services.chat.turn(CALLER, ChatAsk(text="hello", lang="en", named=SONNET), lambda _: None)

    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    assert call.model_id == f"global.{SONNET_ID}"
    price = row(services, SONNET, route=Route.global_)
    assert price.input is not None and price.output is not None
    assert result.cost.usd == (12_000 * price.input + 800 * price.output) / THOUSAND
    assert (result.cost.route, result.cost.profile) == ("global", f"global.{SONNET_ID}")
    assert "N. Virginia → global profile" in footer(result)
    [event] = [e for e in services.ledger.events() if e["model"] == SONNET]  # type: ignore[union-attr]
    assert (event["route"], event["profile"], event["tier"]) == ("global", f"global.{SONNET_ID}", "standard")


def test_the_same_call_on_the_us_profile_costs_the_geo_row(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_routes=f"{SONNET}=geo")
    scripted(local_bedrock, inputTokens=12_000, outputTokens=800)
    result = services.chat.turn(CALLER, ChatAsk(text="hello", lang="ko", named=SONNET), lambda _: None)

    geo, world = row(services, SONNET, route=Route.geo), row(services, SONNET, route=Route.global_)
    assert geo.input is not None and world.input is not None and geo.input > world.input  # the ~10 % difference
    assert result.cost.usd == (12_000 * geo.input + 800 * (geo.output or 0)) / THOUSAND
    assert "버지니아 북부) → us 프로필" in footer(result) or "→ us 프로필" in footer(result)


def test_a_long_prompt_is_priced_at_the_long_context_rates_and_says_so(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_routes=f"{SONNET}=global")
    scripted(local_bedrock, inputTokens=150_000, cacheReadInputTokens=60_000, outputTokens=1_000)
    result = services.chat.turn(CALLER, ChatAsk(text="summarise", lang="en", named=SONNET), lambda _: None)

    long = row(services, SONNET, route=Route.global_, above=True)
    assert long.context_above == 200_000  # 150K + 60K cache reads: over it
    assert long.input is not None and long.output is not None and long.cache_read is not None
    expected = (150_000 * long.input + 60_000 * long.cache_read + 1_000 * long.output) / THOUSAND
    assert result.cost.usd == expected and result.cost.context_above == 200_000
    assert "long-context rates above 200K" in footer(result)


def test_try_with_flex_asks_bedrock_for_flex_and_prices_the_flex_row(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    ask = run_subcommand(services, CALLER, f"try --flex {FLEX_MODEL} hello there")
    assert isinstance(ask, ChatAsk) and ask.tier is ServiceTier.flex and ask.text == "hello there"
    scripted(local_bedrock, inputTokens=2_000, outputTokens=500)
    result = services.chat.turn(CALLER, ask, lambda _: None)

    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    assert call.body["serviceTier"] == {"type": "flex"}
    flex = row(services, FLEX_MODEL, route=Route.in_region, tier=ServiceTier.flex)
    assert flex.input is not None and flex.output is not None
    assert result.cost.tier == "flex" and result.cost.usd == (2_000 * flex.input + 500 * flex.output) / THOUSAND
    assert "Flex" in cost_text(result.cost, "en")


@pytest.mark.parametrize("flag", ["--플렉스", "—flex", "--tier=flex", "--FLEX"])
def test_tier_flags_have_korean_and_typed_spellings(flag: str) -> None:
    assert take_tier(f"{flag} nova-pro 안녕", "usage") == (ServiceTier.flex, "nova-pro 안녕")
    assert take_tier(f"nova-pro {flag} 안녕", "usage") == (ServiceTier.flex, "nova-pro 안녕")
    assert take_tier("nova-pro write about --flex tiers", "usage") == (None, "nova-pro write about --flex tiers")


def test_an_unknown_flag_and_a_tier_the_model_lacks_are_refused_before_anything_runs(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    with pytest.raises(UsageError) as unknown:
        run_subcommand(services, CALLER, "try --cheap nova-pro hi")
    assert "--cheap" in unknown.value.message("en")
    with pytest.raises(UsageError) as lacking:
        run_subcommand(services, CALLER, "try --flex nova-pro hi")
    text = lacking.value.message("en")
    assert "Amazon Nova Pro has no Flex price for in-Region (N. Virginia)" in text
    named = text.split("Models with Flex: ")[1].split("\n")[0].split(", ")
    planner = services.chat.planner
    catalog = services.engine.catalog
    offered = [planner.offers(catalog.models[k], planner.model_id(catalog.models[k]), ServiceTier.flex) for k in named]
    assert named and all(offered)
    assert local_bedrock.requests == []


def test_a_channel_tier_applies_and_a_model_without_it_falls_back_with_a_notice(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(access={"admins": ["U1"]})
    run_subcommand(services, CALLER, "tier flex")
    assert services.chat.channel_tier(CALLER) is ServiceTier.flex

    scripted(local_bedrock, inputTokens=100, outputTokens=10)
    flexed = services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named=FLEX_MODEL), lambda _: None)
    assert flexed.cost.tier == "flex"
    plain = services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named="nova-lite"), lambda _: None)
    assert plain.cost.tier == "standard"
    assert any("has no Flex tier here" in n for n in plain.notices)

    run_subcommand(services, CALLER, "tier reset")
    assert services.chat.channel_tier(CALLER) is None


def test_only_admins_set_a_channel_tier(services: Services) -> None:
    with pytest.raises(AccessDenied):
        run_subcommand(services, CALLER, "tier priority")
    shown = run_subcommand(services, CALLER, "등급")
    assert "Standard" in " ".join(shown.lines)  # type: ignore[union-attr]


def test_one_hour_cache_points_are_sent_where_the_catalog_prices_them(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_cache_ttls=f"{SONNET}=1h,nova-lite=1h")
    services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named=SONNET), lambda _: None)
    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    points = [b["cachePoint"] for b in call.body["system"] if "cachePoint" in b]
    assert points and all(p.get("ttl") == "1h" for p in points)

    other = CALLER.__class__(team="T1", user="U1", channel="C1", thread_ts="1700000000.000200")
    services.chat.turn(other, ChatAsk(text="hi", lang="en", named="nova-lite"), lambda _: None)
    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    points = [b["cachePoint"] for b in call.body["system"] if "cachePoint" in b]
    assert points and all("ttl" not in p for p in points)  # Nova has no 1-hour price: five minutes


def test_a_part_the_catalog_cannot_price_is_named_not_counted_as_zero(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    scripted(local_bedrock, inputTokens=1_000, outputTokens=100, cacheWriteInputTokens=3_000)
    result = services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named="nova-lite"), lambda _: None)

    assert result.cost.missing == ("cache_write",)
    price = row(services, "nova-lite", route=Route.in_region)
    assert result.cost.usd == (1_000 * (price.input or 0) + 100 * (price.output or 0)) / THOUSAND
    assert "cache write (5 min) price unknown, not included" in cost_text(result.cost, "en")
    assert "캐시 쓰기(5분) 가격 미상, 포함 안 됨" in cost_text(result.cost, "ko")
    [event] = services.ledger.events(1)  # type: ignore[union-attr]
    assert event["missing"] == "cache_write"


def test_writes_after_the_five_minute_cache_expired_are_counted_for_the_digest(
    services: Services, local_bedrock: LocalBedrock, redis_client
) -> None:
    services.chat.turn(CALLER, ChatAsk(text="first", lang="en", named=SONNET), lambda _: None)
    meta = keys.thread_meta(CALLER.team, CALLER.channel or "-", CALLER.thread_ts or "-")
    redis_client.hset(meta, "at", f"{time.time() - 20 * 60:.3f}")  # the thread idled 20 minutes
    scripted(local_bedrock, inputTokens=50, outputTokens=20, cacheWriteInputTokens=4_000)
    services.chat.turn(CALLER, ChatAsk(text="second", lang="en"), lambda _: None)

    [event] = services.ledger.events(1)  # type: ignore[union-attr]
    assert event["expired_cache_write"] == "4000"


@pytest.mark.parametrize(
    ("idle", "ttl", "expected"), [(60, "5m", 0), (301, "5m", 900), (3600, "5m", 900), (3601, "5m", 0), (600, "1h", 0)]
)
def test_expired_writes_only_between_five_and_sixty_minutes_on_five_minute_caches(
    idle: int, ttl: str, expected: int
) -> None:
    usage = Usage(input_tokens=10, cache_write_tokens=900)
    assert expired_writes(1000.0, ttl, usage, now=1000.0 + idle) == expected
    assert expired_writes(None, ttl, usage, now=1000.0 + idle) == 0


def test_compare_estimates_and_runs_each_model_on_its_route(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(model_routes=f"{SONNET}=global")
    ask = run_subcommand(services, CALLER, f"compare {SONNET},nova-lite what is 2+2?")
    estimate = services.comparer.estimate(CALLER, ask)  # type: ignore[arg-type]
    assert estimate.usd is not None and estimate.usd > Decimal(0)
    result = services.comparer.run(CALLER, ask)  # type: ignore[arg-type]
    ids = {r.model_id for r in local_bedrock.requests if r.operation == "converse_stream"}
    assert f"global.{SONNET_ID}" in ids
    assert {r.cost.route for r in result.results} == {"global", "in_region"}


def test_the_tier_bedrock_served_is_what_is_priced_and_the_user_is_told(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.set_behaviour(FLEX_MODEL, {"serve_tier": {"priority": "default"}})  # over capacity
    ask = run_subcommand(services, CALLER, f"try --우선 {FLEX_MODEL} 안녕하세요")
    assert isinstance(ask, ChatAsk) and ask.tier is ServiceTier.priority
    scripted(local_bedrock, inputTokens=2_000, outputTokens=500)
    result = services.chat.turn(CALLER, ask, lambda _: None)

    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    assert call.body["serviceTier"] == {"type": "priority"}
    standard = row(services, FLEX_MODEL, route=Route.in_region)
    assert result.cost.tier == "standard"
    assert result.cost.usd == (2_000 * (standard.input or 0) + 500 * (standard.output or 0)) / THOUSAND
    assert any("Priority 등급으로 요청했지만 Bedrock이 Standard 등급으로 처리했습니다" in n for n in result.notices)
    [event] = services.ledger.events(1)  # type: ignore[union-attr]
    assert event["tier"] == "standard"


def test_a_model_the_catalog_says_is_cross_region_only_here_is_called_by_its_profile(services: Services) -> None:
    planner, catalog = services.chat.planner, services.engine.catalog
    checked = []
    for model in catalog.models.values():
        here = next((a for a in model.availability if a.region == "us-east-1"), None)
        if here is not None and here.via == "cross_region" and model.kind == "text" and planner.candidates(model):
            assert Route.in_region not in planner.candidates(model), model.key
            assert planner.model_id(model) != model.ids[0], model.key
            checked.append(model.key)
    assert "claude-3-7-sonnet" in checked  # priced in N. Virginia, yet callable there only through us.


def test_a_geo_profile_without_its_own_row_is_billed_at_the_source_region_rate_and_says_so(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    scripted(local_bedrock, inputTokens=3_000, outputTokens=300)
    result = services.chat.turn(CALLER, ChatAsk(text="hi", lang="ko", named="claude-3-7-sonnet"), lambda _: None)

    assert result.cost.profile is not None and result.cost.profile.startswith("us.")
    home = row(services, "claude-3-7-sonnet", route=Route.in_region)  # the pricing page: no cross-Region surcharge
    assert result.cost.at_source_rate
    assert result.cost.usd == (3_000 * (home.input or 0) + 300 * (home.output or 0)) / THOUSAND
    assert "소스 리전 요금(교차 리전 추가 요금 없음)" in cost_text(result.cost, "ko")
    assert "source-Region rate, no surcharge" in cost_text(result.cost, "en")


def test_from_seoul_a_model_without_an_in_region_endpoint_goes_through_apac_and_the_footer_says_so(
    local_bedrock: LocalBedrock, redis_url: str, tmp_path: Path
) -> None:
    access = tmp_path / "access.yaml"
    access.write_text("{}", encoding="utf-8")
    settings = chat_settings(local_bedrock.url, redis_url, access)
    seoul = build_services(settings.model_copy(update={"aws": AwsSettings(bedrock_endpoint_url=local_bedrock.url,
                                                                           region="ap-northeast-2")}))  # fmt: skip
    scripted(local_bedrock, inputTokens=1_000, outputTokens=100)
    result = seoul.chat.turn(CALLER, ChatAsk(text="안녕", lang="ko", named="claude-haiku-4-5"), lambda _: None)

    call = [r for r in local_bedrock.requests if r.operation == "converse_stream"][-1]
    assert call.model_id is not None and call.model_id.startswith("apac.")
    assert "서울 → apac 프로필" in footer(result) and result.cost.usd is not None and result.cost.usd > 0


def test_a_try_thread_keeps_its_tier_for_the_replies_and_a_new_try_without_one_clears_it(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    services.chat.turn(CALLER, run_subcommand(services, CALLER, f"try --flex {FLEX_MODEL} hi"), lambda _: None)  # type: ignore[arg-type]
    reply = services.chat.turn(CALLER, ChatAsk(text="more please", lang="en"), lambda _: None)
    calls = [r for r in local_bedrock.requests if r.operation == "converse_stream"]
    assert [c.body.get("serviceTier") for c in calls] == [{"type": "flex"}, {"type": "flex"}]
    assert reply.cost.tier == "flex"

    services.chat.turn(CALLER, run_subcommand(services, CALLER, f"try {FLEX_MODEL} again"), lambda _: None)  # type: ignore[arg-type]
    services.chat.turn(CALLER, ChatAsk(text="and more", lang="en"), lambda _: None)
    calls = [r for r in local_bedrock.requests if r.operation == "converse_stream"]
    assert [c.body.get("serviceTier") for c in calls[2:]] == [None, None]


def test_usage_all_splits_the_spend_by_tier_and_route_for_admins(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(access={"admins": ["U1"]}, model_routes=f"{SONNET}=global")
    scripted(local_bedrock, inputTokens=10_000, outputTokens=1_000)
    world = services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named=SONNET), lambda _: None)
    scripted(local_bedrock, inputTokens=10_000, outputTokens=1_000)
    flexed = services.chat.turn(CALLER, run_subcommand(services, CALLER, f"try --flex {FLEX_MODEL} hi"), lambda _: None)  # type: ignore[arg-type]

    for period in ("today", "month"):
        answer = run_subcommand(services, CALLER, f"usage all {period}")
        [line] = [x for x in answer.lines if "By tier and route" in x]  # type: ignore[union-attr]
        assert f"standard global profile {spend(world.cost.usd or Decimal(0))}" in line
        assert f"Flex in-Region {spend(flexed.cost.usd or Decimal(0))}" in line
    mine = run_subcommand(services, CALLER, "사용량 all")
    assert any("등급·경로별" in x and "Flex 리전 내" in x for x in mine.lines)  # type: ignore[union-attr]


def test_per_model_settings_name_catalog_models_and_known_choices(make_services: Callable[..., Services]) -> None:
    from pydantic import ValidationError

    from bot.errors import ConfigError
    from bot.settings import ChatSettings

    with pytest.raises(ConfigError) as unknown:
        make_services(model_routes="claude-sonnet-9=global")
    assert "claude-sonnet-9" in str(unknown.value) and "BRA_MODEL_ROUTES" in str(unknown.value)
    with pytest.raises(ValidationError) as bad:
        ChatSettings(model_routes=f"{SONNET}=sideways")
    assert "sideways" in str(bad.value)
    assert ChatSettings(service_tier="default").service_tier == "standard"  # Bedrock's name for it
