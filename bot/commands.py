"""Every `/bedrock` subcommand and every message to the bot, one entry point per kind for all front ends.

Catalog subcommands (help, models, price, cost, compare, recommend) run in `bot.qa.commands`; the settings and
admin ones live here: `model` (default model per user or channel), `status` (admins). `try`, `reset` and `usage`
check their arguments now and say plainly that chatting with models and usage reports are not enabled yet.
"""

from __future__ import annotations

from bot.errors import InputError, UsageError
from bot.qa.answer import Answer
from bot.qa.answers.common import L
from bot.qa.answers.info import help_answer
from bot.qa.commands import (
    SUBCOMMANDS,
    catalog_subcommand,
    is_command,
    resolve_model,
    run_catalog,
    split_command,
    unknown_subcommand,
)
from bot.services import Caller, Services
from bot.store.client import answers
from bot.subcommands import OTHER_SUBCOMMANDS, OTHER_USAGE, other_subcommand

MAX_MESSAGE = 4000  # characters; a catalog question is a sentence, a pasted document is not a question

ALL_SUBCOMMANDS = (*SUBCOMMANDS, *OTHER_SUBCOMMANDS)
_SCOPES = {"me": "me", "나": "me", "channel": "channel", "채널": "channel"}


def run_subcommand(services: Services, caller: Caller, text: str) -> Answer:
    """Run `/bedrock <subcommand> args` for `caller`; wrong arguments raise `UsageError` with the usage line."""
    sub, args, lang = split_command(text, services.engine.parser.default_lang)
    if not sub:
        return help_answer(services.engine.ctx, lang)
    if (name := catalog_subcommand(sub)) is not None:
        return run_catalog(services.engine, name, args, lang)
    match other_subcommand(sub):
        case "model":
            return _model(services, caller, args, lang)
        case "status":
            return _status(services, caller, lang)
        case "try" if len(args.split()) < 2:
            raise UsageError(
                OTHER_USAGE["try"], ko="모델과 프롬프트가 필요합니다.", en="A model and a prompt are needed."
            )
        case "try":
            resolve_model(services.engine, args.split()[0])
            return _not_yet("try", lang)
        case "reset" | "usage" as name:
            return _not_yet(name, lang)
    raise unknown_subcommand(sub, ALL_SUBCOMMANDS)


def answer_message(services: Services, caller: Caller, text: str) -> Answer:
    """A message to the bot (mention, DM, assistant panel): a command, or a question for the catalog."""
    text = text.strip()
    if not text:
        return help_answer(services.engine.ctx, services.settings.catalog.default_language)
    if len(text) > MAX_MESSAGE:
        raise InputError(
            ko=f"메시지가 너무 깁니다 ({len(text):,}자). {MAX_MESSAGE:,}자 이내의 질문으로 보내 주세요.",
            en=f"That message is too long ({len(text):,} characters). Send a question under {MAX_MESSAGE:,}.",
        )
    return run_subcommand(services, caller, text) if is_command(text) else services.engine.ask(text)


def _model(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    engine, prefs = services.engine, services.prefs
    words = args.split()
    scope = _SCOPES.get(words[-1].lower()) if words else None
    name = " ".join(words[:-1] if scope else words)
    if not name:
        return _model_defaults(services, caller, lang)
    key = resolve_model(engine, name)
    model = engine.catalog.models[key]
    if model.kind != "text":
        raise UsageError(
            OTHER_USAGE["model"],
            ko=f"{model.name}은(는) 대화용(텍스트) 모델이 아닙니다.",
            en=f"{model.name} is not a chat (text) model.",
        )
    if scope == "channel":
        services.access.require_admin(caller.user)
        if caller.channel is None:
            raise UsageError(OTHER_USAGE["model"], ko="채널에서 실행해 주세요.", en="Run it in a channel.")
        prefs.set_channel_model(team=caller.team, channel=caller.channel, model=key)
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


def _model_defaults(services: Services, caller: Caller, lang: str) -> Answer:
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


def _status(services: Services, caller: Caller, lang: str) -> Answer:
    services.access.require_admin(caller.user)
    catalog, access, server = services.engine.catalog, services.access, services.settings.server
    ok = answers(services.redis)
    lines = (
        f"Redis: {'OK' if ok else L(lang, '응답 없음', 'not answering')} ({services.settings.redis.redacted_url()})",
        L(lang, "카탈로그", "Catalog") + f": {len(catalog.models)} models, {len(catalog.services)} services, "
        f"{L(lang, '가격 기준일', 'prices as of')} {catalog.prices_as_of().isoformat()}",
        L(lang, "접근 정책", "Access policy") + f": {len(access.workspaces) or 'any'} workspaces, "
        f"{len(access.channels.allow) or 'any'} allowed / {len(access.channels.deny)} denied channels, "
        f"DM {'on' if access.direct_messages else 'off'}, {len(access.admins)} admins",
        L(lang, "작업 스레드", "Listener threads") + f": {server.listener_threads}",
    )
    return Answer(intent="status", lang=lang, title=L(lang, "봇 상태", "Bot status"), lines=lines)


def _not_yet(name: str, lang: str) -> Answer:
    what = {
        "try": ("모델과 대화하기", "Chatting with a model"),
        "reset": ("대화 기억 초기화", "Resetting a conversation"),
        "usage": ("사용량 보고", "Usage reports"),
    }[name]
    return Answer(
        intent="not_enabled",
        lang=lang,
        title=L(lang, f"{what[0]}: 아직 사용할 수 없음", f"{what[1]}: not enabled yet"),
        lines=(
            L(
                lang,
                f"`/bedrock {name}`은(는) 아직 이 배포에서 켜지지 않았습니다. "
                "지금은 카탈로그 질문(가격, 비교, 추천)에 답합니다.",
                f"`/bedrock {name}` is not enabled in this deployment yet. For now I answer catalog questions "
                "(prices, comparisons, recommendations).",
            ),
            L(lang, "도움말: `/bedrock help`", "Help: `/bedrock help`"),
        ),
        ok=False,
    )
