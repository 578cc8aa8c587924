"""PII recognizers for the guardrail pipeline: what in a Slack message looks like a Korean resident/foreigner number,
phone, card, bank account, e-mail, passport, IP address or cloud credential, and where.

Why our own and not presidio: presidio-analyzer pulls in spaCy (hundreds of MB, seconds to import) and its e-mail
recognizer downloads the public suffix list at runtime; a bank bot that must not reach the internet and must answer
fast can do with precompiled stdlib regexes plus check digits (`benchmarks/bench_pii_engines.py` compares the two).

How it stays cheap (a 500-character Korean message with a handful of entities: under 0.1 ms at the median):
- the patterns are compiled once per process, on the first construction rather than at import (`_patterns`);
- each recognizer has a prefilter (digit count, "@", "::", "xox" ...) so most messages skip most regexes;
- context words are looked for only around a candidate that needs them.

Why the boundaries are not `\\b`: Korean particles are glued to entities ("010-1234-5678로", "hong@example.com으로")
and Hangul is `\\w`, so `\\b` would miss them. Numbers are bounded on both sides by "no ASCII letter or digit, not
dashed onto another ASCII token, not dotted onto another number" (`_B`, `_AFTER`), so neither "20241122-000123" nor
"SKU-010-1234-5678" holds a phone.

How people really type them (issue 12): matching runs on the folded text (`bot.guardrails.fold`: full-width digits,
letters and punctuation, Unicode dashes and spaces, zero-width characters -> ASCII, one character for one, so the
spans are the original's). Phones also as 82-10-…, 0082-10-…, +82 10 … and 02)345-6789; cards and bank accounts
with dots, spaces or mixed separators (a spaced account is not part of a longer run of digit groups); e-mail with
IDN domains and non-ASCII local parts (홍길동@예시.한국, müller@bücher.de, punycode); a registration number in two
labelled parts (`bot.guardrails.rrn_parts`); a dotted quad right after or before a version word ("release 2.10.3.1",
"2.10.3.1 버전") is a version, not an IP.

Where a check digit exists it decides (Luhn for cards; the registration check digit for RRN/FRN). Numbers issued
after October 2020 have no check digit, so a failing RRN/FRN is still reported when a context word ("주민번호",
"외국인등록", "RRN", ...) ends at most `CONTEXT_WINDOW` characters before it. Bank accounts have no public check
digit: the hyphenated layouts in `BANK_ACCOUNT_FORMATS` count on their own, every other layout (Toss' 4-4-4, which
an order number like 2024-1122-0001 shares, 3-2-5 which a business registration number shares, plain 10-14 digit
runs) only after a context word. Overlaps resolve by `PRIORITY` (a 13-digit RRN is not also a bank account).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from itertools import pairwise
from operator import attrgetter

from bot.guardrails.checksums import birth_date_ok, luhn_ok, registration_check_ok
from bot.guardrails.context import context_before, right_after, right_before
from bot.guardrails.findings import Finding, without_overlaps
from bot.guardrails.fold import fold
from bot.guardrails.rrn_parts import has_labels, split_registrations

ENTITY_TYPES: tuple[str, ...] = (
    "rrn",
    "frn",
    "phone",
    "card",
    "bank_account",
    "email",
    "passport",
    "ip",
    "aws_access_key",
    "aws_secret_key",
    "slack_token",
)

# On overlap the lower number wins (then the longer match): secrets and e-mails contain digit runs; a registration
# number, card or phone is never also reported as the bank account its digits could be.
PRIORITY: dict[str, int] = {
    "slack_token": 0,
    "aws_access_key": 1,
    "aws_secret_key": 2,
    "email": 3,
    "rrn": 4,
    "frn": 4,
    "card": 5,
    "phone": 6,
    "ip": 7,
    "passport": 8,
    "bank_account": 9,
}

# Hyphenated layouts reported without a context word (digits per group), and whose numbers use them. Sources: the
# banks' own statements and the KFTC CMS account rules as summarised in Korean press/wiki pages (2023-2024).
BANK_ACCOUNT_FORMATS: dict[tuple[int, ...], str] = {
    (6, 2, 6): "KB국민 (14), 우체국, NH 회원농협",
    (3, 2, 4, 3): "KB국민 (12, 구 주택은행)",
    (3, 3, 6): "신한 (12), 케이뱅크, 광주, 신협",
    (3, 2, 6): "신한 (11, 구), SC제일, NH 중앙회, 수협",
    (4, 3, 6): "우리 (13)",
    (3, 6, 5): "하나 (14)",
    (3, 4, 4, 2): "NH농협 (13), 부산",
    (3, 6, 2, 3): "IBK기업 (14)",
    (4, 2, 7): "카카오뱅크 (13)",
    (3, 6, 3): "한국씨티 (12)",
    (3, 2, 7): "경남, 부산, 전북 (12)",
    (3, 2, 6, 1): "iM뱅크 (대구, 12)",
    (4, 4, 4, 1): "새마을금고 (13)",
    (3, 8, 3): "KDB산업 (14)",
}

# Context words, lower case; ASCII ones must stand alone (no ASCII letter either side), Hangul ones need not
# (particles and compounds glue on: "주민등록번호는", "입금계좌").
RRN_CONTEXT = ("주민", "rrn", "resident registration")
FRN_CONTEXT = (
    "외국인등록",
    "외국인 등록",
    "외국인번호",
    "외국인 번호",
    "frn",
    "alien registration",
    "foreigner registration",
)
ACCOUNT_CONTEXT = (
    "계좌",
    "입금",
    "송금",
    "이체",
    "출금",
    "예금주",
    "은행",
    "뱅크",
    "금고",
    "신협",
    "우체국",
    "수협",
    "농협",
    "신한",
    "sc제일",
    "씨티",
    "account",
    "accounts",
    "acct",
    "a/c",
    "bank",
    "banking",
    "kb",
    "nh",
    "ibk",
)
# Bank names that are also everyday words ("우리" = we, "하나" = one, "기업" = company): context only right before
BANK_RIGHT_BEFORE = (
    "국민",
    "우리",
    "하나",
    "기업",
    "부산",
    "대구",
    "광주",
    "경남",
    "전북",
    "제주",
    "새마을",
    "카카오",
    "토스",
    "케이",
)
_NOT_BANK_CONTEXT = ("aws", "arn:")  # "AWS account 123456789012" is a cloud account id
PASSPORT_CONTEXT = ("여권", "passport")
AWS_SECRET_CONTEXT = (
    "secret_access_key",
    "secretaccesskey",
    "secret access key",
    "secret_key",
    "secretkey",
    "secret key",
    "secret-key",
    "시크릿",
    "비밀키",
    "비밀 키",
)
# right before (or, the first group, right after) a dotted quad: a version or build, not an IP ("release 2.10.3.1",
# "버전은 1.2.3.4", "2.10.3.1 버전으로")
_VERSION_WORDS = (
    "버전", "버전은", "버전이", "버전을", "버전도", "릴리스", "릴리즈", "빌드", "패치", "펌웨어", "version", "ver.",
    "ver", "v", "release", "released", "rel.", "rel", "build", "patch", "firmware", "tag", "revision", "rev.", "rev",
)  # fmt: skip
_VERSION_AFTER = ("버전", "릴리스", "릴리즈", "빌드", "패치", "version", "release", "build", "patch")

# "Not inside a longer ASCII token, not dashed onto one, not dotted onto a number", written after the first
# character of each pattern (`_B.format(c)` where c is that character's class) rather than before it: a pattern that
# starts with a plain character class lets the regex engine skip ahead to candidate characters in C, three times
# faster on Hangul.
_B = r"(?<![0-9A-Za-z]{0})(?<![0-9A-Za-z]-{0})(?<![0-9]\.{0})"
_AFTER = r"(?![0-9A-Za-z])(?!-[0-9A-Za-z])(?!\.[0-9])"
_DIGIT_CHARS = "0123456789"
_start = attrgetter("start")
_NO_SEPARATORS = str.maketrans("", "", " -.")
_DASHED = str.maketrans(" .", "--")
_SHADOWS = {"bank_account": ("rrn", "frn", "card", "phone")}  # run these too, so their numbers are not accounts


def _num(first: str, rest: str) -> str:
    """A number pattern bounded on both sides; `first` is one character class, the number's first character."""
    return first + _B.format(first) + rest + _AFTER


class _Patterns:
    """Every regex of the module, compiled once (`_patterns`)."""

    __slots__ = (
        "account",
        "account_spaced",
        "aws_access",
        "aws_secret",
        "card",
        "email",
        "ipv4",
        "ipv6",
        "passport",
        "passport_loose",
        "phone",
        "registration",
        "slack",
    )

    def __init__(self) -> None:
        area = r"(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8]|1[016789])"  # after the trunk 0 (or after +82)
        self.registration = re.compile(_num(r"\d", r"\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?: ?- ?| )?\d{7}"))
        must = r"(?: ?[-.] ?| )"  # "-", ".", " " or " - "
        sep = must + "?"
        trunk = rf"(?:\(0\)|0)?{sep}{area}"  # "+82 (0)10", "+82-010": the trunk 0 kept by habit
        self.phone = re.compile(
            rf"(?:\+(?<![0-9A-Za-z]\+)82{sep}{trunk}"  # +82 10, +8210
            rf"|0{_B.format(0)}082{must}{trunk}|8{_B.format(8)}2{must}{trunk}"  # 0082-10, 82-10: a separator after
            rf"|\((?<![0-9A-Za-z]\()0{area}\) ?|0{_B.format(0)}{area}(?:\) ?)?)"  # (02) 345, 02)345, 02-345
            rf"{sep}\d{{3,4}}{sep}\d{{4}}" + _AFTER
        )
        self.card = re.compile(
            _num(
                "[2-69]",
                rf"(?:\d{{12,18}}|\d{{3}}{must}\d{{4}}{must}\d{{4}}{must}\d{{4}}(?:{must}\d{{1,3}})?"
                rf"|(?<=3)\d{{3}}{must}\d{{6}}{must}\d{{4,5}})",
            )
        )
        self.account = re.compile(_num(r"\d", r"(?:\d{9,13}|\d{1,7}(?:-\d{1,8}){1,4})"))
        # groups also split by spaces or dots ("110 123 456789", "110.123.456789", "3333-01 1234567"); not part of a
        # longer run of such groups (a table row, "2024 11 22 ...")
        self.account_spaced = re.compile(
            rf"\d(?<![0-9A-Za-z]\d)(?<![0-9][-. ]\d)\d{{0,6}}(?:{must}\d{{1,8}}){{1,4}}"
            r"(?![0-9A-Za-z])(?! ?[-.]? ?[0-9])"
        )
        # local part (RFC 6531): ASCII as before; Latin and other non-Hangul scripts (müller@); or Hangul and other
        # scripts without ASCII letters (홍길동@), so "메일hong@…" still starts at "hong". Domain labels in any script
        # (IDN); the top-level domain ASCII, punycode (xn--3e0b707e), a Hangul one (.한국 and the few others, after
        # which particles may follow) or one in another script.
        local = (
            r"(?:[A-Za-z0-9_%+\-](?<![A-Za-z0-9._%+\-][A-Za-z0-9_%+\-])(?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_%+\-])?"
            r"|[^\W\d_가-힣ㄱ-ㅣ](?<![^\W가-힣ㄱ-ㅣ].)(?<![.%+\-].)(?:[^\W가-힣ㄱ-ㅣ]|[.%+\-](?=[^\W가-힣ㄱ-ㅣ]))*"
            r"|[^\W\d_A-Za-z](?<![\w.%+\-].)(?:[^\WA-Za-z]|[.%+\-](?=[^\WA-Za-z]))*)"
        )
        tld = (
            r"(?:[A-Za-z]{2,24}(?![A-Za-z0-9\-])|xn--[A-Za-z0-9\-]{1,59}[A-Za-z0-9](?![A-Za-z0-9\-])"
            r"|(?:한국|닷컴|닷넷|삼성)|[^\W\d_A-Za-z가-힣ㄱ-ㅣ]{2,63}(?![^\W가-힣])(?!-))"
        )
        self.email = re.compile(local + r"@(?:[^\W_](?:[\w\-]*[^\W_])?\.)+" + tld)
        ascii_end = r"(?![A-Za-z0-9])(?!-[A-Za-z0-9])"
        self.passport = re.compile(
            r"[MSRODG](?<![A-Za-z0-9][MSRODG])(?<![A-Za-z0-9]-[MSRODG])(?:\d{8}|\d{3}[A-Z]\d{4})" + ascii_end
        )
        self.passport_loose = re.compile(
            r"[A-Za-z0-9](?<![A-Za-z0-9][A-Za-z0-9])(?<![A-Za-z0-9]-[A-Za-z0-9])[A-Za-z0-9]{7,8}" + ascii_end
        )
        self.ipv4 = re.compile(r"\d(?<![0-9A-Za-z]\d)(?<![0-9]\.\d)\d{0,2}(?:\.\d{1,3}){3}(?![0-9A-Za-z])(?!\.[0-9])")
        self.ipv6 = re.compile(
            r"(?<![0-9A-Za-z.])(?<![0-9A-Fa-f]{2}:)(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)"  # two colons ahead
            r"[0-9A-Fa-f:]{3,39}(?:\.\d{1,3}){0,3}(?![0-9A-Za-z:])(?!\.\d)"
        )  # checked by _ipv6_ok
        self.aws_access = re.compile(
            r"A(?<![A-Za-z0-9]A)(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)[A-Z0-9]{16}(?![A-Za-z0-9])"
        )
        # '=' may precede (key=SECRET) but not follow (that is base64 padding of a longer blob)
        self.aws_secret = re.compile(r"[A-Za-z0-9/+](?<![A-Za-z0-9/+].)[A-Za-z0-9/+]{39}(?![A-Za-z0-9/+=])")
        self.slack = re.compile(
            r"(?<![A-Za-z0-9])(?:xox[abeprs]-|xoxe\.xox[bp]-|xapp-)[0-9A-Za-z][0-9A-Za-z-]{8,}[0-9A-Za-z]"
            r"|(?<![A-Za-z0-9])(?:https?://)?hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{8,}"
        )


@cache
def _patterns() -> _Patterns:
    """Compiled on the first construction, not at import: a process that never scans for PII pays nothing."""
    return _Patterns()


def _card_ok(digits: str) -> bool:
    """Known issuer prefix with that issuer's lengths, and Luhn."""
    n = len(digits)
    two = int(digits[:2])
    if digits[0] == "4":
        length_ok = n in (13, 16, 19)  # Visa
    elif digits[0] == "9":
        length_ok = n == 16  # Korean domestic (BC and the like)
    elif two in (34, 37):
        length_ok = n == 15  # Amex
    elif two in (30, 36, 38):
        length_ok = 14 <= n <= 16  # Diners
    elif (
        51 <= two <= 55
        or 2221 <= int(digits[:4]) <= 2720
        or two in (35, 62, 65)
        or digits.startswith("6011")
        or 644 <= int(digits[:3]) <= 649
    ):
        length_ok = 16 <= n <= 19  # Mastercard, JCB, UnionPay, Discover
    else:
        return False
    return length_ok and luhn_ok(digits)


def _ipv4_ok(value: str) -> bool:
    """Four decimal octets 0-255 without leading zeros ("010.1.1.1" is not an address anyone writes)."""
    parts = value.split(".")
    return len(parts) == 4 and all(p == "0" or (p[0] != "0" and int(p) <= 255) for p in parts)


def _ipv6_ok(value: str) -> bool:
    """RFC 4291 text forms (full, "::"-compressed, IPv4-suffixed). To keep `a::1`-like code and times out, it must
    also hold a digit and a group of 3+ hex digits (fe80, 2001, ffff ... every routable prefix has one)."""
    hex_part, slots = value, 8
    if "." in value:
        cut = value.rfind(":") + 1
        if not _ipv4_ok(value[cut:]):
            return False
        hex_part, slots = (value[:cut] if value[:cut].endswith("::") else value[: cut - 1]), 6
    if hex_part.count("::") > 1:
        return False
    if "::" in hex_part:
        left, right = hex_part.split("::")
        groups = (left.split(":") if left else []) + (right.split(":") if right else [])
        if len(groups) >= slots:
            return False
    else:
        groups = hex_part.split(":")
        if len(groups) != slots:
            return False
    if not all(0 < len(g) <= 4 for g in groups) or not any(len(g) >= 3 for g in groups):
        return False
    return any(c in _DIGIT_CHARS for c in value)


def _secret_ok(value: str) -> bool:
    """Random base64 mixes upper, lower and digits; a hex SHA-1 or a word never does. Many '/' means a path."""
    has_digit = any(c in _DIGIT_CHARS for c in value)
    return has_digit and value != value.lower() and value != value.upper() and value.count("/") + value.count("+") <= 4


class PiiDetector:
    """Finds PII in a text. Build once (all patterns are compiled on the first construction) and share it:
    `find` holds no state."""

    __slots__ = ("_p", "_report", "_scan")

    def __init__(self, types: Collection[str] = ENTITY_TYPES) -> None:
        unknown = sorted(set(types) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown PII types: {', '.join(unknown)} (known: {', '.join(ENTITY_TYPES)})")
        self._report = frozenset(types)
        self._scan = frozenset(self._report.union(*(_SHADOWS.get(t, ()) for t in self._report)))
        self._p = _patterns()

    def find(self, text: str) -> list[Finding]:
        """Non-overlapping findings sorted by start; `text[f.start:f.end]` is the entity. Matching runs on the
        folded text (`bot.guardrails.fold`: full-width digits, Unicode dashes and spaces ...), which has the same
        offsets, so the spans are the original's."""
        text = fold(text)
        scan = self._scan
        out: list[Finding] = []
        digits = sum(map(text.count, _DIGIT_CHARS))
        if digits >= 9:
            if "rrn" in scan or "frn" in scan:
                self._registrations(text, out)
                if digits >= 13 and has_labels(text.lower()):
                    out.extend(split_registrations(text, scan))
            if "phone" in scan:
                out.extend(Finding("phone", m.start(), m.end()) for m in self._p.phone.finditer(text))
            if "card" in scan and digits >= 13:
                self._cards(text, out)
            if "bank_account" in scan and digits >= 10:
                self._accounts(text, out)
        if "passport" in scan and digits >= 6:
            self._passports(text, out, digits)
        if "email" in scan and "@" in text:
            self._emails(text, out)
        if "ip" in scan and digits >= 1:
            self._ips(text, out, digits)
        if len(text) >= 20:
            self._secrets(text, out)
        out.sort(key=_start)
        if any(a.end > b.start for a, b in pairwise(out)):  # rare: resolving costs more than this check
            out = without_overlaps(out, PRIORITY)
        return out if self._scan == self._report else [f for f in out if f.kind in self._report]

    def _registrations(self, text: str, out: list[Finding]) -> None:
        p = self._p
        for m in p.registration.finditer(text):
            if not birth_date_ok(int(m[1]), int(m[2])):
                continue
            digits = m[0].replace(" ", "").replace("-", "")
            foreigner = digits[6] in "5678"
            kind = "frn" if foreigner else "rrn"
            if kind not in self._scan:
                continue
            if registration_check_ok(digits, foreigner) or context_before(
                FRN_CONTEXT if foreigner else RRN_CONTEXT, text, m.start()
            ):
                out.append(Finding(kind, m.start(), m.end()))

    def _cards(self, text: str, out: list[Finding]) -> None:
        for m in self._p.card.finditer(text):
            if _card_ok(m[0].translate(_NO_SEPARATORS)):
                out.append(Finding("card", m.start(), m.end()))

    def _accounts(self, text: str, out: list[Finding]) -> None:
        p = self._p
        claimed = {f.start for f in out}  # registration numbers, cards, phones win anyway (partial overlaps: later)
        for m in p.account.finditer(text):
            value, start, end = m[0], m.start(), m.end()
            if start in claimed:
                continue
            groups = tuple(map(len, value.split("-")))
            if groups in BANK_ACCOUNT_FORMATS or (
                10 <= sum(groups) <= 14
                and (context_before(ACCOUNT_CONTEXT, text, start) or right_after(BANK_RIGHT_BEFORE, text, start))
                and not context_before(_NOT_BANK_CONTEXT, text, start)
            ):
                out.append(Finding("bank_account", start, end))
                claimed.add(start)
        for m in p.account_spaced.finditer(text):
            value, start = m[0], m.start()
            if start in claimed or ("." not in value and " " not in value):
                continue  # plain runs and dashes only: done above
            groups = tuple(len(g) for g in value.translate(_DASHED).split("-") if g)
            if (
                groups in BANK_ACCOUNT_FORMATS
                or (
                    10 <= sum(groups) <= 14
                    and min(groups) >= 3  # not "2024 11 22 10 31"
                    and not (groups[0] <= 3 and all(g == 3 for g in groups[1:]))  # 12 500 000 000: an amount
                    and (context_before(ACCOUNT_CONTEXT, text, start) or right_after(BANK_RIGHT_BEFORE, text, start))
                    and not context_before(_NOT_BANK_CONTEXT, text, start)
                )
            ):
                out.append(Finding("bank_account", start, m.end()))

    def _emails(self, text: str, out: list[Finding]) -> None:
        """Searched only around each '@' (a local part has at most 64 characters, a domain 255): the Unicode
        local-part branches would otherwise try every Hangul word of a long message."""
        email, pos = self._p.email, 0
        at = text.find("@")
        while at >= 0:
            m = email.search(text, max(pos, at - 64), at + 256)
            if m is None:
                at = text.find("@", at + 1)
                continue
            out.append(Finding("email", m.start(), m.end()))
            pos = m.end()
            at = text.find("@", pos)

    def _passports(self, text: str, out: list[Finding], digits: int) -> None:
        p = self._p
        strict = [Finding("passport", m.start(), m.end()) for m in p.passport.finditer(text)] if digits >= 7 else []
        out.extend(strict)
        lowered = text.lower()
        if any(word in lowered for word in PASSPORT_CONTEXT):
            seen = {f.start for f in strict}
            for m in p.passport_loose.finditer(text):
                if (
                    m.start() not in seen
                    and sum(map(m[0].count, _DIGIT_CHARS)) >= 6
                    and context_before(PASSPORT_CONTEXT, text, m.start())
                ):
                    out.append(Finding("passport", m.start(), m.end()))

    def _ips(self, text: str, out: list[Finding], digits: int) -> None:
        p = self._p
        if digits >= 4 and "." in text:
            for m in p.ipv4.finditer(text):
                start = m.start()
                if (
                    _ipv4_ok(m[0])
                    and not right_after(_VERSION_WORDS, text, start)
                    and not right_before(_VERSION_AFTER, text, m.end())
                ):
                    out.append(Finding("ip", start, m.end()))
        if "::" in text or text.count(":") >= 7:
            out.extend(Finding("ip", m.start(), m.end()) for m in p.ipv6.finditer(text) if _ipv6_ok(m[0]))

    def _secrets(self, text: str, out: list[Finding]) -> None:
        p, scan = self._p, self._scan
        if "aws_access_key" in scan and "A" in text:
            out.extend(Finding("aws_access_key", m.start(), m.end()) for m in p.aws_access.finditer(text))
        if "aws_secret_key" in scan and len(text) >= 40:
            for m in p.aws_secret.finditer(text):
                if _secret_ok(m[0]) or context_before(AWS_SECRET_CONTEXT, text, m.start()):
                    out.append(Finding("aws_secret_key", m.start(), m.end()))
        if "slack_token" in scan and ("xox" in text or "xapp-" in text or "hooks.slack.com" in text):
            out.extend(Finding("slack_token", m.start(), m.end()) for m in p.slack.finditer(text))
