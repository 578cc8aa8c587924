"""Answers about models themselves: specs, availability, comparisons, filtered lists and recommendations."""

from __future__ import annotations

from bot.catalog import pricing
from bot.catalog.schema import Mode, Model, PriceEntry
from bot.catalog.search import Criteria, Ranked, availability_in, search
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import (
    MODE_LABEL,
    STATUS_LABEL,
    Ctx,
    L,
    as_of,
    correction_notes,
    item_sources,
    label,
    model_region,
    per_1m,
    region_note,
    sources_for,
    unit_price,
)
from bot.qa.format import context, usd
from bot.qa.parse import Query

FEATURES = (
    "streaming",
    "tool_use",
    "vision",
    "computer_use",
    "extended_thinking",
    "prompt_caching",
    "batch",
    "latency_optimized",
    "provisioned_throughput",
)
FEATURE_LABEL = {
    "streaming": ("스트리밍", "streaming"),
    "tool_use": ("도구 사용", "tool use"),
    "vision": ("비전(이미지 입력)", "vision"),
    "computer_use": ("컴퓨터 사용", "computer use"),
    "extended_thinking": ("확장 사고", "extended thinking"),
    "prompt_caching": ("프롬프트 캐싱", "prompt caching"),
    "batch": ("배치", "batch"),
    "latency_optimized": ("지연 시간 최적화", "latency-optimized"),
    "provisioned_throughput": ("프로비저닝된 처리량", "Provisioned Throughput"),
}
TUNING_LABEL = {
    "fine_tuning": ("미세 조정", "fine-tuning"),
    "continued_pretraining": ("지속적 사전 훈련", "continued pre-training"),
    "distillation": ("증류", "distillation"),
}


def features_of(model: Model, lang: str, region: str | None = None) -> str:
    """The model's features, as they are in `region` when one is given (per-region flags from the source)."""
    features = model.features_in(region) if region else model.features
    names = [label(FEATURE_LABEL, f, lang) for f in FEATURES if getattr(features, f)]
    names.extend(label(TUNING_LABEL, t, lang) for t in features.fine_tuning)
    return ", ".join(names) or "-"


def specs_answer(ctx: Ctx, q: Query, model: Model) -> Answer:
    lang = q.lang
    mods_in = ", ".join(m.value for m in model.modalities_in)
    mods_out = ", ".join(m.value for m in model.modalities_out)
    rows = (
        (L(lang, "제공사", "Provider"), model.provider),
        (L(lang, "모델 ID", "Model ids"), ", ".join(model.ids)),
        (L(lang, "교차 리전 프로파일", "Inference profiles"), ", ".join(model.inference_profiles) or "-"),
        (L(lang, "입력/출력 모달리티", "Modalities in/out"), f"{mods_in} → {mods_out}"),
        (L(lang, "컨텍스트 윈도우", "Context window"), context(model.context_window)),
        (L(lang, "최대 출력", "Max output"), context(model.max_output)),
        (L(lang, "기능", "Features") + (f" ({q.region})" if q.region else ""), features_of(model, lang, q.region)),
        (L(lang, "수명 주기", "Lifecycle"), model.lifecycle),
    )
    keys = [model.fact_source(f) for f in ("context_window", "max_output", "modalities_in", "features", "ids")]
    refs = sources_for(ctx, keys)
    notes = [*correction_notes(q), *(c.note.get(lang) for c in model.conflicts if not c.field.startswith("prices"))]
    return Answer(
        intent="specs",
        lang=lang,
        title=f"{model.name} — {L(lang, '사양', 'specs')}",
        lines=tuple(_direct_answers(q, model)),
        table=Table((L(lang, "항목", "Item"), L(lang, "값", "Value")), rows),
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=(model.key,),
    )


def _direct_answers(q: Query, model: Model) -> list[str]:
    """ "이미지 입력 되나?" gets a yes/no line before the spec table."""
    lang, out = q.lang, []
    for modality in sorted(q.modalities_in):
        ok = modality in model.modalities_in
        out.append(
            L(
                lang,
                f"{modality.value} 입력: {'지원' if ok else '지원 안 함'}",
                f"{modality.value} input: {'supported' if ok else 'not supported'}",
            )
        )
    features = model.features_in(q.region) if q.region else model.features
    for feature in sorted(q.features):
        ok = bool(features.fine_tuning) if feature == "fine_tuning" else bool(getattr(features, feature, False))
        name = label(FEATURE_LABEL, feature, lang) if feature in FEATURE_LABEL else label(TUNING_LABEL, feature, lang)
        out.append(
            L(lang, f"{name}: {'지원' if ok else '지원 안 함'}", f"{name}: {'supported' if ok else 'not supported'}")
        )
    return out


def availability_answer(ctx: Ctx, q: Query, models: list[Model]) -> Answer:
    lang = q.lang
    lines: list[str] = []
    keys: list[str] = []
    for model in models:
        regions = [q.region] if q.region else [a.region for a in model.availability] or pricing.priced_regions(model)
        for region in regions:
            avail = availability_in(model, region)
            name = ctx.catalog.region_name(region, lang)
            if avail is not None:
                keys.append(avail.source)
                status = label(STATUS_LABEL, avail.status, lang)
                when = f" ({L(lang, '예상', 'expected')} {avail.expected})" if avail.expected else ""
                lines.append(f"{model.name} · {name}: {status}{when}")
            elif routed := [e for e in pricing.route_prices(model, region) if e.profile]:
                names = ", ".join(e.profile or "" for e in routed)
                lines.append(
                    L(
                        lang,
                        f"{model.name} · {name}: 교차 리전 프로파일로 호출 가능 ({names})",
                        f"{model.name} · {name}: callable through inference profiles ({names})",
                    )
                )
                keys.extend(e.source for e in routed)
            elif region in pricing.priced_regions(model):
                lines.append(
                    f"{model.name} · {name}: {L(lang, '가격 페이지에 가격이 있음(사용 가능)', 'priced on the pricing page (available)')}"
                )
                keys.extend(p.source for p in model.prices if region in p.regions)
            else:
                offered = [a.region for a in model.availability if a.status == "ga"] or pricing.priced_regions(model)
                where = ", ".join(offered) or "-"
                lines.append(
                    L(
                        lang,
                        f"{model.name} · {name}: 카탈로그에 이 리전 기록이 없습니다(제공되지 않을 수 있음). 제공 리전: {where}",
                        f"{model.name} · {name}: no record for this region in the catalog (may not be offered). Offered in: {where}",
                    )
                )
        if model.inference_profiles:
            lines.append(
                L(
                    lang,
                    f"  교차 리전 추론 프로파일: {', '.join(model.inference_profiles)}",
                    f"  Cross-region inference profiles: {', '.join(model.inference_profiles)}",
                )
            )
    refs = sources_for(ctx, [*keys, *(m.source for m in models)])
    return Answer(
        intent="availability",
        lang=lang,
        title=L(lang, "리전별 가용성", "Availability by region"),
        lines=tuple(lines),
        notes=tuple(correction_notes(q)),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(m.key for m in models),
    )


def compare_answer(ctx: Ctx, q: Query, models: list[Model], ambiguous: str | None = None) -> Answer:
    lang = q.lang
    region = q.region or ctx.default_region
    mode = q.mode if q.mode in (Mode.batch, Mode.latency_optimized) else Mode.on_demand
    cols = (
        L(lang, "모델", "Model"),
        L(lang, "입력 /1M", "Input /1M"),
        L(lang, "출력 /1M", "Output /1M"),
        L(lang, "컨텍스트", "Context"),
        L(lang, "모달리티(입력)", "Input modalities"),
        L(lang, "기능", "Features"),
    )
    rows, used = [], []
    moved_notes: list[str] = []
    priced: list[tuple[Model, PriceEntry | None]] = []
    missing: list[str] = []
    for model in models:
        where, moved = model_region(ctx, q, model, mode)
        if moved:
            moved_notes.append(moved)
        entry = pricing.token_price(model, mode, where)
        priced.append((model, entry))
        if entry is not None:
            used.append(entry)
            suffix = f" ({where})" if where != region else ""
            cells = (per_1m(entry.input) + suffix, per_1m(entry.output) + suffix)
        else:
            units = pricing.unit_prices(model, where)
            used.extend(units)
            cells = (unit_price(units[0], lang), "-") if units else (L(lang, "가격 없음", "no price"), "-")
            if not units:
                missing.append(model.name)
        rows.append(
            (
                model.name,
                *cells,
                context(model.context_window),
                ", ".join(m.value for m in model.modalities_in),
                features_of(model, lang),
            )
        )
    lines = [
        L(
            lang,
            f"{ctx.catalog.region_name(region, lang)} · {label(MODE_LABEL, mode, lang)} 기준",
            f"{ctx.catalog.region_name(region, lang)} · {label(MODE_LABEL, mode, lang)}",
        )
    ]
    blended = [(b, m) for m, e in priced if e is not None and (b := pricing.blended_per_million(e)) is not None]
    cheapest = sorted(blended, key=lambda x: x[0])
    if len(cheapest) >= 2 and cheapest[0][0] == cheapest[1][0]:
        tied = [m.name for b, m in cheapest if b == cheapest[0][0]]
        lines.append(
            L(
                lang,
                f"가격 동일: {', '.join(tied)} (입력:출력 3:1 혼합 {usd(cheapest[0][0])}/1M)",
                f"Same price: {', '.join(tied)} (blended 3:1 input:output {usd(cheapest[0][0])}/1M)",
            )
        )
    elif len(cheapest) >= 2:
        lines.append(
            L(
                lang,
                f"가장 저렴: {cheapest[0][1].name} (입력:출력 3:1 혼합 {usd(cheapest[0][0])}/1M)",
                f"Cheapest: {cheapest[0][1].name} (blended 3:1 input:output {usd(cheapest[0][0])}/1M)",
            )
        )
    notes = list(correction_notes(q)) + region_note(ctx, q) + moved_notes
    if ambiguous:
        notes.insert(
            0,
            L(
                lang,
                f"'{ambiguous}'에 해당하는 모델이 여러 개입니다: {', '.join(m.name for m in models)}. 하나를 지정하면 자세히 답합니다.",
                f"'{ambiguous}' matches several models: {', '.join(m.name for m in models)}. Name one for details.",
            ),
        )
    if missing:
        notes.append(
            L(
                lang,
                f"이 리전/모드에 가격이 없는 모델: {', '.join(missing)}",
                f"No price in this region/mode: {', '.join(missing)}",
            )
        )
    refs = item_sources(ctx, models, used)
    title = L(lang, "후보 모델", "Candidates") if ambiguous else L(lang, "모델 비교", "Model comparison")
    return Answer(
        intent="compare",
        lang=lang,
        title=title,
        lines=tuple(lines),
        table=Table(cols, tuple(rows)),
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(m.key for m in models),
    )


def criteria_of(ctx: Ctx, q: Query, default_kinds: frozenset[str] = frozenset()) -> Criteria:
    members = frozenset(m for g in q.groups for m in ctx.catalog.groups[g].members) | frozenset(q.models)
    kinds = frozenset(q.kinds) or (frozenset({"image"}) if q.modalities_out & {"image"} else frozenset())
    if q.modalities_out & {"video"}:
        kinds = frozenset({"video"})
    mode = q.mode if q.mode in (Mode.batch, Mode.latency_optimized) else Mode.on_demand
    features = set(q.features) | ({"batch"} if mode is Mode.batch else set())
    return Criteria(
        region=q.region,
        modalities_in=frozenset(q.modalities_in),
        modalities_out=frozenset(),
        features=frozenset(features),
        min_context=q.min_context,
        providers=frozenset(q.providers),
        kinds=kinds or (default_kinds if not members else frozenset()),
        members=members,
        mode=mode,
        max_price=q.max_price,
    )


def recommend_answer(ctx: Ctx, q: Query, listing: bool = False) -> Answer:
    """Models meeting the constraints, cheapest first (blended 3:1 price, or the workload's cost)."""
    lang = q.lang
    region = q.region or ctx.default_region
    crit = criteria_of(ctx, q, default_kinds=frozenset() if listing else frozenset({"text"}))
    result = search(ctx.catalog, crit, region, q.workload)
    moved = None
    if not result.ranked and not q.region:
        # Nothing fits in the default region (video generation is only in us-west-2): use the first region
        # where something does, and say so.
        for other in ctx.catalog.regions:
            found = search(ctx.catalog, crit, other, q.workload)
            if found.ranked:
                region, result = other, found
                moved = L(
                    lang,
                    f"{ctx.default_region}에는 조건에 맞는 모델이 없어 {ctx.catalog.region_name(other, 'ko')} 기준입니다.",
                    f"Nothing fits in {ctx.default_region}: shown for {ctx.catalog.region_name(other, 'en')}.",
                )
                break
    rows = tuple(_ranked_row(ctx, r, lang) for r in result.ranked[: 25 if listing else 8])
    basis = _basis(result.ranked, lang, q)
    lines = [_constraints_line(ctx, q, crit, lang, region)]
    if result.ranked and not listing:
        top = result.ranked[0]
        lines.append(
            L(
                lang,
                f"추천: **{top.model.name}** — {basis} {_figure(top)}",
                f"Pick: **{top.model.name}** — {basis} {_figure(top)}",
            )
        )
    if not result.ranked:
        lines.append(
            L(
                lang,
                "조건에 맞고 가격이 있는 모델이 카탈로그에 없습니다.",
                "No priced model in the catalog meets these constraints.",
            )
        )
    notes = [moved] if moved else list(region_note(ctx, q))
    if result.unpriced:
        names = ", ".join(m.name for m in result.unpriced[:8])
        notes.append(
            L(
                lang,
                f"조건은 맞지만 이 리전/모드의 가격이 카탈로그에 없는 모델: {names}",
                f"Meets the constraints but has no price for this region/mode in the catalog: {names}",
            )
        )
    used = [p for r in result.ranked for p in r.model.prices if region in p.regions]
    refs = item_sources(ctx, [r.model for r in result.ranked[:8]], used)
    cols = (L(lang, "모델", "Model"), basis, L(lang, "컨텍스트", "Context"), L(lang, "가용성", "Availability"))
    return Answer(
        intent="list_models" if listing else "recommend",
        lang=lang,
        title=L(
            lang,
            "조건에 맞는 모델" if listing else "추천 모델 (저렴한 순)",
            "Matching models" if listing else "Recommended (cheapest first)",
        ),
        lines=tuple(lines),
        table=Table(cols, rows) if rows else None,
        notes=tuple(notes),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(r.model.key for r in result.ranked[:8]),
    )


def _basis(ranked: tuple[Ranked, ...], lang: str, q: Query) -> str:
    kind = ranked[0].basis if ranked else "blended"
    if kind == "workload":
        return L(lang, "워크로드 비용", "workload cost")
    if kind == "blended":
        return L(lang, "혼합가(입력3:출력1)/1M", "blended 3:1 /1M")
    return L(lang, "단가", "unit price")


def _figure(r: Ranked) -> str:
    return usd(r.figure) if r.figure is not None else "-"


def route_label(r: Ranked, lang: str) -> str:
    """How the ranked price is reached: an inference profile ("apac. profile"), else the region's status."""
    if r.entry is not None and r.entry.profile is not None:
        return r.entry.profile.split(".", 1)[0] + "." + L(lang, " 프로파일", " profile")
    return label(STATUS_LABEL, r.availability.status, lang) if r.availability else L(lang, "가격 있음", "priced")


def _ranked_row(ctx: Ctx, r: Ranked, lang: str) -> tuple[str, ...]:
    return (r.model.name, _figure(r), context(r.model.context_window), route_label(r, lang))


def _constraints_line(ctx: Ctx, q: Query, crit: Criteria, lang: str, region: str) -> str:
    parts = [ctx.catalog.region_name(region, lang), label(MODE_LABEL, crit.mode, lang)]
    parts += [f"{L(lang, '입력', 'input')}: {m.value}" for m in sorted(crit.modalities_in)]
    parts += [f"{L(lang, '종류', 'kind')}: {k}" for k in sorted(crit.kinds)]
    parts += [label(FEATURE_LABEL, f, lang) if f in FEATURE_LABEL else f for f in sorted(crit.features)]
    if crit.min_context:
        parts.append(f"{L(lang, '컨텍스트', 'context')} ≥ {context(crit.min_context)}")
    if crit.providers:
        parts.append(", ".join(sorted(crit.providers)))
    if crit.max_price is not None:
        parts.append(f"≤ {usd(crit.max_price)}")
    return L(lang, "조건: ", "Constraints: ") + " · ".join(parts)
