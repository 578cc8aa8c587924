"""The phrase syntax admins write in the guardrail policy, and the matcher compiled from it."""

from __future__ import annotations

import re

import pytest

from bot.guardrails.findings import Finding
from bot.guardrails.phrases import GAP_CHARS, PhraseError, PhraseMatcher, phrase_pattern, phrase_regex


def spans(phrase: str, text: str) -> list[str]:
    """What one phrase finds in `text`, as the matched substrings of the original text."""
    return [text[f.start : f.end] for f in PhraseMatcher({"t": [phrase]}).find(text)]


def hits(phrase: str, text: str) -> bool:
    return PhraseMatcher({"t": [phrase]}).first(text) is not None


# --- case -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "text", "expected"), [
    ("kill", "KILL it", "KILL"),
    ("Kill", "kill it", "kill"),
    ("DAN 모드", "Dan모드", "Dan모드"),
    ("Launder*", "LaUnDeRiNg", "LaUnDeRiNg"),
])
def test_matching_ignores_case_and_points_into_the_original_text(phrase: str, text: str, expected: str) -> None:
    assert spans(phrase, text) == [expected]


def test_offsets_survive_characters_whose_lower_case_is_longer() -> None:
    text = "İstanbul İİ kill"  # "İ".lower() is two characters; offsets must still point into the original
    assert spans("kill", text) == ["kill"]
    assert spans("istanbul", text) == ["İstanbul"]


# --- ASCII words: whole words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["kill it", "(kill)", "kill.", "\"kill\"", "kill해줘", "이거kill", "킬kill해"])
def test_an_ascii_word_matches_as_a_whole_word_even_next_to_hangul(text: str) -> None:
    assert spans("kill", text) == ["kill"]


@pytest.mark.parametrize("text", ["skill", "killer", "skilled worker", "kill2", "2kill", "overkill"])
def test_an_ascii_word_does_not_match_inside_a_longer_word(text: str) -> None:
    assert not hits("kill", text)


def test_digits_count_as_part_of_a_word() -> None:
    assert hits("1억", "약 1억 원") and hits("1억", "약1억")
    assert not hits("1억", "21억")


# --- trailing * -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("money laundering", "laundering"),
    ("he laundered it", "laundered"),
    ("launder", "launder"),
    ("LAUNDERERS를 잡다", "LAUNDERERS"),
])
def test_a_trailing_star_allows_a_suffix(text: str, expected: str) -> None:
    assert spans("launder*", text) == [expected]


def test_a_trailing_star_still_needs_the_word_to_start_there() -> None:
    assert not hits("launder*", "relaundering")


def test_a_star_inside_or_alone_is_literal() -> None:
    assert spans("a*b", "x a*b y") == ["a*b"]
    assert not hits("a*b", "aab")
    assert spans("*", "5 * 3") == ["*"]


@pytest.mark.parametrize("phrase", ["대포*", "c+*", "종목 추천*", "a**"])
def test_a_star_after_hangul_or_punctuation_is_an_error(phrase: str) -> None:
    with pytest.raises(PhraseError, match=re.escape(repr(phrase))):
        phrase_regex(phrase)


# --- Hangul: substrings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "text", "expected"), [
    ("대포통장", "대포통장을 팝니다", "대포통장"),
    ("추천", "종목 추천해줘", "추천"),
    ("대포통장", "중고대포통장", "대포통장"),
    ("추천", "ETF추천", "추천"),
])
def test_hangul_matches_inside_longer_words(phrase: str, text: str, expected: str) -> None:
    assert spans(phrase, text) == [expected]


# --- spaces ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["종목 추천", "종목추천", "종목  추천", "종목\t추천", "종목\n추천", "ETF종목추천해줘"])
def test_a_space_between_hangul_words_matches_any_whitespace_or_none(text: str) -> None:
    assert hits("종목 추천", text)


@pytest.mark.parametrize("text", ["money laundering", "MONEY   LAUNDERING", "money\tlaundering", "money\nlaundering"])
def test_a_space_between_ascii_words_matches_any_run_of_whitespace(text: str) -> None:
    assert hits("money laundering", text)


@pytest.mark.parametrize("text", ["moneylaundering", "money-laundering", "money, laundering"])
def test_a_space_between_ascii_words_needs_whitespace(text: str) -> None:
    assert not hits("money laundering", text)


def test_a_space_next_to_hangul_on_one_side_may_be_missing() -> None:
    assert hits("AI 모드", "AI모드로") and hits("AI 모드", "ai  모드") and hits("모드 AI", "모드AI")
    assert not hits("AI 모드", "xai모드")  # the ASCII side is still a whole word
    assert not hits("모드 AI", "모드AIR")


# --- ~ gaps ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["종목 좀 추천해줘", "종목추천", "종목을 하나만 추천", "종목 " + "가" * (GAP_CHARS - 1) + "추천"]
)
def test_a_tilde_allows_up_to_15_characters_in_between(text: str) -> None:
    assert hits("종목~추천", text)


@pytest.mark.parametrize("text", [
    "종목" + "가" * (GAP_CHARS + 1) + "추천",
    "종목 정리. 추천은 나중에",
    "종목이 뭐죠? 추천",
    "종목 좋아! 추천",
    "종목 정리했어요。추천",
    "종목\n추천",
])
def test_a_tilde_gap_stays_short_and_inside_the_sentence(text: str) -> None:
    assert not hits("종목~추천", text)


def test_a_tilde_between_ascii_words_keeps_both_whole() -> None:
    assert spans("buy ~ stock", "please buy this stock now") == ["buy this stock"]
    assert hits("buy~stock", "buy stock")
    assert not hits("buy ~ stock", "buyer of stock")
    assert not hits("buy ~ stock", "buy some stocks")
    assert spans("buy ~ stock*", "buy some stocks") == ["buy some stocks"]


def test_the_gap_is_as_short_as_possible() -> None:
    assert spans("종목~추천", "종목 추천 추천") == ["종목 추천"]


# --- everything else is literal -------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "text", "found"), [
    ("c++", "I write c++ code", True),
    ("1.5", "rate 1.5%", True),
    ("1.5", "rate 125", False),
    ("(주)", "(주)삼성", True),
    ("a|b", "a", False),
    ("a|b", "x a|b", True),
    ("[x]", "x", False),
    ("$100", "costs $100", True),
    ("what's", "what's up", True),
])
def test_regex_metacharacters_are_literal(phrase: str, text: str, found: bool) -> None:
    assert hits(phrase, text) is found


def test_phrase_regex_is_a_regex_for_re_ignorecase() -> None:
    source = phrase_regex("Money  Laundering")
    assert re.search(source, "MONEY laundering", re.IGNORECASE)
    assert not re.search(source, "moneylaundering", re.IGNORECASE)
    assert phrase_pattern("Kill").first == "k"


# --- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["", "   ", "~추천", "종목~", "a ~~ b", "a ~ ~ b", "~"])
def test_empty_phrases_and_dangling_tildes_are_errors_naming_the_phrase(phrase: str) -> None:
    with pytest.raises(PhraseError) as caught:
        PhraseMatcher({"topic": ["ok", phrase]})
    assert repr(phrase) in str(caught.value)
    assert caught.value.phrase == phrase
    assert isinstance(caught.value, ValueError)


def test_a_single_string_instead_of_a_list_is_an_error() -> None:
    with pytest.raises(PhraseError, match="must be a list"):
        PhraseMatcher({"topic": "대포통장"})


def test_a_phrase_that_is_not_text_is_an_error() -> None:
    with pytest.raises(PhraseError, match="quote"):
        PhraseMatcher({"words": [18]})  # type: ignore[list-item]


def test_a_list_needs_a_name() -> None:
    with pytest.raises(ValueError, match="name"):
        PhraseMatcher({"": ["kill"]})


# --- find and first -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def topics() -> PhraseMatcher:
    return PhraseMatcher({
        "investment_advice": ["종목 추천", "buy ~ stock*"],
        "money_laundering": ["launder*", "대포통장", "money mule*"],
        "custom:욕설": ["씨발", "fuck*"],
    })


def test_find_returns_every_match_sorted_by_start_with_the_list_name(topics: PhraseMatcher) -> None:
    text = "대포통장 팔아요. Then buy these stocks, 종목추천 please, and launder it. 씨발"
    found = topics.find(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [
        ("money_laundering", "대포통장"),
        ("investment_advice", "buy these stocks"),
        ("investment_advice", "종목추천"),
        ("money_laundering", "launder"),
        ("custom:욕설", "씨발"),
    ]
    assert found == sorted(found, key=lambda f: f.start)


def test_first_is_the_leftmost_match(topics: PhraseMatcher) -> None:
    text = "I will launder money then buy stock"
    assert topics.first(text) == topics.find(text)[0] == Finding("money_laundering", 7, 14)


def test_nothing_found(topics: PhraseMatcher) -> None:
    text = "이번 분기 신용대출 금리 구조를 정리해 주세요. What is our prepayment fee policy?"
    assert topics.find(text) == [] and topics.first(text) is None
    assert topics.find("") == [] and topics.first("") is None


def test_a_matcher_without_phrases_finds_nothing() -> None:
    for matcher in (PhraseMatcher({}), PhraseMatcher({"empty": []})):
        assert matcher.find("anything 대포통장") == [] and matcher.first("anything") is None


def test_at_one_position_the_longer_phrase_wins() -> None:
    matcher = PhraseMatcher({"gambling": ["bet*"], "shops": ["betting shop"]})
    assert [f.kind for f in matcher.find("a betting shop, a bet")] == ["shops", "gambling"]


def test_matches_do_not_overlap() -> None:
    matcher = PhraseMatcher({"a": ["종목 추천"], "b": ["추천"]})
    assert [f.kind for f in matcher.find("종목추천 그리고 추천")] == ["a", "b"]


def test_duplicate_phrases_and_names_in_any_script_are_fine() -> None:
    matcher = PhraseMatcher({"금지어": ["대포통장", "대포통장", "대포 통장"]})
    assert matcher.find("대포 통장") == [Finding("금지어", 0, 5)]


def test_from_patterns_takes_prebuilt_patterns() -> None:
    matcher = PhraseMatcher.from_patterns({"x": [phrase_pattern("종목~추천"), phrase_pattern("kill")]})
    assert [f.kind for f in matcher.find("종목 좀 추천, kill")] == ["x", "x"]
