"""Cost Explorer's bill beside the ledger's estimate line by line, so the gap is explained part by part rather
than as one number.

A line is (tier, route class, part). Route class: "regional" holds in-Region calls and geo profiles (`us.`,
`apac.`: cross-Region inference is billed as regional usage of the source region), "global" the `global.`
profiles (`_Global` usage types). Tier: standard (on-demand), flex, priority, reserved, as the usage type says
(`…-flex-input-tokens`) and as the ledger's "bill" dimension ("flex/global") records; batch is a line of its own
(the bot makes no batch calls, so ours is always 0: batch jobs outside this bot). Part: input, output, cache read,
cache write (5 min), cache write (1 h). Long-context usage types (`LCtx`) are folded into their part, because the
ledger prices a long-context call's parts at the long-context rates and keeps no separate split; the line says how
much of AWS's amount was long-context (`long_context_usd`). A usage type that is not a token part of one of those
tiers (guardrails, provisioned throughput, images, a token count with no direction) is an "other" line of its own,
with its amount: never dropped. Our cost recorded without its parts is a "not split" line of its tier and route.

Every AWS amount and every nano-dollar of ours lands on exactly one line, so the lines' gaps add up to the total
gap (ours − AWS). Usage types are read by `bot.catalog.refresh.usage.billed`, the price list's classifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from bot.catalog.pricing import PARTS
from bot.catalog.refresh.usage import billed
from bot.chat.present import PART_WORDS
from bot.digest.actuals import Actual
from bot.qa.answers.common import L
from bot.qa.format import count, plural, spend
from bot.usage.event import Totals, to_usd

REGIONAL, GLOBAL = "regional", "global"
ROUTE_CLASS = {"in_region": REGIONAL, "geo": REGIONAL, "global": GLOBAL}
TIERS = ("standard", "flex", "priority", "reserved", "latency_optimized", "batch")
TIER_OF_MODE = {"on_demand": "standard"} | {t: t for t in TIERS if t != "standard"}
PART_OF = {("input", None): "input", ("output", None): "output", ("cache_read", None): "cache_read",
           ("cache_write", "5m"): "cache_write", ("cache_write", "1h"): "cache_write_1h"}  # fmt: skip
OTHER = "other"  # the tier of a usage type that maps to no line; its part is the usage type
UNSPLIT = "unsplit"  # the part of our cost recorded without its split by part
_ORDER = {name: n for n, name in enumerate((REGIONAL, GLOBAL, *TIERS, *PARTS, UNSPLIT))}


@dataclass(frozen=True)
class Line:
    """One line of the reconciliation. `aws_tokens` is None when a usage type on the line gave no token unit.
    `unpriced` / `partial`: our calls on the line's tier and route class with no catalog price / a part without
    one, counted on each line of theirs that has tokens (the "bill" dimension counts calls per tier and route, not
    which part a call left unpriced). `reasons`: codes `render` explains (see `_reasons`)."""

    tier: str
    route: str  # REGIONAL, GLOBAL, or "" on an OTHER line
    part: str  # one of PARTS, UNSPLIT, or the usage type on an OTHER line
    aws_usd: Decimal = Decimal(0)
    ours_usd: Decimal = Decimal(0)
    aws_tokens: int | None = 0
    ours_tokens: int = 0
    usage_types: tuple[str, ...] = ()
    long_context_usd: Decimal = Decimal(0)
    unpriced: int = 0
    partial: int = 0
    reasons: tuple[str, ...] = ()

    @property
    def gap(self) -> Decimal:
        return self.ours_usd - self.aws_usd

    @property
    def shown(self) -> bool:
        return self.aws_usd != 0 or self.ours_usd != 0


@dataclass(frozen=True)
class Reconciliation:
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def aws_usd(self) -> Decimal:
        return sum((line.aws_usd for line in self.lines), Decimal(0))

    @property
    def ours_usd(self) -> Decimal:
        return sum((line.ours_usd for line in self.lines), Decimal(0))

    @property
    def gap(self) -> Decimal:
        return sum((line.gap for line in self.lines), Decimal(0))


def reconcile(bill: dict[str, Totals], actual: Actual) -> Reconciliation:
    """The lines of one day: `bill` is the ledger's "bill" dimension of the day ("tier/route" → totals),
    `actual` Cost Explorer's day with its usage types."""
    lines: dict[tuple[str, str, str], Line] = {}

    def add(key: tuple[str, str, str], **more: object) -> None:
        line = lines.get(key) or Line(*key)
        lines[key] = replace(line, **{k: _plus(getattr(line, k), v) for k, v in more.items()})  # type: ignore[arg-type]

    for usage_type, usage in actual.by_usage_type.items():
        kind = billed(usage_type)
        tier, part = TIER_OF_MODE.get(kind.mode), PART_OF.get((kind.dimension, kind.cache_ttl))
        if tier is None or part is None:
            add((OTHER, "", usage_type), aws_usd=usage.usd, aws_tokens=usage.tokens, usage_types=(usage_type,))
            continue
        add((tier, ROUTE_CLASS[kind.route], part), aws_usd=usage.usd, aws_tokens=usage.tokens,
            usage_types=(usage_type,), long_context_usd=usage.usd if kind.long_context else Decimal(0))  # fmt: skip
    for value, totals in bill.items():
        tier, _, route = value.partition("/")
        where = ROUTE_CLASS.get(route, route)
        for part in PARTS:
            tokens, nusd = int(getattr(totals, part)), int(getattr(totals, f"{part}_nusd"))
            if tokens or nusd:
                add((tier, where, part), ours_usd=to_usd(nusd), ours_tokens=tokens,
                    unpriced=totals.unpriced if tokens else 0, partial=totals.partial if tokens else 0)  # fmt: skip
        rest = totals.cost_nusd - sum(int(getattr(totals, f"{part}_nusd")) for part in PARTS)
        if rest:
            add((tier, where, UNSPLIT), ours_usd=to_usd(rest))
    ranked = sorted(lines.values(), key=_rank)
    return Reconciliation(tuple(replace(line, reasons=_reasons(line)) for line in ranked))


def _plus(have: object, more: object) -> object:
    """Adds a field: tokens stay None once a usage type gave none; tuples join."""
    if have is None or more is None:
        return None
    return have + more  # type: ignore[operator]


def _rank(line: Line) -> tuple[object, ...]:
    if line.tier == OTHER:
        return (1, -line.aws_usd, line.part)
    return (0, *(_ORDER.get(x, len(_ORDER)) for x in (line.route, line.tier, line.part)), line.route, line.tier)


def _reasons(line: Line) -> tuple[str, ...]:
    """Codes for what the data says about a line's gap:
    batch — AWS batch usage (the bot makes no batch calls); unmapped — a usage type that is no token line;
    unsplit — our cost recorded without its parts; unpriced / partial — some of our calls on the line had no price
    or a part without one, so ours is short; no_calls — AWS billed a line the bot recorded no call for (other apps
    or regions on the account); not_billed — ours has cost AWS did not bill on this UTC day; tokens — both token
    counts known and different; price — the same tokens, a different amount; long_context — AWS's amount includes
    long-context usage types. A line without a gap keeps only the first three."""
    out = []
    if line.tier == "batch":
        out.append("batch")
    if line.tier == OTHER:
        out.append("unmapped")
    if line.part == UNSPLIT:
        out.append("unsplit")
    out += [code for code, n in (("unpriced", line.unpriced), ("partial", line.partial)) if n]
    ours = line.ours_tokens or line.ours_usd
    if line.aws_usd and not ours and line.tier not in ("batch", OTHER):
        out.append("no_calls")
    if ours and not line.aws_usd and line.part != UNSPLIT:
        out.append("not_billed")
    if line.aws_tokens is not None and line.aws_tokens and line.ours_tokens:
        out.append("tokens" if line.aws_tokens != line.ours_tokens else "price" if line.gap else "")
    if line.long_context_usd:
        out.append("long_context")
    if not line.gap:  # nothing to explain: only what the line is
        out = [code for code in out if code in ("batch", "unmapped", "unsplit")]
    return tuple(code for code in out if code)


_PART = {**PART_WORDS, UNSPLIT: ("항목 미분리", "not split by part")}
_LABEL = {
    REGIONAL: ("리전", "regional"),
    GLOBAL: ("글로벌", "global"),
    "flex": ("Flex", "flex"),
    "priority": ("Priority", "priority"),
    "reserved": ("Reserved", "reserved"),
    "latency_optimized": ("지연 최적화", "latency-optimized"),
    "batch": ("배치(이 봇 밖의 작업)", "batch jobs outside this bot"),
}


def render(rec: Reconciliation, lang: str, tz: str) -> list[str]:
    """The digest's lines: one per line with an amount on either side (the unmapped usage types on one line,
    each with its amount), then, when the ledger's day is not UTC, why the days differ."""
    shown = [line for line in rec.lines if line.shown]
    out = [_line(line, lang) for line in shown if line.tier != OTHER]
    other = [line for line in shown if line.tier == OTHER]
    if other:
        listed = " · ".join(f"{line.part} {spend(line.aws_usd)}" for line in other)
        out.append(L(lang, "• 기타 / 분류되지 않은 사용 유형: ", "• other / unmapped usage types: ") + listed)
    if out and tz != "UTC":
        out.append(L(lang, f"  (Cost Explorer는 UTC 날짜, 원장은 {tz} 날짜라 자정 무렵 호출은 다른 날에 잡힙니다)",
                     f"  (Cost Explorer days are UTC, the ledger's are {tz}: calls near midnight fall on "
                     "different days)"))  # fmt: skip
    return out


def _line(line: Line, lang: str) -> str:
    names = [line.route, *([line.tier] if line.tier != "standard" else [])]
    label = " · ".join(L(lang, *_LABEL.get(n, (n, n))) for n in names) + " · " + L(lang, *_PART[line.part])
    sign = "+" if line.gap > 0 else ""
    why = [_reason(code, line, lang) for code in line.reasons if code != "batch"]
    return (
        f"• {label}: AWS {spend(line.aws_usd)} · {L(lang, '추정', 'ours')} {spend(line.ours_usd)} · "
        f"{L(lang, '차이', 'gap')} {sign}{spend(line.gap)}" + (f" ({'; '.join(why)})" if why else "")
    )


def _reason(code: str, line: Line, lang: str) -> str:
    aws = count(line.aws_tokens or 0)
    texts = {
        "unmapped": ("이 봇의 토큰 항목이 아님", "not a token line of this bot"),
        "unsplit": ("항목별로 나뉘지 않은 비용", "cost recorded without its parts"),
        "unpriced": (f"이 경로에 가격 없는 호출 {line.unpriced:,}건",
                     f"{plural(line.unpriced, 'call')} on this route without a catalog price"),
        "partial": (f"이 경로에 일부 항목 가격이 없는 호출 {line.partial:,}건",
                    f"{plural(line.partial, 'call')} on this route with a part not priced"),
        "no_calls": ("봇이 기록한 호출 없음: 같은 계정의 다른 앱이나 리전",
                     "no calls recorded by the bot: other apps or regions on the account"),
        "not_billed": ("이 UTC 날짜에 청구 없음: 날짜 경계나 집계 지연",
                       "not billed on this UTC day: day boundary or Cost Explorer lag"),
        "tokens": (f"토큰 AWS {aws} · 추정 {count(line.ours_tokens)}", f"tokens AWS {aws} vs ours "
                   f"{count(line.ours_tokens)}"),
        "price": ("토큰은 같고 단가가 다름", "same tokens, a different price"),
        "long_context": (f"장문 컨텍스트 요율 {spend(line.long_context_usd)} 포함",
                         f"incl. {spend(line.long_context_usd)} at long-context rates"),
    }  # fmt: skip
    return L(lang, *texts.get(code, (code, code)))
