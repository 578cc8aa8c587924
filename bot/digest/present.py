"""The digest as an `Answer`, so every front end renders it the way it renders any answer (Slack blocks through
`handlers.blocks.answer`, console text through `bot.render_text`). Users and channels are Slack mentions
(`<@U…>`, `<#C…>`); Slack shows names, the console shows the ids."""

from __future__ import annotations

from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.chat.present import TIERS
from bot.digest.bill_hints import route_label
from bot.digest.reconcile import render as reconciled
from bot.digest.report import Digest, Row
from bot.qa.answer import Answer, SourceRef, Table
from bot.qa.answers.common import L
from bot.qa.format import count, plural, spend
from bot.usage.report import estimated_note, mention, model_name

FEATURES = {
    "chat": ("대화", "chat"),
    "try": ("try", "try"),
    "assistant": ("카탈로그 도우미", "catalog assistant"),
    "compare": ("비교", "compare"),
    "summary": ("요약", "summaries"),
}


def as_answer(digest: Digest, catalog: Catalog) -> Answer:
    lang, d = digest.lang, digest.day
    title = L(lang, f"Bedrock 비용 다이제스트 · {d.isoformat()}", f"Bedrock cost digest · {d.isoformat()}")
    if digest.empty:
        lines = [
            L(
                lang,
                f"**{d.isoformat()}에는 사용량이 없습니다.** 기록된 모델 호출이 없습니다 ({digest.tz} 기준).",
                f"**No usage on {d.isoformat()}.** No model calls were recorded ({digest.tz} day).",
            ),
            _month(digest),
        ]
        if digest.interventions:
            lines.append(_interventions(digest))
        return Answer(intent="digest", lang=lang, title=title, lines=tuple(lines), notes=_notes(digest),
                      sources=_sources(digest, catalog), as_of=digest.prices_as_of)  # fmt: skip
    lines = [_headline(digest), _trend(digest), _month(digest)]
    if digest.actual is not None or digest.actual_error is not None:
        lines.append(_actual(digest))
    lines.append(_people(L(lang, "사용자 상위", "Top users"), digest.top_users, "@", digest.users, lang))
    lines.append(_people(L(lang, "채널 상위", "Top channels"), digest.top_channels, "#", digest.channels, lang))
    lines.append(_features(digest))
    lines.extend(_billing(digest))
    lines.append(_interventions(digest))
    if digest.channel_budgets:
        lines.append(_channel_budgets(digest))
    if digest.hints:
        lines.append(L(lang, "**절감 힌트**", "**Savings hints**"))
        lines.extend(f"• {h.text}" for h in digest.hints)
    table = Table(
        columns=(
            L(lang, "모델", "Model"),
            L(lang, "요청", "Requests"),
            L(lang, "토큰", "Tokens"),
            L(lang, "비용(추정)", "Cost (est.)"),
            L(lang, "비중", "Share"),
        ),
        rows=tuple(
            (model_name(catalog, r.key), f"{r.totals.requests:,}", count(r.totals.tokens), spend(r.totals.usd),
             f"{r.share:.0%}")
            for r in digest.by_model
        ),
    )  # fmt: skip
    return Answer(
        intent="digest",
        lang=lang,
        title=title,
        lines=tuple(lines),
        table=table,
        notes=_notes(digest),
        sources=_sources(digest, catalog),
        as_of=digest.prices_as_of,
    )


def fallback_text(digest: Digest) -> str:
    """One line for notifications: the day and its total."""
    lang, day = digest.lang, digest.day.isoformat()
    if digest.empty:
        return L(lang, f"Bedrock 비용 다이제스트 {day}: 사용량 없음", f"Bedrock cost digest {day}: no usage")
    return L(
        lang,
        f"Bedrock 비용 다이제스트 {day}: {spend(digest.total.usd)} (추정), 요청 {digest.total.requests:,}건",
        f"Bedrock cost digest {day}: {spend(digest.total.usd)} (estimated), {plural(digest.total.requests, 'request')}",
    )


def _headline(digest: Digest) -> str:
    t, lang = digest.total, digest.lang
    hour = L(lang, f", 1시간 {count(t.cache_write_1h)}", f", 1-hour {count(t.cache_write_1h)}")
    written = count(t.cache_write + t.cache_write_1h) + (hour if t.cache_write_1h else "")
    tokens = L(
        lang,
        f"토큰 {count(t.tokens)} (입력 {count(t.input)} · 출력 {count(t.output)} · 캐시 읽기 {count(t.cache_read)}"
        f" · 캐시 쓰기 {written})",
        f"{count(t.tokens)} tokens (in {count(t.input)} · out {count(t.output)} · cache read {count(t.cache_read)}"
        f" · cache write {written})",
    )
    avg = t.latency_ms / t.requests / 1000 if t.requests else 0
    return L(
        lang,
        f"**총 비용(추정) {spend(t.usd)}** · 요청 {t.requests:,}건 · {tokens} · 사용자 {digest.users}명 · "
        f"채널 {digest.channels}곳 · 평균 응답 {avg:.1f}초",
        f"**Total (estimated) {spend(t.usd)}** · {plural(t.requests, 'request')} · {tokens} · {digest.users} users · "
        f"{digest.channels} channels · {avg:.1f}s average answer",
    ) + estimated_note(t, lang)


def _change(now: Decimal, base: Decimal, lang: str) -> str:
    if base == 0:
        return L(lang, "비교 불가(0)", "n/a (was $0)")
    pct = float((now - base) / base)
    return f"{pct:+.0%} ({spend(base)})"


def _trend(digest: Digest) -> str:
    lang, now, trend = digest.lang, digest.total.usd, digest.trend
    return L(
        lang,
        f"전일 대비 {_change(now, trend.previous, lang)} · 7일 평균 대비 {_change(now, trend.average, lang)}"
        f" (사용 있던 날 {trend.days_with_data}/7)",
        f"vs previous day {_change(now, trend.previous, lang)} · vs 7-day average {_change(now, trend.average, lang)}"
        f" ({trend.days_with_data}/7 days with usage)",
    )


def _month(digest: Digest) -> str:
    m, lang = digest.month, digest.lang
    month = digest.day.strftime("%Y-%m")
    if m.budget is None:
        return L(
            lang,
            f"이번 달({month}) 누적 {spend(m.spent)} · 월말 예상 {spend(m.forecast)} "
            f"({m.days_elapsed}일 기준 선형 추정)",
            f"Month to date ({month}) {spend(m.spent)} · forecast {spend(m.forecast)} for the month "
            f"(straight line over {m.days_elapsed} days)",
        )
    used = m.used or 0.0
    over = m.forecast > m.budget
    flag = L(lang, " ⚠️ 예산 초과 예상", " ⚠️ forecast over budget") if over else ""
    return L(
        lang,
        f"이번 달({month}) 누적 {spend(m.spent)} / 예산 {spend(m.budget)} ({used:.0%}) · 월말 예상 "
        f"{spend(m.forecast)}{flag}",
        f"Month to date ({month}) {spend(m.spent)} of {spend(m.budget)} budget ({used:.0%}) · forecast "
        f"{spend(m.forecast)}{flag}",
    )


def _actual(digest: Digest) -> str:
    lang, a = digest.lang, digest.actual
    if a is None:
        return L(
            lang,
            f"AWS Cost Explorer 실제 비용을 가져오지 못했습니다: {digest.actual_error}",
            f"AWS Cost Explorer actuals unavailable: {digest.actual_error}",
        )
    gap = digest.total.usd - a.usd
    share = f" ({float(gap / a.usd):+.0%})" if a.usd else ""
    mark = L(lang, "잠정치", "provisional") if a.provisional else L(lang, "확정", "final")
    head = L(
        lang,
        f"AWS Cost Explorer 실제 비용({a.day.isoformat()} UTC, {mark}): {spend(a.usd)} · 추정과의 차이 "
        f"{'+' if gap >= 0 else ''}{spend(gap)}{share}",
        f"AWS Cost Explorer actual ({a.day.isoformat()} UTC, {mark}): {spend(a.usd)} · our estimate differs by "
        f"{'+' if gap >= 0 else ''}{spend(gap)}{share}",
    )
    rec = digest.reconciliation
    return "\n".join([head, *(reconciled(rec, lang, digest.tz) if rec is not None else [])])


def _people(label: str, rows: tuple[Row, ...], sigil: str, distinct: int, lang: str) -> str:
    shown = " · ".join(f"{mention(sigil, r.key, lang)} {spend(r.totals.usd)} ({r.share:.0%})" for r in rows)
    rest = distinct - len(rows)
    more = L(lang, f" 외 {rest}", f" +{rest} more") if rest > 0 else ""
    return f"**{label}**: {shown or '-'}{more}"


def _features(digest: Digest) -> str:
    lang = digest.lang
    parts = [
        f"{L(lang, *FEATURES.get(r.key, (r.key, r.key)))} {spend(r.totals.usd)} ({r.totals.requests:,})"
        for r in digest.by_feature
    ]
    return L(lang, "**기능별**: ", "**By feature**: ") + (" · ".join(parts) or "-")


def _billing(digest: Digest) -> list[str]:
    """Spend by service tier and by route, only when it says something: nothing when every call was standard
    and in-Region (the default), one line when all went one way, else a line for each split that has more than
    one value (the other said in its label)."""
    lang, tiers, routes = digest.lang, digest.by_tier, digest.by_route
    if len(tiers) <= 1 and len(routes) <= 1:
        tier = tiers[0].key if tiers else "standard"
        route = routes[0].key if routes else "in_region/-"
        if (tier, route) == ("standard", "in_region/-"):
            return []
        return [L(lang, f"**티어·경로**: 모두 {_tier(tier, lang)} · {_route(route, lang)}",
                  f"**Tier and route**: all {_tier(tier, lang)} · {_route(route, lang)}")]  # fmt: skip
    lines = []
    if len(tiers) > 1:
        only = L(lang, f" (모두 {_route(routes[0].key, lang)})", f" (all {_route(routes[0].key, lang)})")
        label = L(lang, "**티어별**", "**By tier**") + (only if len(routes) == 1 else "")
        lines.append(f"{label}: " + " · ".join(_share(_tier(r.key, lang), r) for r in tiers))
    if len(routes) > 1:
        only = L(lang, f" (모두 {_tier(tiers[0].key, lang)} 티어)", f" (all {_tier(tiers[0].key, lang)} tier)")
        label = L(lang, "**경로별**", "**By route**") + (only if len(tiers) == 1 else "")
        lines.append(f"{label}: " + " · ".join(_share(_route(r.key, lang), r) for r in routes))
    return lines


def _tier(tier: str, lang: str) -> str:
    return L(lang, *TIERS.get(tier, (tier, tier)))


def _route(key: str, lang: str) -> str:
    route, _, prefix = key.partition("/")
    return route_label(route, prefix, lang)


def _share(label: str, row: Row) -> str:
    return f"{label} {spend(row.totals.usd)} ({row.share:.0%})"


def _interventions(digest: Digest) -> str:
    lang, found = digest.lang, digest.interventions
    if not found:
        return L(lang, "**가드레일 개입**: 없음", "**Guardrail interventions**: none")
    total = sum(i.count for i in found)
    shown = " · ".join(f"{i.kind} {i.action} {i.count}" for i in found[:8])
    more = L(lang, f" 외 {len(found) - 8}종", f" +{len(found) - 8} kinds") if len(found) > 8 else ""
    return L(lang, f"**가드레일 개입 {total}건**: ", f"**Guardrail interventions ({total})**: ") + shown + more


def _channel_budgets(digest: Digest) -> str:
    lang = digest.lang
    shown = " · ".join(
        f"<#{c.channel}> {spend(c.spent)} / {spend(c.limit)} ({float(c.spent / c.limit):.0%})"
        for c in digest.channel_budgets[:5]
    )
    return L(lang, "**월 예산에 다가간 채널**: ", "**Channels near their monthly budget**: ") + shown


def _notes(digest: Digest) -> tuple[str, ...]:
    lang = digest.lang
    notes = [
        L(
            lang,
            f"비용은 카탈로그 가격(기준일 {digest.prices_as_of.isoformat()}, 리전 {digest.region})으로 계산한 "
            "추정치입니다. 실제 청구액은 할인·세금·반올림으로 다를 수 있습니다.",
            f"Costs are estimates from catalog prices (as of {digest.prices_as_of.isoformat()}, region "
            f"{digest.region}); the AWS bill can differ (discounts, taxes, rounding).",
        )
    ]
    if digest.total.unpriced:
        notes.append(
            L(
                lang,
                f"카탈로그에 가격이 없는 호출 {digest.total.unpriced:,}건은 비용에 포함되지 않았습니다.",
                f"{digest.total.unpriced:,} calls on models without a catalog price are not in the cost.",
            )
        )
    if digest.total.partial:
        notes.append(
            L(
                lang,
                f"호출 {digest.total.partial:,}건에 카탈로그에 가격이 없는 부분이 있어 그 부분은 비용에 포함되지 "
                "않았습니다.",
                f"{plural(digest.total.partial, 'call')} had a part the catalog has no price for; not included.",
            )
        )
    return tuple(notes)


def _sources(digest: Digest, catalog: Catalog) -> tuple[SourceRef, ...]:
    best = min(catalog.sources.values(), key=lambda s: (s.authority, -s.as_of.toordinal()))
    return (SourceRef(best.key, best.title, best.url, best.as_of),)
