"""Finishing, in the core, an answer whose process died while it streamed (found by a sweeper in the stream journal,
`bot.store.journal`): its usage is estimated and recorded as such, and the partial turn is remembered, marked.

Nothing is called again: the text is what the dead process had shown (already masked by the guardrails). The
usage is the journal's estimate of the call's input plus the tokens of the text shown, flagged `estimated` in the
ledger (the usage report and the digest count such events apart); Bedrock's own figures died with the stream.
It is priced on the id (route) and tier the dead process journaled it was calling (the tier asked for: the one
served died with the stream).
"""

from __future__ import annotations

import logging

from bot.caller import Caller
from bot.catalog.dimensions import ServiceTier, route_of, tier_of
from bot.chat.chat import Chat
from bot.chat.model import Completion
from bot.chat.plan import CallPlan
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens
from bot.chat.types import ChatResult, Cost, Usage
from bot.errors import StoreUnavailable
from bot.qa.answers.common import L
from bot.store.journal import Entry
from bot.store.memory import ThreadRef, Turn

log = logging.getLogger(__name__)


def finish_interrupted(chat: Chat, entry: Entry) -> ChatResult:
    """Bill and remember the partial answer of `entry`; the result the Slack side shows under it."""
    caller = Caller(entry.team, entry.user, entry.channel, entry.thread_ts or None)
    text = entry.text
    model = chat.catalog.models.get(entry.model)
    usage = Usage(input_tokens=entry.prompt_tokens, output_tokens=estimate_tokens(text), estimated=True)
    cost = Cost(usd=None, region=chat.region)
    if entry.settled:  # the dead process had billed and remembered the turn: only its message is unfinished
        log.warning("abandoned answer finished (already billed)", extra={"stream": entry.id, "channel": entry.channel})
        return _result(entry, model.name if model else "-", Usage(), cost)
    if model is not None:  # the call was made (the core names the model just before calling it)
        call = Completion(text=text, usage=usage, stop_reason="interrupted", interrupted=True)
        cost = chat.account(caller, entry.feature, entry.model, call, _plan(chat, entry))
    else:
        usage = Usage(estimated=True)
    if chat.memory is not None and text.strip() and entry.question:
        ref = ThreadRef(entry.team, entry.channel or "-", entry.thread_ts or "-")
        turns = [
            Turn("user", entry.question, estimate_tokens(entry.question) + MESSAGE_OVERHEAD),
            Turn("assistant", text, estimate_tokens(text) + MESSAGE_OVERHEAD, entry.model or None, interrupted=True),
        ]
        try:
            chat.memory.append(ref, entry.user, turns)
        except StoreUnavailable:
            log.warning("interrupted turn not remembered: Redis did not answer", extra={"stream": entry.id})
    log.warning(
        "abandoned answer finished as interrupted",
        extra={"stream": entry.id, "channel": entry.channel, "model": entry.model or "-", "claims": entry.claims},
    )
    return _result(entry, model.name if model is not None else "-", usage, cost)


def _plan(chat: Chat, entry: Entry) -> CallPlan | None:
    """How the dead process was calling: the id and tier it journaled (None: an older entry, the default plan)."""
    if not entry.profile:
        return None
    tier = tier_of(entry.tier) or ServiceTier.standard
    return CallPlan(entry.model, entry.profile, route_of(entry.profile), tier, "5m")


def _result(entry: Entry, model_name: str, usage: Usage, cost: Cost) -> ChatResult:
    lang, text = entry.lang or "en", entry.text
    return ChatResult(
        lang=lang,
        feature=entry.feature,
        model=entry.model or "-",
        model_name=model_name,
        requested=entry.model or "-",
        text=text,
        usage=usage,
        cost=cost,
        stop_reason="interrupted",
        interrupted=True,
        error=None if text.strip() else lost_answer(lang),
        notices=(restarted(lang),),
        thread=entry.thread_ts or "-",
    )


def restarted(lang: str) -> str:
    return L(
        lang,
        "답변을 쓰던 서버가 중단되어 여기서 멈췄습니다. 사용량은 추정치로 기록했어요. 필요하면 다시 질문해 주세요.",
        "The server writing this answer stopped, so it ends here; its usage was recorded as an estimate. "
        "Ask again if you need the rest.",
    )


def lost_answer(lang: str) -> str:
    return L(
        lang,
        "답변을 쓰던 서버가 중단되어 답변을 보내지 못했습니다. 다시 질문해 주세요.",
        "The server writing the answer stopped before any of it was sent. Please ask again.",
    )
