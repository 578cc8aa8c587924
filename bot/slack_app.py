"""The composition root of the Slack app: a Web API client with retry handlers, the Bolt `App`, the middleware
that injects `Services` and drops repeated deliveries (events, commands, interactions), and the handlers
(`handlers.register`).

Slack-specific wiring lives here and in `handlers/`; the rest of `bot/` never imports Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

import handlers
from bot.services import Services
from bot.settings import SlackSettings

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3  # 429: wait Retry-After, then try again (Slack's limits reset within a minute)


# Methods that create something each time they are called: a retry after Slack may have received the request
# would post (append, upload) twice.
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.startStream",
        "chat.appendStream",
        "files.completeUploadExternal",
    }
)


class SafeConnectionRetry(ConnectionErrorRetryHandler):
    """slack_sdk's connection-error retries, except that a method in NOT_IDEMPOTENT is retried only when its
    request provably never left (a URLError: refused, DNS, connect timeout) — not when the connection dropped
    after sending it (RemoteDisconnected, ConnectionResetError), when Slack may have acted on it. (A read timeout
    is never retried by slack_sdk; `handlers.post.post_once` deals with it.)"""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = request.url.rstrip("/").rsplit("/", 1)[-1]
        if method in NOT_IDEMPOTENT and not isinstance(error, URLError):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


class SharedWebClient(WebClient):
    """A WebClient that deep-copies to itself. Bolt deep-copies each request (client included) before handing it
    to a lazy listener; WebClient is thread-safe and stateless per call, so sharing it is correct, and copying it
    was half the cost of an ack. `post_confirm_s`: how long `handlers.post.post_once` looks for a post that timed
    out (SLACK_POST_CONFIRM_S)."""

    post_confirm_s: float = 10.0

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedWebClient:
        return self


def web_client(slack: SlackSettings) -> WebClient:
    """The bot's Web API client at `SLACK_API_URL`, retrying rate limits (429 + Retry-After), 5xx and
    connection errors a bounded number of times."""
    token = slack.bot_token.get_secret_value() if slack.bot_token else None
    client = SharedWebClient(
        token=token,
        base_url=slack.api_url,
        timeout=slack.timeout_s,
        retry_handlers=[
            SafeConnectionRetry(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
    client.post_confirm_s = slack.post_confirm_s
    return client


def create_app(
    services: Services,
    client: WebClient | None = None,
    *,
    socket_mode: bool | None = None,
    executor: ThreadPoolExecutor | None = None,
    verified_upstream: bool = False,
) -> App:
    """The Bolt app with every listener registered. Calls auth.test once (token check, the bot's own ids).

    `verified_upstream`: requests reach Bolt only through HTTP mode's front (bot/http_front.py), which has checked
    their signature over the raw bytes already, so Bolt does not check it again.

    `executor` runs the lazy listeners (default: BRA_LISTENER_THREADS threads); tests pass their own so they can
    wait for every piece of work to finish (`shutdown(wait=True)`).
    """
    slack = services.settings.slack
    socket = slack.socket_mode if socket_mode is None else socket_mode
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""
    shared = client or web_client(slack)
    app = App(
        client=shared,
        signing_secret=secret,
        request_verification_enabled=not (socket or verified_upstream),
        process_before_response=True,  # the ack function answers the request; slow work runs lazily
        listener_executor=executor
        or ThreadPoolExecutor(max_workers=services.settings.server.listener_threads, thread_name_prefix="bra-listener"),
        raise_error_for_unhandled_request=False,
    )
    app.use(inject(services, shared))
    app.use(drop_repeated_events)
    handlers.register(app)
    return app


def inject(services: Services, client: WebClient) -> Callable[..., Any]:
    """Middleware putting the one `Services` into every request's context (`context["services"]`), and the one
    shared Web API client in place of the copy Bolt makes per request: the bot token is static, WebClient is
    thread-safe, and a `SharedWebClient` is not deep-copied again for each lazy listener (an ack costs half)."""

    def inject_services(context: BoltContext, next: Callable[[], None]) -> None:
        context["services"] = services
        if isinstance(client, SharedWebClient):
            context["client"] = client
        next()

    return inject_services


def drop_repeated_events(
    body: dict[str, Any], request: BoltRequest, context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Acknowledge a repeated delivery without handling it: an event Slack retried or another replica already took
    (its `event_id`), or a slash command or interaction sent again — a replayed signed request, a Socket Mode
    redelivery, the same request reaching two replicas (its `trigger_id`). A user who runs the same command again
    gets a new trigger_id, so that runs again."""
    dedup = context["services"].dedup
    if body.get("type") == "event_callback" and body.get("event_id"):
        if dedup.claim(event_id=str(body["event_id"])):
            next()
            return None
        retry = request.headers.get("x-slack-retry-num", ["-"])[0]
        log.info("repeated event dropped", extra={"event_id": body["event_id"], "retry_num": retry})
        return BoltResponse(status=200, body="")
    trigger_id = body.get("trigger_id")
    if not isinstance(trigger_id, str) or not trigger_id or dedup.claim_trigger(trigger_id=trigger_id):
        next()
        return None
    kind = "command" if body.get("command") else str(body.get("type") or "-")
    log.info(
        "repeated request dropped",
        extra={"kind": kind, "team": context.team_id, "user": context.user_id, "trigger_id": trigger_id},
    )
    return BoltResponse(status=200, body="")
