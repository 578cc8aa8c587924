"""What App Home shows a user: capabilities, examples, commands, their default model, their usage this month; and
the assistant panel's greeting. Both admit the caller first (`AccessPolicy.admit`): a workspace or place the policy
refuses gets the refusal (`AccessDenied`), never the home view or the greeting. App Home is outside any channel, so
only the workspace rule applies there; the panel is a DM, so `direct_messages` applies too."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import prompts
from bot.caller import Caller
from bot.chat.resolve import is_chat_model
from bot.errors import StoreUnavailable
from bot.qa.answers.common import L
from bot.qa.commands import USAGE
from bot.services import Services
from bot.subcommands import OTHER_USAGE
from bot.usage.report import home_lines


@dataclass(frozen=True)
class Home:
    """Plain values for the App Home view (Slack's builder renders them)."""

    lang: str
    examples: tuple[str, ...]
    commands: tuple[str, ...]
    models: tuple[tuple[str, str], ...]  # (catalog key, display name) of the chat (text) models
    current_model: str | None
    default_model: str
    usage_lines: tuple[str, ...]
    as_of: str


def examples(lang: str) -> tuple[str, ...]:
    """Example questions (prompts/examples.<lang>.md, one per line): App Home, greetings, suggested prompts."""
    return tuple(line.strip() for line in prompts.render("examples", lang).splitlines() if line.strip())


def greeting(services: Services, caller: Caller, lang: str) -> str:
    """The assistant panel's first message, for an admitted caller (the panel's DM is `caller.channel`)."""
    services.access.admit(caller)
    return prompts.render("greeting", lang, as_of=services.engine.catalog.prices_as_of().isoformat()).strip()


def user_lang(services: Services, caller: Caller) -> str:
    """The language of the user's last message, else the configured default."""
    try:
        known = services.prefs.user_lang(team=caller.team, user=caller.user)
    except StoreUnavailable:
        known = None
    return known or services.settings.catalog.default_language


def home(services: Services, caller: Caller) -> Home:
    """App Home for an admitted caller; the picker offers only the models the policy lets them use."""
    services.access.admit(replace(caller, channel=None))
    catalog, access = services.engine.catalog, services.access
    lang = user_lang(services, caller)
    try:
        current = services.prefs.user_model(team=caller.team, user=caller.user)
    except StoreUnavailable:
        current = None
    usage_lines = _usage_lines(services, caller, lang)
    models = tuple(
        (m.key, m.name)
        for m in catalog.models.values()
        if is_chat_model(m) and m.lifecycle == "active" and access.allows_model(caller.user, m.key)
    )
    return Home(
        lang=lang,
        examples=examples(lang),
        commands=(*USAGE.values(), *(u for name, u in OTHER_USAGE.items() if name != "status")),
        models=models,
        current_model=current if current in dict(models) else None,
        default_model=services.settings.assistant.default_model,
        usage_lines=usage_lines,
        as_of=catalog.prices_as_of().isoformat(),
    )


def _usage_lines(services: Services, caller: Caller, lang: str) -> tuple[str, ...]:
    """The user's month and budget; a line saying why when the ledger cannot be read."""
    if services.ledger is None:
        return ()
    try:
        return home_lines(services.ledger, services.budgets, services.engine.catalog, caller, lang)
    except StoreUnavailable:
        return (
            L(
                lang,
                "저장소(Redis)가 응답하지 않아 사용량을 표시하지 못했습니다.",
                "The store (Redis) did not answer, so your usage cannot be shown right now.",
            ),
        )
