"""Answers about models themselves: specs, availability, comparisons, filtered lists and recommendations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.catalog import pricing
from bot.catalog.schema import Mode, Model, PriceEntry, Unit
from bot.catalog.search import TOKEN_BASES, Criteria, Ranked, SearchResult, availability_in, search, split_legacy
from bot.qa import intents as V
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import (
    MODE_LABEL,
    STATUS_LABEL,
    UNIT_LABEL,
    Ctx,
    L,
    as_of,
    correction_notes,
    item_sources,
    label,
    marked_name,
    model_region,
    per_1m,
    region_note,
    sources_for,
    unit_price,
)
from bot.qa.format import context, usd
from bot.qa.parse import Query
from bot.qa.text import has_any

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
        min_context=q.min_context or task_context(q),
        languages=frozenset(q.languages),
        include_legacy=q.legacy,
        only_legacy=q.legacy and not has_any(q.norm, V.LEGACY_TOO_WORDS),
        providers=frozenset(q.providers),
        kinds=kinds or (default_kinds if not members else frozenset()),
        members=members,
        mode=mode,
        max_price=q.max_price,
    )


def task_context(q: Query) -> int | None:
    """The context a stated task needs when the question gives none (a document to summarise: 32K tokens)."""
    needs = [V.TASK_CONTEXT[t] for t in q.tasks if t in V.TASK_CONTEXT]
    return max(needs) if needs else None


def _requirement_notes(ctx: Ctx, q: Query, result: SearchResult, lang: str) -> list[str]:
    """What the recommendation assumed, what it could not check, and what it could not apply."""
    notes: list[str] = []
    if q.min_context is None and (assumed := task_context(q)) is not None:
        task = ", ".join(label(TASK_LABEL, t, lang) for t in q.tasks if t in V.TASK_CONTEXT)
        notes.append(
            L(
                lang,
                f"{task}에 컨텍스트 {context(assumed)} 토큰 이상이 필요하다고 가정했습니다 (문서 크기를 알려 주면 그 기준으로 고릅니다).",
                f"Assumed {task} needs a context of at least {context(assumed)} tokens (give the document size to choose by it).",
            )
        )
    codes = ", ".join(label(LANGUAGE_LABEL, c, lang) for c in sorted(q.languages))
    if q.languages and result.language_unconfirmed:
        names = ", ".join(r.model.name for r in result.ranked if r.model.key in result.language_unconfirmed)
        notes.append(
            L(
                lang,
                f"{codes} 지원을 출처가 이름으로 확인하지 않고 '여러 언어'라고만 하는 모델: {names} — 실제 {codes} 품질은 시험해 보세요.",
                f"Sources say only 'many languages', not {codes} by name, for: {names} — test {codes} quality before relying on them.",
            )
        )
    if q.languages and result.language_unknown:
        names = ", ".join(m.name for m in result.language_unknown[:8])
        notes.append(
            L(
                lang,
                f"언어 지원 정보가 카탈로그에 없어 제외한 모델: {names}",
                f"Left out, the catalog has no sourced language facts for them: {names}",
            )
        )
    for what in q.unapplied:
        notes.append(label(UNAPPLIED_LABEL, what, lang))
    return notes


def recommend_answer(ctx: Ctx, q: Query, listing: bool = False) -> Answer:
    """Models meeting the constraints, cheapest first (blended 3:1 price, or the workload's cost)."""
    lang = q.lang
    region = q.region or ctx.default_region
    crit = criteria_of(ctx, q, default_kinds=frozenset() if listing else frozenset({"text"}))
    hide_legacy = not crit.include_legacy and not crit.members

    def run(where: str) -> tuple[SearchResult, tuple[Ranked, ...]]:
        """The search in `where`; legacy models counted apart when they are not asked for."""
        if not hide_legacy:
            return search(ctx.catalog, crit, where, q.workload), ()
        return split_legacy(search(ctx.catalog, replace(crit, include_legacy=True), where, q.workload))

    result, legacy = run(region)
    moved = None
    if not result.ranked and not q.region:
        # Nothing fits in the default region (video generation is only in us-west-2): use the first region
        # where something does, and say so.
        for other in ctx.catalog.regions:
            found, found_legacy = run(other)
            if found.ranked:
                region, result, legacy = other, found, found_legacy
                moved = L(
                    lang,
                    f"{ctx.default_region}에는 조건에 맞는 모델이 없어 {ctx.catalog.region_name(other, 'ko')} 기준입니다.",
                    f"Nothing fits in {ctx.default_region}: shown for {ctx.catalog.region_name(other, 'en')}.",
                )
                break
    main, side = by_price_kind(result.ranked)
    limit = 25 if listing else 8
    rows = tuple(_ranked_row(ctx, r, lang) for r in main[:limit])
    basis = _basis(main, lang, q)
    lines = [_constraints_line(ctx, q, crit, lang, region)]
    if main and not listing:
        top = main[0]
        lines.append(
            L(
                lang,
                f"추천: **{top.model.name}** — {basis} {_figure(top, lang)}",
                f"Pick: **{top.model.name}** — {basis} {_figure(top, lang)}",
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
    if side:
        lines.append(unit_priced_line(side[:limit], lang))
    notes = [moved] if moved else list(region_note(ctx, q))
    notes.extend(_requirement_notes(ctx, q, result, lang))
    notes.extend(_hidden_legacy(legacy, lang))
    left = max(0, len(main) - limit) + max(0, len(side) - limit)
    if left:
        notes.append(
            L(
                lang,
                f"조건에 맞는 모델 {len(main) + len(side)}개 중 {left}개는 생략했습니다: 리전·기능·컨텍스트 조건을 더하거나 `/bedrock models <조건>`으로 전체를 보세요.",
                f"Not shown: {left} of {len(main) + len(side)} matching models — add a region, feature or context, or see them all with `/bedrock models <filters>`.",
            )
        )
    if result.unpriced:
        more = len(result.unpriced) - 8
        names = ", ".join(m.name for m in result.unpriced[:8]) + (L(lang, f" 외 {more}개", f" (+{more} more)") if more > 0 else "")
        notes.append(
            L(
                lang,
                f"조건은 맞지만 이 리전/모드의 가격이 카탈로그에 없는 모델: {names}",
                f"Meets the constraints but has no price for this region/mode in the catalog: {names}",
            )
        )
    used = [p for r in (*main[:limit], *side[:limit]) for p in r.model.prices if region in p.regions]
    refs = item_sources(ctx, [r.model for r in (*main[:limit], *side[:limit])], used)
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
        models=tuple(r.model.key for r in main[:8]),
    )


def _basis(ranked: tuple[Ranked, ...], lang: str, q: Query) -> str:
    kind = ranked[0].basis if ranked else "blended"
    if kind == "workload":
        return L(lang, "워크로드 비용", "workload cost")
    if kind == "blended":
        return L(lang, "혼합가(입력3:출력1)/1M", "blended 3:1 /1M")
    return L(lang, "단가", "unit price")


def by_price_kind(ranked: Sequence[Ranked]) -> tuple[tuple[Ranked, ...], tuple[Ranked, ...]]:
    """(the rows a table ranks, the rows shown apart): per-token and per-unit (image, second, query) prices are
    never ranked in one column. The table ranks the per-token rows, or the per-unit ones when there are none."""
    token = tuple(r for r in ranked if r.basis in TOKEN_BASES)
    unit = tuple(r for r in ranked if r.basis not in TOKEN_BASES)
    return (token, unit) if token else (unit, ())


def unit_priced_line(side: Sequence[Ranked], lang: str) -> str:
    """The per-unit rows as one line, each price in its own unit."""
    listed = "; ".join(f"{marked_name(r.model, lang)} {_figure(r, lang)}" for r in side)
    return L(
        lang,
        f"단위당 가격(토큰 가격과 비교할 수 없음): {listed}",
        f"Priced per unit (not comparable with per-token prices): {listed}",
    )


def _figure(r: Ranked, lang: str) -> str:
    """The ranking figure; a unit price with its unit ("$0.04 / image")."""
    if r.figure is None:
        return "-"
    if r.basis in TOKEN_BASES:
        return usd(r.figure)
    return f"{usd(r.figure)} / {label(UNIT_LABEL, Unit(r.basis), lang)}"


def route_label(r: Ranked, lang: str) -> str:
    """How the ranked price is reached: an inference profile ("apac. profile"), else the region's status."""
    if r.entry is not None and r.entry.profile is not None:
        return r.entry.profile.split(".", 1)[0] + "." + L(lang, " 프로파일", " profile")
    return label(STATUS_LABEL, r.availability.status, lang) if r.availability else L(lang, "가격 있음", "priced")


def _ranked_row(ctx: Ctx, r: Ranked, lang: str) -> tuple[str, ...]:
    return (marked_name(r.model, lang), _figure(r, lang), context(r.model.context_window), route_label(r, lang))


def _hidden_legacy(legacy: tuple[Ranked, ...], lang: str) -> list[str]:
    """How many legacy models the list left out, and how to see them."""
    hidden = [r.model.name for r in legacy]
    if not hidden:
        return []
    return [
        L(
            lang,
            f"레거시 모델 {len(hidden)}개는 빼고 보여 줍니다 ({', '.join(hidden[:4])}{' 등' if len(hidden) > 4 else ''}): 질문에 '레거시'를 넣으면 함께 표시합니다.",
            f"{len(hidden)} legacy models are left out ({', '.join(hidden[:4])}{', …' if len(hidden) > 4 else ''}): add 'legacy' to the question to list them too.",
        )
    ]


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
    parts += [label(LANGUAGE_LABEL, c, lang) for c in sorted(crit.languages)]
    parts += [label(TASK_LABEL, t, lang) for t in q.tasks]
    return L(lang, "조건: ", "Constraints: ") + " · ".join(parts)


LANGUAGE_LABEL = {
    "ko": ("한국어", "Korean"),
    "en": ("영어", "English"),
    "ja": ("일본어", "Japanese"),
    "zh": ("중국어", "Chinese"),
    "es": ("스페인어", "Spanish"),
    "fr": ("프랑스어", "French"),
    "de": ("독일어", "German"),
}
TASK_LABEL = {
    "summarize": ("문서 요약", "document summarisation"),
    "translate": ("번역", "translation"),
    "rag": ("RAG", "RAG"),
    "code": ("코드 생성", "code generation"),
    "classify": ("분류", "classification"),
    "chat": ("챗봇", "a chat bot"),
}
UNAPPLIED_LABEL = {
    "speed": (
        "적용하지 못한 조건: 속도 — 카탈로그에 지연 시간 수치가 없습니다 (지연 시간 최적화 모델은 기능에 표시됩니다).",
        "Not applied: speed — the catalog has no latency figures (latency-optimized models are marked in features).",
    ),
    "quality": (
        "적용하지 못한 조건: 정확도·품질 — 카탈로그에 품질 벤치마크가 없습니다. 후보를 직접 비교해 보세요 (`/bedrock compare <m1,m2> <프롬프트>`).",
        "Not applied: accuracy/quality — the catalog has no quality benchmarks; compare the candidates yourself (`/bedrock compare <m1,m2> <prompt>`).",
    ),
}
