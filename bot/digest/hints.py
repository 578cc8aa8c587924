"""Savings hints for the digest, each computed from the day's usage and the catalog's prices — never a generic tip.

- **cache**: the prompt-cache hit rate (cache reads / all input tokens) on the models that support caching.
- **batch**: the share of requests and cost from work nobody waits on live — summaries (history folded in the
  background of a turn) and comparisons (evaluation runs) — and what it would have cost at the catalog's batch
  price for the same tokens, where the model has one.
- **cheaper**: for the day's costliest model, the closest cheaper chat model (among those saving at least
  `MIN_SAVING` of the day) that can do the same job (tool use
  when the catalog assistant used it; a context window at least twice the average prompt; the same input
  modalities) and what the same tokens cost on each, both priced from the catalog. The hint suggests checking
  quality with `/bedrock compare` first.

A hint is shown only when it says something: a cache-capable model was used, or the saving is at least
`MIN_SAVING` of the day's cost (`worth`). Both sides of a comparison are priced the same way, at the base rows,
on the parts both rows price (`bot.digest.reprice`): a part a row has no price for is left out of both, never
counted at zero on one side. The tier, route and cache-lifetime hints are in `bot.digest.bill_hints`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Mode, Model
from bot.digest.reprice import reprice
from bot.qa.answers.common import L
from bot.qa.format import spend
from bot.usage.event import Totals

BATCH_FEATURES = ("summary", "compare")
MIN_SAVING = Decimal("0.05")  # of the day's cost
CHEAPER_BY = Decimal("0.9")  # a "cheaper" model costs at most 90 % of the current one for the same tokens


@dataclass(frozen=True)
class Hint:
    kind: str  # cache | batch | cheaper | flex | global | cache_1h
    text: str
    saving: Decimal | None = None


def hints(
    catalog: Catalog,
    region: str,
    by_model: dict[str, Totals],
    by_model_feature: dict[str, Totals],
    total: Totals,
    lang: str,
) -> tuple[Hint, ...]:
    if total.requests == 0:
        return ()
    found = [_cache(catalog, by_model, lang), _batch(catalog, region, by_model_feature, total, lang)]
    found.append(_cheaper(catalog, region, by_model, by_model_feature, total, lang))
    return tuple(h for h in found if h is not None)


def worth(saving: Decimal, total: Totals) -> bool:
    """A saving worth a line: positive and at least `MIN_SAVING` of the day's cost."""
    return saving > 0 and saving >= total.usd * MIN_SAVING


def _cache(catalog: Catalog, by_model: dict[str, Totals], lang: str) -> Hint | None:
    capable = {k: t for k, t in by_model.items() if k in catalog.models and catalog.models[k].features.prompt_caching}
    prompt = sum(t.prompt_tokens for t in capable.values())
    if not prompt:
        return None
    read = sum(t.cache_read for t in capable.values())
    rate = read / prompt
    names = ", ".join(catalog.models[k].name for k in sorted(capable, key=lambda k: -capable[k].prompt_tokens)[:3])
    advice = (
        L(
            lang,
            " 낮은 편입니다: 같은 스레드에서 5분 안에 이어지는 대화일수록 캐시를 더 씁니다.",
            " That is low: follow-ups within five minutes in the same thread reuse the cache most.",
        )
        if rate < 0.3
        else ""
    )
    return Hint(
        "cache",
        L(
            lang,
            f"프롬프트 캐시 적중률 {rate:.0%} (캐시 지원 모델 {names}의 입력 토큰 중 캐시 읽기).{advice}",
            f"Prompt cache hit rate {rate:.0%} (cache reads among input tokens on {names}, which support caching)."
            f"{advice}",
        ),
    )


def _batch(catalog: Catalog, region: str, by_model_feature: dict[str, Totals], total: Totals, lang: str) -> Hint | None:
    requests, cost, saving = 0, Decimal(0), Decimal(0)
    for name, t in by_model_feature.items():
        model, _, feature = name.partition("/")
        if feature not in BATCH_FEATURES or model not in catalog.models:
            continue
        requests, cost = requests + t.requests, cost + t.usd
        batch = reprice(catalog, model, region, t, mode=Mode.batch)
        on_demand = reprice(catalog, model, region, t)
        if batch is not None and on_demand is not None:
            now, then = on_demand.against(batch)
            saving += max(now - then, Decimal(0))
    if not requests:
        return None
    share = requests / total.requests
    what = L(lang, "요약·비교", "Summaries and comparisons")
    if not worth(saving, total):
        return Hint(
            "batch",
            L(
                lang,
                f"{what}가 요청의 {share:.0%} ({spend(cost)})입니다. 배치 가격이 있는 모델이 아니거나 "
                "절감액이 작아 배치 전환 이득은 크지 않습니다.",
                f"{what} were {share:.0%} of requests ({spend(cost)}); at batch prices they would save "
                "little (or their models have no batch price).",
            ),
        )
    return Hint(
        "batch",
        L(
            lang,
            f"{what}가 요청의 {share:.0%} ({spend(cost)})입니다. 실시간 응답이 필요 없는 작업이라 배치 "
            f"추론 가격이면 하루 약 {spend(saving)} 절감됩니다.",
            f"{what} were {share:.0%} of requests ({spend(cost)}). Nobody waits on them live: at batch "
            f"prices they would cost about {spend(saving)} less a day.",
        ),
        saving,
    )


def _cheaper(
    catalog: Catalog,
    region: str,
    by_model: dict[str, Totals],
    by_model_feature: dict[str, Totals],
    total: Totals,
    lang: str,
) -> Hint | None:
    priced = [(k, t) for k, t in by_model.items() if k in catalog.models and t.cost_nusd > 0]
    if not priced:
        return None
    key, t = max(priced, key=lambda kv: (kv[1].cost_nusd, kv[0]))
    current = catalog.models[key]
    used_tools = by_model_feature.get(f"{key}/assistant", Totals()).requests > 0
    need_context = 2 * t.prompt_tokens // max(t.requests, 1)
    base = reprice(catalog, key, region, t)  # both sides priced the same way, from the catalog
    if base is None or not base.usd:
        return None
    options = []
    for other in catalog.models.values():
        if other.key == key or not _can_replace(other, current, used_tools, need_context):
            continue
        there = reprice(catalog, other.key, region, t)
        if there is None:
            continue
        ours, theirs = base.against(there)
        if ours and theirs <= ours * CHEAPER_BY and worth(ours - theirs, total):
            options.append((theirs, ours, other))
    if not options:
        return None
    cost, now, best = max(options, key=lambda o: (o[0], o[2].key))  # the smallest step down worth making
    saving = now - cost
    pct = saving / now
    compare = f"`/bedrock compare {key},{best.key} <prompt>`"
    return Hint(
        "cheaper",
        L(
            lang,
            f"{current.name}에 {spend(now)}를 썼습니다. 같은 토큰이면 {best.name}은(는) "
            f"{spend(cost)} (−{pct:.0%})입니다. 바꾸기 전에 {compare}로 품질을 확인해 보세요.",
            f"{current.name} cost {spend(now)}; the same tokens on {best.name} would cost "
            f"{spend(cost)} (−{pct:.0%}). Check the quality with {compare} before switching.",
        ),
        saving,
    )


def _can_replace(other: Model, current: Model, used_tools: bool, need_context: int) -> bool:
    return (
        other.kind == "text"
        and other.features.converse
        and other.lifecycle == "active"
        and (not used_tools or other.features.tool_use)
        and (other.context_window is None or other.context_window >= need_context)
        and set(current.modalities_in) <= set(other.modalities_in)
    )
