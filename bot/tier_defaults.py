"""`/bedrock tier`: show the service tier calls from this channel ask for, or — admins only — set it
(`tier flex`, `tier priority`, `tier standard`; `tier reset` goes back to the deployment's, `BRA_SERVICE_TIER`).

Flex is cheaper and may be slower; Priority costs more and is served first. A command's own `--flex` / `--priority`
wins over the channel's; a model the catalog has no price for on the channel's tier is called on the standard tier
and the answer says so (`bot.chat.plan`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.caller import Caller
from bot.catalog.dimensions import ServiceTier
from bot.chat.asks import TIER_WORDS
from bot.chat.plan import TIER_NAMES
from bot.errors import UsageError
from bot.qa.answer import Answer
from bot.qa.answers.common import L
from bot.subcommands import OTHER_USAGE

if TYPE_CHECKING:
    from bot.services import Services

_RESET = {"reset", "초기화", "none", "해제"}


def run(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    """`/bedrock tier [<tier>|reset]` for an admitted caller (`bot.commands` admits them)."""
    word = args.strip().lower()
    if not word:
        return _show(services, caller, lang)
    tier = TIER_WORDS.get(word.lstrip("-"))
    if tier is None and word not in _RESET:
        raise UsageError(
            OTHER_USAGE["tier"],
            ko=f"알 수 없는 등급입니다: `{args.strip()}`.",
            en=f"Unknown tier `{args.strip()}`.",
        )
    services.access.require_admin(caller.user)
    if caller.channel is None:
        raise UsageError(OTHER_USAGE["tier"], ko="채널에서 실행해 주세요.", en="Run it in a channel.")
    services.prefs.set_channel_tier(team=caller.team, channel=caller.channel, tier=tier.value if tier else None)
    if tier is None:
        deployment = _name(services.chat.planner.default_tier)
        done = L(
            lang,
            f"이 채널의 서비스 등급 설정을 지웠습니다. 배포 기본값({deployment})을 씁니다.",
            f"This channel's service tier is cleared: the deployment's ({deployment}) applies.",
        )
    else:
        offering = services.chat.planner.offering(tier)
        done = L(
            lang,
            f"이 채널의 서비스 등급을 {_name(tier)}(으)로 정했습니다. 이 등급 가격이 있는 모델 {len(offering)}개",
            f"This channel's service tier is now {_name(tier)}; {len(offering)} models have a price on it",
        )
        done += f": {', '.join(offering[:8])}{' …' if len(offering) > 8 else ''}" if offering else ""
    return Answer(intent="settings", lang=lang, title=L(lang, "서비스 등급", "Service tier"), lines=(done,))


def _show(services: Services, caller: Caller, lang: str) -> Answer:
    chat = services.chat
    channel = chat.channel_tier(caller)
    lines = (
        f"{L(lang, '이 채널', 'This channel')}: {_name(channel) if channel else L(lang, '없음', 'none')}",
        f"{L(lang, '배포 기본값', 'Deployment default')}: {_name(chat.planner.default_tier)}",
        L(
            lang,
            "명령마다 `--flex` / `--priority`로 정할 수도 있습니다. Flex는 저렴하지만 느릴 수 있고, "
            "Priority는 비싸지만 먼저 처리됩니다.",
            "A command can also say `--flex` / `--priority`. Flex is cheaper and may be slower; Priority costs more "
            "and is served first.",
        ),
        L(lang, f"바꾸려면: `{OTHER_USAGE['tier']}`", f"To change: `{OTHER_USAGE['tier']}`"),
    )
    return Answer(intent="settings", lang=lang, title=L(lang, "서비스 등급", "Service tier"), lines=lines)


def _name(tier: ServiceTier) -> str:
    return TIER_NAMES.get(tier, tier.value)
