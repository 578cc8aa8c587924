"""Slack's request paths and the health and readiness checks, shared by both modes.

`/slack/events`, `/slack/commands` and `/slack/actions` all go to Bolt (one Request URL is enough; the others
let an operator split them in the app manifest); HTTP mode serves them from bot/http_front.py. `/healthz`: the
process is up. `/readyz`: Redis answers and the catalog is loaded — 503 otherwise, so a load balancer stops sending
Slack traffic to a replica that cannot answer. `health_app` is the WSGI app of the health port in Socket Mode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.services import Services
from bot.store.client import answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

SLACK_PATHS = ("/slack/events", "/slack/commands", "/slack/actions")

Wsgi = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def readiness(services: Services) -> tuple[bool, dict[str, Any]]:
    redis_ok = answers(services.redis)
    catalog = services.engine.catalog
    return redis_ok, {
        "redis": "ok" if redis_ok else "not answering",
        "catalog": {"models": len(catalog.models), "prices_as_of": catalog.prices_as_of().isoformat()},
    }


def health_app(services: Services) -> Wsgi:
    """The WSGI app of Socket Mode's health port: the two checks; anything else is 404."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _json(start_response, "200 OK", {"status": "ok"})
        if path == "/readyz":
            ok, detail = readiness(services)
            return _json(start_response, "200 OK" if ok else "503 Service Unavailable", detail)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application
