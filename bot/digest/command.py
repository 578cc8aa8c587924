"""`bedrock-assistant digest [--date YYYY-MM-DD] [--dry-run] [--channel C] [--chart FILE]`: compute one daily
digest and post it (once: the same lock and per-day key as serve's scheduler), or with --dry-run print it and
write its chart without posting. Needs Redis; posting needs SLACK_BOT_TOKEN and a channel."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from slack_sdk.errors import SlackApiError

from bot.digest.assemble import digest_day, make_job
from bot.digest.present import as_answer
from bot.errors import ConfigError, StartupError
from bot.logs import configure
from bot.render_text import render
from bot.services import build_services
from bot.settings import Settings
from bot.slack_app import web_client
from bot.store.client import connect, require
from handlers.digest import slack_publisher

EX_TEMPFAIL = 75  # another replica holds the day's lock right now


def run_digest(settings: Settings, day: date | None, *, dry_run: bool, channel: str | None, chart: Path | None) -> int:
    configure(settings.log)
    client = connect(settings.redis)
    require(client, settings.redis)
    services = build_services(settings, client)
    day = digest_day(services, day)
    catalog = services.engine.catalog
    if dry_run:
        digest, png = make_job(services, None).preview(day)
        sys.stdout.write(render(as_answer(digest, catalog)))
        path = chart or Path(f"bedrock-cost-{day.isoformat()}.png")
        path.write_bytes(png)
        print(f"\nchart: {path} ({len(png):,} bytes) — dry run, nothing posted")
        return 0
    target = channel or settings.usage.digest_channel
    problems = []
    if target is None:
        problems.append("no channel: pass --channel C0123 or set BRA_DIGEST_CHANNEL")
    if settings.slack.bot_token is None:
        problems.append("SLACK_BOT_TOKEN is not set: posting the digest needs the bot token (or use --dry-run)")
    if problems or target is None:
        raise ConfigError(problems)
    try:
        outcome = make_job(services, slack_publisher(web_client(settings.slack), catalog)).run(day, target)
    except SlackApiError as exc:
        raise StartupError(
            f"Slack refused the digest for {day} in {target}: {exc.response.get('error')}. Check the channel id, "
            "that the bot is in the channel (chat:write, files:write) and SLACK_BOT_TOKEN."
        ) from None
    messages = {
        "posted": f"digest for {day} posted to {target} (ts {outcome.ts})",
        "already_posted": f"digest for {day} was already posted to {target} (ts {outcome.ts}); nothing done",
        "locked": f"another replica is posting the digest for {day} to {target} right now; nothing done",
    }
    print(messages.get(outcome.status, outcome.status))
    return EX_TEMPFAIL if outcome.status == "locked" else 0
