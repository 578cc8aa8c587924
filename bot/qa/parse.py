"""Reading a question: language, catalog names, region, mode, quantities, constraints, and the intent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bot.catalog.catalog import Catalog
from bot.catalog.lookup import Mention, NameIndex, normalize
from bot.catalog.pricing import Workload
from bot.catalog.schema import Modality, Mode
from bot.qa import intents as V
from bot.qa.concepts import Concept, ConceptIndex
from bot.qa.intents import Intent
from bot.qa.quantities import PER_DAY, PER_MONTH, assign_roles, find_quantities
from bot.qa.readings import PER_REQUEST_WORDS, TOTAL_WORDS
from bot.qa.text import detect_lang, first_of, has_any

_STOP = frozenset(
    (
        "알려줘 알려 주세요 줘 좀 얼마야 얼마 얼마예요 뭐야 모델 모델은 모델이 토큰 가격 요금 있어 있나요 있니 해줘 "
        "기준 달러 리전 what whats is the a an of for in on me tell show how much price prices pricing cost model "
        "models tokens token please about and or with per 1m 1k usd region"
    ).split()
)
_PARTICLE = re.compile(r"(은|는|이|가|을|를|의|로|으로|에서|에|랑|이랑|하고|와|과|도|만|요)$")


@dataclass
class Query:
    """A question read into intent and entities. Empty fields mean "not said"."""

    text: str
    norm: str
    lang: str
    intent: Intent = Intent.not_understood
    models: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    corrected: list[tuple[str, str]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    mode: Mode | None = None
    cache: bool = False
    workload: Workload | None = None
    per_request_said: bool = False  # "요청당", "per request": token counts are per request
    totals_said: bool = False  # "총", "in total": token counts are the day's totals
    images: int | None = None
    seconds: int | None = None
    modalities_in: set[Modality] = field(default_factory=set)
    modalities_out: set[Modality] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    features: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)
    min_context: int | None = None
    languages: set[str] = field(default_factory=set)  # languages the model must handle ("한국어 요약")
    legacy: bool = False  # "legacy models", "레거시 포함": legacy models are listed too (and marked)
    tasks: list[str] = field(default_factory=list)  # summarize, translate, rag, ...
    unapplied: list[str] = field(default_factory=list)  # stated requirements the catalog has no data for
    max_price: Decimal | None = None
    concept: Concept | None = None
    unknown: str | None = None
    family: str | None = None  # the catalog family an unknown name belongs to ("Nova Premier" → nova)
    tier: str | None = None  # flex / priority / reserved asked for
    routes: list[str] = field(default_factory=list)  # "global", "us", "apac", "in_region", "geo"...
    cache_ttl: str | None = None  # "1h" / "5m" asked for
    over_context: int | None = None  # "200K 넘으면": a long-context threshold asked about

    @property
    def region(self) -> str | None:
        return self.regions[0] if self.regions else None


class RegionIndex:
    """Region codes, names and aliases ("서울", "Seoul", "ap-northeast-2", "도쿄") found in text."""

    def __init__(self, catalog: Catalog) -> None:
        names: dict[str, str] = {}
        for region in catalog.regions.values():
            for name in [region.code, region.name_en, region.name_ko, *region.aliases]:
                names.setdefault(normalize(name), region.code)
        self._names = names
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")

    def find(self, norm: str) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        for m in self._pattern.finditer(norm):
            code = self._names[m.group(0)]
            if code not in [c for c, _, _ in out]:
                out.append((code, m.start(), m.end()))
        return out

    def resolve(self, name: str) -> str | None:
        return self._names.get(normalize(name))


class QuestionParser:
    """Turns free text into a `Query`. Built once per catalog; `parse` is pure and fast."""

    def __init__(self, catalog: Catalog, names: NameIndex, concepts: ConceptIndex, default_lang: str = "ko"):
        self.catalog = catalog
        self.names = names
        self.regions = RegionIndex(catalog)
        self.concepts = concepts
        self.default_lang = default_lang
        self._vocab = self._known_words()
        self._hangul_vocab = sorted({w for w in self._vocab if _HANGUL_WORD.fullmatch(w)}, key=len, reverse=True)

    def parse(self, text: str) -> Query:
        norm = normalize(text)
        q = Query(text=text, norm=norm, lang=detect_lang(text, self.default_lang))
        mentions = self.names.mentions(text)
        blanked = _blank(norm, [(m.start, m.end) for m in mentions])
        region_hits = self.regions.find(blanked)
        q.regions = [code for code, _, _ in region_hits]
        blanked = _blank(blanked, [(s, e) for _, s, e in region_hits])
        self._add_mentions(q, mentions)
        q.unknown = self._unknown_version(norm, mentions, q)
        self._read_constraints(q, norm)  # aliases may contain mode words ("노바 프로 지연 시간 최적화")
        self._read_quantities(q, blanked)
        q.concept = self.concepts.find(norm)
        if not (q.models or q.groups or q.services):
            self._fuzzy(q, blanked)
        elif not q.unknown:
            self._refine_family(q, mentions, norm)
        if q.groups and not q.unknown:
            q.unknown = self._unknown_member(norm, mentions, q)
        q.intent = choose_intent(q, blanked)
        if q.intent is Intent.unknown_model and not q.unknown:
            q.unknown = self._leftover(blanked)
            if not q.unknown:
                q.intent = Intent.not_understood
        return q

    def _add_mentions(self, q: Query, mentions: list[Mention]) -> None:
        for m in mentions:
            bucket = {"model": q.models, "group": q.groups, "service": q.services}[m.target.kind]
            bucket.append(m.target.key)
            if m.corrected:
                q.corrected.append((m.surface, self.names.display(m.target)))

    def _fuzzy(self, q: Query, blanked: str) -> None:
        self._add_mentions(q, self.names.fuzzy_mentions(blanked, skip=self._vocab))

    def _refine_family(self, q: Query, mentions: list[Mention], norm: str) -> None:
        """ "nova mirco", "미스트랄 라쥐": a family or a model name matched exactly and the word after it is a
        typo. A confident fuzzy match of the longer name replaces the shorter one — for a family only with one
        of its members."""
        for fuzzy in self.names.fuzzy_mentions(norm, skip=self._vocab):
            exact = next((m for m in mentions if m.surface in fuzzy.surface and m.surface != fuzzy.surface), None)
            if exact is None or fuzzy.target.kind != "model" or fuzzy.target == exact.target:
                continue
            if exact.target.kind == "group":
                if exact.target.key not in q.groups or fuzzy.target.key not in self.catalog.groups[
                    exact.target.key
                ].members:
                    continue
                q.groups.remove(exact.target.key)
            elif exact.target.kind == "model" and exact.target.key in q.models:
                q.models.remove(exact.target.key)
            else:
                continue
            if fuzzy.target.key not in q.models:
                q.models.append(fuzzy.target.key)
            q.corrected.append((fuzzy.surface, self.names.display(fuzzy.target)))

    def _unknown_version(self, norm: str, mentions: list[Mention], q: Query) -> str | None:
        """A name followed by a version it does not have names a model that is not in the catalog ("Llama 3.1",
        "Sonnet 4", "Claude Opus 4", "Mistral Large 2"): it must not be answered with another generation's
        numbers. Family names and models alike; a model's own number ("Opus 3") is not a new version."""
        for m in mentions:
            if m.target.kind == "service" or (after := _VERSION_AFTER.match(norm, m.end)) is None:
                continue
            if m.target.kind == "model" and after.group(1) in self._numbers(m.target.key):
                continue
            tail = norm[after.end() :].split()
            word = _PARTICLE.sub("", tail[0]) if tail and _HANGUL_WORD.fullmatch(tail[0]) else (tail or [""])[0]
            short = re.fullmatch(r"[a-z0-9.가-힣]+", word) is not None and len(word) <= 6
            extra = word if short and word not in self._vocab else ""
            self._forget(q, m)
            q.family = self._family_of(m)
            return f"{m.surface}{after.group(0)} {extra}".strip()
        return None

    def _unknown_member(self, norm: str, mentions: list[Mention], q: Query) -> str | None:
        """A family name followed by a word, or a model, that is no member of it ("Nova Premier", "노바 프리미어",
        "Claude 3.5 Opus"): a model of that family the catalog does not have. Typos of members were fixed before
        (`_refine_family`)."""
        for i, m in enumerate(mentions):
            if m.target.kind != "group" or m.target.key not in q.groups:
                continue
            members = self.catalog.groups[m.target.key].members
            following = mentions[i + 1] if i + 1 < len(mentions) else None
            adjacent = following is not None and following.start - m.end <= 1
            if adjacent and following is not None and following.target.kind == "model" and (
                following.target.key not in members
            ):
                self._forget(q, following)
                q.groups.remove(m.target.key)
                q.family = m.target.key
                return f"{m.surface} {following.surface}"
            words = norm[m.end :].split() if norm[m.end : m.end + 1] in ("", " ") else []
            if words and self._is_new_name_word(words[0]):
                q.groups.remove(m.target.key)
                q.family = m.target.key
                return f"{m.surface} {words[0]}"
        return None

    def _is_new_name_word(self, word: str) -> bool:
        """A word that could be a model's name and is none of the words questions are made of."""
        if _HANGUL_WORD.fullmatch(word):
            stripped = _PARTICLE.sub("", word)  # "프리미어는" → "프리미어", but "메가" stays "메가"
            word = stripped if len(stripped) >= 2 else word
            if word in _FAMILY_WORDS or any(word.startswith(v) for v in self._hangul_vocab):
                return False
        elif not _NAME_WORD.fullmatch(word) or word in _NOT_A_NAME:
            return False
        if word in self._vocab or self.regions.resolve(word) is not None:
            return False
        return self.concepts.find(word) is None

    def _numbers(self, key: str) -> set[str]:
        """Every number in a model's key, name and aliases: "3", "3.5", "2" for Claude 3.5 Sonnet v2."""
        model = self.catalog.models[key]
        return {n for name in (key, model.name, *model.aliases) for n in re.findall(r"\d+(?:\.\d+)?", normalize(name))}

    def _forget(self, q: Query, m: Mention) -> None:
        bucket = q.groups if m.target.kind == "group" else q.models
        if m.target.key in bucket:
            bucket.remove(m.target.key)
        q.corrected = [c for c in q.corrected if c[0] != m.surface]

    def _family_of(self, m: Mention) -> str | None:
        """The family a mention names: itself for a family, else the model's smallest family whose name the
        user typed ("claude opus" → Claude), else its smallest family."""
        if m.target.kind == "group":
            return m.target.key
        groups = sorted(
            (g for g in self.catalog.groups.values() if m.target.key in g.members), key=lambda g: len(g.members)
        )
        typed = [g for g in groups if any(f" {normalize(a)} " in f" {m.surface} " for a in g.aliases)]
        return (typed or groups)[0].key if groups else None

    def _read_constraints(self, q: Query, norm: str) -> None:
        modes = first_of(norm, {m.value: w for m, w in V.MODE_WORDS.items()})
        q.mode = Mode(modes[0]) if modes else None
        q.cache = has_any(norm, V.CACHE_WORDS)
        q.features = set(first_of(norm, V.FEATURE_WORDS))
        q.kinds = set(first_of(norm, V.KIND_WORDS))
        q.providers = set(first_of(norm, V.PROVIDER_WORDS))
        generate = has_any(norm, V.GENERATE_WORDS)
        for modality in first_of(norm, {m.value: w for m, w in V.MODALITY_IN_WORDS.items()}):
            target = q.modalities_out if generate and Modality(modality) in V.MODALITY_OUT_WORDS else q.modalities_in
            target.add(Modality(modality))
        if has_any(norm, V.LONG_CONTEXT_WORDS):
            q.min_context = 100_000
        q.languages = set(first_of(norm, V.LANGUAGE_WORDS))
        q.tasks = first_of(norm, V.TASK_WORDS)
        q.unapplied = first_of(norm, V.UNAPPLIED_WORDS)
        q.legacy = has_any(norm, V.LEGACY_WORDS)
        tiers = first_of(norm, V.TIER_WORDS)
        q.tier = tiers[0] if tiers else None
        q.routes = first_of(norm, V.ROUTE_WORDS)
        q.cache_ttl = "1h" if has_any(norm, V.CACHE_1H_WORDS) else "5m" if has_any(norm, V.CACHE_5M_WORDS) else None

    def _read_quantities(self, q: Query, norm: str) -> None:
        found = find_quantities(norm)
        if not found:
            return
        roled = assign_roles(norm, found)
        tokens: dict[str, int] = {}
        loose: list[int] = []
        requests = None
        for r in roled:
            value = int(r.value)
            ctx = norm[max(0, r.start - 14) : r.start + 14]
            around = norm[max(0, r.start - 10) : r.start + 16]
            if r.role in (None, "input") and value >= 1000 and has_any(around, V.LONG_PRICE_WORDS):
                q.over_context = value
            elif has_any(ctx, V.CONTEXT_WORDS) and r.role is None:
                q.min_context = value
            elif r.role in ("input", "output", "cache_read", "cache_write"):
                tokens[r.role] = tokens.get(r.role, 0) + value
            elif r.role == "requests":
                monthly = has_any(norm[max(0, r.start - 10) : r.start], PER_MONTH)
                requests = max(1, value // 30) if monthly else value
            elif r.role == "images":
                q.images = value
            elif r.role == "seconds":
                q.seconds = value
            elif r.role is None and _is_money(norm, r.start):
                q.max_price = r.value
            elif r.role is None and value >= 100:
                loose.append(value)
        for role, value in zip(("input", "output"), loose, strict=False):
            tokens.setdefault(role, value)
        if q.cache and "cache_read" not in tokens and "input" in tokens and has_any(norm, ("캐시 히트", "cache hit")):
            tokens["cache_read"] = tokens.pop("input")
        q.per_request_said = has_any(norm, PER_REQUEST_WORDS)
        q.totals_said = has_any(norm, TOTAL_WORDS)
        if tokens:
            q.workload = Workload(
                input_tokens=tokens.get("input", 0),
                output_tokens=tokens.get("output", 0),
                cache_read_tokens=tokens.get("cache_read", 0),
                cache_write_tokens=tokens.get("cache_write", 0),
                requests_per_day=requests,
                daily_totals=requests is None and has_any(norm, PER_DAY),
            )

    def _leftover(self, blanked: str) -> str | None:
        words = []
        for word in blanked.split():
            word = _PARTICLE.sub("", word) if re.search(r"[가-힣]$", word) else word
            if word and word not in _STOP and word not in self._vocab and not re.fullmatch(r"[\d.,]+", word):
                words.append(word)
        latin = [w for w in words if re.search(r"[a-z]", w)]
        chosen = latin or words
        return " ".join(chosen[:3]) if chosen else None

    def _known_words(self) -> set[str]:
        tables = [
            *V.INTENT_WORDS.values(),
            *V.MODE_WORDS.values(),
            *V.FEATURE_WORDS.values(),
            *V.KIND_WORDS.values(),
            *V.PROVIDER_WORDS.values(),
            *V.MODALITY_IN_WORDS.values(),
            V.EXPLAIN_WORDS,
            V.CACHE_WORDS,
            V.GENERATE_WORDS,
            V.CONTEXT_WORDS,
            V.PRICE_CEILING_WORDS,
            *V.TIER_WORDS.values(),
            *V.ROUTE_WORDS.values(),
            V.CACHE_1H_WORDS,
            V.CACHE_5M_WORDS,
            V.LONG_PRICE_WORDS,
        ]
        words = {part for table in tables for w in table for part in normalize(w).split()}
        return words | set(_STOP)


def choose_intent(q: Query, norm: str) -> Intent:
    """The intent rules, most specific first. Each rule reads only what `parse` extracted."""
    named = q.models or q.groups
    explain = has_any(norm, V.EXPLAIN_WORDS)
    words = {i for i, ws in V.INTENT_WORDS.items() if has_any(norm, ws)}
    if not q.norm.strip() or (Intent.help in words and not named):
        return Intent.help
    if q.unknown:
        return Intent.unknown_model
    wants_models = not named and (Intent.recommend in words or has_any(norm, V.LEGACY_TOO_WORDS))
    if Intent.lifecycle in words and (named or not q.regions) and not wants_models:
        return Intent.lifecycle  # "cheapest model including legacy" is a recommendation, not a lifecycle table
    asks_dimension = bool(q.tier or q.cache_ttl or q.over_context)
    if asks_dimension and not named and not q.workload:
        return Intent.dimension
    if len(q.models) == 1 and not q.groups and (q.routes or asks_dimension) and not q.workload:
        return Intent.price
    if q.groups and not q.models and q.regions and Intent.availability in words:
        return Intent.list_models
    priced = bool(words & {Intent.price, Intent.estimate})
    filters = q.features or q.modalities_in or q.modalities_out or q.kinds
    if not named and filters and words & {Intent.list_models, Intent.recommend}:
        return Intent.recommend if Intent.recommend in words else Intent.list_models
    if q.services and not q.models and (priced or not explain or q.concept is None):
        return Intent.service
    if q.concept is not None and (not named or explain) and not q.workload and Intent.recommend not in words:
        return Intent.concept
    modes_compared = len(q.models) == 1 and not q.groups and q.mode is not None  # "Nova Pro on-demand vs PT"
    several = len(q.models) + len(q.groups) >= 2 or (Intent.compare in words and named and not modes_compared)
    if several and q.workload is not None and not q.workload.empty:
        return Intent.estimate  # "A or B for 5M in / 500K out a day": the workload priced on each, side by side
    if several:
        return Intent.compare
    if Intent.recommend in words or (not named and q.workload and Intent.estimate in words):
        return Intent.recommend
    if not named and q.legacy:
        return Intent.list_models  # "legacy models", "레거시 모델 목록"
    if not named and (q.languages or q.tasks) and has_any(norm, V.MODEL_ASK_WORDS):
        return Intent.recommend  # "model for Korean summarisation", "스페인어 번역에 싼 모델"
    if named and (q.workload or q.images or q.seconds):
        return Intent.estimate
    if named and Intent.availability in words and not words & {Intent.price}:
        return Intent.availability
    if named and Intent.specs in words and Intent.price not in words:
        return Intent.specs
    if named:
        return Intent.price
    if Intent.list_models in words or (q.regions and (q.modalities_in or q.kinds or q.features or q.providers)):
        return Intent.list_models
    if q.modalities_in or q.modalities_out or q.kinds or q.features or q.providers or q.min_context:
        return Intent.list_models
    if words & {Intent.price, Intent.estimate, Intent.specs, Intent.availability}:
        return Intent.unknown_model
    if q.regions and Intent.availability in words:
        return Intent.list_models
    return Intent.unknown_model if _looks_like_name(norm) else Intent.not_understood


def _looks_like_name(norm: str) -> bool:
    """A short Latin name with a version number ("gpt 4o", "gemini 1.5 pro") is a model we do not have."""
    words = norm.split()
    return 0 < len(words) <= 4 and bool(re.search(r"[a-z]", norm)) and bool(re.search(r"\d", norm))


_VERSION_AFTER = re.compile(
    r"\s?v?(\d{1,2}(?:\.\d{1,2})?)(?![\d.,]|\s?(?:만|억|천|백|k\b|m\b|b\b|x\b|%|million|thousand|토큰|token|"
    r"개|건|장|초|회|번|명|달|일|시간|월|년|분|month|day|hour|year|minute|request|call|image|second|user|time))"
)
_NAME_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_HANGUL_WORD = re.compile(r"[가-힣]{2,}")
_FAMILY_WORDS = frozenset(
    "시리즈 계열 모델들 제품군 라인업 패밀리 전체 전부 모두 종류 버전 버전들 최신 중에서 중에 중 어떤 무슨 각각 각 "
    "제일 가장 싼 저렴한 비싼 좋은 빠른 기준".split()
)
_NOT_A_NAME = frozenset("vs versus than compare comparison cheaper better faster batch cache ondemand".split())

def _is_money(norm: str, start: int) -> bool:
    window = norm[max(0, start - 2) : start + 14]
    return "$" in norm[max(0, start - 2) : start] or has_any(window, ("달러", "usd", "dollar", "dollars", "불"))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
