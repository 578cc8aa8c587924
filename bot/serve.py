"""`bedrock-assistant serve`: check the settings, Redis and the Slack token, then run the app.

HTTP mode runs the ASGI front of bot/http_front.py under gunicorn's asyncio workers (never Bolt's development
server): requests are read and checked on the event loop, then Bolt runs on a thread pool, so slow clients hold
no thread. gunicorn's control socket is off (its default path is shared by every instance on the host). Socket Mode
connects out to Slack and serves only the health checks on PORT. Start-up problems exit with a message that says
what to set: missing tokens (78), Redis or Slack unreachable or the token refused (69).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError as SlackBoltError

from bot import lifecycle
from bot.catalog.refresh.job import ChangeReportJob, due_today
from bot.catalog.refresh.job import Outcome as ChangeOutcome
from bot.catalog.refresh.run import change_report
from bot.chat.bedrock import has_credentials
from bot.digest.assemble import make_job
from bot.digest.job import Outcome, Scheduler
from bot.errors import ConfigError, StartupError
from bot.http_front import Asgi, SlackFront
from bot.http_worker import WORKER_CLASS
from bot.logs import configure
from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack_app import create_app
from bot.store.client import connect, require
from bot.web import health_app
from handlers.catalog_changes import slack_publisher as catalog_changes_publisher
from handlers.digest import slack_publisher

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> tuple[Services, App]:
    """Everything serve needs, checked: Slack settings, Redis, catalog, access policy, the bot token."""
    settings.require_slack()
    require_bedrock(settings)
    client = connect(settings.redis)
    require(client, settings.redis)
    services = build_services(settings, client)
    try:
        app = create_app(services, verified_upstream=not settings.slack.socket_mode)
    except SlackBoltError as exc:
        raise StartupError(
            f"Slack refused the bot token or did not answer at {settings.slack.api_url} ({exc}). "
            "Check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token) and SLACK_API_URL."
        ) from None
    return services, app


def require_bedrock(settings: Settings) -> None:
    """Chat needs Bedrock: AWS credentials (boto3's chain) or an endpoint (e.g. the local one). Never silently
    without (DESIGN §3)."""
    if settings.aws.bedrock_endpoint_url is None and not has_credentials():
        raise ConfigError(
            [
                "BEDROCK_ENDPOINT_URL is not set and boto3 finds no AWS credentials: give the bot credentials "
                "(role, profile or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) with bedrock:InvokeModel*, or point "
                "BEDROCK_ENDPOINT_URL at a Bedrock-compatible endpoint (`bedrock-assistant bedrock-local`)"
            ]
        )


def serve(settings: Settings) -> int:
    configure(settings.log)
    services, app = prepare(settings)
    lifecycle.started(services, app.client)
    start_digest(settings, services, app)
    start_catalog_changes(settings, services, app)
    if settings.slack.socket_mode:
        return _socket_mode(settings, services, app)
    log.info("serving Slack over HTTP", extra={"port": settings.server.port, "workers": settings.server.http_workers})
    secret = settings.slack.signing_secret.get_secret_value() if settings.slack.signing_secret else ""
    front = SlackFront(app, services, secret, settings.server)
    _Gunicorn(front, settings, on_stop=lambda: lifecycle.stopping(services)).run()
    return 0


def start_digest(settings: Settings, services: Services, app: App) -> Scheduler[Outcome] | None:
    """The daily digest's scheduler, when BRA_DIGEST_CHANNEL is set (every replica runs one; a Redis lock and a
    per-day key make sure only one posts)."""
    usage = settings.usage
    if usage.digest_channel is None:
        log.info("no daily digest: BRA_DIGEST_CHANNEL is not set")
        return None
    job = make_job(services, slack_publisher(app.client, services.engine.catalog))
    scheduler = Scheduler(
        job,
        channel=usage.digest_channel,
        tz=usage.tz,
        at=usage.digest_at,
        every_s=usage.digest_check_s,
    )
    scheduler.start()
    log.info("daily digest scheduled", extra={"channel": usage.digest_channel, "at": usage.digest_time})
    return scheduler


def start_catalog_changes(settings: Settings, services: Services, app: App) -> Scheduler[ChangeOutcome] | None:
    """The daily catalog change report, when BRA_REFRESH_CHANNEL is set: AWS's prices and models against the
    catalog this process loaded, posted once per day across replicas (the digest's lock pattern)."""
    refresh = settings.refresh
    if refresh.channel is None:
        log.info("no daily catalog change report: BRA_REFRESH_CHANNEL is not set")
        return None
    tz = settings.usage.tz
    catalog, catalog_dir = services.engine.catalog, settings.catalog.catalog_dir
    job = ChangeReportJob(
        services.redis,
        compute=lambda: change_report(catalog, catalog_dir, refresh, lambda: datetime.now(tz).date()),
        publish=catalog_changes_publisher(app.client, refresh.language),
    )
    scheduler = Scheduler(
        job, channel=refresh.channel, tz=tz, at=refresh.at, every_s=refresh.check_s, due=due_today,
        name="catalog-changes",
    )
    scheduler.start()
    log.info("daily catalog change report scheduled", extra={"channel": refresh.channel, "at": refresh.time})
    return scheduler


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn embedded: asyncio workers, the app built once before forking (state lives in Redis). Headers are
    bounded by gunicorn's limits (request line 4 KiB, 100 fields of 8 KiB); gunicorn logs at INFO at least (at
    DEBUG it would describe requests)."""

    def __init__(self, asgi: Asgi, settings: Settings, on_stop: Callable[[], None]) -> None:
        self._asgi = asgi
        level = settings.log.level.lower()
        self._options: dict[str, Any] = {
            "bind": f"0.0.0.0:{settings.server.port}",
            "workers": settings.server.http_workers,
            "worker_class": WORKER_CLASS,
            "asgi_loop": "asyncio",
            "asgi_lifespan": "off",
            "timeout": 60,
            "graceful_timeout": 30,
            "keepalive": 5,
            "limit_request_line": 4094,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            "control_socket_disable": True,
            "accesslog": None,
            "loglevel": "info" if level == "debug" else level,
            # the stop hook runs in each worker as it exits (SIGTERM: after its requests finished) and in the arbiter
            "worker_exit": lambda server, worker: on_stop(),
            "on_exit": lambda server: on_stop(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Asgi:
        return self._asgi


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _socket_mode(settings: Settings, services: Services, app: App) -> int:
    """Connect to Slack over a WebSocket; answer /healthz and /readyz on PORT for the orchestrator."""
    health = make_server("0.0.0.0", settings.server.port, health_app(services), handler_class=_QuietHandler)
    threading.Thread(target=health.serve_forever, name="health", daemon=True).start()
    token = settings.slack.app_token.get_secret_value() if settings.slack.app_token else ""
    log.info("serving Slack over Socket Mode", extra={"health_port": settings.server.port})
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # a deploy's stop runs the stop hook
    try:
        SocketModeHandler(app, token, web_client=app.client).start()  # type: ignore[no-untyped-call]
    finally:
        lifecycle.stopping(services)
    return 0
