"""`/bedrock guardrails [reload]` (admins): the active policy at a glance, and reloading it without a restart."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.errors import ConfigError, StoreUnavailable
from bot.guardrails.guard import Guard
from bot.guardrails.labels import ATTACK_LABELS, label
from bot.guardrails.pii import ENTITY_TYPES
from bot.qa.answer import Answer
from bot.qa.answers.common import L

_ACTION_NAMES = {
    "mask": ("가림", "masked"),
    "block": ("차단", "blocked"),
    "allow": ("허용", "allowed"),
    "warn": ("경고", "warned"),
}


def _action(action: str, lang: str) -> str:
    ko, en = _ACTION_NAMES[action]
    return ko if lang == "ko" else en


def describe(guard: Guard, lang: str, *, team: str, today: date) -> Answer:
    """The policy a replica runs: file, digest, load time, every rule by action, Bedrock Guardrails, today's
    intervention counts (when Redis answers)."""
    loaded = guard.loaded
    policy, named = loaded.local.policy, loaded.local.named
    lines = [
        L(lang, "정책 파일", "Policy file")
        + f": `{guard.path.name}` · {loaded.digest} · "
        + L(lang, "읽은 시각", "loaded")
        + f" {loaded.at:%Y-%m-%d %H:%M} UTC",
    ]
    by_action: dict[str, list[str]] = {}
    for entity in ENTITY_TYPES:
        by_action.setdefault(policy.action(entity), []).append(label(entity, lang))
    for custom in policy.custom:
        by_action.setdefault(custom.action, []).append(label(f"custom:{custom.name}", lang, named) + " (regex)")
    for action in ("block", "mask", "allow"):
        if by_action.get(action):
            lines.append(
                f"{L(lang, '민감정보', 'Sensitive information')} — {_action(action, lang)}: "
                + ", ".join(by_action[action])
            )
    for topic in policy.denied_topics:
        desc = topic.description.ko if lang == "ko" else topic.description.en
        lines.append(
            f"{L(lang, '금지 주제', 'Denied topic')}: *{label(f'topic:{topic.name}', lang, named)}* — {desc} "
            + L(
                lang,
                f"(표현 {len(topic.phrases)}개, 예시 {len(topic.examples)}개)",
                f"({len(topic.phrases)} phrases, {len(topic.examples)} examples)",
            )
        )
    words = policy.word_filters
    lines.append(
        L(
            lang,
            f"금칙어: {len(words.words)}개, {_action(words.action, lang)}",
            f"Word filters: {len(words.words)} words, {_action(words.action, lang)}",
        )
    )
    attack = policy.prompt_attack
    kinds = ", ".join((ko if lang == "ko" else en) for ko, en in ATTACK_LABELS.values())
    extra = sum(len(v) for v in attack.extra.values())
    lines.append(
        L(
            lang,
            f"프롬프트 공격 ({kinds}): {_action(attack.action, lang)}, 추가 표현 {extra}개",
            f"Prompt attacks ({kinds}): {_action(attack.action, lang)}, {extra} extra phrases",
        )
    )
    bedrock = guard.bedrock
    lines.append(
        "Bedrock Guardrails: "
        + (f"`{bedrock.identifier}` v{bedrock.version}" if bedrock else L(lang, "설정 안 됨", "not configured"))
    )
    lines.append(_today(guard, lang, team, today))
    return Answer(
        intent="guardrails",
        lang=lang,
        title=L(lang, "가드레일 정책", "Guardrail policy"),
        lines=tuple(lines),
        notes=(L(lang, "다시 읽기: `/bedrock guardrails reload`", "Reload: `/bedrock guardrails reload`"),),
    )


def _today(guard: Guard, lang: str, team: str, today: date) -> str:
    if guard.interventions is None:
        return L(lang, "오늘 개입: 기록 없음(저장소 없음)", "Interventions today: not recorded (no store)")
    try:
        counts = guard.interventions.day(team, today)
    except StoreUnavailable:
        return L(lang, "오늘 개입: 저장소(Redis) 응답 없음", "Interventions today: the store (Redis) did not answer")
    actions: Counter[str] = Counter()
    for (_source, _kind, action, *_rest), n in counts.items():
        actions[action] += n
    total = sum(actions.values())
    detail = ", ".join(f"{_action(a, lang)} {n}" for a, n in sorted(actions.items()))
    return L(lang, f"오늘 개입: {total}건", f"Interventions today: {total}") + (f" ({detail})" if detail else "")


def reload(guard: Guard, lang: str, *, team: str, today: date) -> Answer:
    """Reload; a bad file answers with its problems and the running policy stays."""
    try:
        guard.reload()
    except ConfigError as exc:
        return Answer(
            intent="guardrails",
            lang=lang,
            title=L(lang, "가드레일 정책: 다시 읽지 않음", "Guardrail policy: not reloaded"),
            lines=(
                L(
                    lang,
                    "정책 파일에 문제가 있어 기존 정책을 그대로 씁니다:",
                    "The policy file has problems, so the running policy stays:",
                ),
                *(f"• {p}" for p in exc.problems[:10]),
            ),
            ok=False,
        )
    view = describe(guard, lang, team=team, today=today)
    done = L(
        lang,
        "정책을 다시 읽었습니다. 다른 복제본도 곧 따라 읽습니다.",
        "Policy reloaded. Other replicas follow within seconds.",
    )
    return Answer(intent=view.intent, lang=lang, title=view.title, lines=(done, *view.lines), notes=view.notes)
