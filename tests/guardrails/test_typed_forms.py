"""PII the way people really type it (issue 12 §7): full-width digits and Unicode separators, international
prefixes, "02)345-6789", cards and accounts with dots, spaces or mixed separators, IDN e-mail, registration numbers
in two parts — and the look-alikes next to them (versions, dates, amounts, order numbers, product codes)."""

from __future__ import annotations

import pytest

from bot.guardrails.fold import TABLE, fold
from bot.guardrails.local import LocalPolicy
from bot.guardrails.pii import BANK_ACCOUNT_FORMATS, PiiDetector
from bot.guardrails.policy import load
from tests.guardrails.support import DEFAULT_POLICY, luhn, rrn
from tests.guardrails.test_pii import broken, card, found, group, registration

DETECTOR = PiiDetector()
RRN = rrn()  # 900101-1234568, a valid check digit
FRONT, BACK = RRN.split("-")
NO_CHECK = (FRONT, BACK[:-1] + str((int(BACK[-1]) + 1) % 10))  # post-2020 style: the check digit fails
FRN = registration("870214", "5", "20391", foreigner=True)
VISA = card("4", 16)
AMEX = card("37", 15)


def wide(text: str) -> str:
    """`text` as a Korean IME's full-width (전각) mode types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.fixture(scope="module")
def local() -> LocalPolicy:
    return LocalPolicy(load(DEFAULT_POLICY)[0])


# --- folding -----------------------------------------------------------------------------------------------------


def test_every_fold_is_one_character_for_one() -> None:
    assert all(len(v) == 1 for v in TABLE.values())
    text = "전화 ０１０－１２３４－５６７８, 메일 ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ, 010–1234—5678, "
    text += "010\u200b1234\u00a05678"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "전화 010-1234-5678, 메일 hong@example.com, 010-1234-5678, 010 1234 5678"


def test_text_without_anything_to_fold_is_returned_as_is() -> None:
    text = "한글과 ASCII 010-1234-5678 만 있는 메시지 · ① ² ٣"  # middle dot, circled, superscript, Arabic-Indic
    assert fold(text) is text
    assert fold("plain ascii") == "plain ascii"


# --- full-width and Unicode separators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", wide("010-1234-5678")),
        ("phone", "010\u20131234\u20135678"),  # en dashes pasted from a document
        ("phone", "010\u22121234\u22125678"),  # minus signs
        ("phone", "010\u00a01234\u00a05678"),  # no-break spaces
        ("phone", "010\u200b1234\u200b5678"),  # zero-width spaces slipped in
        ("phone", wide("+82 10 1234 5678")),
        ("rrn", wide(RRN)),
        ("rrn", FRONT + "\u2010" + BACK),  # Unicode hyphen
        ("card", wide(group(VISA, (4, 4, 4, 4), "-"))),
        ("bank_account", wide("110-123-456789")),
        ("email", wide("hong@example.com")),
        ("ip", wide("10.20.30.40")),
    ],
)
def test_full_width_and_unicode_separated_values_are_found_on_the_original_characters(kind: str, value: str) -> None:
    assert found(f"값은 {value}입니다") == [(kind, value)]
    assert found(value) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        wide("2024-11-22") + " 회의",
        "금액 " + wide("1,250,000") + "원",
        "주문번호 " + wide("20241122-000123"),
        "대표번호 " + wide("1588-1234"),
        wide("v1.2.3.4") + " 배포",
        "카드 " + wide(group(broken(VISA), (4, 4, 4, 4), "-")),
    ],
)
def test_full_width_look_alikes_stay_look_alikes(text: str) -> None:
    assert found(text) == []


# --- phones --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "82-10-1234-5678", "82 10 1234 5678", "82.10.1234.5678", "0082-10-1234-5678", "0082 10 1234 5678",
        "82-2-123-4567", "0082-2-3145-8800", "82-010-1234-5678", "+82 10 1234 5678", "02)345-6789", "02) 345-6789",
        "031)123-4567", "051)742-3310", "010)1234-5678",
    ],
)  # fmt: skip
@pytest.mark.parametrize("template", ["연락처는 {}로 부탁드립니다", "Call {}.", "{}", "담당자: {} (내선 없음)"])
def test_international_prefixes_and_a_closing_parenthesis(value: str, template: str) -> None:
    assert found(template.format(value)) == [("phone", value)]


@pytest.mark.parametrize(
    "text",
    [
        "제품코드 82-10-1234-56789", "Item 82-10-12 is done", "Part 0082-1012-3", "목차 01) 개요, 02) 범위, 03) 일정",
        "환율 1,382.10원, 0.82% 상승", "8210-1234-5678", "SKU-82-10-1234-5678", "x82-10-1234-5678",
        "00082-10-1234-5678",
    ],
)  # fmt: skip
def test_no_phone_in_prefix_look_alikes(text: str) -> None:
    assert [k for k, _ in found(text) if k == "phone"] == []


# --- cards ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        group(VISA, (4, 4, 4, 4), "."), group(VISA, (4, 4, 4, 4), " - "), group(VISA, (4, 4, 4, 4), " . "),
        "-".join([VISA[:4], VISA[4:8]]) + " " + VISA[8:12] + "." + VISA[12:],
        group(AMEX, (4, 6, 5), "."), AMEX[:4] + " " + AMEX[4:10] + "-" + AMEX[10:],
        group(luhn("9410"), (4, 4, 4, 4), "."),
    ],
)  # fmt: skip
def test_a_card_with_dots_or_mixed_separators(value: str) -> None:
    assert found(f"카드번호 {value}로 결제") == [("card", value)]


def test_a_dotted_card_failing_luhn_is_no_card_and_no_ip() -> None:
    assert found(f"전표 {group(broken(VISA), (4, 4, 4, 4), '.')} 조회") == []


# --- bank accounts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [" ", ".", " - "])
@pytest.mark.parametrize("sizes", sorted(BANK_ACCOUNT_FORMATS))
def test_every_bank_layout_with_spaces_or_dots(sizes: tuple[int, ...], sep: str) -> None:
    value = group(("1" + "2345678901234")[: sum(sizes)], sizes, sep)
    assert found(f"여기로 보내 주세요: {value}로") == [("bank_account", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("카카오뱅크 3333-01 1234567로 송금", "3333-01 1234567"),  # mixed
        ("토스뱅크 1000 1234 5678", "1000 1234 5678"),  # 4-4-4 only with context, as with dashes
        ("입금 계좌 1234.5678.9012", "1234.5678.9012"),
    ],
)
def test_an_account_with_spaces_that_needs_context(text: str, value: str) -> None:
    assert found(text) == [("bank_account", value)]


@pytest.mark.parametrize(
    "text",
    [
        "주문번호 2024 1122 0001 배송",  # 4-4-4 without context
        "송장번호 6012.3456.7890",
        "입금 예정 금액 12.500.000.000원",  # thousands, with a context word
        "입금 건수 2024 11 22 10 31 집계",  # a run of short groups
        "입금 100 200 300 400",
        "계좌 110 123 456789 2 건",  # one group of a longer run
        "일자 2024. 11. 22. 기준",
    ],
)
def test_no_account_in_spaced_look_alikes(text: str) -> None:
    assert [k for k, _ in found(text) if k == "bank_account"] == []


# --- e-mail --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("담당자 메일은 홍길동@예시.한국으로 보내주세요", "홍길동@예시.한국"),
        ("회신: 김민수@고객센터.예시.한국", "김민수@고객센터.예시.한국"),
        ("minsu@은행.example.com이 반송돼요", "minsu@은행.example.com"),
        ("사본은 이영희@example.com에게", "이영희@example.com"),
        ("Send it to müller@bücher.example.com, please.", "müller@bücher.example.com"),
        ("메일müller@bücher.de", "müller@bücher.de"),
        ("이메일hong@example.com", "hong@example.com"),  # a Hangul word glued to an ASCII address stays out
        ("punycode kim@xn--vv4b11d.xn--3e0b707e bounced", "kim@xn--vv4b11d.xn--3e0b707e"),
        ("info@пример.рф에 문의", "info@пример.рф"),
    ],
)
def test_an_idn_email(text: str, value: str) -> None:
    assert found(text) == [("email", value)]


@pytest.mark.parametrize(
    "text",
    [
        "김대리@마케팅팀 에게", "형식은 사용자@도메인 처럼", "단가@1.5만원 기준", "Ping 홍길동@본사",
        wide("@channel") + " 공지",
    ],
)  # fmt: skip
def test_no_email_in_idn_look_alikes(text: str) -> None:
    assert found(text) == []


# --- versions are not IPs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "release 2.10.3.1", "Release 2.10.3.1 notes", "릴리스 2.10.3.1", "앱 2.10.3.1 버전으로 업데이트",
        "빌드 5.1.2.0 이후", "Build 7.0.3.12", "패치 4.2.1.7 적용", "펌웨어 3.0.12.4", "현재 버전은 1.2.3.4",
        "version: 4.18.2.1", "We pinned 3.11.4.2 release", "tag 1.0.0.1",
    ],
)  # fmt: skip
def test_a_version_is_not_an_ip(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("release 서버 10.0.0.5 재시작", "10.0.0.5"), ("release 2.10.3.1 is on 192.168.10.24", "192.168.10.24")],
)
def test_an_ip_near_a_version_word_is_still_an_ip(text: str, value: str) -> None:
    assert found(text) == [("ip", value)]


# --- registration numbers in two parts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "parts"),
    [
        ("앞자리 {}, 뒷자리 {}", (FRONT, BACK)),  # checksum passes: no other word needed
        ("앞자리 {}, 뒷자리 {} 입니다", NO_CHECK),  # post-2020: the labels are the context
        ("앞자리는 {}\n뒷자리는 {}\n확인 부탁", NO_CHECK),  # across line breaks
        ("주민번호 앞 6자리는 {}이고 뒷 7자리는 {}입니다", NO_CHECK),
        ("주민등록번호 앞자리: {} / 뒷자리: {}", (FRONT, BACK)),
        ("앞번호 {} 뒷번호 {}", (FRONT, BACK)),
        ("생년월일 겸 앞 6자리 {}, 그리고 뒤 7자리 {}까지", NO_CHECK),
        ("RRN first 6 digits {}, last 7 digits {}.", NO_CHECK),
        ("front part: {}\nback part: {}", (FRONT, BACK)),
        ("first half {} and second half {}", (FRONT, BACK)),
        ("앞자리 {}, 뒷자리 {}", (wide(FRONT), wide(BACK))),
    ],
)
def test_a_registration_number_in_two_parts_is_found_in_both(template: str, parts: tuple[str, str]) -> None:
    assert found(template.format(*parts)) == [("rrn", parts[0]), ("rrn", parts[1])]


def test_a_foreigner_number_in_two_parts() -> None:
    front, back = FRN.split("-")
    assert found(f"외국인등록번호 앞자리 {front}, 뒷자리 {back}") == [("frn", front), ("frn", back)]


@pytest.mark.parametrize(
    "text",
    [
        "비밀번호 앞자리 1234, 뒷자리 5678",
        "카드번호 앞 6자리 540926, 뒤 4자리 1234",  # a card BIN and last four
        f"계좌번호 앞자리 {NO_CHECK[0]}, 뒷자리 {NO_CHECK[1]}",  # another identifier named, checksum fails
        f"Order first part {NO_CHECK[0]}, second part {NO_CHECK[1]}",
        "앞자리 202411, 뒷자리 2200011",  # month 24
        f"앞자리 {FRONT}, 2024년 발급, 뒷자리 {BACK}",  # another number in between
        f"앞자리 {FRONT}" + ", 그리고 한참 뒤에 나오는 다른 이야기들" * 2 + f" 뒷자리 {BACK}",  # too far apart
        f"앞자리 {FRONT}1, 뒷자리 {BACK}",  # not six digits
    ],
)
def test_no_two_part_number_in_look_alikes(text: str) -> None:
    assert [k for k, _ in found(text) if k in ("rrn", "frn")] == []


def test_a_checksum_passing_split_counts_even_after_another_identifier_word() -> None:
    assert found(f"카드 말고 앞자리 {FRONT}, 뒷자리 {BACK}") == [("rrn", FRONT), ("rrn", BACK)]


def test_types_limit_the_two_part_finder() -> None:
    assert found(f"앞자리 {FRONT}, 뒷자리 {BACK}", PiiDetector(types=["phone"])) == []
    assert found(f"앞자리 {FRONT}, 뒷자리 {BACK}", PiiDetector(types=["frn"])) == []


# --- masking replaces exactly the original characters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "value", "after", "label"),
    [
        ("연락처 ", wide("010-1234-5678"), "로 주세요 (전각)", "[전화번호]"),
        ("카드 ", wide(group(VISA, (4, 4, 4, 4), "-")), "　결제", "[카드번호]"),  # an ideographic space after
        ("메일 ", wide("hong@example.com"), "으로", "[이메일]"),
        ("번호 ", "010\u200b1234\u200b5678", "\u200b끝", "[전화번호]"),
        ("전화 ", "02)345-6789", ", 팩스 없음", "[전화번호]"),
        ("계좌 ", "110.123.456789", ". 감사합니다", "[계좌번호]"),
        ("메일 ", "홍길동@예시.한국", "으로 보내", "[이메일]"),
    ],
)
def test_masking_replaces_exactly_the_value(
    local: LocalPolicy, before: str, value: str, after: str, label: str
) -> None:
    masked = local.check(before + value + after, "INPUT", "ko").text
    assert masked == before + label + after
    assert not any(c.isdigit() for c in masked.replace(before, "").replace(after, ""))


def test_both_parts_of_a_split_number_are_masked_and_the_words_between_stay(local: LocalPolicy) -> None:
    text = f"주민번호 앞 6자리는 {wide(NO_CHECK[0])}이고\n뒷 7자리는 {NO_CHECK[1]}입니다."
    masked = local.check(text, "INPUT", "ko").text
    assert masked == "주민번호 앞 6자리는 [주민등록번호]이고\n뒷 7자리는 [주민등록번호]입니다."
    english = local.check(f"first 6 digits {FRONT}, last 7 digits {BACK}.", "INPUT", "en").text
    assert english == "first 6 digits [resident registration number], last 7 digits [resident registration number]."


def test_custom_regexes_see_folded_text_too(local: LocalPolicy) -> None:
    text = "사번 " + wide("EMP-1234567") + " 확인"
    assert local.check(text, "INPUT", "ko").text == "사번 [사번] 확인"
