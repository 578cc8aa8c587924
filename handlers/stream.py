"""Streaming one model answer into one Slack conversation: `SlackStream` is the chat core's `Sink`.

Two ways to show text as it arrives:

- **native**: Slack's stream API (chat.startStream → appendStream… → stopStream, through slack_sdk's `ChatStream`).
  It needs a thread to reply in, so a top-level answer (a DM's top level) always uses update mode.
- **update**: a message in the thread edited with chat.update at most once per `interval_s` of the injected clock.

`auto` starts native and, when Slack refuses chat.startStream, finishes the answer in update mode; a refusal that
means "not for this workspace" is remembered for the team (`NativeSupport`) so its next answers skip the attempt.

slack_sdk's `ChatStream` makes no call when created: chat.startStream goes out with its first flush, when its
buffer reaches `buffer_size` characters (default 256) or at `stop()`, so a refusal surfaces from `append`/`stop`,
not from `chat_stream`; a failed flush keeps the text in its buffer. This class keeps all the text itself, throttles
by time, and opens each stream with `buffer_size=1` so that every `append` it makes is exactly one call.

An answer that outgrows one message (`pages.MESSAGE_LIMIT`) is cut at a paragraph or line break (a code block cut
in two is closed and reopened): that message is finalised and the answer continues in a new one in the thread.
Every Slack failure is logged with the ids in `ctx` and never raised: the model call must not die of a Slack error.

Model text never reaches Slack as it is (`handlers.blocks.safe`): update mode converts it to mrkdwn (escaped), and
native mode sends `neutral_markdown` of it. A stream cannot take back a sent character, so native mode sends only
what is `settled` (a link, code span or `<!here` still being written waits for its end) and remembers both how much
of the Markdown (`_sent`) and how much of its neutral form (`_shown`) went out.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.chat_stream import ChatStream

from bot.chat.present import interrupted_mark
from bot.chat.types import ChatResult
from bot.qa.answers.common import L
from bot.store.journal import Track
from handlers.blocks.answer import FALLBACK_LIMIT, clip_escaped, context, section
from handlers.blocks.chat import chat_fallback_text, error_section, page_blocks, page_fallback_text, tail_blocks
from handlers.blocks.mrkdwn import to_mrkdwn
from handlers.blocks.pages import MESSAGE_LIMIT, Cut, Measure, cut_markdown, mrkdwn_length
from handlers.blocks.safe import neutral_markdown, settled
from handlers.post import UNCERTAIN, post_once

log = logging.getLogger(__name__)

Block = dict[str, Any]
Mode = Literal["auto", "native", "update"]

# startStream errors that mean the stream API is not available to this app in this workspace (rather than a
# passing problem such as a rate limit): remembered per team.
UNSUPPORTED = frozenset(
    {
        "unknown_method",
        "not_allowed_token_type",
        "feature_not_enabled",
        "invalid_arguments",
        "method_deprecated",
        "missing_scope",
        "not_supported",
        "invalid_auth",
    }
)
NATIVE_MARGIN = 8  # a native page may need a closing code fence after what it already streamed
SLACK_ERRORS = (SlackClientError, OSError)  # API errors, and the network (URLError, timeouts) under them


class NativeSupport:
    """Teams whose workspace refused the stream API, remembered for `retry_after_s` (a workspace can enable it
    later; a restart forgets too). Process-wide and thread-safe."""

    def __init__(self, retry_after_s: float = 6 * 60 * 60, clock: Callable[[], float] = time.monotonic) -> None:
        self._retry_after_s = retry_after_s
        self._clock = clock
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()

    def allowed(self, team: str) -> bool:
        with self._lock:
            since = self._refused.get(team)
            if since is not None and self._clock() - since >= self._retry_after_s:
                del self._refused[team]
                since = None
            return since is None

    def refuse(self, team: str) -> None:
        with self._lock:
            self._refused[team] = self._clock()

    def forget(self) -> None:
        with self._lock:
            self._refused.clear()


NATIVE_SUPPORT = NativeSupport()


class SlackStream:
    """Shows one answer while the model writes it, then the footer and feedback buttons (see the module doc).

    Call it with each piece of text, then `finish(result)` or `fail(message)` once; later calls do nothing.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        channel: str,
        thread_ts: str | None,
        team_id: str | None,
        user_id: str | None,
        lang: str,
        mode: Mode = "auto",
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        ctx: dict[str, Any],
        support: NativeSupport | None = None,
        limit: int = MESSAGE_LIMIT,
        track: Track | None = None,
    ) -> None:
        self._client, self._channel, self._thread_ts = client, channel, thread_ts
        self._team, self._user, self._lang = team_id, user_id, lang
        self._interval_s, self._clock, self._limit = interval_s, clock, limit
        self._ctx = {**ctx, "channel": channel, "thread_ts": thread_ts}
        self._support = support or NATIVE_SUPPORT
        self._auto = mode == "auto"
        team_ok = self._support.allowed(team_id or "-")
        self._native = thread_ts is not None and (mode == "native" or (self._auto and team_ok))
        self._all = ""  # every piece so far
        self._msg = ""  # this message's Markdown (starting with a reopened code fence after a cut inside one)
        self._sent = 0  # native: characters of `_msg` already appended to the stream
        self._shown = 0  # native: characters of `neutral_markdown(_msg[:_sent])`, which is what Slack got
        self._ts: str | None = None  # update: this message's ts, None until posted
        self._stream: ChatStream | None = None  # native: this message's stream, None until opened
        self._last: float | None = None
        self._done = False
        self._messages: list[str] = []
        self._lock = threading.Lock()
        self._track = track  # the answer's record in the stream journal (what a sweeper needs if we die)
        self._marker, self._uncertain = uuid.uuid4().hex, False  # this message's post marker (`post_once`)

    @property
    def native(self) -> bool:
        """Whether the answer is (still) going through Slack's stream API."""
        return self._native

    @property
    def messages(self) -> tuple[str, ...]:
        """The ts of every message this answer wrote, in order."""
        return tuple(self._messages)

    def thinking(self) -> None:
        """Show that an answer is coming. Update mode posts the placeholder now; a native stream has nothing to
        show until its first text (the assistant panel's own status covers the wait)."""
        with self._lock:
            if not self._native and self._ts is None and not self._done:
                self._journal()  # the marker first: a process killed during the post leaves a message to find
                self._edit(":hourglass_flowing_sand: " + L(self._lang, "답변을 작성하고 있어요…", "Thinking…"))
                self._journal()

    def calling(self, model_key: str, prompt_tokens: int, model_id: str = "", tier: str = "") -> None:
        """The core is calling `model_key` by `model_id` on `tier` (`bot.chat.types.announce`): journaled, to bill
        a dead process's answer as the call was billed."""
        if self._track is not None:
            self._track.calling(model_key, prompt_tokens, model_id, tier)

    def settled(self) -> None:
        """The core recorded this turn's usage and memory (`bot.chat.types.settled`): journaled, so that a sweeper
        finishing the message after we die does not bill or remember it again."""
        if self._track is not None:
            self._track.settled()

    def progress(self, line: str) -> None:
        """Before the first text: the placeholder says what the turn is waiting for (a silent model, a retry, a
        fallback). A native stream cannot show a status and take it back, so the answer goes on in update mode."""
        with self._lock:
            if self._done or self._all:
                return
            self._native = False
            self._edit(":hourglass_flowing_sand: " + line)

    def __call__(self, piece: str) -> None:
        with self._lock:
            if self._done or not piece:
                return
            self._all += piece
            self._msg += piece
            now = self._clock()
            if self._last is None or now - self._last >= self._interval_s:
                self._last = now
                self._spill()
                self._journal()  # before showing: a process killed meanwhile leaves at least what Slack shows
                self._show()
                if self._native:
                    self._journal()  # what the stream has appended now (`sent`)

    def finish(self, result: ChatResult) -> None:
        """The final message: the answer (all of it), then the tail (interruption, notices, footer, 👍/👎)."""
        with self._lock:
            if self._done:
                return
            self._done = True
            if result.text.startswith(self._all):
                extra = result.text[len(self._all) :]  # a core that does not stream gives the text only here
                self._all, self._msg = self._all + extra, self._msg + extra
            elif result.text.rstrip() != self._all.rstrip():  # pieces are never taken back (types.Sink)
                log.warning("final text differs from the streamed text; the streamed one stays", extra=self._ctx)
            self._spill()
            self._close(tail_blocks(result, shown_text=bool(self._all.strip())), chat_fallback_text(result))
            self._untrack()

    def fail(self, message: str) -> None:
        """Show a (localised) error in place of the rest of the answer; the text shown so far stays, marked."""
        with self._lock:
            if self._done:
                return
            self._done = True
            self._spill()
            mark = [context([interrupted_mark(self._lang)])] if self._all.strip() else []
            self._close([*mark, error_section(message)], clip_escaped(message, FALLBACK_LIMIT))
            self._untrack()

    # -- journal ---------------------------------------------------------------------------------------------
    def _journal(self) -> None:
        if self._track is not None:
            ts = self._stream.ts if self._native and self._stream is not None else self._ts
            mode = "native" if self._native else "update"
            marker = self._marker if not self._native else ""
            self._track.shown(mode=mode, ts=ts, page=self._msg, sent=self._sent, text=self._all, marker=marker)

    def _untrack(self) -> None:
        if self._track is not None:
            self._track.done()

    # -- pages -----------------------------------------------------------------------------------------------
    def _measure(self) -> tuple[Measure, int]:
        return (_native_length, self._limit - NATIVE_MARGIN) if self._native else (mrkdwn_length, self._limit)

    def _spill(self) -> None:
        """Finalise full messages while this one is longer than a message may be."""
        measure, limit = self._measure()
        while measure(self._msg) > limit:
            cut = cut_markdown(self._msg, limit, measure=measure, keep=self._sent if self._native else 0)
            self._end_page(cut)
            self._msg, self._sent, self._shown, self._ts, self._stream = cut.rest, 0, 0, None, None
            self._marker, self._uncertain = uuid.uuid4().hex, False
            measure, limit = self._measure()

    def _end_page(self, cut: Cut) -> None:
        if self._native:
            rest = neutral_markdown(cut.head + cut.closing)[self._shown :]
            if self._stop(rest or None, None):
                return
        self._write(page_blocks(cut.page), page_fallback_text(cut.page))

    def _show(self) -> None:
        """The text so far: appended to the stream, or the message edited."""
        if self._native:
            ready = settled(self._msg)
            safe = neutral_markdown(self._msg[:ready])
            if len(safe) <= self._shown:
                return  # nothing final yet: the next piece (or the end) completes it
            stream = self._stream or self._open()
            try:
                stream.append(markdown_text=safe[self._shown :])
            except SLACK_ERRORS as exc:
                self._fall_back(stream, exc)
            else:
                self._sent, self._shown = ready, len(safe)
                self._note(stream.ts)
                return
        if self._msg.strip():
            self._edit(to_mrkdwn(self._msg))

    def _close(self, tail: list[Block], text: str) -> None:
        """End the last message with `tail` under the rest of the text."""
        if self._native and (self._stream is not None or self._msg[self._sent :].strip()):
            pending = neutral_markdown(self._msg)[self._shown :]
            if self._stop(pending or None, tail):
                return
        self._write([*page_blocks(self._msg), *tail] or [section("…")], text)

    # -- native ----------------------------------------------------------------------------------------------
    def _open(self) -> ChatStream:
        assert self._thread_ts is not None  # native mode is chosen only with a thread
        self._stream = self._client.chat_stream(
            channel=self._channel,
            thread_ts=self._thread_ts,
            recipient_team_id=self._team,
            recipient_user_id=self._user,
            buffer_size=1,
        )
        return self._stream

    def _stop(self, markdown: str | None, blocks: list[Block] | None) -> bool:
        """Stop this message's stream (opening it if it never was); False when Slack refused (now update mode)."""
        stream = self._stream or self._open()
        try:
            stream.stop(markdown_text=markdown, blocks=blocks)
        except SLACK_ERRORS as exc:
            self._fall_back(stream, exc)
            return False
        self._note(stream.ts)
        return True

    def _fall_back(self, stream: ChatStream, exc: Exception) -> None:
        """Continue this answer with chat.update: on the streamed message when it exists, else on a new one."""
        started = stream.ts is not None
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        method = "chat.appendStream" if started else "chat.startStream"
        log.warning("native stream failed; using chat.update", extra={**self._ctx, "method": method, "error": error})
        if not started and self._auto and error in UNSUPPORTED:
            self._support.refuse(self._team or "-")
        self._native, self._stream, self._sent, self._shown = False, None, 0, 0
        self._ts = stream.ts
        self._note(stream.ts)

    # -- update ----------------------------------------------------------------------------------------------
    def _edit(self, text: str) -> None:
        """Intermediate text: post the message if there is none yet, else edit it (text only, no blocks)."""
        self._write(None, text)

    def _write(self, blocks: list[Block] | None, text: str) -> None:
        try:
            if self._ts is None:
                self._ts = post_once(
                    self._client,
                    channel=self._channel,
                    thread_ts=self._thread_ts,
                    ctx=self._ctx,
                    marker=self._marker,
                    look_first=self._uncertain,
                    text=text,
                    blocks=blocks,
                    unfurl_links=False,
                )
                self._uncertain = False
                self._note(self._ts)
            else:
                self._client.chat_update(channel=self._channel, ts=self._ts, text=text, blocks=blocks)
        except SLACK_ERRORS as exc:
            self._uncertain = self._ts is None and isinstance(exc, UNCERTAIN)  # the next try looks for it first
            method = "chat.postMessage" if self._ts is None else "chat.update"
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
            log.error(f"{method} failed", extra={**self._ctx, "ts": self._ts, "error": error})

    def _note(self, ts: str | None) -> None:
        if ts and ts not in self._messages:
            self._messages.append(ts)


def _native_length(markdown: str) -> int:
    """How long `markdown` is as the stream sends it (broken tokens and shown link targets make it longer)."""
    return len(neutral_markdown(markdown))
