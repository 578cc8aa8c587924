"""gunicorn's asyncio (ASGI) worker, with a deadline on every request's headers, the first one's included.

gunicorn closes a kept-alive connection whose next request has not fully arrived within `keepalive` seconds, but
arms no timer for the first request of a connection: a client trickling its headers ("slowloris") would hold the
connection, and one of the worker's `worker_connections`, for ever. Arming the same timer when the connection
opens bounds the headers of every request by `keepalive`; the body is then bounded by bot/http_front.py.

Written against gunicorn 27 (pyproject pins <28); tests/slack/test_http_front.py shows the deadline holds.
"""

from __future__ import annotations

from typing import Any

from gunicorn.asgi.protocol import ASGIProtocol  # type: ignore[import-untyped]
from gunicorn.workers import gasgi  # type: ignore[import-untyped]

WORKER_CLASS = f"{__name__}.HeaderDeadlineWorker"


class HeaderDeadlineProtocol(ASGIProtocol):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's HTTP/1 protocol, with the keep-alive timer armed as soon as the connection opens. gunicorn
    cancels it once a request's headers are complete and re-arms it after each response."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if self._callback_parser is not None:  # plain HTTP/1 (not HTTP/2, not while h2c is undecided)
            self._arm_keepalive_timer()


class HeaderDeadlineWorker(gasgi.ASGIWorker):  # type: ignore[misc]
    """gunicorn's ASGI worker serving connections with `HeaderDeadlineProtocol`."""

    def init_process(self) -> None:
        gasgi.ASGIProtocol = HeaderDeadlineProtocol  # the worker builds its protocol from this module global
        super().init_process()
