"""Price lookups and cost estimates for models, and prices of non-model services."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from bot.catalog import pricing
from bot.catalog.dimensions import Route, ServiceTier
from bot.catalog.pricing import Basis, Estimate, Workload, estimate, per_million, priced_regions
from bot.catalog.schema import Mode, Model, PriceEntry, Service, Unit
from bot.catalog.search import availability_in
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import (
    MODE_LABEL,
    PART_LABEL,
    STATUS_LABEL,
    TERM_LABEL,
    Ctx,
    L,
    as_of,
    conflict_notes,
    correction_notes,
    item_sources,
    label,
    marked_name,
    model_region,
    per_1m,
    region_note,
    unit_price,
    variant,
)
from bot.qa.answers.dimensions import dimension_lines, route_name
from bot.qa.answers.lifecycle import lifecycle_line
from bot.qa.answers.provisioned import asks_break_even, break_even_lines
from bot.qa.format import context, tokens, usd
from bot.qa.parse import Query
from bot.qa.readings import Reading, read_workload


def price_answer(ctx: Ctx, q: Query, model: Model) -> Answer:
    """Every on-demand/batch/cache/latency/PT price of one model, the asked (or default) region first."""
    lang = q.lang
    region, moved = model_region(ctx, q, model, q.mode or Mode.on_demand)
    regions = priced_regions(model) + [r for r in priced_regions(model, Mode.batch) if r not in priced_regions(model)]
    lines: list[str] = []
    used: list[PriceEntry] = []
    if regions:
        lines.extend(_headline(ctx, q, model, region, regions, used))
    rows, columns = _token_rows(ctx, model, regions, region, lang)
    for entry in pricing.entries(model, Mode.on_demand):
        if entry.unit is not Unit.tokens_1k:
            used.append(entry)
            where = ", ".join(entry.regions)
            lines.append(f"{variant(entry, lang) or model.name}: {unit_price(entry, lang)} ({where})")
    lines.extend(_other_modes(model, lang, used))
    lines.extend(dimension_lines(model, region, lang, used))
    if model.lifecycle != "active" or model.eol_on:
        lines.append(lifecycle_line(ctx, model, lang))
    if asks_break_even(q):
        lines.extend(break_even_lines(ctx, q, model, region, used))
    if not used and not rows:
        lines.append(
            L(lang, f"{model.name}의 가격은 카탈로그에 없습니다.", f"The catalog has no price for {model.name}.")
        )
    used.extend(p for p in model.prices if p.unit is Unit.tokens_1k)
    refs = item_sources(ctx, [model], used)
    region_notes = [moved] if moved else region_note(ctx, q)
    notes = [*correction_notes(q), *region_notes, *conflict_notes([model], lang), *(n.get(lang) for n in model.notes)]
    unit = L(lang, "USD / 100만 토큰", "USD per 1M tokens")
    if not rows and (units := pricing.unit_prices(model, region) or _any_unit_prices(model)):
        unit = L(lang, f"USD / {label_unit(units[0], lang)}", f"USD per {label_unit(units[0], lang)}")
    return Answer(
        intent="price",
        lang=lang,
        title=f"{marked_name(model, lang)} — {L(lang, '가격', 'prices')} ({unit})",
        lines=tuple(lines),
        table=Table(columns, tuple(rows)) if rows else None,
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=(model.key,),
        region=region if regions else None,
    )


def _headline(ctx: Ctx, q: Query, model: Model, region: str, regions: list[str], used: list[PriceEntry]) -> list[str]:
    lang = q.lang
    name = ctx.catalog.region_name(region, lang)
    mode = q.mode if q.mode in (Mode.batch, Mode.latency_optimized) else Mode.on_demand
    entry = pricing.token_price(model, mode, region)
    if entry is None and mode is Mode.on_demand and pricing.unit_prices(model, region):
        return []  # priced per image / second / query: those lines follow, and there is no token price to miss
    routed = pricing.route_prices(model, region, mode)
    if entry is None and routed:
        used.append(routed[0])
        return [
            L(
                lang,
                f"{name}에는 리전 내 가격이 카탈로그에 없습니다. 이 리전에서 호출할 수 있는 프로파일 가격은 아래와 같습니다.",
                f"The catalog has no in-Region price in {name}; the profiles callable from there are priced below.",
            )
        ]
    if entry is None:
        where = ", ".join(priced_regions(model, mode)) or "-"
        mode_name = label(MODE_LABEL, mode, lang)
        lines = [
            L(
                lang,
                f"{name}에는 {mode_name} 가격이 카탈로그에 없습니다. 가격이 있는 리전: {where}",
                f"The catalog has no {mode_name} price in {name}. Priced regions: {where}",
            )
        ]
        avail = availability_in(model, region)
        if avail is not None:
            status = label(STATUS_LABEL, avail.status, lang) + (f" ({avail.expected})" if avail.expected else "")
            source = ctx.catalog.sources[avail.source].title
            lines.append(
                L(
                    lang,
                    f"{name} 가용성: {status} — 출처: {source}",
                    f"Availability in {name}: {status} — source: {source}",
                )
            )
        return lines
    used.append(entry)
    parts = [
        f"{label(PART_LABEL, p, lang)} {per_1m(getattr(entry, p))}"
        for p in pricing.TOKEN_PARTS
        if getattr(entry, p) is not None
    ]
    head = f"{name} {label(MODE_LABEL, mode, lang)}: " + " · ".join(parts)
    out = [head + L(lang, " (100만 토큰당)", " (per 1M tokens)")]
    differs = [r for r in regions if r != region and _io(pricing.token_price(model, mode, r)) not in (None, _io(entry))]
    if differs:
        shown = ", ".join(
            f"{r} {per_1m(e.input)}/{per_1m(e.output)}"
            for r in differs
            if (e := pricing.token_price(model, mode, r)) is not None
        )
        out.append(L(lang, f"다른 리전은 가격이 다릅니다: {shown}", f"Prices differ in other regions: {shown}"))
    return out


def _any_unit_prices(model: Model) -> list[PriceEntry]:
    return [p for p in pricing.entries(model, Mode.on_demand) if p.unit is not Unit.tokens_1k and p.price is not None]


def _io(entry: PriceEntry | None) -> tuple[Decimal | None, Decimal | None] | None:
    return None if entry is None else (entry.input, entry.output)


def _token_rows(
    ctx: Ctx, model: Model, regions: list[str], first: str, lang: str
) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    ordered = sorted(regions, key=lambda r: r != first)
    cols = [("on", p) for p in pricing.TOKEN_PARTS] + [("batch", "input"), ("batch", "output")]
    grid = []
    for region in ordered:
        on = pricing.token_price(model, Mode.on_demand, region)
        batch = pricing.token_price(model, Mode.batch, region)
        grid.append((region, [getattr(on if m == "on" else batch, p, None) for m, p in cols]))
    keep = [i for i in range(len(cols)) if any(vals[i] is not None for _, vals in grid)]
    if not keep:
        return [], ()
    header = [L(lang, "리전", "Region")] + [
        (
            label(PART_LABEL, cols[i][1], lang)
            if cols[i][0] == "on"
            else f"{L(lang, '배치', 'Batch')} {label(PART_LABEL, cols[i][1], lang)}"
        )
        for i in keep
    ]
    rows = [(r, *(per_1m(vals[i]) for i in keep)) for r, vals in grid]
    return rows, tuple(header)


def _other_modes(model: Model, lang: str, used: list[PriceEntry]) -> list[str]:
    lines = []
    for entry in pricing.entries(model, Mode.latency_optimized):
        used.append(entry)
        lines.append(
            f"{label(MODE_LABEL, Mode.latency_optimized, lang)} ({', '.join(entry.regions)}): "
            f"{label(PART_LABEL, 'input', lang)} {per_1m(entry.input)} · {label(PART_LABEL, 'output', lang)} {per_1m(entry.output)}"
        )
    groups: dict[tuple[str, ...], list[PriceEntry]] = {}
    for entry in model.prices:
        if entry.mode in (Mode.provisioned, Mode.training, Mode.storage, Mode.custom_inference):
            groups.setdefault(tuple(entry.regions), []).append(entry)
    for regions, group in groups.items():
        used.extend(group)
        parts = [
            f"{label(TERM_LABEL, e.term, lang) if e.term else label(MODE_LABEL, e.mode, lang)} {unit_price(e, lang)}"
            for e in group
        ]
        lines.append(
            f"{L(lang, '프로비저닝/사용자 지정', 'Provisioned/customization')} ({', '.join(regions)}): "
            + "; ".join(parts)
        )
    return lines


def estimate_answer(ctx: Ctx, q: Query, models: list[Model]) -> Answer:
    """The cost of the question's workload on each named model, with the arithmetic shown; several models side
    by side, the cheapest named; an implausible reading of "tokens … requests a day" said, with the other's figure."""
    lang = q.lang
    mode = q.mode if q.mode in (Mode.batch, Mode.latency_optimized) else Mode.on_demand
    workload = q.workload or Workload()
    if workload.requests_per_day is not None:
        workload = replace(workload, days=ctx.month_days)
    reading = read_workload(workload, models, per_request=q.per_request_said, totals=q.totals_said)
    lines: list[str] = []
    estimates: list[Estimate] = []
    used: list[PriceEntry] = []
    moved_notes: list[str] = []
    answered: set[str] = set()
    for model in models:
        region, moved = model_region(ctx, q, model, mode)
        answered.add(region)
        if moved:
            moved_notes.append(moved)
        if q.images or q.seconds:
            lines.extend(_unit_estimate(model, q, region, used))
            continue
        est = estimate(model, reading.workload, region, mode, basis_of(q))
        if est is None:
            where = ", ".join(priced_regions(model, mode)) or "-"
            lines.append(
                L(
                    lang,
                    f"{model.name}: {ctx.catalog.region_name(region, lang)}의 {label(MODE_LABEL, mode, lang)} 가격이 카탈로그에 없습니다 (가격이 있는 리전: {where}).",
                    f"{model.name}: no {label(MODE_LABEL, mode, lang)} price in {ctx.catalog.region_name(region, lang)} in the catalog (priced in: {where}).",
                )
            )
            continue
        used.append(est.entry)
        estimates.append(est)
        lines.append(f"{model.name} — {assumption_line(ctx, est, lang)}")
        if len(models) == 1:
            lines.extend(_breakdown(ctx, est, lang))
    table = _side_by_side(estimates, lang) if len(estimates) > 1 else None
    if len(estimates) > 1:
        lines.append(_cheapest(estimates, lang))
    refs = item_sources(ctx, models, used)
    notes = [
        *_reading_notes(ctx, q, reading, estimates, mode),
        *correction_notes(q),
        *(moved_notes or region_note(ctx, q)),
        L(
            lang,
            "추정치입니다: 실제 청구는 토큰 수 계산 방식과 리전에 따라 다를 수 있습니다.",
            "An estimate: the actual bill depends on exact token counts and region.",
        ),
    ]
    title = L(lang, f"비용 추정 — {label(MODE_LABEL, mode, lang)}", f"Cost estimate — {label(MODE_LABEL, mode, lang)}")
    facts = {"total": usd(estimates[0].per_request)} if len(estimates) == 1 else {}
    return Answer(
        intent="estimate",
        lang=lang,
        title=title,
        lines=tuple(lines),
        table=table,
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(m.key for m in models),
        facts=facts,
        region=next(iter(answered)) if len(answered) == 1 else None,
    )


def _side_by_side(estimates: list[Estimate], lang: str) -> Table:
    """The workload priced on each model: input, output and cache costs, the total, per day and per month."""
    parts = [p for p in pricing.TOKEN_PARTS if any(line.part == p for est in estimates for line in est.lines)]
    work = estimates[0].workload
    daily = any(est.per_day is not None for est in estimates)
    each = work.requests_per_day is not None  # a per-request column makes sense
    head = L(lang, "요청당", "Per request") if each else L(lang, "합계", "Total")
    periods = (L(lang, "일", "Per day"), L(lang, "월", "Per month")) if daily else ()
    if work.daily_totals:  # the parts are a day's costs: the day first, then the month, then per request
        cols = (L(lang, "모델", "Model"), *(label(PART_LABEL, p, lang) for p in parts), *periods)
        cols += (head,) if each else ()
    else:
        cols = (L(lang, "모델", "Model"), *(label(PART_LABEL, p, lang) for p in parts), head, *periods)
    rows = []
    for est in estimates:
        costs = {line.part: line.cost for line in est.lines}
        cells = [usd(costs[p]) if p in costs else L(lang, "가격 없음", "no price") for p in parts]
        day, month = est.per_day, est.per_month
        money = [usd(day) if day is not None else "-", usd(month) if month is not None else "-"] if daily else []
        if work.daily_totals:
            tail = [*money, *([usd(est.per_request)] if each else [])]
        else:
            tail = [usd(est.per_request), *money]
        rows.append((est.model.name, *cells, *tail))
    return Table(cols, tuple(rows))


def _cheapest(estimates: list[Estimate], lang: str) -> str:
    """ "Cheaper: Nova Lite — $1.20 vs $2.50 for Claude 3 Haiku (52% less)"; ties are said as ties."""
    def total(est: Estimate) -> Decimal:
        return est.per_month if est.per_month is not None else est.per_request

    ranked = sorted(estimates, key=lambda e: (total(e), e.model.name))
    best, runner = ranked[0], ranked[1]
    if total(best) == total(runner):
        tied = ", ".join(e.model.name for e in ranked if total(e) == total(best))
        return L(lang, f"비용 동일: {tied} ({usd(total(best))})", f"Same cost: {tied} ({usd(total(best))})")
    share = ((total(runner) - total(best)) / total(runner) * 100).quantize(Decimal(1))
    period = L(lang, "월", "a month") if best.per_month is not None else ""
    return L(
        lang,
        f"더 저렴: {best.model.name} — {period} {usd(total(best))}, 다음으로 저렴한 {runner.model.name}은(는) {usd(total(runner))} ({share}% 절감)".replace("—  ", "— "),
        f"Cheaper: {best.model.name} — {usd(total(best))} {period} vs {usd(total(runner))} for {runner.model.name} ({share}% less)".replace("  ", " "),
    )


def basis_of(q: Query) -> Basis:
    """The tier, route and cache TTL a question asks for (defaults: standard, best route, 5-minute cache)."""
    route = None
    if q.routes:
        first = q.routes[0]
        route = Route.global_ if first == "global" else Route.in_region if first == "in_region" else Route.geo
    return Basis(ServiceTier(q.tier) if q.tier else ServiceTier.standard, route, q.cache_ttl or "5m")


def assumption_line(ctx: Ctx, est: Estimate, lang: str) -> str:
    """Say which tier, route, cache TTL and context tier the estimate used."""
    parts = [
        f"{est.basis.tier.value} {L(lang, '티어', 'tier')}",
        route_name(est.entry, lang),
        L(lang, "캐시 쓰기 1시간", "1-hour cache write")
        if est.basis.cache_ttl == "1h"
        else L(lang, "캐시 쓰기 5분", "5-minute cache write"),
    ]
    w = est.workload
    size = w.input_tokens + w.cache_read_tokens + w.cache_write_tokens
    if est.context_tier:
        parts.append(
            L(lang, f"입력 {context(est.context_tier)} 초과 요율", f"over-{context(est.context_tier)} input rate")
        )
    elif pricing.context_tiers(est.model, est.entry):
        parts.append(L(lang, "기본 요율(긴 컨텍스트 구간 미만)", "base rate (below the long-context tier)"))
    elif any(p.context_above and size > p.context_above for p in est.model.prices):
        parts.append(
            L(
                lang,
                "이 경로의 긴 컨텍스트 요율은 카탈로그에 없어 기본 요율",
                "base rate: the catalog has no long-context rate for this route",
            )
        )
    line = L(lang, "가정: ", "Assumed: ") + " · ".join(parts)
    if est.model.context_window and size > est.model.context_window:
        line += L(
            lang,
            f" (주의: 입력 {size:,} 토큰이 컨텍스트 윈도우 {context(est.model.context_window)}를 넘습니다)",
            f" (note: {size:,} input tokens exceed the {context(est.model.context_window)} context window)",
        )
    return line


def _reading_notes(ctx: Ctx, q: Query, reading: Reading, estimates: list[Estimate], mode: Mode) -> list[str]:
    """Say which reading of "N tokens … M requests a day" was priced, and what the other would cost."""
    lang, work = q.lang, reading.workload
    rpd = work.requests_per_day or 0
    size = f"{tokens(work.input_tokens, lang)} / {tokens(work.output_tokens, lang)}"
    notes: list[str] = []
    if reading.reason == "context" and reading.model is not None:
        window = f"{reading.model.context_window:,}"
        if work.daily_totals:
            each = f"{tokens(work.input_tokens // rpd, lang)} / {tokens(work.output_tokens // rpd, lang)}"
            notes.append(
                L(
                    lang,
                    f"입력/출력 {size} 토큰을 하루 {rpd:,}건의 합계로 읽었습니다 (건당 약 {each}): 한 요청에 그만큼은 {reading.model.name}의 컨텍스트 창({window} 토큰)에 들어가지 않습니다.",
                    f"Read {size} input/output tokens as the day's totals over {rpd:,} requests (about {each} per request): one request that large does not fit {reading.model.name}'s {window}-token context window.",
                )
            )
        else:
            notes.append(
                L(
                    lang,
                    f"요청 하나에 {size} 토큰은 {reading.model.name}의 컨텍스트 창({window} 토큰)을 넘습니다: 실제로는 나눠서 보내야 합니다.",
                    f"{size} tokens in one request exceeds {reading.model.name}'s {window}-token context window: it would have to be split.",
                )
            )
    elif reading.reason == "large":
        notes.append(
            L(
                lang,
                f"입력/출력 {size} 토큰을 요청 하나의 크기로 읽었습니다 (하루 {rpd:,}건).",
                f"Read {size} input/output tokens as the size of each request ({rpd:,} requests a day).",
            )
        )
    if reading.other is not None and estimates:
        other = estimate(estimates[0].model, reading.other, estimates[0].region, mode)
        if other is not None and other.per_month is not None:
            month = usd(other.per_month)
            notes.append(
                L(
                    lang,
                    f"다르게 읽으면 — {'요청당' if not reading.other.daily_totals else '하루 합계'} {size} 토큰 — {estimates[0].model.name} 기준 월 {month}입니다.",
                    f"Read the other way — {size} tokens {'per request' if not reading.other.daily_totals else 'as the daily total'} — it would be {month} a month on {estimates[0].model.name}.",
                )
            )
    return notes


def _breakdown(ctx: Ctx, est: Estimate, lang: str) -> list[str]:
    lines = [f"{est.model.name} · {ctx.catalog.region_name(est.region, lang)} · {label(MODE_LABEL, est.mode, lang)}"]
    for line in est.lines:
        lines.append(
            f"  {label(PART_LABEL, line.part, lang)} {tokens(line.tokens, lang)} × {usd(per_million(line.per_1k))}/1M = {usd(line.cost)}"
        )
    for part in est.missing:
        lines.append(
            L(
                lang,
                f"  {label(PART_LABEL, part, lang)}: 이 모드/리전에 가격이 없어 합계에서 빠졌습니다.",
                f"  {label(PART_LABEL, part, lang)}: no price in this mode/region, left out of the total.",
            )
        )
    rpd = est.workload.requests_per_day
    if est.workload.daily_totals and est.per_day is not None and est.per_month is not None:
        each = (
            L(lang, f" (하루 {rpd:,}건, 건당 {usd(est.per_request)})", f" ({rpd:,} requests, {usd(est.per_request)} each)")
            if rpd
            else ""
        )
        lines.append(
            L(
                lang,
                f"= 일 {usd(est.per_day)}{each}, 월({est.workload.days}일) {usd(est.per_month)}",
                f"= {usd(est.per_day)} per day{each}, {usd(est.per_month)} per {est.workload.days}-day month",
            )
        )
        return lines
    per = L(lang, "요청당", "per request") if rpd else L(lang, "합계", "total")
    lines.append(f"= {usd(est.per_request)} ({per})")
    if est.per_day is not None and est.per_month is not None:
        rpd = est.workload.requests_per_day
        lines.append(
            L(
                lang,
                f"하루 {rpd:,}건 → 일 {usd(est.per_day)}, 월({est.workload.days}일) {usd(est.per_month)}",
                f"{rpd:,} requests/day → {usd(est.per_day)} per day, {usd(est.per_month)} per {est.workload.days}-day month",
            )
        )
    if est.mode is Mode.batch:
        base = estimate(est.model, est.workload, est.region, Mode.on_demand)
        if base is not None and not base.missing:
            lines.append(
                L(
                    lang,
                    f"온디맨드였다면 {usd(base.per_request)} — 배치로 {usd(base.per_request - est.per_request)} 절약",
                    f"On-demand would be {usd(base.per_request)} — batch saves {usd(base.per_request - est.per_request)}",
                )
            )
    return lines


def _unit_estimate(model: Model, q: Query, region: str, used: list[PriceEntry]) -> list[str]:
    """Images or seconds × the unit price; only the size, quality or resolution asked for, when the question says
    one ("1024x1024 premium", "720p")."""
    count = q.images or q.seconds or 0
    offered = [
        e
        for e in (pricing.unit_prices(model, region) or pricing.entries(model, Mode.on_demand))
        if e.unit is not Unit.tokens_1k and e.price is not None
    ]
    chosen, asked = pick_variants(offered, q.norm)
    lines = []
    if asked and not chosen:
        lines.append(
            L(
                q.lang,
                f"{model.name}: '{asked}'에 맞는 가격 항목이 없어 모든 항목을 보여 줍니다.",
                f"{model.name}: no price row matches '{asked}', so every row is shown.",
            )
        )
    for entry in chosen or offered:
        price = entry.price or Decimal(0)
        used.append(entry)
        name = " ".join(part for part in (model.name, variant(entry, q.lang)) if part)
        lines.append(f"{name}: {count:,} × {usd(price)} = {usd(price * count)}")
    return lines or [
        L(
            q.lang,
            f"{model.name}: 이미지/동영상 단가가 카탈로그에 없습니다.",
            f"{model.name}: no per-image/second price in the catalog.",
        )
    ]


_SIZE = re.compile(r"(\d{3,4})\s?[x×*]\s?(\d{3,4})")
_BRACKET = re.compile(r"(smaller than|up to|larger than) (\d{3,4}) x (\d{3,4})")
_QUALITY = {"premium": ("premium", "프리미엄", "고품질"), "standard": ("standard", "표준", "일반 품질")}
_RESOLUTION = re.compile(r"\b(\d{3,4}p)\b")


def pick_variants(entries: list[PriceEntry], norm: str) -> tuple[list[PriceEntry], str]:
    """The rows matching the size, quality and resolution `norm` asks for, and how the ask reads ("" if none).
    A size goes to the bracket that holds it: "smaller than"/"up to N x N" when it fits, else "larger than"."""
    size = _SIZE.search(norm)
    quality = next((q for q, words in _QUALITY.items() if any(w in norm for w in words)), None)
    resolution = _RESOLUTION.search(norm)
    parts = [f"{size.group(1)} x {size.group(2)}" if size else "", quality or "", resolution.group(1) if resolution else ""]
    asked = " ".join(p for p in parts if p)
    if not asked or not any(_en(e) for e in entries):  # one price for every size: nothing to choose
        return entries, ""
    kept = [e for e in entries if _en(e)]
    if quality:
        kept = [e for e in kept if quality in _en(e)]
    if resolution:
        kept = [e for e in kept if resolution.group(1) in _en(e)]
    if size:
        pixels = int(size.group(1)) * int(size.group(2))
        kept = [e for e in kept if _fits(e, pixels)] or [e for e in kept if "larger than" in _en(e)]
    return kept, asked


def _en(entry: PriceEntry) -> str:
    return entry.variant.en.lower() if entry.variant is not None else ""


def _fits(entry: PriceEntry, pixels: int) -> bool:
    found = _BRACKET.search(_en(entry))
    if found is None:
        return False
    limit = int(found.group(2)) * int(found.group(3))
    return (found.group(1) == "smaller than" and pixels < limit) or (found.group(1) == "up to" and pixels <= limit)


def service_answer(ctx: Ctx, q: Query, service: Service) -> Answer:
    lang = q.lang
    rows = tuple(
        (
            variant(e, lang) or service.name,
            usd(e.price) if e.price is not None else "-",
            label_unit(e, lang),
            ", ".join(e.regions),
        )
        for e in service.prices
    )
    cols = (L(lang, "항목", "Item"), L(lang, "가격", "Price"), L(lang, "단위", "Unit"), L(lang, "리전", "Regions"))
    notes = [n.get(lang) for n in service.notes] + [n.get(lang) for e in service.prices if (n := e.note)]
    refs = item_sources(ctx, [service], service.prices)
    return Answer(
        intent="service",
        lang=lang,
        title=f"{service.name} — {L(lang, '가격', 'pricing')}",
        lines=(service.description.get(lang),),
        table=Table(cols, rows) if rows else None,
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
    )


def label_unit(entry: PriceEntry, lang: str) -> str:
    return unit_price(entry, lang).split(" / ", 1)[1]
