"""`/bedrock models` and "which models…" questions: newest first, legacy marked, and what was left out said."""

from __future__ import annotations

from datetime import date

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Model
from bot.catalog.search import TOKEN_BASES, search
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import Ctx, L, as_of, item_sources, marked_name, region_note
from bot.qa.answers.models import (
    _constraints_line,
    _figure,
    by_price_kind,
    criteria_of,
    route_label,
    unit_priced_line,
)
from bot.qa.format import context
from bot.qa.parse import Query

LIMIT = 30


def newest_first_key(catalog: Catalog, model: Model) -> tuple[int, str]:
    """Sorts newest first: release date, else the date the model's source listed it (so a generated layer's
    undated models sort as of the layer), then by name."""
    listed: date = model.released or catalog.as_of(source_key=model.source)
    return (-listed.toordinal(), model.name)


def listing_answer(ctx: Ctx, q: Query) -> Answer:
    """Matching models, newest first; legacy models shown and marked, end-of-life ones counted, not listed."""
    lang = q.lang
    region = q.region or ctx.default_region
    crit = criteria_of(ctx, q)
    crit = type(crit)(**{**crit.__dict__, "include_legacy": True})
    result = search(ctx.catalog, crit, region, q.workload)
    live = [r for r in result.ranked if r.model.lifecycle != "eol"]
    ended = len(result.ranked) - len(live)
    live.sort(key=lambda r: newest_first_key(ctx.catalog, r.model))
    main, side = by_price_kind(live)
    shown = main[:LIMIT]
    rows = tuple(
        (marked_name(r.model, lang), _figure(r, lang), context(r.model.context_window), route_label(r, lang))
        for r in shown
    )
    lines = [_constraints_line(ctx, q, crit, lang, region), L(lang, "최신 모델부터 표시합니다.", "Newest first.")]
    if side:
        lines.append(unit_priced_line(side[:LIMIT], lang))
    if not shown:
        lines.append(
            L(lang, "조건에 맞는 모델이 카탈로그에 없습니다.", "No model in the catalog meets these constraints.")
        )
    notes = list(region_note(ctx, q))
    left = len(main) - len(shown) + max(0, len(side) - LIMIT)
    if left or ended or result.unpriced:
        notes.append(
            L(
                lang,
                f"표에 없는 모델: {left}개는 표시 한도({LIMIT}) 초과, 지원 종료 {ended}개, 이 리전 가격 없음 "
                f"{len(result.unpriced)}개. 조건(제공사·기능·리전)을 더 지정하면 좁혀집니다.",
                f"Left out: {left} over the {LIMIT}-row limit, {ended} end-of-life, {len(result.unpriced)} with no "
                "price in this region. Name a provider, feature or region to narrow the list.",
            )
        )
    if result.unpriced:
        names = ", ".join(m.name for m in result.unpriced[:8])
        notes.append(
            L(
                lang,
                f"이 리전 가격이 카탈로그에 없는 모델: {names}",
                f"No price for this region in the catalog: {names}",
            )
        )
    used = [p for r in shown for p in r.model.prices if region in p.regions]
    refs = item_sources(ctx, [r.model for r in shown[:8]], used)
    cols = (
        L(lang, "모델", "Model"),
        L(lang, "혼합가(입력3:출력1)/1M", "blended 3:1 /1M") if main and main[0].basis in TOKEN_BASES else L(lang, "단가", "unit price"),
        L(lang, "컨텍스트", "Context"),
        L(lang, "호출 경로/가용성", "Route/availability"),
    )
    return Answer(
        intent="list_models",
        lang=lang,
        title=L(lang, "조건에 맞는 모델 (최신순)", "Matching models (newest first)"),
        lines=tuple(lines),
        table=Table(cols, rows) if rows else None,
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(r.model.key for r in shown),
        facts={"left_out": str(left), "end_of_life": str(ended)},
    )
