"""Context words near a candidate value: what turns an ambiguous digit run into an account, a checksum-less
registration number into an RRN, a dotted quad into a version. Plain `str.find` / `endswith` on short windows:
cheaper than a regex per word list, and nothing to compile.

Words are lower case; ASCII ones must stand alone (no ASCII letter either side), Hangul ones need not (particles
and compounds glue on: "주민등록번호는", "입금계좌")."""

from __future__ import annotations

CONTEXT_WINDOW = 20  # a context word must end at most this many characters before the entity


def letter(ch: str) -> bool:
    """An ASCII letter (Hangul and digits are not)."""
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def context_before(words: tuple[str, ...], text: str, start: int, window: int = CONTEXT_WINDOW) -> bool:
    """One of `words` ends at most `window` characters before `start`, with no other number (4+ digits) in
    between: "계좌 110-123-456789, 주문 2024-1122-0001" makes the first number an account, not the second."""
    region = text[max(0, start - window - 25) : start].lower()
    n = len(region)
    for word in words:
        i = region.find(word)
        while i >= 0:
            end = i + len(word)
            if (
                n - end <= window
                and not (word.isascii() and ((i > 0 and letter(region[i - 1])) or (end < n and letter(region[end]))))
                and not any(region[k : k + 4].isdigit() for k in range(end, n - 3))
            ):
                return True
            i = region.find(word, i + 1)
    return False


def right_after(words: tuple[str, ...], text: str, start: int) -> bool:
    """`start` follows one of `words` directly (spaces, ':' or '=' between allowed); an ASCII word stands alone."""
    tail = text[max(0, start - 12) : start].rstrip(" \t\n:=").lower()
    for word in words:
        if tail.endswith(word):
            i = len(tail) - len(word)
            if not (word.isascii() and i > 0 and letter(tail[i - 1])):
                return True
    return False


def right_before(words: tuple[str, ...], text: str, end: int) -> bool:
    """`end` is followed directly (spaces between allowed) by one of `words`; an ASCII word stands alone."""
    head = text[end : end + 16].lstrip(" \t").lower()
    for word in words:
        if head.startswith(word) and not (word.isascii() and len(head) > len(word) and letter(head[len(word)])):
            return True
    return False
