"""Finishing in Slack the answers a dead process left half-written (the stream journal, `bot.store.journal`).

A sweeper thread in every replica (started by serve, `bot.lifecycle`, which also sweeps once at start) claims the
journal's expired answers — each goes to one replica only — lets the core bill and remember them
(`bot.chat.interrupted`) and ends their Slack message with the localised "interrupted" mark, the estimated usage
and the usual buttons: a native stream is stopped (chat.stopStream, with what it had not appended yet); an updated
message is rewritten (chat.update) — found by its post marker when the process died while posting it; an answer
that never got a message gets one (chat.postMessage). When Slack refuses to stop an old stream, the message is
rewritten with chat.update instead.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient

from bot.chat.interrupted import finish_interrupted
from bot.errors import StoreUnavailable
from bot.services import Services
from bot.store.journal import Entry
from handlers.blocks.chat import chat_fallback_text, page_blocks, tail_blocks
from handlers.blocks.safe import neutral_markdown
from handlers.post import find_posted, post
from handlers.stream import SLACK_ERRORS

log = logging.getLogger(__name__)

Block = dict[str, Any]
LEASE_S = 120.0  # how long a claimed answer is this sweeper's before another may take it again


def sweep(services: Services, client: WebClient) -> int:
    """Finish every abandoned answer this replica could claim now; how many."""
    journal = services.journal
    if journal is None:
        return 0
    try:
        entries = journal.claim_expired(lease_s=LEASE_S)
    except StoreUnavailable:
        log.warning("stream sweep skipped: Redis did not answer")
        return 0
    for entry in entries:
        try:
            finish(services, client, entry)
        except Exception:  # one bad entry must not stop the others; it is claimed again after the lease
            log.exception("could not finish an abandoned answer", extra={"stream": entry.id})
            continue
        journal.done(entry.id)
    return len(entries)


def finish(services: Services, client: WebClient, entry: Entry) -> None:
    """Bill and remember `entry` (the core), then end its message in Slack."""
    result = finish_interrupted(services.chat, entry)
    tail = tail_blocks(result, shown_text=bool(entry.page.strip() or entry.text.strip()))
    text = chat_fallback_text(result)
    ctx = {"stream": entry.id, "channel": entry.channel, "thread_ts": entry.thread_ts, "ts": entry.ts}
    if entry.ts and entry.mode == "native" and _stop(client, entry, tail, ctx):
        return
    blocks = [*page_blocks(entry.page), *tail]
    ts = entry.ts or (
        find_posted(client, channel=entry.channel, thread_ts=entry.thread_ts or None, marker=entry.marker)
        if entry.marker
        else None
    )  # killed while posting the message: it may be there all the same
    if ts:
        try:
            client.chat_update(channel=entry.channel, ts=ts, text=text, blocks=blocks)
            return
        except SLACK_ERRORS as exc:
            log.error("chat.update of an abandoned answer failed", extra={**ctx, "error": repr(exc)})
    message = {"text": text, "blocks": blocks}
    post(client, channel=entry.channel, thread_ts=entry.thread_ts or None, message=message, ctx=ctx)


def _stop(client: WebClient, entry: Entry, tail: list[Block], ctx: dict[str, Any]) -> bool:
    # Slack got the neutral form of the first `sent` characters (handlers.blocks.safe): send the rest of the page's
    # neutral form, never raw model text
    shown = len(neutral_markdown(entry.page[: entry.sent]))
    pending = neutral_markdown(entry.page)[shown:]
    try:
        client.chat_stopStream(channel=entry.channel, ts=entry.ts, markdown_text=pending or None, blocks=tail)
    except SLACK_ERRORS as exc:
        log.warning("chat.stopStream of an abandoned answer failed", extra={**ctx, "error": repr(exc)})
        return False
    return True


class Sweeper:
    """The sweeper thread: `sweep` at once, then every `every_s` until `stop`."""

    def __init__(self, services: Services, client: WebClient, every_s: float) -> None:
        self._services, self._client, self._every_s = services, client, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sweep(self._services, self._client)
            except Exception:
                log.exception("stream sweep failed")
            self._stop.wait(self._every_s)


_running: list[Sweeper] = []


def start_sweeper(services: Services, client: WebClient) -> Sweeper | None:
    """Start this replica's sweeper (serve; nothing without a journal)."""
    if services.journal is None:
        return None
    sweeper = Sweeper(services, client, services.settings.chat.stream_sweep_s).start()
    _running.append(sweeper)
    return sweeper


def stop_sweeper() -> None:
    while _running:
        _running.pop().stop()
