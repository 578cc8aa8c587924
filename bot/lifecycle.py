"""What serve does once when a process starts and when it stops, so nothing in flight is lost with it.

Start (before gunicorn forks, so once per replica): replay the usage events a previous process spilled
(`Ledger.replay`), then start the sweeper that finishes streams a dead process left half-written
(`handlers.recover`). Stop (each gunicorn worker as it exits, the arbiter, Socket Mode on SIGTERM): stop the
sweeper, then write the buffered usage events for at most BRA_USAGE_STOP_FLUSH_S and spill the rest
(`Ledger.close`).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bot.services import Services

log = logging.getLogger(__name__)

_stopped: set[int] = set()
_lock = threading.Lock()


def started(services: Services, client: Any) -> None:
    """Replay the usage spill and start the stream sweeper (`client`: the Slack WebClient it finishes with)."""
    if services.ledger is not None:
        services.ledger.replay()
    from handlers.recover import start_sweeper  # the Slack side; imported here so that bot/ stays Slack-free

    start_sweeper(services, client)


def stopping(services: Services) -> None:
    """The stop hook; runs once per process and services, whoever calls it first."""
    with _lock:
        if id(services) in _stopped:
            return
        _stopped.add(id(services))
    from handlers.recover import stop_sweeper

    stop_sweeper()
    if services.ledger is not None:
        services.ledger.close(services.settings.usage.usage_stop_flush_s)
