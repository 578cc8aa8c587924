"""PII recognizers (`bot.guardrails.pii`): true positives in Korean and English sentences with particles glued on,
exact spans, and the look-alikes a bank's Slack is full of (dates, amounts, order numbers, versions, hashes)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.guardrails.checksums import birth_date_ok, luhn_ok, registration_check_ok
from bot.guardrails.findings import Finding
from bot.guardrails.pii import BANK_ACCOUNT_FORMATS, ENTITY_TYPES, PRIORITY, PiiDetector

DETECTOR = PiiDetector()
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


# --- independent generators (not the module's own code) -------------------------------------------------------------


def registration(birth: str, first: str, serial: str, *, foreigner: bool = False, sep: str = "-") -> str:
    """A registration number with a correct check digit: YYMMDD + G + 5 serial digits + check."""
    body = birth + first + serial
    assert len(body) == 12
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    check = ((13 if foreigner else 11) - total % 11) % 10
    return f"{birth}{sep}{first}{serial}{check}"


def broken(number: str) -> str:
    """The same number with a wrong last (check) digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def card(prefix: str, length: int) -> str:
    """A Luhn-valid card number: `prefix`, zero padding, then the check digit."""
    partial = prefix + "7" * (length - 1 - len(prefix))
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return partial + str((10 - total % 10) % 10)


def group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for n in sizes:
        parts.append(number[at : at + n])
        at += n
    assert at == len(number)
    return sep.join(parts)


def found(text: str, detector: PiiDetector = DETECTOR) -> list[tuple[str, str]]:
    """(kind, matched text) for each finding, checking the detector's invariants on the way."""
    findings = detector.find(text)
    assert findings == sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in pairwise(findings))
    assert all(f.kind in ENTITY_TYPES and 0 <= f.start < f.end <= len(text) for f in findings)
    return [(f.kind, text[f.start : f.end]) for f in findings]


RRN_1990 = registration("900101", "1", "23456")
RRN_2003 = registration("031231", "4", "01234")
RRN_1975 = registration("750615", "2", "98765")
RRN_1885 = registration("851225", "9", "11111")  # 9 and 0: born in the 1800s
FRN_1985 = registration("850220", "5", "12345", foreigner=True)
FRN_2001 = registration("010709", "8", "54321", foreigner=True)
VISA = card("4", 16)
MASTERCARD = card("5412", 16)
MASTERCARD_2 = card("2221", 16)
AMEX = card("37", 15)
JCB = card("3528", 16)
UNIONPAY = card("6212", 19)
KOREAN_DOMESTIC = card("9410", 16)


# --- generators and checksums agree ---------------------------------------------------------------------------------


def test_the_check_digits_agree_with_independent_generators() -> None:
    for number in (RRN_1990, RRN_2003, RRN_1975, RRN_1885):
        assert registration_check_ok(number.replace("-", ""), foreigner=False)
        assert not registration_check_ok(broken(number).replace("-", ""), foreigner=False)
    for number in (FRN_1985, FRN_2001):
        assert registration_check_ok(number.replace("-", ""), foreigner=True)
        assert not registration_check_ok(number.replace("-", ""), foreigner=False)
    for number in (VISA, MASTERCARD, MASTERCARD_2, AMEX, JCB, UNIONPAY, KOREAN_DOMESTIC):
        assert luhn_ok(number) and not luhn_ok(broken(number))
    assert luhn_ok("4111111111111111") and luhn_ok("378282246310005")
    assert birth_date_ok(2, 29) and not birth_date_ok(2, 30) and not birth_date_ok(4, 31) and not birth_date_ok(13, 1)


# --- rrn / frn --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"주민번호는 {RRN_1990}입니다.", RRN_1990),
        (f"고객 주민등록번호 {RRN_2003.replace('-', '')}로 조회해 주세요", RRN_2003.replace("-", "")),
        (f"본인 확인용 {RRN_1975}을 보내드립니다", RRN_1975),
        (f"His RRN is {RRN_1990}.", RRN_1990),
        (f"생년월일 포함 번호: {RRN_1975.replace('-', ' - ')} 확인", RRN_1975.replace("-", " - ")),
        (f"번호 {RRN_2003.replace('-', ' ')} 입니다", RRN_2003.replace("-", " ")),
        (f"기록 {RRN_1885}.", RRN_1885),
    ],
)
def test_a_resident_registration_number_with_a_valid_check_digit(text: str, value: str) -> None:
    assert found(text) == [("rrn", value)]


@pytest.mark.parametrize(
    "text",
    [
        f"주민등록번호: {broken(RRN_1990)}",  # issued after October 2020: no check digit, but the context says it
        f"주민번호 {broken(RRN_2003).replace('-', '')}로 조회",
        f"RRN {broken(RRN_1975)}",
        f"resident registration no. {broken(RRN_1990)}",
        f"주민 등록 번호가 {broken(RRN_1990)}인 고객",
    ],
)
def test_a_resident_number_failing_the_check_digit_counts_only_after_a_context_word(text: str) -> None:
    assert [kind for kind, _ in found(text)] == ["rrn"]


@pytest.mark.parametrize(
    "text",
    [
        f"처리 번호 {broken(RRN_1990)} 확인 바랍니다",  # no context: the check digit is required
        f"ref {broken(RRN_2003).replace('-', '')}",
        "주민번호 901301-1234567",  # month 13
        "주민번호 900230-1234567",  # February 30
        "주민번호 900132-1234567",  # day 32
        f"주민번호 1{RRN_1990.replace('-', '')}",  # 14 digits: not a registration number
        f"주민번호 {RRN_1990.replace('-', '')}5",
        f"주민번호 {RRN_1990[:10]}",  # masked / partial
        "주민번호" + " " * 30 + broken(RRN_1990),  # the context word is too far before
    ],
)
def test_no_resident_number_without_check_digit_or_context(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"외국인등록번호 {FRN_1985}입니다", FRN_1985),
        (f"FRN: {FRN_2001.replace('-', '')}", FRN_2001.replace("-", "")),
        (f"직원 번호 {FRN_1985}로 등록", FRN_1985),
        (f"외국인 등록번호는 {broken(FRN_2001)}", broken(FRN_2001)),
        (f"alien registration number {broken(FRN_1985)}.", broken(FRN_1985)),
    ],
)
def test_a_foreigner_registration_number(text: str, value: str) -> None:
    assert found(text) == [("frn", value)]


def test_a_foreigner_number_needs_its_own_check_digit_or_context() -> None:
    wrong = registration("850220", "5", "12345", foreigner=False)  # the RRN rule on a G=5 number: off by 2
    assert found(f"번호 {wrong} 확인") == []
    assert found(f"주민번호 {broken(FRN_1985)}") == []  # RRN context does not vouch for an FRN
    assert found(f"외국인번호 {wrong}") == [("frn", wrong)]


# --- phone ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "011-123-4567", "016-234-5678",
        "019-9876-5432", "02-123-4567", "02-1234-5678", "021234567", "031-1234-5678", "051-123-4567",
        "064-712-3456", "070-1234-5678", "010 - 1234 - 5678", "0505-123-4567", "(02) 1234-5678", "(031)123-4567",
        "+82-10-1234-5678", "+82 10 1234 5678", "+821012345678", "+82-2-123-4567", "+82 (0)10-1234-5678",
    ],
)
@pytest.mark.parametrize("template", ["연락처는 {}로 부탁드립니다", "Call me at {}.", "{}", "담당자({})에게 문의"])
def test_a_phone_number(value: str, template: str) -> None:
    text = template.format(value)
    assert found(text) == [("phone", value)]


@pytest.mark.parametrize(
    "text",
    [
        "회의는 2024-11-22 14:30:00에 시작합니다",
        "결제 금액 1,250,000원 입금 확인",
        "주문번호 20241122-000123 처리 완료",
        "대표번호 1588-1234로 문의하세요",
        "고객센터 1577-1000, 1644-2000, 1899-0000",
        "날짜 02-11-2024 기준",
        "버전 3.11.4 배포",
        "시각 12:30:45",
        "제품 코드 SKU-010-1234-5678",
        "코드 A01012345678",
        "번호 010-1234-56789",  # one digit too many
        "번호 010-12-5678",
        "1.010.1234.5678.2",
    ],
)
def test_no_phone_in_look_alikes(text: str) -> None:
    assert [kind for kind, _ in found(text) if kind == "phone"] == []


# --- card -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        VISA, group(VISA, (4, 4, 4, 4), " "), group(VISA, (4, 4, 4, 4), "-"), MASTERCARD,
        group(MASTERCARD_2, (4, 4, 4, 4), "-"), AMEX, group(AMEX, (4, 6, 5), " "), group(AMEX, (4, 6, 5), "-"),
        group(JCB, (4, 4, 4, 4), " "), UNIONPAY, group(UNIONPAY, (4, 4, 4, 4, 3), " "),
        group(KOREAN_DOMESTIC, (4, 4, 4, 4), "-"), "4111111111111111", "5555 5555 5555 4444", "3782-822463-10005",
        card("6011", 16), card("65", 16), card("36", 14), group(card("36", 14), (4, 6, 4), " "),
    ],
)
@pytest.mark.parametrize("template", ["카드번호 {}로 결제했어요", "card: {}.", "{}"])
def test_a_card_number(value: str, template: str) -> None:
    assert found(template.format(value)) == [("card", value)]


@pytest.mark.parametrize(
    "text",
    [
        f"카드번호 {broken(VISA)}로 결제",  # Luhn-invalid
        f"카드 {group(broken(MASTERCARD), (4, 4, 4, 4), '-')}",
        f"카드 {group(broken(AMEX), (4, 6, 5), ' ')}",
        f"번호 {card('1', 16)}",  # Luhn-valid, but no issuer starts with 1
        f"번호 {card('7', 16)}",
        f"번호 {card('37', 16)}",  # Amex is 15 digits
        f"번호 {card('94', 15)}",  # Korean domestic cards are 16
        f"번호 {VISA}1",  # glued to more digits
        f"id{VISA}",
        f"번호 {group(VISA, (4, 4, 4, 4), ' ')[:-5]}",  # 12 digits
    ],
)
def test_no_card_without_luhn_and_issuer(text: str) -> None:
    assert [kind for kind, _ in found(text) if kind == "card"] == []


# --- bank_account -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", sorted(BANK_ACCOUNT_FORMATS))
def test_every_listed_layout_is_an_account_without_context(sizes: tuple[int, ...]) -> None:
    digits = ("1" + "2345678901234")[: sum(sizes)]
    value = group(digits, sizes, "-")
    assert found(f"여기로 보내 주세요: {value}로") == [("bank_account", value)]
    assert found(f"Please send it to {value}.") == [("bank_account", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("국민은행 123456-01-123456으로 입금", "123456-01-123456"),
        ("신한 110-123-456789로 이체해 주세요", "110-123-456789"),
        ("우리은행 1002-123-456789", "1002-123-456789"),
        ("하나 123-456789-01234 입니다", "123-456789-01234"),
        ("농협 302-1234-5678-91", "302-1234-5678-91"),
        ("기업은행 123-456789-01-234", "123-456789-01-234"),
        ("카카오뱅크 3333-01-1234567로 송금", "3333-01-1234567"),
        ("토스뱅크 1000-1234-5678", "1000-1234-5678"),  # 4-4-4 counts only with context
        ("계좌번호: 123456789012", "123456789012"),  # a plain run counts only with context
        ("입금 계좌는 12345678901234입니다", "12345678901234"),
        ("account no. 1002123456789", "1002123456789"),
        ("우리 1002123456789", "1002123456789"),  # a bank name right before
        ("수협 1234-5678-9012", "1234-5678-9012"),
        ("이체할 곳 123-45-67890", "123-45-67890"),  # 3-2-5 (also a business number shape) needs context
    ],
)
def test_a_bank_account(text: str, value: str) -> None:
    assert found(text) == [("bank_account", value)]


@pytest.mark.parametrize(
    ("text", "accounts"),
    [
        ("주문번호 2024-1122-0001 배송 시작", []),  # 4-4-4 without context
        ("주문번호 20241122-000123", []),
        ("문서 번호 123456789012 첨부", []),  # a plain run without context
        ("사업자등록번호 123-45-67890", []),
        ("일정 2024-11-22, 금액 1,250,000원", []),
        ("우리 팀 코드는 1234567890이 아니라", []),  # '우리' ('we') only counts right before the number
        ("계좌 110-123-456789, 주문 2024-1122-0001", ["110-123-456789"]),  # the context word is for the first number
        ("송금 예정 금액 1,250,000원", []),
        ("AWS account 123456789012에서 호출", []),  # a cloud account id, not a bank's
        ("arn:aws:bedrock:us-east-1:123456789012:foundation-model/x", []),
    ],
)
def test_no_account_in_look_alikes(text: str, accounts: list[str]) -> None:
    assert [value for kind, value in found(text) if kind == "bank_account"] == accounts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"계좌번호 {RRN_1990.replace('-', '')}", [("rrn", RRN_1990.replace("-", ""))]),
        (f"입금 계좌 주민번호 {RRN_2003}", [("rrn", RRN_2003)]),
        ("입금 확인 후 010-1234-5678로 연락 주세요", [("phone", "010-1234-5678")]),
        ("계좌 01012345678", [("phone", "01012345678")]),
        (f"이체 카드 {VISA}", [("card", VISA)]),
        (f"송금 {FRN_1985}", [("frn", FRN_1985)]),
    ],
)
def test_registration_numbers_phones_and_cards_are_not_also_accounts(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text) == expected


def test_an_account_only_detector_still_leaves_phones_and_resident_numbers_alone() -> None:
    accounts = PiiDetector(types=["bank_account"])
    assert found(f"계좌 01012345678, 계좌 {RRN_1990.replace('-', '')}", accounts) == []
    assert found("계좌 110-123-456789", accounts) == [("bank_account", "110-123-456789")]


# --- email ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hong@example.com으로 보내주세요", "hong@example.com"),
        ("메일: first.last+tag@sub.example.co.kr입니다.", "first.last+tag@sub.example.co.kr"),
        ("Contact kim_01@bank-corp.kr.", "kim_01@bank-corp.kr"),
        ("<user%x@mail.example.org>", "user%x@mail.example.org"),
    ],
)
def test_an_email(text: str, value: str) -> None:
    assert found(text) == [("email", value)]


@pytest.mark.parametrize(
    "text", ["@channel 확인 부탁", "user@localhost", "hong@example 까지", "a@b.c", "메일은 @ 표시로", "foo@.com"]
)
def test_no_email_without_a_domain(text: str) -> None:
    assert found(text) == []


# --- passport ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("여권번호 M12345678입니다", "M12345678"),
        ("passport M123A4567.", "M123A4567"),
        ("번호는 S98765432로 확인됨", "S98765432"),
        ("신형 R123B4567 발급", "R123B4567"),
        ("여권번호: 123456789", "123456789"),  # any 8-9 alphanumerics with 6+ digits, after a context word
        ("Passport no. AB1234567", "AB1234567"),
        ("여권 m12345678 제출", "m12345678"),
    ],
)
def test_a_passport_number(text: str, value: str) -> None:
    assert found(text) == [("passport", value)]


@pytest.mark.parametrize(
    "text",
    [
        "새 맥북 M2 Pro 주문", "모델 M1234567 재고", "부품 MX-12345678", "번호 M123456789", "코드 X12345678",
        "제품 AB1234567 출고", "M12345678X", "여권 사진 ABCDEFGH1", "KM12345678",
    ],
)
def test_no_passport_in_product_codes(text: str) -> None:
    assert found(text) == []


# --- ip ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "192.168.0.1", "10.0.0.255", "203.0.113.45", "8.8.8.8", "0.0.0.0", "2001:db8::1",
        "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.1", "fe80::",
        "2001:db8:0:0:0:0:2:1",
    ],
)
@pytest.mark.parametrize("template", ["서버 {}로 접속", "IP: {}.", "{}", "({})에서 요청"])
def test_an_ip_address(value: str, template: str) -> None:
    assert found(template.format(value)) == [("ip", value)]


@pytest.mark.parametrize(
    "text",
    [
        "v1.2.3.4 배포", "version 1.2.3.4", "버전 1.2.3.4 업데이트", "ver. 1.2.3.4", "Version: 10.0.0.1",
        "파이썬 3.11.4 사용", "256.1.1.1", "01.02.03.04", "1.2.3.4.5", "회의 12:30:45", "MAC 00:1a:2b:3c:4d:5e",
        "std::vec::Vec", "a::1", "dead::beef", "::1", "2001:db8::2:1:1:1:1:1", "2024.11.22",
        ":".join(["ab12"] * 9),  # nine groups: no address, nor its last eight
    ],
)
def test_no_ip_in_versions_times_and_code(text: str) -> None:
    assert found(text) == []


# --- aws / slack ------------------------------------------------------------------------------------------------------

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GIT_SHA = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("키 AKIAIOSFODNN7EXAMPLE를 폐기하세요", [("aws_access_key", "AKIAIOSFODNN7EXAMPLE")]),
        ("export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A", [("aws_access_key", "ASIAY34FZKBOKMUTVV7A")]),
        (f"시크릿은 {AWS_SECRET}입니다", [("aws_secret_key", AWS_SECRET)]),
        (f'"SecretAccessKey": "{AWS_SECRET}"', [("aws_secret_key", AWS_SECRET)]),
        (f"aws_secret_access_key={AWS_SECRET}", [("aws_secret_key", AWS_SECRET)]),
        ("aws_secret_access_key = abcdefghijklmnopqrstuvwxyz0123456789abcd",  # lowercase, but the context says so
         [("aws_secret_key", "abcdefghijklmnopqrstuvwxyz0123456789abcd")]),
        (f"AKIAIOSFODNN7EXAMPLE {AWS_SECRET}",
         [("aws_access_key", "AKIAIOSFODNN7EXAMPLE"), ("aws_secret_key", AWS_SECRET)]),
    ],
)
def test_aws_keys(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"커밋 {GIT_SHA} 확인", f"commit {GIT_SHA.upper()}", "x" * 40, "1234567890" * 4,
        "abcdefghijklmnopqrstuvwxyz0123456789abcd", f"{AWS_SECRET}X", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX",
        "akiaiosfodnn7example", "BKIAIOSFODNN7EXAMPLE",
        "/Users/Admin/Projects/Demo1/src/Main/App",  # 40 characters and mixed, but a path
        f"blob {AWS_SECRET}==",
    ],
)
def test_no_aws_key_in_hashes_and_words(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "value",
    [
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-1234567890-1234567890-1234567890-abcdef",
        "xoxa-2-1234567890-abcdefABCDEF", "xoxr-1234567890-abcdefghij", "xoxs-1234567890-1234567890-abcdef",
        "xoxe-1-My0xLTEyMzQ1Njc4OTAtYWJj", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtYWJjZGVm",
        "xapp-1-A0123456789-1234567890123-abcdef0123456789",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ],
)
def test_a_slack_token(value: str) -> None:
    assert found(f"토큰 {value}를 rotate 해주세요") == [("slack_token", value)]
    assert found(f"token={value}") == [("slack_token", value)]


@pytest.mark.parametrize(
    "text",
    ["xoxb- 가 앞에 붙는 토큰", "xoxo hugs", "xoxb-short", "https://hooks.slack.com/services/", "xoxz-1234567890-ab"],
)
def test_no_slack_token_in_fragments(text: str) -> None:
    assert found(text) == []


# --- the detector as a whole ------------------------------------------------------------------------------------------


def test_a_mixed_message_is_sorted_and_exact() -> None:
    text = (
        f"홍길동 님(주민번호 {RRN_1990}) 연락처 010-1234-5678, 메일 hong@example.com으로 안내. "
        f"환불 계좌 신한 110-123-456789, 카드 {group(VISA, (4, 4, 4, 4), '-')} 취소. "
        "주문번호 20241122-000123, 금액 1,250,000원, 2024-11-22 14:30 처리, 대표번호 1588-1234. "
        "서버 10.1.2.3 (앱 v1.2.3.4), 여권 M12345678. 키 AKIAIOSFODNN7EXAMPLE."
    )
    assert found(text) == [
        ("rrn", RRN_1990), ("phone", "010-1234-5678"), ("email", "hong@example.com"),
        ("bank_account", "110-123-456789"), ("card", group(VISA, (4, 4, 4, 4), "-")), ("ip", "10.1.2.3"),
        ("passport", "M12345678"), ("aws_access_key", "AKIAIOSFODNN7EXAMPLE"),
    ]


def test_types_limit_what_is_reported() -> None:
    text = f"연락처 010-1234-5678, 메일 hong@example.com, 주민번호 {RRN_1990}"
    assert found(text, PiiDetector(types=("phone",))) == [("phone", "010-1234-5678")]
    assert found(text, PiiDetector(types={"email", "rrn"})) == [("email", "hong@example.com"), ("rrn", RRN_1990)]
    assert found(text, PiiDetector(types=())) == []


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PII types: ssn"):
        PiiDetector(types=("phone", "ssn"))


def test_text_without_entities_gives_nothing() -> None:
    assert found("") == []
    assert found("안녕하세요, 오늘 회의는 3시입니다. Thanks!") == []
    assert found("모델 가격은 입력 100만 토큰당 $0.035, 출력 $0.14입니다.") == []


def test_every_type_has_a_priority_and_the_finding_shape_is_the_shared_one() -> None:
    assert set(PRIORITY) == set(ENTITY_TYPES)
    assert DETECTOR.find("010-1234-5678") == [Finding("phone", 0, 13)]
