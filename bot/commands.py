"""Every `/bedrock` subcommand and every message to the bot, one entry point per kind for all front ends.

Each returns what to do, not how to show it: an `Answer` (catalog and settings replies), a `ChatAsk` (a message
for a model: `try`, a thread bound to a model, a named model, or a free-form question for the catalog assistant)
or a `CompareAsk` (`compare <m1,m2> <prompt>`). Front ends run the asks through `services.chat` / `.comparer`
and render the results.

Both entry points first admit the caller (`AccessPolicy.admit`: workspace, channel, DMs; `AccessDenied`
otherwise); then `_screened` drops control bytes and lone surrogates (`bot.sanitize`), refuses a text over
`MAX_MESSAGE` and passes the input guardrails: routing, the catalog, memory and models see only the masked
text, and a blocked message raises `GuardBlocked`. A model named outright (`try`, `<model>: prompt`,
`model <m>`) is checked against the policy's model rules before anything is posted or saved.

Routing of a message, most specific first: a command → `reset` in a thread → `<model>: prompt` → a thread bound
to a model → a question the catalog answers → the catalog assistant (a model with the catalog as tools).
`usage` and `budget` read the usage ledger (`bot.usage.report`); without Redis they say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import model_defaults, tier_defaults
from bot.caller import Caller
from bot.chat.asks import ChatAsk, CompareAsk, parse_live, take_tier
from bot.chat.resolve import chat_model, is_chat_model, require_allowed
from bot.errors import InputError, StoreUnavailable, UsageError
from bot.guardrails import view as guardrail_view
from bot.guardrails.guard import where
from bot.qa.answer import Answer
from bot.qa.answers.common import L
from bot.qa.answers.info import help_answer
from bot.qa.commands import (
    SUBCOMMANDS,
    catalog_subcommand,
    is_command,
    run_catalog,
    split_command,
    unknown_subcommand,
)
from bot.qa.text import detect_lang
from bot.sanitize import clean
from bot.store.client import answers
from bot.store.interventions import today_in_digest_tz
from bot.subcommands import OTHER_SUBCOMMANDS, OTHER_USAGE, other_subcommand
from bot.usage import report as usage_report

if TYPE_CHECKING:
    from bot.services import Services

MAX_MESSAGE = 12_000  # characters: a pasted page to summarise fits; Slack's own limit is 40,000
Reply = Answer | ChatAsk | CompareAsk
_RESET_WORDS = {"reset", "초기화", "리셋", "/reset"}
_NAMED = re.compile(r"^\s*([\w.\-]+(?:\s[\w.\-]+){0,3})\s*[:：]\s*(\S.*)$", re.DOTALL)

ALL_SUBCOMMANDS = (*SUBCOMMANDS, *OTHER_SUBCOMMANDS)


def run_subcommand(services: Services, caller: Caller, text: str) -> Reply:
    """Run `/bedrock <subcommand> args` for `caller`; wrong arguments raise `UsageError` with the usage line."""
    services.access.admit(caller)
    return _screened(services, caller, text.strip(), lambda masked: _subcommand(services, caller, masked))


def _subcommand(services: Services, caller: Caller, text: str) -> Reply:
    sub, args, lang = split_command(text, services.engine.parser.default_lang)
    if not sub:
        return help_answer(services.engine.ctx, lang)
    if (name := catalog_subcommand(sub)) is not None:
        if name == "compare":
            live = parse_live(services.engine, args, lang, services.settings.chat.compare_max_models)
            if live is not None:
                return live
        return run_catalog(services.engine, name, args, lang)
    match other_subcommand(sub):
        case "model":
            return model_defaults.run(services, caller, args, lang)
        case "status":
            return _status(services, caller, lang)
        case "try":
            return _try(services, caller, args, lang)
        case "tier":
            return tier_defaults.run(services, caller, args, lang)
        case "reset":
            return reset(services, caller, lang)
        case "usage":
            return _usage(services, caller, args, lang)
        case "budget":
            return _budget(services, caller, args, lang)
        case "guardrails":
            return _guardrails(services, caller, args, lang)
    raise unknown_subcommand(sub, ALL_SUBCOMMANDS)


def _try(services: Services, caller: Caller, args: str, lang: str) -> ChatAsk:
    """`try [--flex|--priority] <model> <prompt>`: the model and the tier are checked before anything is posted."""
    tier, args = take_tier(args, OTHER_USAGE["try"])
    if len(args.split()) < 2:
        raise UsageError(OTHER_USAGE["try"], ko="모델과 프롬프트가 필요합니다.", en="A model and a prompt are needed.")
    name, prompt = args.split(maxsplit=1)
    key = chat_model(services.engine, name)
    require_allowed(services.engine.catalog, services.access, caller.user, key)  # before the public post
    if tier is not None:
        services.chat.plans(caller, (key,), lang, tier)  # a tier the model lacks is refused now, not after posting
    return ChatAsk(text=prompt.strip(), lang=lang, feature="try", named=key, bind=True, tier=tier)


def answer_message(services: Services, caller: Caller, text: str) -> Reply:
    """A message to the bot (mention, DM, assistant panel), routed as the module docstring says."""
    services.access.admit(caller)
    text = text.strip()
    if not text:
        return help_answer(services.engine.ctx, services.settings.catalog.default_language)
    return _screened(services, caller, text, lambda masked: _route(services, caller, masked))


def _route(services: Services, caller: Caller, text: str) -> Reply:
    if is_command(text):
        return _subcommand(services, caller, text)
    lang = detect_lang(text, services.settings.catalog.default_language)
    if text.lower() in _RESET_WORDS:
        return reset(services, caller, lang)
    if (named := _named_model(services, text)) is not None:
        key, prompt = named
        require_allowed(services.engine.catalog, services.access, caller.user, key)
        return ChatAsk(text=prompt, lang=lang, feature="chat", named=key, bind=True)
    if services.chat.bound_model(caller) is not None:
        return ChatAsk(text=text, lang=lang, feature="chat")
    answer = services.engine.ask(text)
    if answer.intent != "not_understood":
        return answer
    return ChatAsk(text=text, lang=lang, feature="assistant", tools=True)


def _screened(services: Services, caller: Caller, text: str, route: Callable[[str], Reply]) -> Reply:
    """The input guardrails around routing: `route` sees only the masked text; a blocked message raises
    `GuardBlocked`. A question the catalog answers reaches no model call, so it also passes Bedrock Guardrails'
    ApplyGuardrail (when configured); a model call guards its input itself. Interventions are recorded with the
    model the message was headed for, and the reply carries what to tell the user. NUL/control bytes and lone
    surrogates are dropped first (`bot.sanitize`: Bedrock refuses them); a text over `MAX_MESSAGE` is refused next,
    whatever it is (a message, a `try` prompt, a compare)."""
    text = clean(text)
    if len(text) > MAX_MESSAGE:
        raise InputError(
            ko=f"메시지가 너무 깁니다 ({len(text):,}자). {MAX_MESSAGE:,}자 이내로 나눠서 보내 주세요.",
            en=f"That message is too long ({len(text):,} characters). Send it in parts under {MAX_MESSAGE:,}.",
        )
    guard = services.guard
    lang = detect_lang(text, services.settings.catalog.default_language)
    verdict = guard.check(text, "INPUT", lang)
    if verdict.blocked:
        guard.record(where(caller, model="-", feature="message"), "INPUT", verdict.hits)
        raise guard.blocked(verdict)
    reply = route(verdict.text)
    if isinstance(reply, Answer):
        verdict = guard.standalone(verdict)
    if verdict.hits:
        model, feature = _headed_for(services, caller, reply)
        guard.record(where(caller, model=model, feature=feature), "INPUT", verdict.hits)
    if verdict.blocked:
        raise guard.blocked(verdict)
    notices = guard.notices(verdict, lang)
    match reply:
        case ChatAsk():
            return replace(reply, notices=notices, guardrail=verdict.hits)
        case CompareAsk():
            return replace(reply, notices=notices, command=verdict.text, guardrail=verdict.hits)
        case _:
            return replace(reply, notes=(*notices, *reply.notes), command=verdict.text)


def _headed_for(services: Services, caller: Caller, reply: Reply) -> tuple[str, str]:
    """(model, feature) of where a message went: the catalog, a chat model, or the compared models."""
    match reply:
        case ChatAsk() as ask:
            return services.chat.target(caller, ask.named), ask.feature
        case CompareAsk() as ask:
            return ",".join(ask.models), "compare"
        case _:
            return "catalog", "catalog"


def _named_model(services: Services, text: str) -> tuple[str, str] | None:
    """`nova-pro: 요약해줘` → (catalog key, prompt) when the part before the colon names a chat model exactly."""
    match = _NAMED.match(text)
    if match is None:
        return None
    target = services.engine.ctx.names.exact(match.group(1))
    if target is None or target.kind != "model" or not is_chat_model(services.engine.catalog.models[target.key]):
        return None
    return target.key, match.group(2).strip()


def reset(services: Services, caller: Caller, lang: str) -> Answer:
    """Forget a conversation: this thread, or (a slash command has no thread) the caller's latest chat here."""
    cleared = services.chat.reset(caller)
    title = L(lang, "대화 초기화", "Conversation reset")
    if cleared is None:
        line = L(lang, "초기화할 대화가 없습니다.", "There is no conversation to reset here.")
    else:
        line = L(
            lang,
            "이 대화의 기억(요약과 모델 선택 포함)을 지웠습니다. 다음 메시지부터 새로 시작합니다.",
            "I forgot this conversation (its summary and model choice too). The next message starts afresh.",
        )
    return Answer(intent="reset", lang=lang, title=title, lines=(line,))


def _guardrails(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    services.access.require_admin(caller.user)
    today = today_in_digest_tz()
    match args.strip().lower():
        case "":
            return guardrail_view.describe(services.guard, lang, team=caller.team, today=today)
        case "reload" | "다시읽기" | "리로드":
            return guardrail_view.reload(services.guard, lang, team=caller.team, today=today)
    raise UsageError(OTHER_USAGE["guardrails"], ko="알 수 없는 인자입니다.", en="Unknown argument.")


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
        _billing_line(services, lang),
    )
    return Answer(intent="status", lang=lang, title=L(lang, "봇 상태", "Bot status"), lines=lines)


def _billing_line(services: Services, lang: str) -> str:
    """How calls are billed here: tier, route and cache lifetime, with the per-model overrides counted."""
    chat = services.settings.chat
    overrides = len(chat.routes) + len(chat.cache_ttls)
    return L(lang, "과금 기준", "Billing") + (
        f": tier {chat.service_tier}, route {chat.route}, cache {chat.cache_ttl}"
        + (L(lang, f" (모델별 설정 {overrides}개)", f" ({overrides} per-model settings)") if overrides else "")
    )


def _usage(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    request = usage_report.parse(args)
    if request.scope == "all":
        services.access.require_admin(caller.user)
    if services.ledger is None:
        raise StoreUnavailable(ko=_NO_LEDGER[0], en=_NO_LEDGER[1])
    try:
        return usage_report.usage_answer(services.ledger, services.engine.catalog, caller, request, lang)
    except StoreUnavailable:
        raise StoreUnavailable(ko=_NO_STORE[0], en=_NO_STORE[1]) from None


def _budget(services: Services, caller: Caller, args: str, lang: str) -> Answer:
    if services.budgets is None:
        raise StoreUnavailable(ko=_NO_LEDGER[0], en=_NO_LEDGER[1])
    if not args.strip():
        return usage_report.budget_answer(services.budgets, caller, lang)
    services.access.require_admin(caller.user)
    return usage_report.override_answer(services.budgets, args, lang)


_NO_STORE = (
    "저장소(Redis)가 응답하지 않아 사용량을 읽지 못했습니다. 기록은 보관 중이니 잠시 후 다시 시도해 주세요.",
    "The store (Redis) did not answer, so usage cannot be read now. Nothing is lost: try again shortly.",
)
_NO_LEDGER = (
    "사용량 기록(Redis)이 없는 실행 환경이라 사용량과 예산을 볼 수 없습니다.",
    "Usage and budgets need the usage ledger in Redis, which this run does not have.",
)
