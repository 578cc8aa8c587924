"""Who is asking and where: Slack ids (the console uses fixed local ones)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    team: str
    user: str
    channel: str | None = None
    thread_ts: str | None = None

    def metadata(self, feature: str) -> dict[str, str]:
        """Bedrock `requestMetadata` for a call on this caller's behalf (cost attribution; ids only, no text)."""
        return {"team": self.team, "channel": self.channel or "none", "user": self.user, "feature": feature}
