"""What the user is told about an intervention, in their language: which kinds of value were masked (never the
values), or why a message or answer was blocked (the policy's own message for a denied topic)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.errors import GuardBlocked
from bot.guardrails.labels import label
from bot.guardrails.verdict import Verdict
from bot.qa.answers.common import L


def _names(kinds: tuple[str, ...], lang: str, named: Mapping[str, tuple[str, str]]) -> str:
    return ", ".join(dict.fromkeys(label(k, lang, named) for k in kinds))


def notices(verdict: Verdict, lang: str, named: Mapping[str, tuple[str, str]]) -> tuple[str, ...]:
    """One-liners for a verdict that let the text through: what was masked, what was only warned about."""
    out = []
    masked = verdict.kinds("mask")
    if masked:
        names = _names(masked, lang, named)
        if verdict.source == "INPUT":
            out.append(
                L(
                    lang,
                    f"🔒 민감정보를 가리고 처리했습니다: {names}. 원래 값은 저장하거나 모델에 보내지 않았습니다.",
                    f"🔒 Sensitive information was masked: {names}. The original values were not stored or sent "
                    "to a model.",
                )
            )
        else:
            out.append(L(lang, f"🔒 답변에서 민감정보를 가렸습니다: {names}.", f"🔒 Masked in the answer: {names}."))
    warned = verdict.kinds("warn")
    if warned:
        out.append(
            L(
                lang,
                f"⚠️ 정책 위반으로 보이는 표현이 있어 기록했습니다: {_names(warned, lang, named)}.",
                f"⚠️ This looks like a policy violation and was recorded: {_names(warned, lang, named)}.",
            )
        )
    return tuple(out)


def blocked(verdict: Verdict, named: Mapping[str, tuple[str, str]]) -> GuardBlocked:
    """The error that answers a blocked verdict."""
    reason = verdict.reason
    assert reason is not None
    what = {lang: label(reason.kind, lang, named) for lang in ("ko", "en")}
    if verdict.message is not None:
        ko, en = verdict.message
    elif reason.kind.startswith("topic:"):
        ko = f"'{what['ko']}' 주제는 이 봇에서 다룰 수 없어 답하지 않았습니다."
        en = f"I can't help with '{what['en']}': the topic is not allowed here."
    elif reason.kind.startswith("attack:"):
        ko = f"보안 정책에 따라 처리하지 않았습니다 ({what['ko']}로 보임). 질문을 바꿔 다시 보내 주세요."
        en = f"Not processed under the security policy (it looks like a {what['en']}). Please rephrase."
    elif reason.engine == "bedrock":
        ko = "Bedrock Guardrails 정책에 따라 차단되었습니다."
        en = "Blocked by the Bedrock Guardrails policy."
    else:
        ko = f"{what['ko']}이(가) 포함되어 있어 처리하지 않았습니다. 해당 값을 지우고 다시 보내 주세요."
        en = f"Not processed: it contains a {what['en']}. Remove it and send the message again."
    if verdict.source == "OUTPUT":
        ko, en = f"답변이 차단되었습니다. {ko}", f"The answer was blocked. {en}"
    return GuardBlocked(ko=ko, en=en)
