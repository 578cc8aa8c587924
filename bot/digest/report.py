"""The daily cost digest as plain values (`Digest`), computed from the usage ledger's aggregates, the guardrail
intervention counts, the budgets file and the catalog. Front ends render it (Slack blocks, console text); the
chart is drawn from `chart_days` / `chart_series`.

Usage is read in two pipelined round trips: the 14 days of per-model totals the chart and the trends need (plus
every day of the month so far), and the day's breakdowns by user, channel, feature, model × feature, and how it
was billed ("bill": tier × route; "model_bill": model × tier × route × profile prefix, for the spend by tier and
by route and the tier, route and cache-lifetime hints); then the month's per-channel totals (budgets) and one read
of intervention counts per team. So the cost does not grow with
the number of days kept or of events recorded, only with the day's distinct users, channels, models and teams.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.digest.actuals import Actual
from bot.digest.bill_hints import bill_hints
from bot.digest.hints import Hint, hints
from bot.digest.reconcile import Reconciliation, reconcile
from bot.store.interventions import Interventions
from bot.usage.budgets import BudgetPolicy
from bot.usage.event import Totals
from bot.usage.ledger import ALL, Ledger, parse_model_bill

CHART_DAYS = 14
TREND_DAYS = 7


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: `key` a model key, user id, channel id or feature; `share` of the day's cost."""

    key: str
    totals: Totals
    share: float


@dataclass(frozen=True)
class Trend:
    """The day against the previous day and the average of the 7 days before it (None: nothing to compare)."""

    previous: Decimal
    average: Decimal
    days_with_data: int

    def change(self, usd: Decimal, base: Decimal) -> float | None:
        return None if base == 0 else float((usd - base) / base)


@dataclass(frozen=True)
class Month:
    """Month-to-date (through the digest's day) against the deployment's monthly budget, with a straight-line
    forecast: the spend so far per elapsed day × days in the month."""

    spent: Decimal
    budget: Decimal | None
    days_elapsed: int
    days_in_month: int

    @property
    def forecast(self) -> Decimal:
        return self.spent / self.days_elapsed * self.days_in_month if self.days_elapsed else Decimal(0)

    @property
    def used(self) -> float | None:
        return float(self.spent / self.budget) if self.budget else None


@dataclass(frozen=True)
class Intervention:
    """Guardrail interventions of one kind and action on the day, across teams."""

    kind: str
    action: str
    count: int


@dataclass(frozen=True)
class ChannelBudget:
    """A channel at or over a warning threshold of its monthly budget."""

    channel: str
    spent: Decimal
    limit: Decimal


@dataclass(frozen=True)
class Digest:
    day: date
    lang: str
    tz: str
    region: str
    prices_as_of: date
    total: Totals
    by_model: tuple[Row, ...]
    top_users: tuple[Row, ...]
    top_channels: tuple[Row, ...]
    by_feature: tuple[Row, ...]
    users: int
    channels: int
    trend: Trend
    month: Month
    interventions: tuple[Intervention, ...]
    channel_budgets: tuple[ChannelBudget, ...]
    hints: tuple[Hint, ...]
    chart_days: tuple[date, ...]
    chart_series: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)  # model key -> cost per chart day
    actual: Actual | None = None
    actual_error: str | None = None
    reconciliation: Reconciliation | None = None  # the actual beside the ledger by tier, route and part
    by_tier: tuple[Row, ...] = ()  # key: the service tier served (standard, flex, priority)
    by_route: tuple[Row, ...] = ()  # key: "in_region/-", "geo/us", "global/global" (route / profile prefix)

    @property
    def empty(self) -> bool:
        return self.total.requests == 0


def compute(
    *,
    ledger: Ledger,
    catalog: Catalog,
    interventions: Interventions | None,
    budgets: BudgetPolicy,
    day: date,
    lang: str,
    region: str,
    top: int = 5,
    actual: Callable[[date], Actual] | None = None,
) -> Digest:
    """The digest of `day` (a local day of the ledger's time zone). Raises `StoreUnavailable`.

    `actual` (Cost Explorer) is asked for the same day; when it fails the digest says why instead."""
    first = day.replace(day=1)
    window = [day - timedelta(days=n) for n in range(max(CHART_DAYS, (day - first).days + 1) - 1, -1, -1)]
    per_day = ledger.days(window, ["all", "model"])
    detail = ledger.days([day], ["user", "channel", "feature", "team", "model_feature", "bill", "model_bill"])[day]
    month_days = [d for d in window if d >= first]

    def total(d: date) -> Totals:
        return per_day[d]["all"].get(ALL, Totals())

    today = total(day)
    before = [day - timedelta(days=n) for n in range(1, TREND_DAYS + 1)]
    with_data = [d for d in before if total(d).requests]
    trend = Trend(
        previous=total(day - timedelta(days=1)).usd,
        average=sum((total(d).usd for d in before), Decimal(0)) / TREND_DAYS,
        days_with_data=len(with_data),
    )
    month = Month(
        spent=sum((total(d).usd for d in month_days), Decimal(0)),
        budget=budgets.total_monthly_usd,
        days_elapsed=len(month_days),
        days_in_month=calendar.monthrange(day.year, day.month)[1],
    )
    chart_days = tuple(window[-CHART_DAYS:])
    models = sorted(
        {m for d in chart_days for m in per_day[d]["model"]},
        key=lambda m: -sum(per_day[d]["model"].get(m, Totals()).cost_nusd for d in chart_days),
    )
    series = {m: tuple(per_day[d]["model"].get(m, Totals()).usd for d in chart_days) for m in models}
    actual_value, actual_error = _actual(actual, day)
    reconciliation = reconcile(detail["bill"], actual_value) if actual_value is not None else None
    return Digest(
        day=day,
        lang=lang,
        tz=str(ledger.tz),
        region=region,
        prices_as_of=catalog.prices_as_of(),
        total=today,
        by_model=_rows(per_day[day]["model"], today, len(per_day[day]["model"])),
        top_users=_rows(detail["user"], today, top),
        top_channels=_rows(detail["channel"], today, top),
        by_feature=_rows(detail["feature"], today, len(detail["feature"])),
        users=len(detail["user"]),
        channels=len(detail["channel"]),
        trend=trend,
        month=month,
        interventions=_interventions(interventions, detail["team"], day),
        channel_budgets=_channel_budgets(ledger, budgets, day),
        hints=hints(catalog, region, per_day[day]["model"], detail["model_feature"], today, lang)
        + bill_hints(catalog, region, detail["model_bill"], today, lang),
        chart_days=chart_days,
        chart_series=series,
        actual=actual_value,
        actual_error=actual_error,
        reconciliation=reconciliation,
        by_tier=_rows(_summed(detail["bill"], lambda v: v.partition("/")[0]), today, len(detail["bill"])),
        by_route=_rows(_summed(detail["model_bill"], _route_of_bill), today, len(detail["model_bill"])),
    )


def _summed(by: dict[str, Totals], group: Callable[[str], str]) -> dict[str, Totals]:
    out: dict[str, Totals] = {}
    for value, t in by.items():
        out[group(value)] = out.get(group(value), Totals()) + t
    return out


def _route_of_bill(value: str) -> str:
    """A `model_bill` value's route and profile prefix: "geo/us"."""
    _model, _tier, route, prefix = parse_model_bill(value)
    return f"{route}/{prefix}"


def _rows(by: dict[str, Totals], total: Totals, top: int) -> tuple[Row, ...]:
    """The `top` largest by cost (then requests, then key for a stable order), with their share of the day."""
    ranked = sorted(by.items(), key=lambda kv: (-kv[1].cost_nusd, -kv[1].requests, kv[0]))[:top]
    return tuple(Row(key, t, t.cost_nusd / total.cost_nusd if total.cost_nusd else 0.0) for key, t in ranked)


def _interventions(source: Interventions | None, teams: dict[str, Totals], day: date) -> tuple[Intervention, ...]:
    """Counts by (kind, action) over the teams that used the bot that day, most frequent first."""
    if source is None:
        return ()
    counts: dict[tuple[str, str], int] = {}
    for team in sorted(teams):
        for fields, n in source.day(team, day).items():
            kind, action = fields[1], fields[2]
            counts[(kind, action)] = counts.get((kind, action), 0) + n
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Intervention(kind, action, n) for (kind, action), n in ranked)


def _channel_budgets(ledger: Ledger, budgets: BudgetPolicy, day: date) -> tuple[ChannelBudget, ...]:
    """Channels at or over the lowest warning threshold of their monthly budget (month of `day`)."""
    if budgets.channel_monthly_usd is None and not any(budgets.channels.values()):
        return ()
    threshold = Decimal(str(min(budgets.warn_at, default=1.0)))
    out = []
    for channel, totals in ledger.month(day, "channel").items():
        limit = budgets.channel_limit(channel)
        if limit and totals.usd >= limit * threshold:
            out.append(ChannelBudget(channel, totals.usd, limit))
    return tuple(sorted(out, key=lambda c: -(c.spent / c.limit)))


def _actual(actual: Callable[[date], Actual] | None, day: date) -> tuple[Actual | None, str | None]:
    if actual is None:
        return None, None
    from bot.digest.actuals import ActualsUnavailable

    try:
        return actual(day), None
    except ActualsUnavailable as exc:
        return None, exc.reason
