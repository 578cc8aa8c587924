"""The names users and admins see for what the guardrails find, in Korean and English. A masked value becomes
its label in brackets (`[주민등록번호]`, `[card number]`), in the language of the message it was in."""

from __future__ import annotations

from collections.abc import Mapping

ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "rrn": ("주민등록번호", "resident registration number"),
    "frn": ("외국인등록번호", "foreigner registration number"),
    "phone": ("전화번호", "phone number"),
    "card": ("카드번호", "card number"),
    "bank_account": ("계좌번호", "bank account number"),
    "email": ("이메일", "e-mail address"),
    "passport": ("여권번호", "passport number"),
    "ip": ("IP 주소", "IP address"),
    "aws_access_key": ("AWS 액세스 키", "AWS access key"),
    "aws_secret_key": ("AWS 시크릿 키", "AWS secret key"),
    "slack_token": ("Slack 토큰", "Slack token"),
    "word": ("금칙어", "filtered word"),
}
ATTACK_LABELS: dict[str, tuple[str, str]] = {
    "instruction_override": ("지시 무시 요청", "instruction override"),
    "prompt_extraction": ("시스템 프롬프트 추출 시도", "system-prompt extraction"),
    "roleplay_jailbreak": ("역할극 탈옥 시도", "role-play jailbreak"),
}


def label(kind: str, lang: str, named: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The shown name of `kind`: built-in entities and attacks here; custom regexes and topics from the policy
    (`named`, keyed by the full kind); Bedrock Guardrails' own types as Bedrock names them."""
    pair = ENTITY_LABELS.get(kind) or (named or {}).get(kind)
    if pair is None and kind.startswith("attack:"):
        pair = ATTACK_LABELS.get(kind.removeprefix("attack:"))
    if pair is None and kind.startswith("bedrock:"):
        detail = kind.split(":")[-1]
        return f"Bedrock Guardrails ({detail})"
    if pair is None:
        return kind.split(":", 1)[-1]
    return pair[0] if lang == "ko" else pair[1]


def placeholder(kind: str, lang: str, named: Mapping[str, tuple[str, str]] | None = None) -> str:
    return f"[{label(kind, lang, named)}]"
