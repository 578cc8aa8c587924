"""The ack half of every lazy listener: acknowledge at once; the lazy half does the work (Slack wants 3 s)."""

from __future__ import annotations

from slack_bolt import Ack


def ack_only(ack: Ack) -> None:
    ack()
