"""Folding the ways people (and their IMEs) type digits and separators onto plain ASCII, before any recognizer
runs: full-width forms from a Korean IME's 전각 mode ("０１０－１２３４－５６７８", "ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
Unicode dashes and minus signs pasted from Word or a PDF ("010–1234–5678"), no-break, ideographic and other Unicode
spaces, and zero-width characters slipped between digits ("010\u200b1234\u200b5678").

Every fold is one character for one character, so the folded text has the same length as the original and a span
found in it is the same span in the original: masking replaces exactly the original characters (full-width digits
and all) and leaves everything around them byte-for-byte. A zero-width character therefore folds to a space rather
than to nothing, which is how a recognizer reads it anyway (a separator between digit groups).

Not folded, on purpose: other scripts' digits (Arabic-Indic, Devanagari ...; nobody in a Korean bank types a
phone number in them), circled and parenthesised numbers (①, ⑴: list markers, and they expand to several
characters), superscripts (m², 10³), and the middle dot (가·나 lists would turn into dotted numbers).
"""

from __future__ import annotations

import re

FULL_WIDTH = range(0xFF01, 0xFF5F)  # ！ .. ～  ->  ! .. ~  (digits, letters, @ . - ( ) + : and the rest)
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, ZWSP, ZWNJ, ZWJ, word joiner, BOM
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"  # hyphens, en/em dash, bar, minus signs
DOTS = "\u2024"  # one dot leader (what some fonts paste for '.')

TABLE: dict[int, str] = {
    **{cp: chr(cp - 0xFEE0) for cp in FULL_WIDTH},
    **dict.fromkeys(map(ord, SPACES + ZERO_WIDTH), " "),
    **dict.fromkeys(map(ord, DASHES), "-"),
    **dict.fromkeys(map(ord, DOTS), "."),
}
# one character class; a search over a 500-character Korean message costs ~3 µs, and most messages stop there
_FOLDABLE = re.compile("[" + "".join(sorted(re.escape(chr(cp)) for cp in TABLE)) + "]")


def fold(text: str) -> str:
    """`text` with every character of `TABLE` replaced by its ASCII twin; same length, same offsets. Returns
    `text` itself when there is nothing to fold (ASCII, or Korean without full-width forms)."""
    if text.isascii() or _FOLDABLE.search(text) is None:
        return text
    return text.translate(TABLE)
