"""`/bedrock compare <m1,m2[,m3,m4]> <prompt>`: the same prompt to each model at once, side by side.

Before it runs, `estimate` prices the worst case (every model uses its whole answer budget) so the front end can
ask for confirmation above `BRA_COMPARE_CONFIRM_USD`. Each model gets retries but no fallback (the point is to
see *that* model); a model that fails shows its error while the others still show.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import partial

from langchain_core.messages import HumanMessage, SystemMessage

from bot.caller import Caller
from bot.chat.asks import CompareAsk
from bot.chat.chat import Chat
from bot.chat.cost import estimate_usd
from bot.chat.deadline import TURN_DEADLINE, Deadline
from bot.chat.model import ModelError, ModelRequest
from bot.chat.plan import CallPlan, served_notice
from bot.chat.present import stop_notice
from bot.chat.reliability import call_with_retries
from bot.chat.resolve import require_allowed
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens
from bot.chat.types import ChatResult, CompareEstimate, Comparison, Cost, Usage, ignore
from bot.errors import ModelUnavailable
from bot.guardrails.guard import where
from bot.prompts import render
from bot.qa.answers.common import L
from bot.qa.format import usd
from bot.usage.meter import actions


class Comparer:
    """Runs comparisons on a shared pool (one thread per model in flight)."""

    def __init__(self, chat: Chat, pool: ThreadPoolExecutor) -> None:
        self.chat, self.pool = chat, pool

    def estimate(self, caller: Caller, ask: CompareAsk) -> CompareEstimate:
        chat, catalog = self.chat, self.chat.catalog
        for key in ask.models:
            require_allowed(catalog, chat.access, caller.user, key)
        prompt_tokens = estimate_tokens(self._system(ask)) + estimate_tokens(ask.prompt) + 2 * MESSAGE_OVERHEAD
        total: Decimal | None = Decimal(0)
        lines = []
        plans = self.plans(caller, ask)
        for key in ask.models:
            model, plan = catalog.models[key], plans[key]
            out = chat.max_tokens(model)
            cost = estimate_usd(catalog, key, chat.region, prompt_tokens, out, model_id=plan.model_id, tier=plan.tier)
            total = None if cost is None or total is None else total + cost
            shown = usd(cost) if cost is not None else L(ask.lang, "가격 없음", "no price")
            lines.append(
                L(
                    ask.lang,
                    f"{model.name}: 최대 {shown} (입력 약 {prompt_tokens:,} · 출력 최대 {out:,} 토큰)",
                    f"{model.name}: up to {shown} (~{prompt_tokens:,} in · up to {out:,} out tokens)",
                )
            )
        return CompareEstimate(
            lang=ask.lang,
            models=ask.models,
            prompt=ask.prompt,
            usd=total,
            threshold_usd=chat.settings.compare_confirm_usd,
            lines=tuple(lines),
        )

    def run(self, caller: Caller, ask: CompareAsk) -> Comparison:
        """Raises `AccessDenied` for a model the policy refuses, `RateLimited` when the caller's rate limit has no
        room for one call per model, `BudgetExceeded` when a budget is used up (a comparison is never downgraded:
        the point is to see those models). All models share one deadline (`BRA_TURN_DEADLINE_S`)."""
        for key in ask.models:
            require_allowed(self.chat.catalog, self.chat.access, caller.user, key)
        plans = self.plans(caller, ask)
        self.chat.limit(caller, ask.lang, calls=len(ask.models))
        admitted = self.chat.admit(caller, ask.models[0], ask.lang, can_downgrade=False)
        deadline = Deadline(self.chat.limits.turn_s)
        futures = [self.pool.submit(self._one, caller, ask, plans[key], deadline) for key in ask.models]
        results = tuple(f.result() for f in futures)
        return Comparison(
            lang=ask.lang,
            prompt=ask.prompt,
            results=results,
            summary=summary(results, ask.lang),
            notices=(*ask.notices, *admitted.notices, *self.chat.budget_notices(caller, ask.lang)),
        )

    def plans(self, caller: Caller, ask: CompareAsk) -> dict[str, CallPlan]:
        """One call plan per compared model, each on the tier the command asked for (refused for a model that
        lacks it: the comparison is of those models on that tier) or the channel's / deployment's."""
        return {key: self.chat.plans(caller, (key,), ask.lang, ask.tier)[key] for key in ask.models}

    def _system(self, ask: CompareAsk, name: str = "the model") -> str:
        return render("chat_system", self.chat.prompt_lang, model_name=name, today=self.chat.today().isoformat())

    def _one(self, caller: Caller, ask: CompareAsk, plan: CallPlan, deadline: Deadline) -> ChatResult:
        key = plan.model_key
        chat, model = self.chat, self.chat.catalog.models[key]
        metadata = caller.metadata("compare")
        request = ModelRequest(
            model_key=key,
            model_id=plan.model_id,
            messages=(SystemMessage(content=self._system(ask, model.name)), HumanMessage(content=ask.prompt)),
            max_tokens=chat.max_tokens(model),
            metadata=metadata,
            service_tier=plan.service_tier,
        )
        base = partial(ChatResult, lang=ask.lang, feature="compare", model=key, model_name=model.name, requested=key)
        try:
            done = call_with_retries(
                chat.model, request, ignore, chat.backoff, limits=chat.limits, deadline=deadline,
                late=lambda k, late: chat.account(caller, "compare", k, late, plan),
            )  # fmt: skip
        except ModelError as exc:
            reason = "deadline" if exc.code == TURN_DEADLINE else exc.kind
            error = ModelUnavailable([model.name], reason, seconds=chat.limits.turn_s).message(ask.lang)
            return base(text="", usage=Usage(), cost=Cost(None, chat.region), error=error)
        chat.record_bedrock(caller, key, "compare", done.guardrail)
        verdict = chat.guard.judge(done.text, "OUTPUT", ask.lang, where=where(caller, model=key, feature="compare"))
        trace = [("INPUT", ask.guardrail), *done.guardrail.items(), ("OUTPUT", verdict.hits)]
        cost = chat.account(caller, "compare", key, done, plan, guardrail=actions(trace))
        served = served_notice(plan, done.served_tier, ask.lang)
        return base(
            text="" if verdict.blocked else verdict.text,
            usage=done.usage,
            cost=cost,
            stop_reason=done.stop_reason,
            interrupted=done.interrupted,
            error=chat.guard.blocked(verdict).message(ask.lang) if verdict.blocked else None,
            notices=(
                *plan.notices,
                *filter(None, [served]),
                *chat.guard.notices(verdict, ask.lang),
                *filter(None, [stop_notice(done.stop_reason, request.max_tokens, ask.lang, chat.limits.turn_s)]),
            ),
        )


def summary(results: tuple[ChatResult, ...], lang: str) -> str:
    """ "Fastest: X (1.2 s) · Cheapest: Y ($0.0001)" over the models that answered."""
    ok = [r for r in results if r.ok]
    if not ok:
        return L(lang, "어느 모델도 답하지 못했습니다.", "No model answered.")
    fastest = min(ok, key=lambda r: r.usage.latency_ms)
    parts = [L(lang, "가장 빠름", "Fastest") + f": {fastest.model_name} ({fastest.usage.latency_ms / 1000:.1f}s)"]
    priced = [r for r in ok if r.cost.usd is not None]
    if priced:
        cheapest = min(priced, key=lambda r: r.cost.usd or Decimal(0))
        parts.append(
            L(lang, "가장 저렴", "Cheapest") + f": {cheapest.model_name} ({usd(cheapest.cost.usd or Decimal(0))})"
        )
    failed = len(results) - len(ok)
    if failed:
        parts.append(L(lang, f"실패 {failed}개", f"{failed} failed"))
    return " · ".join(parts)
