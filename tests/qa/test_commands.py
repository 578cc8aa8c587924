"""`/bedrock` subcommands: each gives the same answer as the question in words, and bad use says how."""

from __future__ import annotations

import pytest

from bot.errors import UnknownModelError, UsageError
from bot.qa.commands import run_command
from bot.qa.engine import Engine
from bot.render_text import render


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def text_of(engine: Engine, line: str) -> str:
    return render(run_command(engine, line))


def test_help_in_both_languages(engine: Engine) -> None:
    assert "/bedrock cost" in text_of(engine, "/bedrock help")
    assert "질문 예시" in text_of(engine, "/bedrock 도움말")


def test_price_with_region_and_korean_alias(engine: Engine) -> None:
    out = text_of(engine, "/bedrock 가격 claude-3-haiku 서울")
    assert "ap-northeast-2" in out and "$0.25" in out and "$1.25" in out


def test_korean_subcommand_replies_in_korean_even_with_latin_arguments(engine: Engine) -> None:
    answer = run_command(engine, "/bedrock 가격 nova-pro ap-northeast-2")
    assert answer.lang == "ko"
    assert "정식 출시(GA)" in render(answer)


def test_price_by_model_id(engine: Engine) -> None:
    answer = run_command(engine, "/bedrock price amazon.nova-micro-v1:0")
    assert answer.models == ("nova-micro",)


def test_cost_with_batch_and_korean_units(engine: Engine) -> None:
    answer = run_command(engine, "/bedrock cost claude-3-5-haiku 200만 50만 batch")
    assert answer.intent == "estimate"
    assert answer.facts["total"] == "$2.25"


def test_cost_with_cache_and_daily_requests(engine: Engine) -> None:
    out = text_of(engine, "/bedrock cost claude-3-5-haiku 1M 200k cache 800k")
    assert "$1.664" in out
    out = text_of(engine, "/bedrock cost claude-3-haiku 2000 500 daily 10000")
    assert "$11.25" in out and "$337.50" in out


def test_compare_comma_list(engine: Engine) -> None:
    answer = run_command(engine, "/bedrock compare nova-pro, claude-3-5-sonnet-v2, nova-lite")
    assert answer.intent == "compare"
    assert answer.models == ("nova-pro", "claude-3-5-sonnet-v2", "nova-lite")


def test_recommend_and_models(engine: Engine) -> None:
    seoul = run_command(engine, "/bedrock recommend 서울 이미지 입력")
    assert seoul.models[0] == "gpt-6-luna"  # through its global profile: the cheapest callable from Seoul
    assert "claude-3-haiku" in seoul.models  # the cheapest in-Region one is still listed
    listing = run_command(engine, "/bedrock models seoul")
    listed = [engine.catalog.models[k] for k in listing.models]
    assert listed[0].source == "litellm-cost-map" and "claude-3-5-sonnet" not in listing.models  # newest first
    assert int(listing.facts["left_out"]) > 0 and "left out" in listing.text_blob().lower()
    amazon = run_command(engine, "/bedrock models seoul amazon")
    assert "Amazon Nova Lite" in amazon.text_blob()  # offered there without a Seoul price: named, not hidden


@pytest.mark.parametrize(
    ("line", "usage"),
    [
        ("/bedrock cost nova-pro 100만", "/bedrock cost <model>"),
        ("/bedrock compare nova-pro", "/bedrock compare"),
        ("/bedrock recommend", "/bedrock recommend"),
        ("/bedrock frobnicate", "/bedrock help"),
        ("/bedrock price", "/bedrock price"),
        ("/bedrock cost nova-pro 2M 500k cache", "[cache <tokens>]"),
        ("/bedrock cost nova-pro 2M 500k daily", "[daily <requests>]"),
        ("/bedrock cost nova-pro 2M 500k sideways", "/bedrock cost <model>"),
    ],
)
def test_wrong_arguments_give_the_usage_line(engine: Engine, line: str, usage: str) -> None:
    with pytest.raises(UsageError) as info:
        run_command(engine, line)
    assert usage in info.value.message("en")
    assert "사용법" in info.value.message("ko")


def test_unknown_model_gives_closest_names_not_a_number(engine: Engine) -> None:
    with pytest.raises(UnknownModelError) as info:
        run_command(engine, "/bedrock price gpt-4o")
    assert "not in the catalog" in info.value.message("en")
    with pytest.raises(UnknownModelError) as info:
        run_command(engine, "/bedrock price nova ultra")
    assert any("Nova" in name for name in info.value.closest)


def test_family_name_lists_the_members(engine: Engine) -> None:
    with pytest.raises(UnknownModelError) as info:
        run_command(engine, "/bedrock price haiku")
    assert {"Claude 3.5 Haiku", "Claude 3 Haiku"} <= {n.removeprefix("Anthropic ") for n in info.value.closest}


def test_model_names_with_numbers_are_not_read_as_token_counts(engine: Engine) -> None:
    answer = run_command(engine, "/bedrock cost claude 3 haiku 2000 500 daily 10000 서울")
    assert answer.models == ("claude-3-haiku",)
    out = render(answer)
    assert "ap-northeast-2" in out and "$0.001125" in out


def test_a_version_we_do_not_have_is_not_fixed_into_another_one(engine: Engine) -> None:
    with pytest.raises(UnknownModelError) as info:
        run_command(engine, "/bedrock price claude 9 sonnet")
    assert "claude 9 sonnet" in info.value.message("en")
    assert run_command(engine, "/bedrock price clade 3 opus").models == ("claude-3-opus",)


@pytest.mark.parametrize(
    ("line", "ko", "en"),
    [
        ("/bedrock cost nova-pro 2M 500k cache", "'cache' 뒤에 캐시 읽기", "'cache' needs the number of cache-read"),
        ("/bedrock 비용 nova-pro 200만 50만 캐시", "'캐시' 뒤에 캐시 읽기 토큰 수", "'캐시' needs the number"),
        ("/bedrock cost nova-pro 2M 500k daily", "'daily' 뒤에 하루 요청 수", "needs the number of requests a day"),
        ("/bedrock cost nova-pro 2M 500k flex sideways", "못한 옵션: flex, sideways", "not understood: flex, sideways"),
    ],
)
def test_cost_never_drops_an_option_silently(engine: Engine, line: str, ko: str, en: str) -> None:
    with pytest.raises(UsageError) as info:
        run_command(engine, line)
    assert ko in info.value.message("ko") and en in info.value.message("en")
