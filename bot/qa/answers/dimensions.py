"""The billing dimensions in answers: route, service tier, cache TTL and long-context tiers.

`dimension_lines` adds them to a model's price answer; `dimension_answer` answers a dimension asked about
without a model ("Flex로 돌리면 얼마나 싸?", "1시간 캐시 쓰기 가격", "200K 넘으면 가격이 달라져?").
"""

from __future__ import annotations

from decimal import Decimal

from bot.catalog import pricing
from bot.catalog.dimensions import Route, ServiceTier
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import Ctx, L, as_of, item_sources, per_1m, region_note
from bot.qa.format import context
from bot.qa.parse import Query

TIER_LABEL = {"flex": ("Flex", "Flex"), "priority": ("Priority", "Priority"), "reserved": ("Reserved", "Reserved")}


def route_name(entry: PriceEntry, lang: str) -> str:
    if entry.route is Route.in_region or entry.profile is None:
        return L(lang, "리전 내(in-Region)", "in-Region")
    kind = L(lang, "글로벌", "global") if entry.route is Route.global_ else L(lang, "지역(geo)", "geo")
    return f"{entry.profile.split('.', 1)[0]}. {L(lang, '프로파일', 'profile')} ({kind}, {entry.profile})"


def pct(part: Decimal, whole: Decimal) -> str:
    return f"{(1 - part / whole) * 100:.0f}%" if whole else "-"


def io(entry: PriceEntry) -> str:
    return f"{per_1m(entry.input)}/{per_1m(entry.output)}"


def dimension_lines(model: Model, region: str, lang: str, used: list[PriceEntry]) -> list[str]:
    """Route, tier, cache and long-context lines for one model in one region (only what the catalog has)."""
    routes = pricing.route_prices(model, region)
    lines: list[str] = []
    if len(routes) > 1 or (routes and routes[0].route is not Route.in_region):
        base = routes[0]
        lines.append(
            L(lang, "호출 경로별 가격(입력/출력, 100만 토큰당):", "Price by route (input/output per 1M tokens):")
        )
        for entry in routes:
            used.append(entry)
            diff = ""
            if entry is not base and base.input and entry.input is not None and entry.input != base.input:
                cheaper = entry.input < base.input
                word = L(lang, "저렴", "cheaper") if cheaper else L(lang, "비쌈", "dearer")
                other, share = route_name(base, lang).split(" (")[0], pct(entry.input, base.input).lstrip("-")
                diff = L(lang, f" — {other} 대비 {share} {word}", f" — {share} {word} than {other}")
            lines.append(f"  · {route_name(entry, lang)}: {io(entry)}{diff}")
    head = routes[0] if routes else None
    if head is None:
        return lines
    for tier in (ServiceTier.flex, ServiceTier.priority, ServiceTier.reserved):
        pairs = [(e, pricing.token_price(model, Mode.on_demand, region, tier=tier, route=e.route)) for e in routes]
        base, row = next(((e, r) for e, r in pairs if r is not None), (head, None))
        if row is not None and row.input is not None and base.input:
            used.append(row)
            change = L(lang, "저렴", "cheaper") if row.input < base.input else L(lang, "비쌈", "dearer")
            share, where = pct(row.input, base.input).lstrip("-"), route_name(row, lang).split(" (")[0]
            lines.append(
                f"{tier.value.capitalize()} {L(lang, '티어', 'tier')} ({where}): "
                + L(lang, f"{io(row)} — 표준 대비 {share} {change}", f"{io(row)} — {share} {change} than standard")
            )
    cache = [
        (L(lang, "쓰기(5분)", "write (5 min)"), head.cache_write),
        (L(lang, "쓰기(1시간)", "write (1 hour)"), head.cache_write_1h),
        (L(lang, "읽기", "read"), head.cache_read),
    ]
    if any(v is not None for _, v in cache):
        shown = " · ".join(f"{name} {per_1m(v)}" for name, v in cache if v is not None)
        lines.append(L(lang, "캐시: ", "Cache: ") + shown)
    for entry in routes:
        for tier_row in pricing.context_tiers(model, entry):
            used.append(tier_row)
            where = route_name(entry, lang).split(" (")[0]
            lines.append(
                L(
                    lang,
                    f"입력 {context(tier_row.context_above)} 토큰 초과 요청({where}): {io(tier_row)} (기본 {io(entry)})",
                    f"Requests over {context(tier_row.context_above)} input tokens ({where}): {io(tier_row)} "
                    f"(base {io(entry)})",
                )
            )
    return lines


def dimension_answer(ctx: Ctx, q: Query) -> Answer:
    """Models priced in the asked dimension (tier, 1-hour cache write, long-context tier), in one region."""
    lang, region = q.lang, q.region or ctx.default_region
    rows: list[tuple[str, ...]] = []
    used: list[PriceEntry] = []
    models: list[Model] = []
    for model in ctx.catalog.models.values():
        if model.lifecycle == "eol":
            continue
        for base in pricing.route_prices(model, region):
            row = _row(model, base, region, q, lang)
            if row is not None:
                rows.append(row[0])
                used.extend((base, row[1]))
                models.append(model)
                break
    rows.sort(key=lambda r: (Decimal(r[-1]), r[0]))
    title, cols, lead = _header(q, lang)
    lines = [
        lead,
        L(
            lang,
            f"{len(rows)}개 모델 · {ctx.catalog.region_name(region, lang)}",
            f"{len(rows)} models · {ctx.catalog.region_name(region, lang)}",
        ),
    ]
    if not rows:
        lines.append(
            L(
                lang,
                "이 리전에서 이 항목의 가격이 있는 모델이 카탈로그에 없습니다.",
                "No model in the catalog has this price in this region.",
            )
        )
    refs = item_sources(ctx, models[:8], used)
    return Answer(
        intent="dimension",
        lang=lang,
        title=title,
        lines=tuple(lines),
        table=Table(cols, tuple(r[:-1] for r in rows[:30])) if rows else None,
        notes=tuple(region_note(ctx, q)),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(m.key for m in models[:30]),
        region=region,
    )


def _row(model: Model, base: PriceEntry, region: str, q: Query, lang: str) -> tuple[tuple[str, ...], PriceEntry] | None:
    where = route_name(base, lang).split(" (")[0]
    if q.tier:
        row = pricing.token_price(model, Mode.on_demand, region, tier=ServiceTier(q.tier), route=base.route)
        if row is None or row.input is None or not base.input:
            return None
        saving = (1 - row.input / base.input) * 100
        return (model.name, where, io(base), io(row), f"{saving:.0f}%", str(-saving)), row
    if q.cache_ttl == "1h":
        if base.cache_write_1h is None:
            return None
        return (
            model.name,
            where,
            per_1m(base.cache_write),
            per_1m(base.cache_write_1h),
            per_1m(base.cache_read),
            str(base.cache_write_1h),
        ), base
    tiers = pricing.context_tiers(model, base)
    if not tiers:
        return None
    top = min(tiers, key=lambda t: t.context_above or 0)
    return (model.name, where, context(top.context_above), io(base), io(top), str(top.context_above or 0)), top


def _header(q: Query, lang: str) -> tuple[str, tuple[str, ...], str]:
    model, route = L(lang, "모델", "Model"), L(lang, "경로", "Route")
    if q.tier:
        name = q.tier.capitalize()
        return (
            L(lang, f"{name} 티어 가격 (표준 대비)", f"{name} tier prices (vs standard)"),
            (
                model,
                route,
                L(lang, "표준 입력/출력 /1M", "Standard in/out /1M"),
                f"{name} /1M",
                L(lang, "입력 절감", "Input saving"),
            ),
            L(
                lang,
                f"{name} 티어: 표준 온디맨드와 같은 모델을 다른 처리 우선순위로 호출합니다. 절감률이 큰 순입니다.",
                f"{name} tier: the same model served at another priority than standard on-demand. Biggest saving first.",
            ),
        )
    if q.cache_ttl == "1h":
        return (
            L(lang, "1시간 캐시 쓰기 가격", "1-hour cache write prices"),
            (
                model,
                route,
                L(lang, "쓰기 5분 /1M", "Write 5 min /1M"),
                L(lang, "쓰기 1시간 /1M", "Write 1 hour /1M"),
                L(lang, "읽기 /1M", "Read /1M"),
            ),
            L(
                lang,
                "프롬프트 캐시 쓰기는 TTL(5분/1시간)에 따라 가격이 다르고, 읽기는 같습니다. 저렴한 순입니다.",
                "Prompt-cache writes are priced by TTL (5 minutes / 1 hour); reads cost the same. Cheapest first.",
            ),
        )
    return (
        L(lang, "긴 컨텍스트 가격 구간", "Long-context price tiers"),
        (
            model,
            route,
            L(lang, "기준(입력 초과)", "Threshold (input over)"),
            L(lang, "기본 입력/출력 /1M", "Base in/out /1M"),
            L(lang, "초과 시 /1M", "Above /1M"),
        ),
        L(
            lang,
            "예: 입력이 기준 토큰 수를 넘는 요청은 요청 전체가 높은 요율로 과금됩니다. 이 구간이 있는 모델만 표시합니다.",
            "Requests whose input exceeds the threshold are billed at the higher rate for the whole request. Only models with such a tier are shown.",
        ),
    )
