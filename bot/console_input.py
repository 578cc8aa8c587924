"""Reading the console's lines as people type them: line editing, broken UTF-8, Ctrl-C and Ctrl-D.

A terminal can hand over a line cut in the middle of a UTF-8 character (a paste over the line-length limit, a
terminal set to another encoding). Stdin is read with `surrogateescape`, so such bytes arrive as lone surrogates
instead of an exception; `clean_line` then repairs what a cut explains — an incomplete character at the end of the
line, or the orphaned rest of one at its start — and refuses a line with invalid bytes anywhere else, with a
message that says what to fix. Nothing with a lone surrogate goes further (to the catalog, Redis or a model).

On a terminal the line is read with `input()`, so `readline` gives line editing and in-session history. The history
is never written to disk: lines can hold customer data.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import TextIO

_ESCAPED = range(0xDC80, 0xDD00)  # surrogateescape's stand-ins for the bytes 0x80..0xFF
_LEAD_LENGTHS = ((0xC2, 0xDF, 2), (0xE0, 0xEF, 3), (0xF0, 0xF4, 4))


@dataclass(frozen=True)
class Line:
    """A line after `clean_line`: the text to answer (None when refused), a note to show first, and the readable
    part of the line (to tell its language, even when refused)."""

    text: str | None
    note_ko: str | None = None
    note_en: str | None = None
    readable: str = ""

    def note(self, lang: str) -> str | None:
        return self.note_ko if lang == "ko" else self.note_en


def clean_line(raw: str) -> Line:
    """Repair a line cut inside a UTF-8 character, or refuse one that is not UTF-8 (see the module docstring)."""
    readable = "".join(ch for ch in raw if not 0xD800 <= ord(ch) <= 0xDFFF)
    if readable == raw:
        return Line(raw, readable=raw)
    data = raw.encode("utf-8", "surrogateescape") if _only_escapes(raw) else None
    if data is None:
        return _refused(readable)
    head = _orphans(data)
    tail = _cut_tail(data[head:])
    try:
        text = data[head : len(data) - tail].decode("utf-8")
    except UnicodeDecodeError:
        return _refused(readable)
    return Line(
        text,
        note_ko="(줄이 글자 중간에서 잘려 있어 깨진 글자를 빼고 읽었습니다.)",
        note_en="(The line was cut in the middle of a character; the broken character was left out.)",
        readable=text,
    )


def _only_escapes(raw: str) -> bool:
    """True when every surrogate is a surrogateescape byte (a lone U+D800 cannot be turned back into bytes)."""
    return all(ord(ch) in _ESCAPED for ch in raw if 0xD800 <= ord(ch) <= 0xDFFF)


def _orphans(data: bytes) -> int:
    """How many continuation bytes (the rest of a character cut off the previous line) start `data`; at most 3."""
    count = 0
    while count < min(3, len(data)) and 0x80 <= data[count] <= 0xBF:
        count += 1
    return count


def _cut_tail(data: bytes) -> int:
    """How many bytes at the end of `data` are the start of a character that the cut left incomplete."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if 0x80 <= byte <= 0xBF:
            continue
        for low, high, length in _LEAD_LENGTHS:
            if low <= byte <= high:
                return back if back < length else 0
        return 0
    return 0


def _refused(readable: str) -> Line:
    return Line(
        None,
        readable=readable,
        note_ko=(
            "이 줄은 UTF-8이 아닌 바이트를 담고 있어 답하지 않았습니다. 터미널 인코딩을 UTF-8로 맞추고"
            " (예: LANG=ko_KR.UTF-8) 다시 입력해 주세요."
        ),
        note_en=(
            "This line holds bytes that are not UTF-8, so it was not answered. Set the terminal to UTF-8 "
            "(e.g. LANG=C.UTF-8) and type it again."
        ),
    )


def prepare_stdin(src: TextIO) -> None:
    """Read undecodable bytes as surrogate escapes (then `clean_line` decides), and load readline on a terminal."""
    reconfigure = getattr(src, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="surrogateescape")
    if src is sys.stdin and src.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (importing it gives input() line editing and history)


def read_line(src: TextIO, prompt: str, out: TextIO) -> str | None:
    """The next line, or None at the end of input (Ctrl-D). Ctrl-C while typing raises KeyboardInterrupt."""
    if src is sys.stdin and src.isatty() and out is sys.stdout:
        try:
            return input(prompt)
        except EOFError:
            return None
    if prompt:
        out.write(prompt)
        out.flush()
    line = src.readline()
    return line if line else None
