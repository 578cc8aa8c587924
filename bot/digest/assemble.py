"""Building the digest job from the shared services: what the digest reads (ledger, interventions, budgets,
catalog, optionally Cost Explorer), how its chart is drawn, and where it is posted (a publisher the Slack edge
supplies)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from bot.catalog.catalog import Catalog
from bot.digest.job import DigestJob, Publish, due_day
from bot.digest.report import Digest, compute
from bot.errors import ConfigError
from bot.qa.answers.common import L
from bot.services import Services


def make_job(services: Services, publish: Publish | None) -> DigestJob:
    """Raises `ConfigError` without Redis-backed usage (the console's offline services)."""
    if services.ledger is None or services.budgets is None:
        raise ConfigError(["the digest needs Redis (REDIS_URL): the usage ledger lives there"])
    usage = services.settings.usage
    actual = None
    if usage.cost_explorer:
        from bot.digest.actuals import CostExplorer, cost_explorer_client

        actual = CostExplorer(cost_explorer_client()).actual
    compute_day = partial(
        compute,
        ledger=services.ledger,
        catalog=services.engine.catalog,
        interventions=services.guard.interventions,
        budgets=services.budgets.policy,
        lang=usage.digest_language,
        region=services.settings.aws.region,
        top=usage.digest_top,
        actual=actual,
    )
    return DigestJob(
        services.redis,
        compute=lambda day: compute_day(day=day),
        chart=partial(chart, services.engine.catalog),
        publish=publish,
    )


def chart(catalog: Catalog, digest: Digest) -> bytes:
    """14 days of estimated cost by model, as a PNG."""
    from bot.digest.chart import cost_chart

    names = {k: m.name for k, m in catalog.models.items()}
    series = {names.get(k, k): v for k, v in digest.chart_series.items()}
    first, last = digest.chart_days[0], digest.chart_days[-1]
    title = L(
        digest.lang,
        f"모델별 추정 비용, 최근 {len(digest.chart_days)}일 ({first.isoformat()} – {last.isoformat()})",
        f"Estimated cost by model, last {len(digest.chart_days)} days ({first.isoformat()} – {last.isoformat()})",
    )
    fallback = f"Estimated cost by model, last {len(digest.chart_days)} days ({first} - {last})"
    return cost_chart(digest.chart_days, series, title=title, fallback_title=fallback)


def digest_day(services: Services, day: date | None) -> date:
    """`day`, or the most recent due one (yesterday after the posting time, else the day before)."""
    if day is not None:
        return day
    usage = services.settings.usage
    return due_day(datetime.now(usage.tz), usage.digest_at)
