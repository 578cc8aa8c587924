"""Finding models, services and families by name: exact aliases, mentions in free text, typos.

One normalisation (`normalize`) is applied to aliases and to text alike, so "Claude-3-5-Haiku",
"claude 3.5 haiku" and "클로드 3.5 하이쿠" meet in the same form. Mentions are found with one compiled
regular expression over every alias (longest first); typos fall back to rapidfuzz over word n-grams. Hangul is
compared letter by letter (jamo), so "마이크러" is one letter away from "마이크로", as "mirco" is from "micro"; a
quantity ("2M", "500k", "200만") is never part of a name.

A model's name without its provider ("Titan Text Embeddings V2" for "Amazon Titan Text Embeddings V2") is one of
its names, unless a family or another item already has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz, process

from bot.catalog.catalog import Catalog

Kind = Literal["model", "service", "group"]

_DIGIT_DASH = re.compile(r"(?<![\d.])(\d)[-_](\d)(?!\d)")
_THOUSANDS = re.compile(r"(\d),(?=\d{3}(?!\d))")
_PUNCT = re.compile(r"[^\w\s.:+/$]")
_SPACES = re.compile(r"[\s\-_/]+")
_HANGUL = re.compile(r"[가-힣]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?(?:k|m|b|mn|million|thousand|만|천|억|백만|천만)$")
FUZZY_ACCEPT = 86
FUZZY_SUGGEST = 60


def normalize(text: str) -> str:
    """Lower case; "3-5" → "3.5"; punctuation dropped except . : + (ids, versions, "R+")."""
    text = _THOUSANDS.sub(r"\1", _DIGIT_DASH.sub(r"\1.\2", text.lower()))
    text = _PUNCT.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return _SPACES.sub(" ", re.sub(r"\.(?=\s|$)|(?<=\s)\.", " ", text)).strip()


@dataclass(frozen=True)
class Target:
    kind: Kind
    key: str


@dataclass(frozen=True)
class Mention:
    target: Target
    start: int
    end: int
    surface: str
    corrected: bool = False


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one name: a target, or the closest names to suggest."""

    target: Target | None
    suggestions: tuple[str, ...] = ()
    corrected: bool = False


class NameIndex:
    """Every name a user may type for a catalog item, resolved to its model, service or group."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._exact: dict[str, Target] = {}
        self._display: dict[Target, str] = {}
        # Families first: "claude 3.5 sonnet" is a family (v1 and v2) even though v1's key normalises to it.
        for group in catalog.groups.values():
            self._add(Target("group", group.key), group.aliases[0], group.aliases)
        for model in catalog.models.values():
            target = Target("model", model.key)
            self._add(target, model.name, [*model.aliases, *model.ids, *model.inference_profiles, model.key])
        for model in catalog.models.values():  # after every alias, so a provider-less name never takes one
            if (short := _without_provider(model.name, model.provider)) is not None:
                self._exact.setdefault(normalize(short), Target("model", model.key))
        for service in catalog.services.values():
            self._add(Target("service", service.key), service.name, [service.key, *service.aliases])
        self._squeezed = {n.replace(" ", ""): t for n, t in self._exact.items()}
        names = sorted(self._exact, key=len, reverse=True)
        self._pattern = re.compile(_trie_regex(names))
        self._fuzzy_names = [n for n in names if ":" not in n and len(n) >= 3]
        self._fuzzy_keys = [letters(n) for n in self._fuzzy_names]

    def _add(self, target: Target, display: str, names: list[str]) -> None:
        self._display[target] = display
        for name in [display, *names]:
            self._exact.setdefault(normalize(name), target)

    def display(self, target: Target) -> str:
        return self._display[target]

    def exact(self, name: str) -> Target | None:
        """A name that is exactly a key, id, name or alias (after normalisation); no typo fixing."""
        if name.strip().lower() in self.catalog.models:
            return Target("model", name.strip().lower())
        return self._exact.get(normalize(name))

    def resolve(self, name: str) -> Resolution:
        """Resolve a name typed on its own (a command argument): exact, then a confident typo fix."""
        key = normalize(name)
        if (target := self.exact(name)) is not None:
            return Resolution(target)
        found = self.mentions(name)
        if len(found) == 1 and found[0].end - found[0].start >= len(key) * 0.6:
            return Resolution(found[0].target)
        best = [(self._exact[n], score) for n, score in self._fuzzy(key, limit=8) if same_numbers(key, n)]
        if best and best[0][1] >= FUZZY_ACCEPT and all(t == best[0][0] for t, s in best if s >= best[0][1] - 1):
            return Resolution(best[0][0], corrected=True)
        return Resolution(None, self.closest(name))

    def _suggest(self, scored: list[tuple[Target, float]]) -> tuple[str, ...]:
        names: list[str] = []
        for target, score in scored:
            name = self._display[target]
            if score >= FUZZY_SUGGEST and name not in names:
                names.append(name)
        return tuple(names[:4])

    def closest(self, text: str, limit: int = 4) -> tuple[str, ...]:
        """The closest item names to an unknown name, best first (for "did you mean")."""
        hits = self._fuzzy(normalize(text), limit=limit * 4)
        return self._suggest([(self._exact[n], score) for n, score in hits])[:limit]

    def _fuzzy(self, key: str, *, limit: int, cutoff: float = 0) -> list[tuple[str, float]]:
        """The aliases closest to `key` (normalised), compared letter by letter, best first."""
        hits = process.extract(letters(key), self._fuzzy_keys, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
        return [(self._fuzzy_names[index], score) for _, score, index in hits]

    def mentions(self, text: str) -> list[Mention]:
        """Catalog names that occur in free text, in order, each target once."""
        norm = normalize(text)
        seen: set[Target] = set()
        found: list[Mention] = []
        for match in self._pattern.finditer(norm):
            surface = re.sub(r"\s", " ", match.group(0))
            target = self._exact.get(surface) or self._squeezed.get(surface.replace(" ", ""))
            if target is not None and target not in seen:
                seen.add(target)
                found.append(Mention(target, match.start(), match.end(), surface))
        return found

    def fuzzy_mentions(self, text: str, skip: set[str] | None = None) -> list[Mention]:
        """Typo-tolerant mentions: word n-grams (1–4 words) scored against every alias; a gram ending in a
        `skip` word is not tried ("미스트랄 라쥐" is, "sonnet price" is not)."""
        skip = skip or set()
        words = [w for w in normalize(text).split() if not _QUANTITY.match(w)]
        found: list[Mention] = []
        seen: set[Target] = set()
        used: set[int] = set()  # words already read as part of a longer name are not read again on their own
        for size in (4, 3, 2, 1):
            for i in range(len(words) - size + 1):
                if used & set(range(i, i + size)):
                    continue
                gram = " ".join(words[i : i + size])
                if words[i + size - 1] in skip:
                    continue  # a name does not end in a question word: "sonnet price" is no typo of "sonnet v2"
                if len(gram) < 4 or not re.search(r"[a-z가-힣]", gram):
                    continue
                hits = self._fuzzy(gram, limit=1, cutoff=FUZZY_ACCEPT)
                if hits and same_numbers(gram, hits[0][0]):
                    target = self._exact[hits[0][0]]
                    if target not in seen:
                        seen.add(target)
                        used.update(range(i, i + size))
                        found.append(Mention(target, i, i + size, gram, corrected=True))
        return found


def letters(text: str) -> str:
    """`text` with each Hangul syllable spelled out in its jamo, so fuzzy scores count letters in both scripts."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
            out += [chr(0x1100 + lead), chr(0x1161 + vowel)] + ([chr(0x11A7 + tail)] if tail else [])
        else:
            out.append(ch)
    return "".join(out)


def _without_provider(name: str, provider: str) -> str | None:
    """ "Amazon Titan Text Embeddings V2" → "Titan Text Embeddings V2"; None when the name does not start with
    the provider's first word or nothing distinctive would be left."""
    first = provider.split()[0]
    if not name.lower().startswith(first.lower() + " "):
        return None
    rest = name[len(first) + 1 :].strip()
    return rest if len(rest.split()) >= 2 else None


def same_numbers(a: str, b: str) -> bool:
    """Typos are fixed in letters, never in numbers: "claude 4 sonnet" is not "claude 3 sonnet"."""
    return sorted(_NUMBER.findall(a)) == sorted(_NUMBER.findall(b))


def _trie_regex(names: list[str]) -> str:
    """One pattern matching any name, longest first at each position, as a prefix trie: the same matches as
    the alternation of `_alias_regex(name)` for every name, but it compiles several times faster for the
    ~1,000 names of the full catalog (cold start). A space matches an optional whitespace; each name keeps the
    boundary rules `_alias_regex` gives it (start by its first character, end by its last)."""
    groups: dict[str, dict[str, Any]] = {}
    for name in names:
        start = r"(?<![a-z0-9가-힣])" if _HANGUL.match(name) else r"(?<![a-z0-9])"
        node = groups.setdefault(start, {})
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = "" if _HANGUL.search(name[-1]) else r"(?![a-z0-9])(?!\.\d)"
    return "|".join(f"{start}{_trie_body(node)}" for start, node in groups.items())


def _trie_body(node: dict[str, Any]) -> str:
    branches = []
    for ch, child in sorted(((c, n) for c, n in node.items() if c), key=lambda item: item[0]):
        piece = r"\s?" if ch == " " else re.escape(ch)
        branches.append(piece + _trie_body(child))
    if "" in node:
        branches.append(f"(?:{node['']})" if node[""] else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _alias_regex(name: str) -> str:
    body = r"\s?".join(re.escape(part) for part in name.split(" "))
    start = r"(?<![a-z0-9가-힣])" if _HANGUL.match(name) else r"(?<![a-z0-9])"
    end = "" if _HANGUL.search(name[-1]) else r"(?![a-z0-9])(?!\.\d)"
    return f"{start}{body}{end}"
