"""Answers that are not about one model's numbers: help, concepts, unknown names, unparsed questions."""

from __future__ import annotations

from dataclasses import replace

from bot import prompts
from bot.qa.answer import Answer
from bot.qa.answers.common import Ctx, L, as_of, sources_for
from bot.qa.concepts import Concept
from bot.qa.parse import Query


def help_answer(ctx: Ctx, lang: str) -> Answer:
    text = prompts.render("help", lang, as_of=ctx.catalog.prices_as_of().isoformat(), region=ctx.default_region)
    return Answer(intent="help", lang=lang, title=L(lang, "도움말", "Help"), lines=tuple(text.strip().splitlines()))


def concept_answer(ctx: Ctx, q: Query, concept: Concept) -> Answer:
    lang = q.lang
    official_first = sorted(concept.sources, key=lambda k: ctx.catalog.sources[k].authority)
    refs = sources_for(ctx, official_first)  # the pricing page and AWS docs before the report and study notes
    related = [c for c in concept.related]
    notes = (L(lang, f"관련 개념: {', '.join(related)}", f"Related: {', '.join(related)}"),) if related else ()
    return Answer(
        intent="concept",
        lang=lang,
        title=concept.title.get(lang),
        lines=(concept.summary.get(lang), *concept.body.get(lang).strip().splitlines()),
        notes=notes,
        sources=refs,
        as_of=concept.as_of,
    )


def unknown_answer(ctx: Ctx, q: Query) -> Answer:
    """A name that is not in the catalog: say so, offer the closest names, never a number."""
    lang = q.lang
    name = q.unknown or q.text
    closest = ctx.names.closest(name)
    lines = [
        L(
            lang,
            f"'{name}'은(는) 카탈로그에 없는 모델입니다. 카탈로그에 없는 모델의 가격이나 사양은 답하지 않습니다.",
            f"'{name}' is not in the catalog, so I will not quote a price or spec for it.",
        )
    ]
    family = ctx.catalog.groups.get(q.family) if q.family else None
    if family is not None:
        members = [ctx.catalog.models[k].name for k in family.members if k in ctx.catalog.models]
        closest = tuple(members)
        lines.append(
            L(
                lang,
                f"카탈로그에 있는 {family.aliases[0]} 계열 모델: {', '.join(members)}",
                f"{family.aliases[0]} models in the catalog: {', '.join(members)}",
            )
        )
    elif closest:
        lines.append(L(lang, f"혹시 이 모델인가요? {', '.join(closest)}", f"Did you mean: {', '.join(closest)}?"))
    lines.append(L(lang, "전체 목록: /bedrock models", "Full list: /bedrock models"))
    refs = sources_for(ctx, ["pricing-page"])
    return Answer(
        intent="unknown_model",
        lang=lang,
        title=L(lang, "카탈로그에 없는 모델", "Not in the catalog"),
        lines=tuple(lines),
        suggestions=closest,
        sources=refs,
        as_of=as_of(refs),
        ok=False,
    )


def not_understood_answer(ctx: Ctx, q: Query, suggestions: tuple[str, ...] = ()) -> Answer:
    text = prompts.render("not_understood", q.lang)
    lines = [text.strip()]
    if suggestions:
        lines.append(
            L(q.lang, f"비슷한 이름: {', '.join(suggestions)}", f"Names close to your question: {', '.join(suggestions)}")
        )
    return Answer(
        intent="not_understood",
        lang=q.lang,
        title=L(q.lang, "질문을 이해하지 못했습니다", "Not understood"),
        lines=tuple(lines),
        suggestions=suggestions,
        ok=False,
    )


def did_you_mean(answer: Answer, topic: str) -> Answer:
    """`answer` (the closest thing the catalog has) introduced as a guess at what the question meant."""
    head = L(
        answer.lang,
        f"질문을 정확히 읽지 못했습니다. 혹시 '{topic}'에 대한 질문인가요? 가장 가까운 답을 보여 드립니다 (모델은 호출하지 않았습니다).",
        f"I could not read that question exactly. Did you mean '{topic}'? Here is the closest answer (no model was asked).",
    )
    return replace(answer, lines=(head, *answer.lines))
