"""Savings hints from how the day's calls were billed — tier, route and cache lifetime — read from the ledger's
"model_bill" totals (model × tier × route × profile prefix) and priced from the catalog's rows
(`bot.digest.reprice`, base rows, parts both rows price):

- **flex**: standard-tier traffic on a model and route whose catalog has a Flex row for the same profile, and
  what it would have cost at Flex prices. All such traffic counts, whatever the feature: "model_bill" is not
  split by feature, and apportioning it by the feature shares would be a guess. The text says what Flex trades
  (slower, served after other traffic) and that it suits work nobody waits on (summaries, comparisons).
- **global**: traffic on geo profiles or in-Region ids of models with a `global.` profile callable from the
  digest's region (the region lists "global" and the catalog has a global row at the same tier), against its
  cost on the global profile. The text says that a global profile may process data in any commercial Region,
  which the access policy's route rules may forbid.
- **cache_1h**: cache-write tokens of turns that came 5–60 minutes after their thread's previous turn
  ("expired_cache_write": a 5-minute cache had expired, a 1-hour one would not have). Saving: those tokens ×
  (5-minute write − cache read price), less the dearer 1-hour write for all the model's 5-minute writes
  ((1-hour − 5-minute write price) × cache-write tokens: conservative, the expired writes would have been reads).
  Only for rows with a 1-hour write price.

Each is shown only when its saving is `worth` a line (at least `MIN_SAVING` of the day's cost).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import ServiceTier
from bot.catalog.pricing import THOUSAND
from bot.catalog.schema import Model
from bot.digest.hints import Hint, worth
from bot.digest.reprice import called_id, reprice, row_for
from bot.qa.answers.common import L
from bot.qa.format import count, spend
from bot.usage.event import Totals
from bot.usage.ledger import parse_model_bill

SHOWN = 3  # models named in one hint


def bill_hints(
    catalog: Catalog, region: str, by_model_bill: dict[str, Totals], total: Totals, lang: str
) -> tuple[Hint, ...]:
    if total.requests == 0:
        return ()
    found = (
        _flex(catalog, region, by_model_bill, total, lang),
        _global(catalog, region, by_model_bill, total, lang),
        _cache_1h(catalog, region, by_model_bill, total, lang),
    )
    return tuple(h for h in found if h is not None)


def route_label(route: str, prefix: str, lang: str) -> str:
    """`us.` for a geo profile, `global.` for the global one, "in-Region" for the model's own id."""
    return L(lang, "리전 내", "in-Region") if route == "in_region" or prefix == "-" else f"{prefix}."


Entry = tuple[Model, ServiceTier, str, str, str, Totals]


def _entries(catalog: Catalog, by_model_bill: dict[str, Totals]) -> Iterator[Entry]:
    """(model, tier, route, prefix, id called, totals) of each known model's entry, in a stable order."""
    for value, t in sorted(by_model_bill.items()):
        key, tier, route, prefix = parse_model_bill(value)
        model = catalog.models.get(key)
        called = called_id(model, prefix) if model is not None else None
        if model is None or called is None or tier not in ServiceTier.__members__:
            continue
        yield model, ServiceTier(tier), route, prefix, called, t


def _flex(catalog: Catalog, region: str, by_model_bill: dict[str, Totals], total: Totals, lang: str) -> Hint | None:
    spent, saving, names = Decimal(0), Decimal(0), []
    for model, tier, route, prefix, called, t in _entries(catalog, by_model_bill):
        if tier is not ServiceTier.standard:
            continue
        now = reprice(catalog, model.key, region, t, model_id=called)
        flex = reprice(catalog, model.key, region, t, model_id=called, tier=ServiceTier.flex)
        if now is None or flex is None:
            continue
        ours, theirs = now.against(flex)
        if theirs < ours:
            spent, saving = spent + ours, saving + ours - theirs
            names.append(f"{model.name} ({route_label(route, prefix, lang)})")
    if not worth(saving, total):
        return None
    share = spent / total.usd
    shown = ", ".join(names[:SHOWN]) + (L(lang, f" 외 {len(names) - SHOWN}", f" +{len(names) - SHOWN} more")
                                        if len(names) > SHOWN else "")  # fmt: skip
    return Hint(
        "flex",
        L(
            lang,
            f"같은 경로에 Flex 가격이 있는 모델({shown})의 표준 티어 사용이 하루 비용의 {share:.0%} ({spend(spent)})"
            f"였습니다. Flex 가격이면 {spend(spent - saving)} (−{spend(saving)})입니다. Flex는 응답이 느리고 "
            "다른 트래픽 뒤에 처리되므로 실시간으로 기다리지 않는 작업(요약·비교)에 맞습니다.",
            f"Standard-tier traffic on models with a Flex price on the same route ({shown}) was {share:.0%} of the "
            f"day ({spend(spent)}); at Flex prices it would have cost {spend(spent - saving)} (−{spend(saving)}). "
            "Flex answers more slowly, after other traffic: worth it for work nobody waits on (summaries, "
            "comparisons).",
        ),
        saving,
    )


def _global(catalog: Catalog, region: str, by_model_bill: dict[str, Totals], total: Totals, lang: str) -> Hint | None:
    where = catalog.regions.get(region)
    if where is None or "global" not in where.profiles:
        return None
    per_model: dict[str, tuple[Model, Decimal, Decimal, list[str]]] = {}
    for model, tier, route, prefix, called, t in _entries(catalog, by_model_bill):
        target = model.profile_for("global")
        if route == "global" or target is None:
            continue
        now = reprice(catalog, model.key, region, t, model_id=called, tier=tier)
        there = reprice(catalog, model.key, region, t, model_id=target, tier=tier)
        if now is None or there is None:
            continue
        ours, theirs = now.against(there)
        _, spent, saved, routes = per_model.get(model.key, (model, Decimal(0), Decimal(0), []))
        per_model[model.key] = (model, spent + ours, saved + ours - theirs, [*routes, route_label(route, prefix, lang)])
    ranked = sorted((m for m in per_model.values() if m[2] > 0), key=lambda m: (-m[2], m[0].key))
    if not worth(sum((m[2] for m in ranked), Decimal(0)), total):
        return None
    shown = "; ".join(
        L(lang, f"{m.name}({', '.join(routes)}) {spend(saved)} 절감(−{saved / spent:.0%})",
          f"{m.name} ({', '.join(routes)}) {spend(saved)} less (−{saved / spent:.0%})")
        for m, spent, saved, routes in ranked[:SHOWN]
    )  # fmt: skip
    return Hint(
        "global",
        L(
            lang,
            f"global. 프로필로 바꿨다면: {shown}. global 프로필은 모든 상용 리전에서 데이터를 처리할 수 있어 "
            "금지된 조직도 있습니다. 허용 여부는 접근 정책의 경로 규칙이 정합니다.",
            f"Switching to the global. profile would have cost: {shown}. Global profiles may process data in any "
            "commercial Region, which some organisations forbid; the access policy's route rules decide.",
        ),
        sum((m[2] for m in ranked), Decimal(0)),
    )


def _cache_1h(catalog: Catalog, region: str, by_model_bill: dict[str, Totals], total: Totals, lang: str) -> Hint | None:
    per_model: dict[str, tuple[Model, int, Decimal]] = {}
    for model, tier, _route, _prefix, called, t in _entries(catalog, by_model_bill):
        row = row_for(catalog, model.key, region, model_id=called, tier=tier)
        if row is None or row.cache_write_1h is None or row.cache_write is None or row.cache_read is None:
            continue
        if not t.expired_cache_write:
            continue
        gain = t.expired_cache_write * (row.cache_write - row.cache_read) / THOUSAND
        dearer = t.cache_write * (row.cache_write_1h - row.cache_write) / THOUSAND
        _, tokens, net = per_model.get(model.key, (model, 0, Decimal(0)))
        per_model[model.key] = (model, tokens + t.expired_cache_write, net + gain - dearer)
    ranked = sorted((m for m in per_model.values() if m[2] > 0), key=lambda m: (-m[2], m[0].key))
    saving = sum((m[2] for m in ranked), Decimal(0))
    if not worth(saving, total):
        return None
    shown = ranked[:SHOWN]
    names = ", ".join(L(lang, f"{m.name} {count(t)}토큰", f"{count(t)} tokens on {m.name}") for m, t, _ in shown)
    return Hint(
        "cache_1h",
        L(
            lang,
            f"스레드가 5분 뒤에 이어져 5분 캐시가 만료된 탓에 캐시를 다시 쓴 토큰: {names}. 1시간 캐시였다면 "
            f"1시간 쓰기 가격이 더 비싼 것까지 빼고도 약 {spend(saving)} 절감됐습니다.",
            f"Threads that came back after their 5-minute cache expired wrote the cache again: {names}. A "
            f"1-hour cache would have saved about {spend(saving)}, after its dearer writes.",
        ),
        saving,
    )
