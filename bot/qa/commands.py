"""`/bedrock <subcommand>` for the catalog: help, models, price, cost, compare, recommend (Korean aliases too).

Shared by the console and the Slack slash command: each subcommand becomes a `Query` the engine runs, so a
command and the same question in words give the same answer. Wrong arguments raise `UsageError` with the
subcommand's usage line; unknown models raise `UnknownModelError` with the closest names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from bot.catalog.pricing import Workload
from bot.catalog.schema import Mode
from bot.errors import UnknownModelError, UsageError
from bot.qa.answer import Answer
from bot.qa.engine import Engine
from bot.qa.intents import Intent
from bot.qa.parse import Query
from bot.qa.quantities import find_quantities
from bot.qa.text import detect_lang

SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "도움말", "도움", "?"),
    "models": ("models", "list", "모델", "목록"),
    "price": ("price", "prices", "가격", "요금"),
    "cost": ("cost", "estimate", "비용", "견적"),
    "compare": ("compare", "vs", "비교"),
    "recommend": ("recommend", "cheapest", "추천"),
}
USAGE = {
    "help": "/bedrock help",
    "models": "/bedrock models [region] [image|video|embedding|tool use|…]",
    "price": "/bedrock price <model> [region]",
    "cost": (
        "/bedrock cost <model> <input tokens> <output tokens> [batch|latency] [cache <tokens>] [daily <requests>] "
        "[region]"
    ),
    "compare": "/bedrock compare <model1,model2[,…]> [region]",
    "recommend": "/bedrock recommend <requirements, e.g. seoul image input>",
}
_BATCH = ("batch", "배치")
_LATENCY = ("latency", "지연")
_CACHE = ("cache", "캐시")
_DAILY = ("daily", "하루", "per-day")
_FLAGS = {*_BATCH, *_LATENCY, *_CACHE, *_DAILY}
_FILLER = {"tokens", "token", "토큰", "input", "output", "입력", "출력", "in", "out", "region", "리전"}
_ALIASES = {alias: name for name, aliases in SUBCOMMANDS.items() for alias in aliases}
_PREFIX = re.compile(r"^\s*/?bedrock\s*", re.IGNORECASE)


def is_command(text: str) -> bool:
    return text.strip().startswith("/")


def split_command(text: str, default_lang: str) -> tuple[str, str, str]:
    """`/bedrock <subcommand> args` → (subcommand as typed, args, reply language); the prefix is optional.
    A Korean subcommand ("가격") means a Korean reply, whatever the model names."""
    body = _PREFIX.sub("", text.strip()).lstrip("/")
    sub, _, args = body.partition(" ")
    lang = "ko" if re.search(r"[가-힣]", sub) else detect_lang(body or text, default_lang)
    return sub, args.strip(), lang


def unknown_subcommand(sub: str, names: Iterable[str]) -> UsageError:
    """The error for a subcommand that does not exist (or none), listing the ones that do."""
    if not sub:
        return UsageError(USAGE["help"])
    return UsageError(
        "/bedrock " + " | ".join(names), ko=f"알 수 없는 명령입니다: '{sub}'", en=f"Unknown subcommand: '{sub}'"
    )


def catalog_subcommand(sub: str) -> str | None:
    """The catalog subcommand `sub` names (an alias: "가격" → "price"), or None."""
    return _ALIASES.get(sub.lower())


def run_command(engine: Engine, text: str) -> Answer:
    """Run a catalog subcommand: `/bedrock <help|models|price|cost|compare|recommend> args`."""
    sub, args, lang = split_command(text, engine.parser.default_lang)
    name = catalog_subcommand(sub)
    if name is None:
        raise unknown_subcommand(sub, SUBCOMMANDS)
    return run_catalog(engine, name, args, lang)


def run_catalog(engine: Engine, name: str, args: str, lang: str) -> Answer:
    """Run the catalog subcommand `name` (canonical) with its arguments, replying in `lang`."""
    q = engine.parser.parse(args) if args else Query(text="", norm="", lang=lang)
    q.lang = lang
    handler = {
        "help": _help,
        "models": _models,
        "price": _price,
        "cost": _cost,
        "compare": _compare,
        "recommend": _recommend,
    }[name]
    return engine.run(handler(engine, q, args))


def _usage(name: str, lang: str, ko: str, en: str) -> UsageError:
    return UsageError(USAGE[name], ko=ko, en=en)


def _help(engine: Engine, q: Query, args: str) -> Query:
    return replace(q, intent=Intent.help)


def _models(engine: Engine, q: Query, args: str) -> Query:
    return replace(q, intent=Intent.list_models)


def _recommend(engine: Engine, q: Query, args: str) -> Query:
    if not args:
        raise _usage("recommend", q.lang, "조건을 적어 주세요.", "Say what you need.")
    return replace(q, intent=Intent.recommend)


def resolve_model(engine: Engine, name: str) -> str:
    """The catalog key of the model `name` (key, id, name or alias; a typo fixed when sure), else
    `UnknownModelError` with the closest names (for a family name: its members)."""
    return resolve_named(engine, name)[0]


def resolve_named(engine: Engine, name: str) -> tuple[str, list[tuple[str, str]]]:
    """`resolve_model`, plus the typo fix it made as (typed, read as) for the answer's note, if any."""
    res = engine.ctx.names.resolve(name)
    if res.target is None or res.target.kind == "service":
        raise UnknownModelError(name, res.suggestions or engine.ctx.names.closest(name))
    if res.target.kind == "group":
        members = engine.catalog.groups[res.target.key].members
        raise UnknownModelError(name, [engine.catalog.models[m].name for m in members])
    return res.target.key, [(name, engine.ctx.names.display(res.target))] if res.corrected else []


def _split_model(
    engine: Engine, q: Query, args: str, name: str
) -> tuple[str, list[str], list[tuple[str, str]]]:
    """The model named at the start of `args` and the words after it. The longest exact name wins
    ("claude 3 haiku 2000 500" → claude-3-haiku, [2000, 500]); otherwise the words before the first region or
    token count are resolved with typo tolerance, or reported as unknown with the closest names. The third value
    is the typo fix made, if any: the answer's note names what the command read, not what free text would."""
    words = args.split()
    if not words:
        raise _usage(name, q.lang, "모델 이름이 필요합니다.", "A model name is needed.")

    def ends_name(i: int) -> bool:
        return i == len(words) or _is_count(words[i]) or engine.parser.regions.resolve(words[i]) is not None

    for k in range(min(len(words), 8), 0, -1):
        target = engine.ctx.names.exact(" ".join(words[:k]))
        # a family name followed by more name words ("claude 4 sonnet") is not that family
        if target is not None and (target.kind != "group" or ends_name(k) or words[k].lower() in _FLAGS):
            key, corrected = resolve_named(engine, " ".join(words[:k]))
            return key, words[k:], corrected
    k = next((i for i in range(1, len(words)) if ends_name(i)), len(words))
    key, corrected = resolve_named(engine, " ".join(words[:k]))
    return key, words[k:], corrected


def _whole_quantity(word: str) -> Decimal | None:
    """The value of a word that is exactly one quantity ("2M", "200만", "500"), else None."""
    found = find_quantities(word)
    return found[0].value if found and found[0].text == word else None


def _is_count(word: str) -> bool:
    value = _whole_quantity(word)
    return value is not None and (value >= 100 or not word.isdigit())


def _price(engine: Engine, q: Query, args: str) -> Query:
    key, _, corrected = _split_model(engine, q, args, "price")
    return replace(q, intent=Intent.price, models=[key], groups=[], corrected=corrected)


def _cost(engine: Engine, q: Query, args: str) -> Query:
    key, words, corrected = _split_model(engine, q, args, "cost")
    numbers = [(i, value) for i, w in enumerate(words) if (value := _whole_quantity(w)) is not None]
    flags = {w.lower(): i for i, w in enumerate(words)}
    cache_at = next((flags[f] for f in _CACHE if f in flags), None)
    daily_at = next((flags[f] for f in _DAILY if f in flags), None)
    plain = [int(v) for i, v in numbers if i - 1 not in (cache_at, daily_at)]
    if len(plain) < 2:
        raise _usage(
            "cost",
            q.lang,
            "입력·출력 토큰 수가 필요합니다 (예: 200만 50만, 2M 500k).",
            "Input and output token counts are needed (e.g. 2M 500k).",
        )
    by_index = dict(numbers)
    counted = ((cache_at, ("캐시 읽기 토큰 수", "cache-read tokens")), (daily_at, ("하루 요청 수", "requests a day")))
    for flag_at, what in counted:
        if flag_at is not None and flag_at + 1 not in by_index:
            raise _usage(
                "cost",
                q.lang,
                f"'{words[flag_at]}' 뒤에 {what[0]}를 적어 주세요 (예: {words[flag_at]} 100만).",
                f"'{words[flag_at]}' needs the number of {what[1]} after it (e.g. {words[flag_at]} 1M).",
            )
    _refuse_unknown_words(engine, q, words, {i for i, _ in numbers} | {i for w, i in flags.items() if w in _FLAGS})
    cache = int(by_index.get(cache_at + 1, 0)) if cache_at is not None else 0
    daily = int(by_index[daily_at + 1]) if daily_at is not None and daily_at + 1 in by_index else None
    workload = Workload(input_tokens=plain[0], output_tokens=plain[1], cache_read_tokens=cache, requests_per_day=daily)
    mode = (
        Mode.batch if flags.keys() & set(_BATCH) else Mode.latency_optimized if flags.keys() & set(_LATENCY) else None
    )
    return replace(
        q,
        intent=Intent.estimate,
        models=[key],
        groups=[],
        corrected=corrected,
        workload=workload,
        mode=mode,
        images=None,
        seconds=None,
    )


def _refuse_unknown_words(engine: Engine, q: Query, words: list[str], known: set[int]) -> None:
    """Every word of `/bedrock cost` after the model must be read (a count, a flag, a region): an option that is
    not understood is refused with the usage line, never dropped silently."""
    unread = [w for i, w in enumerate(words) if i not in known and engine.parser.regions.resolve(w) is None]
    unread = [w for w in unread if w.lower() not in _FILLER]
    if unread:
        raise _usage(
            "cost",
            q.lang,
            f"이해하지 못한 옵션: {', '.join(unread)}.",
            f"Options not understood: {', '.join(unread)}.",
        )


def _compare(engine: Engine, q: Query, args: str) -> Query:
    names = [n.strip() for n in re.split(r"[,，、]|\s+vs\s+|\s+and\s+|\s*랑\s*|\s*와\s+", args) if n.strip()]
    keys: list[str] = []
    corrected = q.corrected
    if len(names) >= 2:
        corrected = []
        for n in names:
            if engine.parser.regions.resolve(n):
                continue
            key, fixed = resolve_named(engine, _strip_region(engine, n))
            keys.append(key)
            corrected += fixed
    else:
        keys = list(dict.fromkeys([*q.models, *(m for g in q.groups for m in engine.catalog.groups[g].members)]))
    if len(keys) < 2:
        raise _usage(
            "compare",
            q.lang,
            "비교할 모델을 두 개 이상 쉼표로 적어 주세요.",
            "Name two or more models, separated by commas.",
        )
    return replace(q, intent=Intent.compare, models=list(dict.fromkeys(keys)), groups=[], corrected=corrected)


def _strip_region(engine: Engine, name: str) -> str:
    return " ".join(w for w in name.split() if engine.parser.regions.resolve(w) is None) or name
