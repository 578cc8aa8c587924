"""`/bedrock compare <models> <prompt>` and how messages are routed (catalog answer, model, assistant)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.bedrock_local import LocalBedrock
from bot.chat.asks import ChatAsk, CompareAsk, parse_live
from bot.commands import answer_message, run_subcommand
from bot.errors import UnknownModelError, UsageError
from bot.qa.answer import Answer
from bot.services import Services
from tests.chat.conftest import CALLER


def test_compare_with_a_prompt_is_live_and_without_is_the_catalog_table(services: Services) -> None:
    command = "compare nova-pro,claude-3-haiku 이 문장을 요약해줘"
    live = run_subcommand(services, CALLER, command)
    assert live == CompareAsk(
        models=("nova-pro", "claude-3-haiku"), prompt="이 문장을 요약해줘", lang="ko", command=command
    )
    table = run_subcommand(services, CALLER, "compare nova-pro, claude-3-haiku")
    assert isinstance(table, Answer) and table.intent == "compare"
    assert isinstance(run_subcommand(services, CALLER, "compare nova-pro,claude-3-haiku seoul"), Answer)


def test_compare_arguments_are_checked(services: Services) -> None:
    engine = services.engine
    with pytest.raises(UnknownModelError):
        parse_live(engine, "nova-pro,gpt-9 hello", "en", 4)
    with pytest.raises(UsageError):
        parse_live(engine, "nova-pro,nova-pro hello", "en", 4)
    with pytest.raises(UsageError) as err:
        parse_live(engine, "nova-pro,nova-lite,nova-micro,claude-3-haiku,claude-3-5-haiku hi", "en", 4)
    assert "at most 4" in err.value.message("en")
    with pytest.raises(UsageError):  # embeddings cannot chat
        parse_live(engine, "nova-pro,titan-embed-text-v2 hi", "en", 4)


def test_compare_runs_in_parallel_and_a_failing_model_shows_its_error(
    services: Services, local_bedrock: LocalBedrock
) -> None:
    local_bedrock.add_fault(kind="throttle", model="claude-3-haiku")
    ask = CompareAsk(models=("nova-pro", "claude-3-haiku", "nova-micro"), prompt="Say hi", lang="en")
    comparison = services.comparer.run(CALLER, ask)
    by_model = {r.model: r for r in comparison.results}
    assert [r.model for r in comparison.results] == ["nova-pro", "claude-3-haiku", "nova-micro"]
    assert by_model["claude-3-haiku"].error and "throttled" in by_model["claude-3-haiku"].error
    for key in ("nova-pro", "nova-micro"):
        r = by_model[key]
        assert r.ok and r.text and r.usage.ttft_ms is not None and r.cost.usd is not None
    assert "Fastest" in comparison.summary and "Cheapest: Amazon Nova Micro" in comparison.summary
    assert "1 failed" in comparison.summary
    features = {r.body["requestMetadata"]["feature"] for r in local_bedrock.requests}
    assert features == {"compare"}


def test_the_compare_estimate_asks_first_above_the_threshold(make_services: Callable[..., Services]) -> None:
    services = make_services(compare_confirm_usd="0.01")
    cheap = services.comparer.estimate(CALLER, CompareAsk(("nova-micro", "nova-lite"), "hi", "en"))
    costly = services.comparer.estimate(CALLER, CompareAsk(("claude-3-7-sonnet", "nova-lite"), "hi", "en"))
    assert cheap.usd is not None and costly.usd is not None and cheap.usd < costly.usd
    assert not cheap.needs_confirmation and costly.needs_confirmation
    assert any("Claude 3.7 Sonnet" in line and "up to $" in line for line in costly.lines)
    # no catalog price in this region (Opus is priced in us-west-2 only): unknown cost → ask first
    unpriced = services.comparer.estimate(CALLER, CompareAsk(("claude-3-opus", "nova-lite"), "hi", "en"))
    assert unpriced.usd is None and unpriced.needs_confirmation
    assert any("no price" in line for line in unpriced.lines)


def test_message_routing(services: Services) -> None:
    assert isinstance(answer_message(services, CALLER, "노바 프로 가격"), Answer)  # the catalog answers
    free = answer_message(services, CALLER, "RAG 파이프라인 설계할 때 주의할 점은?")
    assert isinstance(free, ChatAsk) and free.tools and free.feature == "assistant"
    named = answer_message(services, CALLER, "claude-3-haiku: 이 문장 번역해줘")
    assert named == ChatAsk(text="이 문장 번역해줘", lang="ko", named="claude-3-haiku", bind=True)
    tried = run_subcommand(services, CALLER, "try nova-pro write a haiku")
    assert tried == ChatAsk(text="write a haiku", lang="en", feature="try", named="nova-pro", bind=True)
    with pytest.raises(UsageError):
        run_subcommand(services, CALLER, "try nova-pro")


def test_a_thread_bound_to_a_model_sends_everything_to_it(services: Services) -> None:
    services.chat.turn(CALLER, ChatAsk(text="hi", lang="en", named="nova-pro", bind=True), lambda _: None)
    follow = answer_message(services, CALLER, "Nova Pro price")  # even a catalog question: the user is chatting
    assert isinstance(follow, ChatAsk) and not follow.tools
    elsewhere = answer_message(services, replace(CALLER, thread_ts="2.2"), "Nova Pro price")
    assert isinstance(elsewhere, Answer)


def test_reset_in_a_thread_and_from_the_slash_command(services: Services) -> None:
    services.chat.turn(CALLER, ChatAsk(text="hi", lang="en"), lambda _: None)
    done = answer_message(services, CALLER, "초기화")
    assert isinstance(done, Answer) and "지웠습니다" in done.lines[0]
    again = run_subcommand(services, replace(CALLER, thread_ts=None), "reset")
    assert isinstance(again, Answer) and "no conversation" in again.lines[0]
