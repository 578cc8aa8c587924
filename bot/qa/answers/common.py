"""What every answer builder shares: the context it runs in, labels, price cells and source references."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from bot.catalog.catalog import Catalog
from bot.catalog.lookup import NameIndex
from bot.catalog.pricing import per_million
from bot.catalog.schema import Mode, Model, PricedItem, PriceEntry, Term, Unit
from bot.qa.answer import SourceRef
from bot.qa.format import usd
from bot.qa.parse import Query


@dataclass(frozen=True)
class Ctx:
    """The catalog and settings an answer is built with."""

    catalog: Catalog
    names: NameIndex
    default_region: str
    month_days: int = 30


def L(lang: str, ko: str, en: str) -> str:
    return ko if lang == "ko" else en


def lifecycle_mark(model: Model, lang: str) -> str:
    """ "" for active models; "legacy, end of life 2027-01-08" / "end of life 2026-07-07" otherwise."""
    if model.lifecycle == "active":
        return ""
    when = f" {model.eol_on.isoformat()}" if model.eol_on else ""
    if model.lifecycle == "eol":
        return L(lang, f"지원 종료{when}", f"end of life{when}")
    return L(lang, f"레거시, 지원 종료 예정{when}", f"legacy, end of life{when}") if when else L(lang, "레거시", "legacy")


def marked_name(model: Model, lang: str) -> str:
    """The model's name, with its lifecycle when it is not active: "Claude 2.1 (legacy)"."""
    mark = lifecycle_mark(model, lang)
    return f"{model.name} ({mark})" if mark else model.name


MODE_LABEL = {
    Mode.on_demand: ("온디맨드", "On-demand"),
    Mode.batch: ("배치", "Batch"),
    Mode.latency_optimized: ("지연 시간 최적화", "Latency-optimized"),
    Mode.provisioned: ("프로비저닝된 처리량", "Provisioned Throughput"),
    Mode.training: ("학습(사용자 지정)", "Training (customization)"),
    Mode.storage: ("모델 저장", "Model storage"),
    Mode.custom_inference: ("사용자 지정 모델 추론", "Custom model inference"),
}
TERM_LABEL = {
    Term.no_commit: ("무약정", "no commitment"),
    Term.one_month: ("1개월 약정", "1-month term"),
    Term.six_months: ("6개월 약정", "6-month term"),
}
UNIT_LABEL = {
    Unit.tokens_1k: ("토큰 1,000개", "1K tokens"),
    Unit.image: ("이미지 1장", "image"),
    Unit.video_second: ("동영상 1초", "second of video"),
    Unit.queries_1k: ("쿼리 1,000건", "1K queries"),
    Unit.query: ("쿼리 1건", "query"),
    Unit.model_unit_hour: ("모델 단위·시간", "model unit per hour"),
    Unit.model_month: ("모델·월", "model per month"),
    Unit.custom_unit_minute: ("사용자 지정 모델 단위·분", "custom model unit per minute"),
    Unit.custom_unit_month: ("사용자 지정 모델 단위·월", "custom model unit per month"),
    Unit.text_units_1k: ("텍스트 단위 1,000개", "1K text units"),
    Unit.node_transitions_1k: ("노드 전환 1,000회", "1K node transitions"),
    Unit.human_task: ("인간 태스크 1건", "human task"),
    Unit.page: ("페이지", "page"),
    Unit.media_minute: ("분", "minute"),
    Unit.training_image: ("학습 이미지 1장", "training image"),
}
STATUS_LABEL = {"ga": ("정식 출시(GA)", "GA"), "preview": ("프리뷰", "preview"), "planned": ("출시 예정", "planned")}
PART_LABEL = {
    "input": ("입력", "Input"),
    "output": ("출력", "Output"),
    "cache_read": ("캐시 읽기", "Cache read"),
    "cache_write": ("캐시 쓰기", "Cache write"),
}


K = TypeVar("K")


def label(table: Mapping[K, tuple[str, str]], key: K, lang: str) -> str:
    ko, en = table[key]
    return L(lang, ko, en)


def per_1m(value: Decimal | None) -> str:
    return "-" if value is None else usd(per_million(value))


def unit_price(entry: PriceEntry, lang: str) -> str:
    """ "$0.04 / 이미지 1장" for a non-token price."""
    assert entry.price is not None
    return f"{usd(entry.price)} / {label(UNIT_LABEL, entry.unit, lang)}"


def variant(entry: PriceEntry, lang: str) -> str:
    return entry.variant.get(lang) if entry.variant else ""


def sources_for(ctx: Ctx, keys: Iterable[str]) -> tuple[SourceRef, ...]:
    out: list[SourceRef] = []
    for key in dict.fromkeys(keys):
        src = ctx.catalog.sources.get(key)
        if src is not None:
            out.append(SourceRef(src.key, src.title, src.url, src.as_of))
    return tuple(out)


def item_sources(ctx: Ctx, items: Iterable[PricedItem], prices: Iterable[PriceEntry] = ()) -> tuple[SourceRef, ...]:
    return sources_for(ctx, [*(p.source for p in prices), *(i.source for i in items)])


def as_of(refs: tuple[SourceRef, ...]) -> date | None:
    return min((r.as_of for r in refs), default=None)


def models_of(ctx: Ctx, q: Query) -> list[Model]:
    """The models a question names: explicit models first, then every member of the families it names."""
    keys = list(q.models)
    for group in q.groups:
        keys.extend(m for m in ctx.catalog.groups[group].members if m not in keys)
    return [ctx.catalog.models[k] for k in keys]


def model_region(ctx: Ctx, q: Query, model: Model, mode: Mode = Mode.on_demand) -> tuple[str, str | None]:
    """The region to price `model` in, and a note when it is not the one the user would assume.

    A named region always wins. Otherwise the default region, unless the model has no price there (Claude 3.5
    Sonnet v2 is priced only in us-west-2 and Sydney): then its first priced region, said in the note.
    """
    if q.region:
        return q.region, None
    default = ctx.default_region
    if any(default in p.regions for p in model.prices if p.mode in (mode, Mode.on_demand)):
        return default, None
    priced = [r for p in model.prices if p.mode in (mode, Mode.on_demand) for r in p.regions]
    if not priced:
        return default, None
    region = priced[0]
    return region, L(
        q.lang,
        f"{model.name}은(는) {default} 가격이 카탈로그에 없어 {ctx.catalog.region_name(region, 'ko')} 기준입니다.",
        f"{model.name} has no {default} price in the catalog: shown for {ctx.catalog.region_name(region, 'en')}.",
    )


def region_note(ctx: Ctx, q: Query) -> list[str]:
    """Say which region an answer assumes when the question named none."""
    if q.region:
        return []
    name = ctx.catalog.region_name(ctx.default_region, q.lang)
    return [L(q.lang, f"리전을 지정하지 않아 {name} 기준입니다.", f"No region given: prices are for {name}.")]


def correction_notes(q: Query) -> list[str]:
    return [
        L(q.lang, f"'{typed}'을(를) '{name}'(으)로 해석했습니다.", f"Read '{typed}' as '{name}'.")
        for typed, name in q.corrected
    ]


def conflict_notes(models: Iterable[PricedItem], lang: str) -> list[str]:
    """One line per item whose sources disagree on a price: the first recorded note and how many more."""
    notes = []
    for item in models:
        found = [c for c in item.conflicts if c.field.startswith("prices")]
        if found:
            more = L(lang, f" (외 {len(found) - 1}건)", f" (+{len(found) - 1} more)") if len(found) > 1 else ""
            notes.append(
                L(
                    lang,
                    f"{item.name}: 출처 간 차이 — {found[0].note.ko}{more}",
                    f"{item.name}: sources differ — {found[0].note.en}{more}",
                )
            )
    return notes
