"""Guarding a streamed answer before any of it reaches Slack.

A model streams pieces; a sensitive value can arrive split across pieces ("010-12" + "34-5678"). `StreamGuard`
sits between the model and the Slack sink and passes on only text that can no longer change: it holds back the
last `HOLD` characters (longer than any value the policy finds), judges a window that reaches `HOLD` characters
back into what was already sent, moves its cut before any value that straddles it, and sends the masked part up
to the cut. When the answer ends, the rest is judged and sent the same way. A denied topic or a value whose
action is block stops the stream at once; the caller learns it from the final verdict.

The text the user saw is exactly `sent` — that, not the raw answer, is what the conversation remembers.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.guardrails.findings import Finding
from bot.guardrails.local import LocalPolicy
from bot.guardrails.verdict import Verdict

HOLD = 128  # characters: the longest built-in value (a Slack webhook URL) is about 100
BATCH = 32  # judge again once this many new characters are waiting


class StreamGuard:
    """A `Sink` wrapper for one answer. Not thread-safe (one answer streams from one thread)."""

    def __init__(self, local: LocalPolicy, sink: Callable[[str], None], lang: str) -> None:
        self.local, self.sink, self.lang = local, sink, lang
        self.raw = ""
        self.done = 0  # raw characters judged and sent (masked)
        self.sent: list[str] = []
        self.stopped = False

    def __call__(self, piece: str) -> None:
        self.raw += piece
        if not self.stopped and len(self.raw) - self.done >= HOLD + BATCH:
            self._release(len(self.raw) - HOLD)

    def finish(self) -> Verdict:
        """Send what was held back (unless stopped) and return the verdict on the whole answer."""
        if not self.stopped:
            self._release(len(self.raw))
        return self.local.check(self.raw, "OUTPUT", self.lang)

    @property
    def text(self) -> str:
        """What the user was shown."""
        return "".join(self.sent)

    def _release(self, cut: int) -> None:
        start = max(0, self.done - HOLD)
        window = self.raw[start:]
        spans = self.local.spans(window)
        for f in spans:
            if f.start + start < cut < f.end + start:
                cut = f.start + start
        blocking = [f for f in spans if self.local.action(f.kind) == "block" and f.start + start < cut]
        topic = self.local.topics.first(window) if self.local.topics is not None else None
        if blocking or topic is not None:
            self.stopped = True  # nothing more is shown; the final verdict says why
            cut = self.done if topic is not None else max(self.done, min(f.start for f in blocking) + start)
        inside = [f for f in spans if f.start + start >= self.done and f.end + start <= cut]
        piece = self.raw[self.done : cut]
        shifted = [Finding(f.kind, f.start + start - self.done, f.end + start - self.done) for f in inside]
        masked = self.local.masked(piece, shifted, self.lang)
        self.done = cut
        if masked:
            self.sent.append(masked)
            self.sink(masked)
