"""Posting the daily digest to Slack: the digest message (Block Kit, rendered like any answer), then its chart
as a PNG in the message's thread (files upload v2: getUploadURLExternal, the upload, completeUploadExternal).

A failed message raises (the scheduler tries again later; nothing was posted). A failed chart upload after the
message is only logged: the digest is posted, and posting it again would break "once a day"."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog.catalog import Catalog
from bot.digest.job import Publish
from bot.digest.present import as_answer, fallback_text
from bot.digest.report import Digest
from bot.qa.answers.common import L
from handlers.blocks.answer import answer_blocks
from handlers.post import post_once

log = logging.getLogger(__name__)


def slack_publisher(client: WebClient, catalog: Catalog) -> Publish:
    def publish(channel: str, digest: Digest, chart: bytes) -> str:
        answer = as_answer(digest, catalog)
        blocks = answer_blocks(answer)
        ts = str(
            post_once(
                client,
                channel=channel,
                thread_ts=None,
                ctx={"channel": channel, "kind": "digest"},
                text=fallback_text(digest),
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        )
        day = digest.day.isoformat()
        try:
            client.files_upload_v2(
                channel=channel,
                thread_ts=ts,
                content=chart,
                filename=f"bedrock-cost-{day}.png",
                title=L(
                    digest.lang,
                    f"모델별 추정 비용 (최근 14일, {day}까지)",
                    f"Estimated cost by model (14 days to {day})",
                ),
            )
        except SlackApiError as exc:
            log.error("digest chart upload failed", extra={"channel": channel, "error": exc.response.get("error")})
        except Exception as exc:  # the upload URL itself (urllib: HTTP errors, connection refused): same rule
            log.error("digest chart upload failed", extra={"channel": channel, "error": type(exc).__name__})
        return ts

    return publish
