"""Confirm / Cancel under a costly comparison's estimate: run it (once — the command is taken from Redis) and
put the result in place of the estimate, or drop it. Only the user who asked may do either (`bot.interactions`):
anyone else who clicks a shared estimate gets an ephemeral refusal, and the estimate stays for its asker."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import BoltContext, Respond

from bot.chat.asks import CompareAsk
from bot.commands import run_subcommand
from bot.interactions import NotYours, take_compare
from bot.qa.answers.common import L
from handlers.boundary import boundary
from handlers.chat import compare_message
from handlers.context import caller_of, log_context, services_of
from handlers.post import error_message, respond_to


def _lang(context: BoltContext) -> str:
    services = services_of(context)
    caller = caller_of(context)
    stored = services.prefs.user_lang(team=caller.team, user=caller.user) if caller.user != "-" else None
    return stored or services.settings.catalog.default_language


def _not_yours(respond: Respond, exc: NotYours, lang: str, ctx: dict[str, Any]) -> None:
    """The refusal to a clicker who did not ask, ephemeral, the estimate left in place. Its text is the bot's own,
    so the asker's mention stays live (every other error is escaped: it may quote what someone typed)."""
    respond_to(respond, {"text": exc.message(lang)}, ctx=ctx)


def _gone(lang: str) -> str:
    return L(lang, "이 비교는 만료되었거나 이미 실행되었습니다.", "This comparison expired or already ran.")


def handle_compare_confirm(action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    services = services_of(context)
    ctx = log_context(context, kind="compare_confirm")
    lang: str = services.settings.catalog.default_language
    taken = False  # once the caller took their compare, an error replaces its estimate (its buttons are dead)

    def reply(message: str) -> None:
        respond_to(respond, error_message(message, lang), replace=taken, ctx=ctx)

    with boundary(reply, lambda: lang, ctx):
        lang = _lang(context)
        caller = caller_of(context)
        try:
            command = take_compare(services, caller, str(action.get("value") or ""))
        except NotYours as exc:
            _not_yours(respond, exc, lang, ctx)
            return
        taken = True
        if command is None:
            reply(_gone(lang))
            return
        ask = run_subcommand(services, caller, command)
        if not isinstance(ask, CompareAsk):  # the stored command is always a live compare
            return
        respond_to(
            respond, compare_message(services, caller, replace(ask, confirmed=True), command), replace=True, ctx=ctx
        )


def handle_compare_cancel(context: BoltContext, respond: Respond, action: dict[str, Any]) -> None:
    services = services_of(context)
    ctx = log_context(context, kind="compare_cancel")
    lang: str = services.settings.catalog.default_language
    with boundary(lambda m: respond_to(respond, error_message(m, lang), ctx=ctx), lambda: lang, ctx):
        lang = _lang(context)
        try:
            take_compare(services, caller_of(context), str(action.get("value") or ""))
        except NotYours as exc:
            _not_yours(respond, exc, lang, ctx)
            return
        respond_to(respond, {"text": L(lang, "비교를 취소했습니다.", "Comparison cancelled.")}, replace=True, ctx=ctx)
