"""`/bedrock model`: show the defaults (the user's, the channel's, the workspace's), or set the user's own or —
admins only — the channel's (`model <m> [me|channel]`, also `나`/`채널`).

A default the policy would then skip is refused when it is set, never saved to be silently ignored: the user's must
be a chat model they may use, a channel's one everybody may use (a restricted model is for its listed users only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.caller import Caller
from bot.chat.resolve import is_chat_model, require_allowed
from bot.errors import AccessDenied, UsageError
from bot.qa.answer import Answer
from bot.qa.answers.common import L
from bot.qa.commands import resolve_model
from bot.subcommands import OTHER_USAGE

if TYPE_CHECKING:
    from bot.services import Services

_SCOPES = {"me": "me", "나": "me", "channel": "channel", "채널": "channel"}


def run(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    """`/bedrock model <args>` for an admitted caller (`bot.commands` admits them)."""
    engine, prefs = services.engine, services.prefs
    words = args.split()
    scope = _SCOPES.get(words[-1].lower()) if words else None
    name = " ".join(words[:-1] if scope else words)
    if not name:
        return _show(services, caller, lang)
    key = resolve_model(engine, name)
    model = engine.catalog.models[key]
    if not is_chat_model(model):
        raise UsageError(
            OTHER_USAGE["model"],
            ko=f"{model.name}은(는) 대화용(텍스트) 모델이 아닙니다.",
            en=f"{model.name} is not a chat (text) model.",
        )
    channel = caller.channel if scope == "channel" else None
    if scope == "channel":
        services.access.require_admin(caller.user)
        if channel is None:
            raise UsageError(OTHER_USAGE["model"], ko="채널에서 실행해 주세요.", en="Run it in a channel.")
    _settable_default(services, caller, key, for_channel=channel is not None)
    if channel is not None:
        prefs.set_channel_model(team=caller.team, channel=channel, model=key)
        done = L(
            lang,
            f"이 채널의 기본 모델을 {model.name}(으)로 정했습니다.",
            f"This channel's default model is now {model.name}.",
        )
    else:
        prefs.set_user_model(team=caller.team, user=caller.user, model=key)
        done = L(lang, f"내 기본 모델을 {model.name}(으)로 정했습니다.", f"Your default model is now {model.name}.")
    return Answer(
        intent="settings", lang=lang, title=L(lang, "기본 모델", "Default model"), lines=(done,), models=(key,)
    )


def _settable_default(services: Services, caller: Caller, key: str, *, for_channel: bool) -> None:
    """Raise `AccessDenied` for a default the policy would skip (see the module docstring)."""
    catalog = services.engine.catalog
    require_allowed(catalog, services.access, caller.user, key)
    if for_channel and not services.access.allows_model(None, key):
        name = catalog.models[key].name
        raise AccessDenied(
            ko=f"{name}은(는) 정책상 일부 사용자만 쓸 수 있어 채널 기본 모델로 정할 수 없습니다.",
            en=f"{name} is restricted to some users by the policy, so it cannot be a channel's default model.",
        )


def _show(services: Services, caller: Caller, lang: str) -> Answer:
    catalog, prefs = services.engine.catalog, services.prefs

    def shown(key: str | None) -> str:
        return catalog.models[key].name if key in catalog.models else L(lang, "없음", "none")

    channel = prefs.channel_model(team=caller.team, channel=caller.channel) if caller.channel else None
    lines = (
        f"{L(lang, '나', 'You')}: {shown(prefs.user_model(team=caller.team, user=caller.user))}",
        f"{L(lang, '이 채널', 'This channel')}: {shown(channel)}",
        f"{L(lang, '워크스페이스 기본값', 'Workspace default')}: {shown(services.settings.assistant.default_model)}",
        L(lang, f"바꾸려면: `{OTHER_USAGE['model']}`", f"To change: `{OTHER_USAGE['model']}`"),
    )
    return Answer(intent="settings", lang=lang, title=L(lang, "기본 모델", "Default models"), lines=lines)
