"""The chat use case: one user message in a thread → one model answer, streamed, remembered, priced.

Steps of a turn: load the thread's memory (Redis; without it the turn still runs and says so) → choose the
model (`resolve.choose`) and how each model of the chain is called and billed (`plan.Planner`: route, service
tier, cache lifetime) → fit the history into the context window, folding the oldest turns into a summary →
build the Converse messages (system prompt, summary, history, cache points where the model supports prompt
caching) → call with retries and the fallback chain → run catalog tools when the assistant asks for them
(`tool_loop`) → price the usage from the catalog as it was billed (`cost.call_cost`) → remember both turns →
record the usage event (`bot.usage.meter`: a log line and the ledger; ids and numbers, never text). Budgets
(`bot.usage.budgets`) are checked once the model is chosen: over a limit the turn is blocked or goes to the cheaper
model the policy names.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from bot.access import AccessPolicy
from bot.caller import Caller
from bot.catalog.dimensions import ServiceTier, tier_of
from bot.catalog.schema import Model
from bot.chat.asks import ChatAsk
from bot.chat.cost import call_cost
from bot.chat.deadline import TURN_DEADLINE, Deadline
from bot.chat.model import ChatModel, Completion, ModelRequest
from bot.chat.plan import CallPlan, Planner, expired_writes, served_notice
from bot.chat.present import progress_text, stop_notice
from bot.chat.reliability import Backoff, Limits, NoAnswer, Progress, call_with_fallback
from bot.chat.resolve import Choice, choose, is_chat_model
from bot.chat.summary import Summariser, extractive
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens
from bot.chat.tool_loop import tool_loop
from bot.chat.tools import SPECS
from bot.chat.types import ChatResult, Cost, Sink, Usage, announce, settled
from bot.chat.window import fold_count, history_budget
from bot.errors import AccessDenied, ModelUnavailable, RateLimited, StoreUnavailable
from bot.guardrails.guard import Guard, where
from bot.guardrails.verdict import Source
from bot.prompts import render
from bot.qa.answers.common import L
from bot.qa.engine import Engine
from bot.sanitize import clean
from bot.settings import ChatSettings
from bot.store.memory import MemoryStore, ThreadRef, ThreadState, Turn
from bot.store.prefs import Prefs
from bot.store.rate import RateLimiter
from bot.usage.budgets import Admission, Budgets
from bot.usage.meter import Meter, actions

log = logging.getLogger(__name__)

TOOLS_TOKENS = estimate_tokens(str(SPECS))


def cache_point(ttl: str) -> dict[str, Any]:
    """A Converse cachePoint block; the 5-minute lifetime is Bedrock's default and is not spelled out."""
    return {"cachePoint": {"type": "default", "ttl": ttl}} if ttl != "5m" else {"cachePoint": {"type": "default"}}


@dataclass
class _Turn:
    """What one turn accumulates while it runs."""

    usage: Usage = field(default_factory=Usage)
    notices: list[str] = field(default_factory=list)


class Chat:
    """Chatting with Bedrock models for every front end. Thread-safe; built once (`bot.services`)."""

    def __init__(
        self,
        *,
        engine: Engine,
        access: AccessPolicy,
        prefs: Prefs | None,
        memory: MemoryStore | None,
        model: ChatModel,
        guard: Guard,
        settings: ChatSettings,
        region: str,
        default_model: str,
        prompt_lang: str = "ko",
        today: Any = date.today,
        meter: Meter | None = None,
        budgets: Budgets | None = None,
        rate: RateLimiter | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        """`prompt_lang`: the language of the system prompts (the deployment's, BRA_DEFAULT_LANGUAGE), the same
        whatever language a message is in, so a thread's cached prefix survives a switch between Korean and
        English; the prompts tell the model to answer in the user's language. `rate`: the per-user rate limit
        of billed calls; `tz` the time zone its "go on at" time is shown in."""
        self.engine, self.access, self.prefs, self.memory = engine, access, prefs, memory
        self.model, self.settings, self.region, self.default_model = model, settings, region, default_model
        self.guard = guard
        self.meter = meter or Meter(None)
        self.budgets = budgets
        self.catalog = engine.catalog
        self.backoff = Backoff(settings.model_retries, settings.retry_base_s, settings.retry_max_s)
        self.limits = Limits(settings.first_token_timeout_s, settings.turn_deadline_s, settings.progress_every_s)
        self.rate, self.tz = rate, tz
        self.today = today
        self.prompt_lang = prompt_lang
        self.planner = Planner(self.catalog, access, settings, region)
        summary_key = settings.summary_model if settings.summary_model in self.catalog.models else None
        summary_id = None
        if summary_key is not None:
            try:
                summary_id = self.planner.model_id(self.catalog.models[summary_key])
            except AccessDenied:  # the policy forbids every route of the summary model: summaries stay extractive
                log.warning("summary model has no allowed route", extra={"model": summary_key})
                summary_key = None
        self.summariser = Summariser(model if summary_key else None, summary_key, summary_id)

    # -- model choice -------------------------------------------------------------------------------------------

    def choose(self, caller: Caller, named: str | None, thread_model: str | None = None) -> Choice:
        return choose(
            catalog=self.catalog,
            access=self.access,
            prefs=self.prefs,
            team=caller.team,
            user=caller.user,
            channel=caller.channel,
            named=named,
            thread_model=thread_model,
            default=self.default_model,
        )

    def target(self, caller: Caller, named: str | None) -> str:
        """The model a message is headed for (named, the thread's, the defaults), or "-" when none may answer."""
        try:
            return self.choose(caller, named, self.bound_model(caller)).key
        except Exception:  # only a label for the intervention record; the turn reports the error
            return "-"

    def admit(self, caller: Caller, key: str, lang: str, *, can_downgrade: bool = True) -> Admission:
        """The budgets' decision on calling `key` now (raises `BudgetExceeded`); everything passes without them."""
        if self.budgets is None:
            return Admission(key)
        return self.budgets.admit(caller, key, lang, can_downgrade=can_downgrade)

    def limit(self, caller: Caller, lang: str, *, calls: int = 1) -> None:
        """Count `calls` billed model calls against the caller's rate limit (every replica shares it); raises
        `RateLimited`, saying when they may go on, when the window has no room. Nothing passes without a limiter."""
        if self.rate is None:
            return
        verdict = self.rate.take(team=caller.team, user=caller.user, calls=calls)
        if verdict.allowed:
            return
        at = datetime.now(self.tz) + timedelta(seconds=math.ceil(verdict.retry_after_s))
        log.info("rate limited", extra={"user": caller.user, "calls": calls, "retry_after_s": verdict.retry_after_s})
        raise RateLimited(
            limit=self.rate.limit,
            window_s=self.rate.window_s,
            calls=calls,
            retry_after_s=verdict.retry_after_s,
            at=at.strftime("%H:%M:%S %Z").strip(),
        )

    def account(
        self, caller: Caller, feature: str, key: str, done: Completion, plan: CallPlan | None = None, **event: Any
    ) -> Cost:
        """Price a call's usage from the catalog as it was billed — the route and profile called (`plan`; without
        one, the deployment's plan for `key`), the service tier Bedrock reported serving (else the one asked
        for) — and record it (log line and ledger); returns the cost."""
        plan = plan or self.planner.plan(key, "en")
        served = tier_of(done.served_tier) or plan.tier
        cost = call_cost(self.catalog, key, self.region, done.usage, model_id=plan.model_id, tier=served)
        self.meter.record(
            caller, feature, model=key, profile=plan.model_id, usage=done.usage, cost=cost,
            interrupted=done.interrupted, calls=done.calls, **event,
        )  # fmt: skip
        return cost

    def plans(
        self, caller: Caller, keys: Sequence[str], lang: str, tier: ServiceTier | None, *, strict: bool | None = None
    ) -> dict[str, CallPlan]:
        """Call plans for a chain of models: the first (chosen) one refuses a tier the command asked for and the
        model lacks (`strict`, by default whenever `tier` is given; not when a budget put another model first or
        the tier is the thread's); fallbacks fall back to the standard tier, and a fallback the route policy
        forbids is left out. `tier` None: the channel's tier (`/bedrock tier`), else the deployment's."""
        asked = tier is not None and (strict is None or strict)
        wanted = tier or self.channel_tier(caller)
        out = {keys[0]: self.planner.plan(keys[0], lang, tier=wanted, asked=asked)}
        for key in keys[1:]:
            try:
                out[key] = self.planner.plan(key, lang, tier=wanted)
            except AccessDenied:
                continue
        return out

    def channel_tier(self, caller: Caller) -> ServiceTier | None:
        """The service tier set for the caller's channel, if any (None also when Redis cannot tell)."""
        if self.prefs is None or caller.channel is None:
            return None
        try:
            value = self.prefs.channel_tier(team=caller.team, channel=caller.channel)
        except StoreUnavailable:
            return None
        return tier_of(value)

    def budget_notices(self, caller: Caller, lang: str) -> tuple[str, ...]:
        """After a call: a budget warning when it crossed a threshold (once per threshold and period)."""
        return self.budgets.warnings(caller, lang) if self.budgets is not None else ()

    def chain(self, caller: Caller, first: str) -> list[str]:
        """The chosen model, then the configured fallbacks this user may use (each once)."""
        keys = [first]
        for key in self.settings.fallbacks:
            model = self.catalog.models.get(key)
            if model and is_chat_model(model) and key not in keys and self.access.allows_model(caller.user, key):
                keys.append(key)
        return keys

    def max_tokens(self, model: Model) -> int:
        """The answer budget (`maxTokens`) of a call to `model`: the setting, capped by the model's max output."""
        return min(self.settings.max_answer_tokens, model.max_output or self.settings.max_answer_tokens)

    def thread_ref(self, caller: Caller) -> ThreadRef:
        return ThreadRef(caller.team, caller.channel or "-", caller.thread_ts or "-")

    def bound_model(self, caller: Caller) -> str | None:
        """The model this thread is bound to (try, a named model), or None (also when Redis is down)."""
        if self.memory is None or (caller.thread_ts is None and not (caller.channel or "").startswith("D")):
            return None
        try:
            return self.memory.bound(self.thread_ref(caller))
        except StoreUnavailable:
            return None

    def reset(self, caller: Caller) -> str | None:
        """Forget the caller's thread (or, without one, their latest chat in this channel): the thread part
        cleared, or None when there was nothing to clear. Raises `StoreUnavailable`."""
        if self.memory is None:
            return None
        thread = caller.thread_ts or self.memory.last_thread(
            team=caller.team, channel=caller.channel or "-", user=caller.user
        )
        if thread is None:
            return None
        return thread if self.memory.reset(ThreadRef(caller.team, caller.channel or "-", thread)) else None

    # -- one turn ----------------------------------------------------------------------------------------------

    def turn(
        self, caller: Caller, ask: ChatAsk, sink: Sink, progress: Callable[[str], None] | None = None
    ) -> ChatResult:
        """Answer `ask` in the caller's thread; `progress` hears localised lines on what the turn is waiting for
        (a silent model, a retry, a fallback). Raises `ModelUnavailable` when no model answers in time,
        `AccessDenied` for a model the policy refuses, `RateLimited` over the rate limit, `InputError` for a
        message no window can hold."""
        lang, ref, acc = ask.lang, self.thread_ref(caller), _Turn()
        deadline = Deadline(self.limits.turn_s)
        acc.notices.extend(ask.notices)
        state = self._load(ref, acc, lang)
        choice = self.choose(caller, ask.named, state.model)
        if not ask.counted:
            self.limit(caller, lang)
        admission = self.admit(caller, choice.key, lang)
        acc.notices.extend(admission.notices)
        chain = self.chain(caller, admission.model)
        tier = ask.tier if ask.bind else ask.tier or tier_of(state.tier)  # a command naming the model sets it anew
        strict = ask.tier is not None and admission.model == choice.key
        plans = self.plans(caller, chain, lang, tier, strict=strict)
        chain = list(plans)
        acc.notices.extend(plans[chain[0]].notices)
        asked = ask.tier.value if ask.tier else None
        if ask.bind and self.memory is not None and (state.model, state.tier) != (choice.key, asked):
            self._safely(lambda m: m.bind(ref, choice.key, asked), acc, lang)
        model = self.catalog.models[admission.model]
        system = self._system(model, ask)
        fixed = estimate_tokens(system) + estimate_tokens(ask.text) + 2 * MESSAGE_OVERHEAD
        fixed += TOOLS_TOKENS if ask.tools else 0
        budget = history_budget(
            model, max_answer=self.settings.max_answer_tokens, fixed_tokens=fixed, cap=self.settings.history_tokens
        )
        summary, history = self._fit(caller, ref, state, budget, acc, lang)
        metadata = caller.metadata(ask.feature)
        prompt_tokens = fixed + sum(t.tokens for t in history) + estimate_tokens(summary)

        def build(key: str) -> ModelRequest:
            m, plan = self.catalog.models[key], plans[key]
            announce(sink, key, prompt_tokens, plan.model_id, plan.tier.value)
            messages = self._messages(m, self._system(m, ask), summary, history, ask.text, plan.cache_ttl)
            return ModelRequest(
                model_key=key,
                model_id=plan.model_id,
                messages=messages,
                max_tokens=self.max_tokens(m),
                metadata=metadata,
                tools=SPECS if ask.tools and m.features.tool_use else (),
                service_tier=plan.service_tier,
            )

        guarded = self.guard.stream(sink, lang)
        names = {k: self.catalog.models[k].name for k in chain}

        def said(step: Progress) -> None:
            if progress is not None:
                progress(progress_text(step, names, lang))

        def late(key: str, done: Completion) -> None:  # given up on, answered after all: Bedrock bills it
            self.account(caller, ask.feature, key, done, plans[key], requested=choice.key)

        try:
            answered = call_with_fallback(
                self.model, chain, build, guarded, self.backoff,
                limits=self.limits, deadline=deadline, progress=said, late=late,
            )  # fmt: skip
        except NoAnswer as exc:
            tried = [names[k] for k in exc.tried]
            log.warning("no model answered", extra={**metadata, "error": exc.code, "tried": len(tried)})
            reason = "deadline" if exc.code == TURN_DEADLINE else exc.kind
            raise ModelUnavailable(tried, reason, seconds=self.limits.turn_s) from None
        key, done = answered.model_key, answered.completion
        if answered.failed:
            failed = self.catalog.models[answered.failed[0][0]].name
            acc.notices.append(
                L(
                    lang,
                    f"{failed}이(가) 응답하지 않아 {self.catalog.models[key].name}이(가) 답했습니다.",
                    f"{failed} did not answer, so {self.catalog.models[key].name} answered.",
                )
            )
        if done.tool_calls and not done.interrupted:
            done = tool_loop(self, caller, ask.feature, build(key), done, guarded, lang, deadline)
        acc.usage = acc.usage + done.usage
        cut = stop_notice(done.stop_reason, self.max_tokens(self.catalog.models[key]), lang, self.limits.turn_s)
        if cut is not None:
            acc.notices.append(cut)
        verdict = guarded.finish()
        text, error = guarded.text, None
        self.record_bedrock(caller, key, ask.feature, done.guardrail)
        self.guard.record(where(caller, model=key, feature=ask.feature), "OUTPUT", verdict.hits)
        acc.notices.extend(self.guard.notices(verdict, lang))
        if verdict.blocked:
            error = self.guard.blocked(verdict).message(lang)
        remember = not verdict.blocked and not any(h.action == "block" for hs in done.guardrail.values() for h in hs)
        trace = [("INPUT", ask.guardrail), *done.guardrail.items(), ("OUTPUT", verdict.hits)]
        plan = plans[key]
        served = served_notice(plan, done.served_tier, lang)
        if served is not None:
            acc.notices.append(served)
        cost = self.account(
            caller, ask.feature, key, done, plan, requested=choice.key, guardrail=actions(trace),
            expired_cache_write=expired_writes(state.last_at, plan.cache_ttl, done.usage),
        )  # fmt: skip
        acc.notices.extend(self.budget_notices(caller, lang))
        if self.memory is not None and text and remember and memory_off(lang) not in acc.notices:
            turns = [
                Turn("user", ask.text, estimate_tokens(ask.text) + MESSAGE_OVERHEAD),
                Turn("assistant", text, estimate_tokens(text) + MESSAGE_OVERHEAD, key),
            ]
            self._safely(lambda m: m.append(ref, caller.user, turns), acc, lang)
        settled(sink)
        result = ChatResult(
            lang=lang,
            feature=ask.feature,
            model=key,
            model_name=self.catalog.models[key].name,
            requested=choice.key,
            text=text,
            usage=acc.usage,
            cost=cost,
            stop_reason=done.stop_reason,
            interrupted=done.interrupted,
            error=error,
            notices=tuple(dict.fromkeys(acc.notices)),
            thread=ref.thread,
        )
        return result

    # -- pieces ------------------------------------------------------------------------------------------------

    def record_bedrock(self, caller: Caller, model: str, feature: str, trace: Mapping[Source, list[Any]]) -> None:
        for source, hits in trace.items():
            self.guard.record(where(caller, model=model, feature=feature), source, hits)

    def _system(self, model: Model, ask: ChatAsk) -> str:
        today = self.today().isoformat()
        if ask.tools and model.features.tool_use:
            as_of = self.catalog.prices_as_of().isoformat()
            return render("assistant_system", self.prompt_lang, today=today, as_of=as_of)
        return render("chat_system", self.prompt_lang, model_name=model.name, today=today)

    def _load(self, ref: ThreadRef, acc: _Turn, lang: str) -> ThreadState:
        if self.memory is None:
            return ThreadState()
        try:
            return self.memory.load(ref)
        except StoreUnavailable:
            acc.notices.append(memory_off(lang))
            return ThreadState()

    def _safely(self, write: Callable[[MemoryStore], object], acc: _Turn, lang: str) -> None:
        """A memory write that may fail without failing the turn (the user is told once)."""
        if self.memory is None:
            return
        try:
            write(self.memory)
        except StoreUnavailable:
            acc.notices.append(memory_off(lang))

    def _fit(
        self, caller: Caller, ref: ThreadRef, state: ThreadState, budget: int, acc: _Turn, lang: str
    ) -> tuple[str, Sequence[Turn]]:
        """Summary and history that fit `budget`; folds (and persists) the oldest turns when they do not."""
        n = fold_count(state.turns, summary_tokens=state.summary_tokens, budget=budget)
        if n == 0:
            return state.summary, state.turns
        folded = self.summariser.summarise(state.summary, state.turns[:n], lang, caller.metadata("summary"))
        if folded.model is not None and folded.usage is not None:  # a call of its own, on its own model's price
            call = Completion(text="", usage=folded.usage, stop_reason="end_turn")
            self.account(caller, "summary", folded.model, call)
        if folded.model is not None:  # a model wrote it: it passes the output guardrails like an answer
            summarised = where(caller, model=folded.model, feature="summary")
            verdict = self.guard.judge(folded.text, "OUTPUT", lang, where=summarised)
            masked = replace(folded, text=verdict.text, tokens=estimate_tokens(verdict.text))
            folded = extractive(state.summary, state.turns[:n], lang) if verdict.blocked else masked
        if self.memory is not None:
            self._safely(
                lambda m: m.fold(ref, upto=state.folded + n, summary=folded.text, summary_tokens=folded.tokens),
                acc,
                lang,
            )
            if not state.told:
                acc.notices.append(
                    L(
                        lang,
                        "대화가 길어져 오래된 메시지는 요약해서 기억합니다.",
                        "This thread is long: older messages are now kept as a summary.",
                    )
                )
                self._safely(lambda m: m.mark_told(ref), acc, lang)
        summary = folded.text if folded.tokens <= budget else ""
        return summary, state.turns[n:]

    def _messages(
        self, model: Model, system: str, summary: str, history: Sequence[Turn], text: str, ttl: str = "5m"
    ) -> list[BaseMessage]:
        """System prompt, summary, history and the new message. With prompt caching, cache points (Bedrock allows
        four) end: the system prompt; the summary (it changes only when turns are folded); the history as the last
        turn saw it (a read of what that turn wrote); the whole history (written for the next turn). All points
        have the call plan's lifetime `ttl` (one lifetime per request: no ordering rule to keep)."""
        cache = model.features.prompt_caching
        point = cache_point(ttl)
        system_blocks: list[str | dict[str, Any]] = [{"type": "text", "text": system}]
        if cache:
            system_blocks.append(point)
        if summary:
            label = L(self.prompt_lang, "이전 대화 요약:", "Summary of the earlier conversation:")
            system_blocks.append({"type": "text", "text": f"{label}\n{summary}"})
            if cache:
                system_blocks.append(point)
        marks = {len(history) - 1, len(history) - 3} if cache else set()  # the last two assistant turns
        messages: list[BaseMessage] = [SystemMessage(content=system_blocks)]
        for i, turn in enumerate(history):
            content: list[str | dict[str, Any]] = [{"type": "text", "text": clean(turn.text)}]  # an old turn too
            if i in marks:
                content.append(point)
            messages.append(HumanMessage(content=content) if turn.role == "user" else AIMessage(content=content))
        messages.append(HumanMessage(content=text))
        return messages


def memory_off(lang: str) -> str:
    return L(
        lang,
        "저장소(Redis)가 응답하지 않아 이번 답변은 대화 기억 없이 했습니다.",
        "The store (Redis) did not answer, so this reply was made without the conversation's memory.",
    )
