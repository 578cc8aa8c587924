"""Lifecycle answers: is a model active, legacy or end-of-life, when does it end, and what replaces it."""

from __future__ import annotations

from bot.catalog.schema import Model
from bot.qa.answer import Answer, Table
from bot.qa.answers.common import Ctx, L, as_of, correction_notes, sources_for
from bot.qa.parse import Query

STATE = {"active": ("활성", "active"), "legacy": ("레거시", "legacy"), "eol": ("지원 종료", "end of life")}


def lifecycle_line(ctx: Ctx, model: Model, lang: str) -> str:
    state = STATE[model.lifecycle][0 if lang == "ko" else 1]
    parts = [f"{model.name}: {state}"]
    if model.legacy_on:
        parts.append(L(lang, f"레거시 전환 {model.legacy_on}", f"legacy since {model.legacy_on}"))
    if model.eol_on:
        verb = L(lang, "지원 종료일", "end of life") if model.lifecycle != "eol" else L(lang, "지원 종료됨", "ended")
        parts.append(f"{verb} {model.eol_on}")
    elif model.lifecycle == "active":
        parts.append(L(lang, "카탈로그에 지원 종료일 없음", "no end-of-life date in the catalog"))
    if model.successor and model.successor in ctx.catalog.models:
        successor = ctx.catalog.models[model.successor].name
        derived = model.fact_source("successor") == "catalog-sync"
        hint = L(
            lang,
            " (같은 계열의 최신 활성 모델로 도출, AWS 공지 아님)",
            " (derived: the family's newest active model, not an AWS notice)",
        )
        parts.append(L(lang, f"후속 모델 {successor}", f"successor {successor}") + (hint if derived else ""))
    elif model.lifecycle != "active":
        parts.append(L(lang, "후속 모델 정보 없음", "no successor in the catalog"))
    return " · ".join(parts)


def lifecycle_answer(ctx: Ctx, q: Query, models: list[Model]) -> Answer:
    """One line per named model; without a model, every legacy and end-of-life model, soonest end first."""
    lang = q.lang
    named = bool(models)
    if not named:
        models = sorted(
            (m for m in ctx.catalog.models.values() if m.lifecycle != "active" and m.eol_on),
            key=lambda m: (m.eol_on, m.name),
        )
    lines = [lifecycle_line(ctx, m, lang) for m in models] if named else []
    rows = (
        ()
        if named
        else tuple(
            (
                m.name,
                STATE[m.lifecycle][0 if lang == "ko" else 1],
                str(m.eol_on),
                ctx.catalog.models[m.successor].name if m.successor in ctx.catalog.models else "-",
            )
            for m in models[:40]
        )
    )
    keys = [m.fact_source("lifecycle") for m in models] + [m.fact_source("eol_on") for m in models]
    refs = sources_for(ctx, keys)
    cols = (
        L(lang, "모델", "Model"),
        L(lang, "상태", "State"),
        L(lang, "지원 종료일", "End of life"),
        L(lang, "후속 모델", "Successor"),
    )
    return Answer(
        intent="lifecycle",
        lang=lang,
        title=L(lang, "모델 수명 주기", "Model lifecycle"),
        lines=tuple(lines),
        table=Table(cols, rows) if rows else None,
        notes=tuple(correction_notes(q)),
        sources=refs,
        as_of=as_of(refs),
        models=tuple(m.key for m in models[:40]),
    )
