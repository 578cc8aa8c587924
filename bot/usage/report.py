"""`/bedrock usage [me|channel|all] [today|week|month]`, `/bedrock budget [<@user> <usd|unlimited|reset>]` and the
App Home usage lines: what the ledger recorded, as `Answer`s every front end renders.

Periods are local days (BRA_USAGE_TZ): today; week = the last 7 days including today; month = this month so far.
`me` is the caller, `channel` the channel the command was run in, `all` everyone (admins only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from bot.caller import Caller
from bot.catalog.catalog import Catalog
from bot.chat.present import TIERS
from bot.errors import UsageError
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import L
from bot.qa.format import count, plural, spend
from bot.usage.budgets import Budgets, Standing
from bot.usage.event import Totals
from bot.usage.ledger import Ledger, per

Scope = Literal["me", "channel", "all"]
Period = Literal["today", "week", "month"]
SCOPES: dict[str, Scope] = {"me": "me", "나": "me", "내": "me", "channel": "channel", "채널": "channel",
                            "all": "all", "전체": "all"}  # fmt: skip
PERIODS: dict[str, Period] = {"today": "today", "오늘": "today", "week": "week", "주": "week", "이번주": "week",
                              "month": "month", "월": "month", "이번달": "month"}  # fmt: skip
USAGE = "/bedrock usage [me|channel|all] [today|week|month]"
BUDGET = "/bedrock budget [<@user> <usd|unlimited|reset>]"
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


@dataclass(frozen=True)
class Request:
    scope: Scope = "me"
    period: Period = "today"


def parse(args: str) -> Request:
    """`channel week` → Request("channel", "week"); either word may be left out, in any order."""
    scope: Scope | None = None
    period: Period | None = None
    for word in args.lower().split():
        if word in SCOPES and scope is None:
            scope = SCOPES[word]
        elif word in PERIODS and period is None:
            period = PERIODS[word]
        else:
            raise UsageError(USAGE, ko=f"알 수 없는 인자: {word[:40]}", en=f"Unknown argument: {word[:40]}")
    return Request(scope or "me", period or "today")


def days_of(period: Period, today: date) -> list[date]:
    if period == "today":
        return [today]
    if period == "week":
        return [today - timedelta(days=n) for n in range(6, -1, -1)]
    return [today.replace(day=n) for n in range(1, today.day + 1)]


def usage_answer(ledger: Ledger, catalog: Catalog, caller: Caller, request: Request, lang: str) -> Answer:
    """Raises `StoreUnavailable` (Redis) and `UsageError` (`channel` outside a channel)."""
    today = ledger.today()
    days = days_of(request.period, today)
    label = _period_label(request.period, days, lang)
    if request.scope == "channel" and (caller.channel is None or caller.channel.startswith("D")):
        raise UsageError(USAGE, ko="채널에서 실행해 주세요.", en="Run it in a channel.")
    if request.scope == "me":
        who, dim = L(lang, "내 사용량", "Your usage"), per("user_models", caller.user)
    elif request.scope == "channel":
        who, dim = (
            L(lang, f"<#{caller.channel}> 사용량", f"Usage in <#{caller.channel}>"),
            per("channel_models", caller.channel or "-"),
        )
    else:
        who, dim = L(lang, "전체 사용량", "Everyone's usage"), "model"
    by_model = _sum(ledger, days, dim, request.period)
    total = sum(by_model.values(), Totals())
    lines = [f"**{totals_line(total, lang)}**"] if total.requests else [
        L(lang, f"{label}에는 기록된 사용량이 없습니다.", f"No usage recorded for {label}.")
    ]  # fmt: skip
    if request.scope == "all" and total.requests:
        for title, dim_name, sigil in ((L(lang, "사용자 상위", "Top users"), "user", "@"),
                                       (L(lang, "채널 상위", "Top channels"), "channel", "#")):  # fmt: skip
            ranked = sorted(_sum(ledger, days, dim_name, request.period).items(), key=lambda kv: -kv[1].cost_nusd)
            shown = " · ".join(f"{mention(sigil, k, lang)} {spend(t.usd)}" for k, t in ranked[:5])
            lines.append(f"**{title}**: {shown}")
        billed = bill_line(_sum(ledger, days, "bill", request.period), lang)
        if billed:
            lines.append(billed)
    table = _models_table(catalog, by_model, lang) if total.requests else None
    return Answer(
        intent="usage",
        lang=lang,
        title=f"{who} · {label}",
        lines=tuple(lines),
        table=table,
        notes=(
            L(
                lang,
                f"비용은 카탈로그 가격(기준일 {catalog.prices_as_of().isoformat()})으로 계산한 추정치입니다. "
                f"날짜는 {ledger.tz} 기준입니다.",
                f"Costs are estimates from catalog prices (as of {catalog.prices_as_of().isoformat()}); days are "
                f"{ledger.tz} days.",
            ),
        ),
        as_of=catalog.prices_as_of(),
    )


def budget_answer(budgets: Budgets, caller: Caller, lang: str) -> Answer:
    """The caller's budgets and what is left (raises `StoreUnavailable`)."""
    if not budgets.policy.enabled:
        lines: tuple[str, ...] = (L(lang, "설정된 예산이 없습니다.", "No budgets are set."),)
    else:
        lines = tuple(standing_line(s, lang) for s in budgets.standings(caller))
    return Answer(intent="budget", lang=lang, title=L(lang, "예산", "Budgets"), lines=lines)


def override_answer(budgets: Budgets, args: str, lang: str) -> Answer:
    """An admin's `<@user> <usd|unlimited|reset>` for today (the caller must be checked as admin first)."""
    words = args.split()
    match = _USER.match(words[0]) if len(words) == 2 else None
    if match is None:
        raise UsageError(BUDGET, ko="사용자와 금액이 필요합니다.", en="A user and an amount are needed.")
    user, amount = match.group(1) or match.group(2), words[1].lower().lstrip("$")
    limit: Decimal | Literal["reset"] | None
    if amount in ("unlimited", "none", "무제한"):
        limit, said = None, L(lang, "오늘 한도 없음", "no limit today")
    elif amount in ("reset", "초기화"):
        limit, said = "reset", L(lang, "설정된 예산으로 되돌림", "back to the configured budget")
    else:
        try:
            limit = Decimal(amount)
        except InvalidOperation:
            limit = Decimal(-1)
        if not limit.is_finite() or limit < 0:
            raise UsageError(BUDGET, ko=f"금액이 아닙니다: {amount[:20]}", en=f"Not an amount: {amount[:20]}")
        said = L(lang, f"오늘 한도 {spend(limit)}", f"today's limit {spend(limit)}")
    budgets.override(user, limit)
    return Answer(
        intent="budget",
        lang=lang,
        title=L(lang, "예산 조정", "Budget override"),
        lines=(f"<@{user}>: {said}",),
    )


def home_lines(ledger: Ledger, budgets: Budgets | None, catalog: Catalog, caller: Caller, lang: str) -> tuple[str, ...]:
    """The user's month for App Home: total, the models used most, today's budget (raises `StoreUnavailable`)."""
    today = ledger.today()
    by_model = ledger.month(today, per("user_models", caller.user))
    total = sum(by_model.values(), Totals())
    month = today.strftime("%Y-%m")
    if not total.requests:
        lines = [L(lang, f"이번 달({month}) 사용량이 아직 없습니다.", f"No usage yet this month ({month}).")]
    else:
        lines = [L(lang, f"이번 달({month}): ", f"This month ({month}): ") + totals_line(total, lang)]
        ranked = sorted(by_model.items(), key=lambda kv: -kv[1].cost_nusd)[:3]
        lines.append(" · ".join(f"{model_name(catalog, k)} {spend(t.usd)}" for k, t in ranked))
    if budgets is not None and budgets.policy.enabled:
        lines.extend(standing_line(s, lang) for s in budgets.standings(caller))
    return tuple(lines)


def totals_line(t: Totals, lang: str) -> str:
    """ "$1.23 (estimated) · 45 requests · 12.3K tokens" (and how many requests had estimated tokens)."""
    return L(
        lang,
        f"{spend(t.usd)} (추정) · 요청 {t.requests:,}건 · 토큰 {count(t.tokens)}",
        f"{spend(t.usd)} (estimated) · {plural(t.requests, 'request')} · {count(t.tokens)} tokens",
    ) + estimated_note(t, lang)


def estimated_note(t: Totals, lang: str) -> str:
    """ " · 2 with estimated tokens (interrupted answers)", or nothing when every figure came from Bedrock."""
    if not t.estimated:
        return ""
    return L(
        lang,
        f" · 토큰 추정 {t.estimated:,}건 (중단된 답변)",
        f" · {t.estimated:,} with estimated tokens (interrupted answers)",
    )


def standing_line(s: Standing, lang: str) -> str:
    what = L(lang, "오늘 내 예산", "Your budget today") if s.scope == "user" else L(
        lang, f"<#{s.id}> 이번 달 예산", f"<#{s.id}> budget this month"
    )  # fmt: skip
    if s.limit is None:
        return f"{what}: " + L(lang, f"한도 없음 ({spend(s.spent)} 사용)", f"no limit ({spend(s.spent)} used)")
    left = max(s.limit - s.spent, Decimal(0))
    note = L(lang, " (관리자 조정)", " (admin override)") if s.overridden else ""
    return f"{what}: " + L(
        lang,
        f"{spend(s.spent)} / {spend(s.limit)} ({s.share:.0%}), 남은 금액 {spend(left)}{note}",
        f"{spend(s.spent)} of {spend(s.limit)} ({s.share:.0%}), {spend(left)} left{note}",
    )


def bill_line(by_bill: dict[str, Totals], lang: str) -> str | None:
    """ "By tier and route: standard in-Region $1.20 (80%) · Flex global profile $0.30 (20%)", or None when every call
    was standard and in-Region (nothing to say)."""
    if not by_bill or set(by_bill) == {"standard/in_region"}:
        return None
    total = sum((t.cost_nusd for t in by_bill.values()), 0)
    ranked = sorted(by_bill.items(), key=lambda kv: (-kv[1].cost_nusd, kv[0]))
    parts = []
    for value, t in ranked:
        tier, _, route = value.partition("/")
        share = f" ({t.cost_nusd / total:.0%})" if total else ""
        words = L(lang, *TIERS.get(tier, (tier, tier))), L(lang, *_ROUTE_WORDS.get(route, (route, route)))
        parts.append(f"{words[0]} {words[1]} {spend(t.usd)}{share}")
    return L(lang, "**등급·경로별**: ", "**By tier and route**: ") + " · ".join(parts)


_ROUTE_WORDS = {"in_region": ("리전 내", "in-Region"), "geo": ("geo 프로필", "geo profile"),
                "global": ("global 프로필", "global profile")}  # fmt: skip


def _sum(ledger: Ledger, days: list[date], dim: str, period: Period) -> dict[str, Totals]:
    """`dim` summed over `days` (a whole month-to-date is one read of the month's hash)."""
    if period == "month":
        return ledger.month(days[-1], dim)
    out: dict[str, Totals] = {}
    for per_day in ledger.days(days, [dim]).values():
        for key, t in per_day[dim].items():
            out[key] = out.get(key, Totals()) + t
    return out


def _models_table(catalog: Catalog, by_model: dict[str, Totals], lang: str) -> Table:
    ranked = sorted(by_model.items(), key=lambda kv: (-kv[1].cost_nusd, kv[0]))
    return Table(
        columns=(L(lang, "모델", "Model"), L(lang, "요청", "Requests"), L(lang, "토큰", "Tokens"),
                 L(lang, "비용(추정)", "Cost (est.)")),
        rows=tuple((model_name(catalog, k), f"{t.requests:,}", count(t.tokens), spend(t.usd)) for k, t in ranked),
    )  # fmt: skip


def _period_label(period: Period, days: list[date], lang: str) -> str:
    if period == "today":
        return L(lang, f"오늘 ({days[0].isoformat()})", f"today ({days[0].isoformat()})")
    if period == "week":
        return L(lang, f"최근 7일 ({days[0]} – {days[-1]})", f"the last 7 days ({days[0]} – {days[-1]})")
    return L(lang, f"이번 달 ({days[-1].strftime('%Y-%m')})", f"this month ({days[-1].strftime('%Y-%m')})")


def mention(sigil: str, key: str, lang: str) -> str:
    """A user (`@`) or channel (`#`) as Slack shows it; calls from a DM say "DM", calls outside any channel say so."""
    if key in ("none", "-", ""):
        return L(lang, "(채널 없음)", "(no channel)")
    if key.startswith("D"):
        return "DM"
    return f"<{sigil}{key}>"


def model_name(catalog: Catalog, key: str) -> str:
    model = catalog.models.get(key)
    return model.name if model is not None else key
