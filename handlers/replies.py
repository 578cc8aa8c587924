"""Running a `/bedrock` command line for a user and answering through the response_url (slash commands and
the buttons that carry a command line)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond

from bot.chat.asks import ChatAsk, CompareAsk
from bot.commands import run_subcommand
from bot.qa.text import detect_lang
from handlers.boundary import boundary
from handlers.chat import compare_message, start_try
from handlers.context import caller_of, client_of, log_context, services_of
from handlers.post import error_message, render, respond_to


def run_and_respond(context: BoltContext, respond: Respond, text: str, *, public: bool, **ids: Any) -> bool:
    """Run `text` (a command line without `/bedrock`) and respond: ephemerally with a Share button, or in the
    channel when `public`. Errors are answered ephemerally, in the user's language. True when the answer went out."""
    services = services_of(context)
    lang = detect_lang(text, services.settings.catalog.default_language)
    ctx = log_context(context, chars=len(text), **ids)

    def reply(message: str) -> None:
        respond_to(respond, error_message(message, lang), ctx=ctx)

    sent = False
    with boundary(reply, lang, ctx):
        caller = caller_of(context)
        match run_subcommand(services, caller, text):  # admits the caller first (the access policy)
            case ChatAsk() as ask:
                start_try(services, client_of(context), respond, caller=caller, ask=ask, ctx=ctx)
                sent = True
            case CompareAsk() as ask:
                sent = respond_to(respond, compare_message(services, caller, ask, text), public=public, ctx=ctx)
            case answer:
                message = render(services, answer, share_command=None if public else answer.command)
                sent = respond_to(respond, message, public=public, ctx=ctx)
    return sent
