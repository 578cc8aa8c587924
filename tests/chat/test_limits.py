"""Models that fail mid-stream, hang or run long, on the real stack (boto3/langchain-aws → local Bedrock endpoint,
real Redis): in-stream exceptions classified like their HTTP twins, only the models really tried named, a
deadline per turn with progress while waiting, answers cut at maxTokens saying so. No timed assertions: short
limits and hanging models, then the outcome is checked."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.bedrock_local import LocalBedrock
from bot.chat.asks import ChatAsk, CompareAsk
from bot.errors import ModelUnavailable, RateLimited
from bot.services import Services
from tests.chat.conftest import CALLER

LONG = " ".join(f"word{i}" for i in range(400))


def ask(text: str = "Explain prompt caching in one line.", lang: str = "en", **kw: object) -> ChatAsk:
    return ChatAsk(text=text, lang=lang, **kw)  # type: ignore[arg-type]


def called(bedrock: LocalBedrock) -> list[str | None]:
    return [r.model_key for r in bedrock.requests if r.operation in ("converse", "converse_stream")]


# -- in-stream exceptions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exception",
    ["throttlingException", "serviceUnavailableException", "internalServerException", "modelStreamErrorException"],
)
def test_an_in_stream_exception_before_any_text_is_retried_like_its_http_twin(
    services: Services, local_bedrock: LocalBedrock, exception: str
) -> None:
    local_bedrock.add_fault(kind="stream_exception", exception=exception, after_tokens=0, count=1, model="nova-lite")
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.ok and result.model == "nova-lite" and result.text.startswith("[local Amazon Nova Lite]")
    assert called(local_bedrock) == ["nova-lite", "nova-lite"]  # retried once, on the same model


def test_a_model_that_keeps_failing_in_stream_falls_back_and_the_user_is_told(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro", model_retries=1)
    local_bedrock.add_fault(kind="stream_exception", exception="throttlingException", after_tokens=0, model="nova-lite")
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.model == "nova-micro" and result.requested == "nova-lite"
    assert "Amazon Nova Lite did not answer, so Amazon Nova Micro answered." in result.notices
    assert called(local_bedrock) == ["nova-lite", "nova-lite", "nova-micro"]


def test_an_invalid_request_names_only_the_model_really_tried(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro,claude-3-haiku")
    local_bedrock.add_fault(kind="stream_exception", exception="validationException", after_tokens=0)
    with pytest.raises(ModelUnavailable) as err:
        services.chat.turn(CALLER, ask(), lambda _: None)
    assert err.value.tried == ["Amazon Nova Lite"]
    text = err.value.message("en")
    assert "(tried: Amazon Nova Lite)" in text and "Micro" not in text and "Haiku" not in text
    assert called(local_bedrock) == ["nova-lite"]  # neither retried nor handed to the fallbacks


def test_when_every_model_fails_each_one_tried_is_named_once(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro", model_retries=1)
    local_bedrock.add_fault(kind="stream_exception", exception="serviceUnavailableException", after_tokens=0)
    with pytest.raises(ModelUnavailable) as err:
        services.chat.turn(CALLER, ask(lang="ko"), lambda _: None)
    assert err.value.tried == ["Amazon Nova Lite", "Amazon Nova Micro"]
    assert "시도한 모델: Amazon Nova Lite, Amazon Nova Micro" in err.value.message("ko")


# -- hanging models and the turn's deadline ----------------------------------------------------------------------


def test_a_silent_model_is_left_for_the_fallback_with_progress_while_waiting(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro", first_token_timeout_s=0.4, progress_every_s=0.1)
    local_bedrock.add_fault(kind="timeout", seconds=30, model="nova-lite")  # hangs far past every limit
    lines: list[str] = []
    result = services.chat.turn(CALLER, ask(), lambda _: None, lines.append)
    assert result.ok and result.model == "nova-micro"
    assert "Amazon Nova Lite did not answer, so Amazon Nova Micro answered." in result.notices
    assert any(line.startswith("Waiting for Amazon Nova Lite…") for line in lines)
    assert "Amazon Nova Lite did not answer; asking Amazon Nova Micro…" in lines
    assert called(local_bedrock) == ["nova-lite", "nova-micro"]  # a hang is not retried on the same model


def test_when_the_turn_deadline_passes_no_model_is_tried_after_it_and_the_user_is_told(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(
        fallback_models="nova-micro,claude-3-haiku", turn_deadline_s=0.5, first_token_timeout_s=60
    )
    local_bedrock.add_fault(kind="timeout", seconds=30)  # every model hangs
    with pytest.raises(ModelUnavailable) as err:
        services.chat.turn(CALLER, ask(lang="ko"), lambda _: None)
    assert err.value.tried == ["Amazon Nova Lite"]
    assert "제한 시간(0.5초)" in err.value.message("ko") and "Micro" not in err.value.message("ko")
    assert "(0.5 s)" in err.value.message("en")
    assert called(local_bedrock) == ["nova-lite"]


def test_an_answer_still_streaming_at_the_deadline_is_cut_marked_and_kept(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(turn_deadline_s=0.8)
    local_bedrock.set_behaviour("nova-lite", {"tokens_per_s": 20})  # 400 words take far longer than the deadline
    local_bedrock.script(LONG)
    pieces: list[str] = []
    result = services.chat.turn(CALLER, ask(), pieces.append)
    assert result.interrupted and result.stop_reason == "deadline"
    assert result.text and LONG.startswith(result.text) and result.text == "".join(pieces)
    assert any("stop reason: `deadline`" in n and "0.8 s" in n for n in result.notices)
    assert result.usage.estimated and result.usage.output_tokens > 0  # billed, so recorded, as an estimate
    [event] = services.ledger.events() if services.ledger else []
    assert event["interrupted"] == "1" and int(event["output"]) == result.usage.output_tokens, event


def test_compare_models_share_the_deadline_and_a_hanging_one_shows_its_error(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(turn_deadline_s=0.5, first_token_timeout_s=60)
    local_bedrock.add_fault(kind="timeout", seconds=30, model="nova-pro")
    compare = CompareAsk(models=("nova-lite", "nova-pro"), prompt="hello", lang="en")
    comparison = services.comparer.run(CALLER, compare)
    lite, pro = comparison.results
    assert lite.ok and not pro.ok
    assert pro.error is not None and "(0.5 s)" in pro.error and "(tried: Amazon Nova Pro)" in pro.error


# -- answers cut at maxTokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "cut at its length limit (64 tokens; stop reason: `max_tokens`)"), ("ko", "최대 길이(64 토큰)에 닿아")],
)
def test_an_answer_cut_at_max_tokens_says_so_in_the_users_language(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock, lang: str, expected: str
) -> None:
    services = make_services(max_answer_tokens=64)
    local_bedrock.script(LONG)
    result = services.chat.turn(CALLER, ask(lang=lang), lambda _: None)
    assert result.stop_reason == "max_tokens" and LONG.startswith(result.text) and result.text != LONG
    assert any(expected in n for n in result.notices)
    [body] = [r.body for r in local_bedrock.requests if r.operation == "converse_stream"]
    assert body["inferenceConfig"]["maxTokens"] == 64


def test_an_answer_that_ends_normally_has_no_cut_notice(services: Services) -> None:
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.stop_reason == "end_turn" and not any("✂️" in n for n in result.notices)


def test_a_compare_answer_cut_at_max_tokens_says_so(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(max_answer_tokens=64)
    local_bedrock.script(LONG, model="nova-pro")
    comparison = services.comparer.run(CALLER, CompareAsk(models=("nova-lite", "nova-pro"), prompt="hi", lang="en"))
    lite, pro = comparison.results
    assert pro.stop_reason == "max_tokens" and any("`max_tokens`" in n for n in pro.notices)
    assert not any("`max_tokens`" in n for n in lite.notices)


# -- the per-user rate limit -------------------------------------------------------------------------------------


def test_the_rate_limit_holds_across_two_replicas_and_says_when_to_go_on(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock, redis_url: str
) -> None:
    import redis

    replica_a = make_services(rate_limit_calls=2, rate_limit_window_s=60)
    replica_b = make_services(rate_limit_calls=2, rate_limit_window_s=60, client=redis.Redis.from_url(redis_url))
    assert replica_a.chat.turn(CALLER, ask(), lambda _: None).ok
    assert replica_b.chat.turn(CALLER, ask(), lambda _: None).ok
    with pytest.raises(RateLimited) as err:
        replica_a.chat.turn(CALLER, ask(), lambda _: None)
    limited = err.value
    assert 0 < limited.retry_after_s <= 60
    wait = math.ceil(limited.retry_after_s)
    assert f"one person may start 2 model calls per 60 s. You can go on in {wait} s (at " in limited.message("en")
    assert "60초에 모델 호출을 2번까지" in limited.message("ko") and f"{wait}초 뒤(" in limited.message("ko")
    assert "KST)" in limited.message("en")  # the time in the deployment's zone (BRA_USAGE_TZ, Asia/Seoul)
    assert len(called(local_bedrock)) == 2  # the refused turn called no model
    other = replace(CALLER, user="U2")
    assert replica_b.chat.turn(other, ask(), lambda _: None).ok  # another user is not held back


def test_a_compare_counts_one_call_per_model(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(rate_limit_calls=3, rate_limit_window_s=60)
    three = CompareAsk(models=("nova-lite", "nova-pro", "nova-micro"), prompt="hi", lang="en")
    assert all(r.ok for r in services.comparer.run(CALLER, three).results)
    with pytest.raises(RateLimited):
        services.chat.turn(CALLER, ask(), lambda _: None)  # the window is full: 3 of 3
    with pytest.raises(RateLimited) as err:
        services.comparer.run(replace(CALLER, user="U2"), replace(three, models=(*three.models, "claude-3-haiku")))
    assert "needs 4 model calls" in err.value.message("en")  # bigger than the whole limit: says so
    assert len(called(local_bedrock)) == 3


def test_the_assistant_path_is_rate_limited(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(rate_limit_calls=1, rate_limit_window_s=60)
    assert services.chat.turn(CALLER, ask(feature="assistant", tools=True), lambda _: None).ok
    with pytest.raises(RateLimited):
        services.chat.turn(CALLER, ask(feature="assistant", tools=True), lambda _: None)


def test_a_model_given_up_on_that_answers_later_is_still_recorded(
    make_services: Callable[..., Services], local_bedrock: LocalBedrock
) -> None:
    services = make_services(fallback_models="nova-micro", first_token_timeout_s=0.3, progress_every_s=0.1)
    local_bedrock.add_fault(kind="timeout", seconds=1.0, model="nova-lite")  # silent past the wait, then answers
    result = services.chat.turn(CALLER, ask(), lambda _: None)
    assert result.model == "nova-micro" and services.ledger is not None
    for _ in range(100):  # the given-up call ends on its own thread once the endpoint answers it
        events = services.ledger.events()
        if len(events) == 2:
            break
        time.sleep(0.05)
    late, answered = sorted(events, key=lambda e: e["model"])
    assert answered["model"] == "nova-micro" and answered["interrupted"] == "0"
    assert late["model"] == "nova-lite" and late["interrupted"] == "1" and late["requested"] == "nova-lite"
    assert "[local Amazon Nova Lite]" not in result.text  # what it sent after being given up never showed
