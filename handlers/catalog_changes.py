"""Posting the daily catalog change report to Slack: the headline ("Catalog changes today: 3 new models, 2 price
changes") and one section per kind of change, each cut to a few lines so the message stays readable; the full
report is `bedrock-assistant catalog refresh --dry-run`."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.catalog.refresh.job import Publish
from bot.catalog.refresh.report import ORDER, TITLES, ChangeReport, headline

LINES_PER_SECTION = 10
SECTION_CHARS = 2900  # Slack's section text limit is 3000


def change_blocks(report: ChangeReport, lang: str) -> list[dict[str, Any]]:
    """Block Kit for a change report: a headline section, then one section per kind present."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline(report, lang, today=True)}*"}}
    ]
    for kind in ORDER:
        items = [c.text(lang) for c in report.changes if c.kind == kind]
        if not items:
            continue
        lines = [f"• {t}" for t in items[:LINES_PER_SECTION]]
        if len(items) > LINES_PER_SECTION:
            rest = len(items) - LINES_PER_SECTION
            lines.append(f"… 외 {rest}건" if lang == "ko" else f"… and {rest} more")
        title = TITLES[kind][0 if lang == "ko" else 1]
        text = f"*{title}*\n" + "\n".join(lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_CHARS]}})
    return blocks


def slack_publisher(client: WebClient, lang: str) -> Publish:
    def publish(channel: str, report: ChangeReport) -> str:
        response = client.chat_postMessage(
            channel=channel,
            text=headline(report, lang, today=True),
            blocks=change_blocks(report, lang),
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    return publish
