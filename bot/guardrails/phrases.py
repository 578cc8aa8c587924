"""Phrase matching for denied topics, word filters and admin-supplied prompt-attack phrases.

Admins write phrases in the YAML guardrail policy, so the syntax is small and forgiving rather than raw regex
(a stray `.` or `(` must not silently change a filter):

- Matching ignores case. Text is not Unicode-normalised (full-width letters are not folded).
- An ASCII word (letters/digits) matches whole words only: `kill` finds "kill it" and "kill해줘" but not "skill".
  The edges are `(?<![A-Za-z0-9])` / `(?![A-Za-z0-9])`, not `\\b`, because Hangul counts as `\\w`.
- A trailing `*` on an ASCII word allows a suffix: `launder*` finds "laundering" and "laundered". A `*` elsewhere
  is literal; after Hangul or punctuation it is an error (Hangul already matches inside longer words).
- Hangul matches inside longer words, because particles and endings are glued on: `대포통장` finds "대포통장을",
  `추천` finds "추천해줘".
- A space between two words matches any run of whitespace, and where either side is Hangul also no whitespace
  at all, since Korean spacing is inconsistent: `종목 추천` finds "종목추천" and "종목  추천"; `AI 모드` finds
  "AI모드" (the ASCII side still has to be a whole word).
- `~` between two words means "then, in the same sentence, up to 15 more characters": `종목~추천` finds
  "종목 좀 추천", `buy ~ stock` finds "buy this stock". The gap never crosses . ? ! 。 ？ ！ or a line break.
- Everything else is literal (`c++`, `(주)`, `1.5`). An empty phrase, or a `~` with no word on one side, is an
  error.

Speed: a message is checked on every turn, so all of a matcher's phrases are compiled once into one regex over
lower-cased text, as one alternation per first character (`k(?:ill|…)|종(?:목…)|…`). That shape lets `re` skip
every position whose character starts no phrase without entering the pattern at all, which keeps `find` on a
500-character message in the tens of microseconds. Matches are leftmost and never overlap; at one position the
longer phrase (as written) is tried first. Code that needs more than phrases (the built-in attack patterns)
hands `from_patterns` regexes already split after their literal first character (`Pattern`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

from bot.guardrails.findings import Finding

GAP_CHARS = 15


def gap(chars: int = GAP_CHARS) -> str:
    """What `~` allows: up to `chars` characters of the same sentence, as few as will do."""
    return rf"[^.?!。？！\n\r]{{0,{chars}}}?"


GAP = gap()
WORD_START = r"(?<![a-z0-9])"  # patterns see lower-cased text, so a-z covers every ASCII letter
WORD_END = r"(?![a-z0-9])"
_SEPARATOR = re.compile(r"\s*~\s*|\s+")


class PhraseError(ValueError):
    """A phrase that cannot be compiled; the message names the phrase and what is wrong with it."""

    def __init__(self, phrase: str, reason: str) -> None:
        super().__init__(f"phrase {phrase!r}: {reason}")
        self.phrase = phrase


@dataclass(frozen=True, slots=True)
class Pattern:
    """A pattern for lower-cased text, split after its first character, a literal the matcher indexes it by.
    When `first` is an ASCII letter or digit the match must also start a word (the matcher checks that)."""

    first: str
    rest: str


def is_ascii_alnum(char: str) -> bool:
    """An ASCII letter or digit: the characters a whole-word check looks at."""
    return char.isascii() and char.isalnum()


def is_hangul(char: str) -> bool:
    """Syllables, jamo and compatibility jamo (ㅋㅋ)."""
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"


def _word(phrase: str, word: str) -> tuple[str, str]:
    """`word` as (literal text, regex for what may follow it, up to its end edge)."""
    tail = ""
    if word.endswith("*") and len(word) > 1:
        if not is_ascii_alnum(word[-2]):
            raise PhraseError(phrase, f"'*' may only end an ASCII word, not {word!r}")
        word, tail = word[:-1], "[a-z0-9]*"
    return word, tail + (WORD_END if is_ascii_alnum(word[-1]) else "")


def phrase_pattern(phrase: str) -> Pattern:
    """One phrase (see the module docstring) as a `Pattern`; raises `PhraseError`."""
    if not isinstance(phrase, str):  # YAML reads `- 18` as a number; the policy must quote it
        raise PhraseError(str(phrase), "a phrase must be text (quote it in YAML)")
    text = phrase.strip().lower()
    if not text:
        raise PhraseError(phrase, "empty phrase")
    words, separators = _SEPARATOR.split(text), _SEPARATOR.findall(text)
    if not all(words):
        raise PhraseError(phrase, "'~' needs a word on each side")
    literal, tail = _word(phrase, words[0])
    parts = [re.escape(literal[1:]), tail]
    for sep, word in zip(separators, words[1:], strict=True):
        if "~" in sep:
            parts.append(GAP)
        else:
            parts.append(r"\s*" if is_hangul(literal[-1]) or is_hangul(word[0]) else r"\s+")
        literal, tail = _word(phrase, word)
        parts += [WORD_START if is_ascii_alnum(literal[0]) else "", re.escape(literal), tail]
    return Pattern(text[0], "".join(parts))


def phrase_regex(phrase: str) -> str:
    """The regex source for one phrase; compile it with `re.IGNORECASE`. Raises `PhraseError`."""
    pattern = phrase_pattern(phrase)
    start = WORD_START if is_ascii_alnum(pattern.first) else ""
    return start + re.escape(pattern.first) + pattern.rest


def _fold(text: str) -> str:
    """Lower case, keeping every character at its offset (str.lower turns "İ" into two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(char.lower()[0] for char in text)


class PhraseMatcher:
    """Named phrase lists (name → phrases) compiled once into one regex; findings carry the name as `kind`."""

    def __init__(self, named: Mapping[str, Sequence[str]]) -> None:
        entries: list[tuple[int, str, Pattern]] = []
        for name, phrases in named.items():
            if isinstance(phrases, str):  # a YAML scalar where a list was meant would match letter by letter
                raise PhraseError(phrases, f"the phrases of {name!r} must be a list")
            for phrase in phrases:
                pattern = phrase_pattern(phrase)  # first, so that a phrase that is not text fails here, named
                entries.append((len(phrase.strip()), name, pattern))
        entries.sort(key=lambda entry: -entry[0])  # stable: longer phrases first, then in the order given
        self._compile([(name, pattern) for _, name, pattern in entries])

    @classmethod
    def from_patterns(cls, named: Mapping[str, Sequence[Pattern]]) -> Self:
        """A matcher over patterns written in code (e.g. built-in attack patterns), tried in the order given."""
        matcher = cls.__new__(cls)
        matcher._compile([(name, pattern) for name, patterns in named.items() for pattern in patterns])
        return matcher

    def _compile(self, entries: list[tuple[str, Pattern]]) -> None:
        """One alternation per first character; an empty group closing each alternative says which list matched."""
        self._kinds: dict[str, str] = {}
        buckets: dict[str, list[str]] = {}
        for name, pattern in dict.fromkeys(entries):
            if not name or len(pattern.first) != 1:
                raise ValueError(f"{name!r}: {pattern!r} needs a name and exactly one `first` character")
            group = f"p{len(self._kinds)}"  # names may be any text ("custom:x", Korean), so groups are numbered
            self._kinds[group] = name
            buckets.setdefault(pattern.first.lower(), []).append(f"{pattern.rest}(?P<{group}>)")
        alternation = "|".join(
            re.escape(first) + (r"(?<![a-z0-9].)" if is_ascii_alnum(first) else "") + f"(?:{'|'.join(alts)})"
            for first, alts in buckets.items()
        )
        self._regex = re.compile(alternation) if buckets else None

    def find(self, text: str) -> list[Finding]:
        """Every match, leftmost first and without overlaps; `kind` is the name of the list that matched."""
        if self._regex is None:
            return []
        kinds = self._kinds
        return [Finding(kinds[m.lastgroup or ""], m.start(), m.end()) for m in self._regex.finditer(_fold(text))]

    def first(self, text: str) -> Finding | None:
        """The leftmost match only, for callers that just need a yes/no (stops at the first hit)."""
        m = self._regex.search(_fold(text)) if self._regex is not None else None
        return Finding(self._kinds[m.lastgroup or ""], m.start(), m.end()) if m else None
