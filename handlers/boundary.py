"""The one error boundary every handler runs its work in.

A `BotError` (bad command, unknown model, refused by the access policy, Redis down…) is shown to the user in their
language; anything else is logged with a correlation id and the user sees a short apology quoting that id. The
reply itself may fail too (Slack down, channel gone): that is logged and swallowed, never raised into Bolt.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.errors import BotError

log = logging.getLogger(__name__)

Reply = Callable[[str], object]


def apology(correlation_id: str, lang: str) -> str:
    if lang == "ko":
        return f"죄송합니다. 처리 중 문제가 생겼습니다. 관리자에게 이 번호를 알려 주세요: `{correlation_id}`"
    return f"Sorry, something went wrong on my side. If it persists, give an admin this id: `{correlation_id}`"


def safely(reply: Reply, text: str, ctx: dict[str, Any]) -> None:
    """Call `reply(text)`; log (with ids, not the text) and swallow any failure."""
    try:
        reply(text)
    except Exception as exc:
        log.error("could not send a reply", extra={**ctx, "error": repr(exc)})


@contextmanager
def boundary(reply: Reply, lang: Callable[[], str] | str, ctx: dict[str, Any]) -> Iterator[None]:
    """Run the block; turn every exception into a reply. `lang` may be a callable: it is asked only on error,
    so a handler can update what it knows of the user's language while it works."""
    try:
        yield
    except BotError as exc:
        shown = lang() if callable(lang) else lang
        log.info("user error", extra={**ctx, "error": type(exc).__name__})
        safely(reply, exc.message(shown), ctx)
    except Exception:
        correlation_id = uuid.uuid4().hex[:12]
        log.exception("unexpected error", extra={**ctx, "correlation_id": correlation_id})
        safely(reply, apology(correlation_id, lang() if callable(lang) else lang), ctx)
