"""Guarding a streamed answer: a value split across pieces is never sent unmasked, whatever the piece sizes."""

from __future__ import annotations

import pytest

from bot.guardrails.local import LocalPolicy
from bot.guardrails.policy import load
from bot.guardrails.stream import HOLD, StreamGuard
from tests.guardrails.support import AWS_KEY, CARD, DEFAULT_POLICY, EMAIL, PHONE, RRN


@pytest.fixture(scope="module")
def local() -> LocalPolicy:
    return LocalPolicy(load(DEFAULT_POLICY)[0])


ANSWER = (
    "고객 정보를 정리했습니다.\n" + "설명 문장입니다. " * 20
    + f"\n- 주민등록번호: {RRN}\n- 연락처: {PHONE}\n- 카드: {CARD}\n- 메일: {EMAIL}\n"
    + "추가 설명입니다. " * 30
)  # fmt: skip


@pytest.mark.parametrize("size", [1, 3, 7, 50, 400])
def test_pieces_of_any_size_show_only_masked_text(local: LocalPolicy, size: int) -> None:
    shown: list[str] = []
    guard = StreamGuard(local, shown.append, "ko")
    for i in range(0, len(ANSWER), size):
        guard(ANSWER[i : i + size])
        so_far = "".join(shown)
        for value in (RRN, PHONE, CARD, EMAIL, RRN[:10], CARD[:12]):
            assert value not in so_far
    verdict = guard.finish()
    assert "".join(shown) == guard.text == verdict.text == local.check(ANSWER, "OUTPUT", "ko").text
    assert verdict.kinds("mask") == ("rrn", "phone", "card", "email")


def test_text_streams_before_the_answer_ends(local: LocalPolicy) -> None:
    shown: list[str] = []
    guard = StreamGuard(local, shown.append, "ko")
    long = "가나다라마바사 " * 100
    guard(long)
    assert shown and len(long) - HOLD - 8 <= len("".join(shown)) <= len(long) - HOLD


def test_a_blocked_value_stops_the_stream_before_it(local: LocalPolicy) -> None:
    shown: list[str] = []
    guard = StreamGuard(local, shown.append, "en")
    text = "Here is the config. " * 15 + f"aws_access_key_id = {AWS_KEY}\n" + "More text after it. " * 20
    for i in range(0, len(text), 5):
        guard(text[i : i + 5])
    verdict = guard.finish()
    assert verdict.blocked and AWS_KEY not in guard.text and AWS_KEY[:8] not in guard.text
    assert "More text after it" not in guard.text and guard.text.startswith("Here is the config.")


@pytest.mark.parametrize("size", [1, 4, 9])
def test_a_two_part_registration_number_is_masked_in_both_parts_while_streaming(local: LocalPolicy, size: int) -> None:
    front, back = RRN.split("-")
    answer = "확인 결과입니다. " * 12 + f"앞자리 {front},\n뒷자리 {back} 로 조회했습니다. " + "끝. " * 40
    shown: list[str] = []
    guard = StreamGuard(local, shown.append, "ko")
    for i in range(0, len(answer), size):
        guard(answer[i : i + size])
        assert front not in "".join(shown) and back not in "".join(shown)
    guard.finish()
    assert "앞자리 [주민등록번호],\n뒷자리 [주민등록번호] 로 조회했습니다." in guard.text
