"""The use cases behind buttons that carry no command line: a 👍/👎 vote on an answer, and taking a costly compare
that waits for its asker's confirmation (to run it, or to cancel it).

Each admits the caller first (`AccessPolicy.admit`: a workspace or channel the policy refuses stores nothing and
gets the refusal), like every entry point in `bot.commands`. A waiting compare is its asker's alone: another user's
click is refused and leaves it waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.caller import Caller
from bot.errors import AccessDenied
from bot.store.feedback import Feedback, Outcome, Vote

if TYPE_CHECKING:
    from bot.services import Services


def record_vote(services: Services, caller: Caller, *, message_ts: str, model: str, vote: Vote) -> Outcome:
    """Count `caller`'s vote on the answer at `message_ts` in `caller.channel` (once per user and answer)."""
    services.access.admit(caller)
    return Feedback(services.redis).record(
        team=caller.team, channel=caller.channel or "-", message_ts=message_ts, user=caller.user, model=model, vote=vote
    )


class NotYours(AccessDenied):
    """A waiting compare clicked by someone other than its asker. Its text is the bot's own (the asker's id comes
    from Redis, nothing from the clicker), so front ends may show the asker's mention live."""


def take_compare(services: Services, caller: Caller, pending_id: str) -> str | None:
    """The waiting compare's command line, taken so it runs (or is dropped) once; None when it expired or was taken
    already. `AccessDenied` when it is another user's: they alone decide, and it stays waiting for them."""
    services.access.admit(caller)
    taken = services.pending.take(pending_id, team=caller.team, user=caller.user)
    if taken.outcome == "other":
        raise NotYours(
            ko=f"이 비교는 요청한 <@{taken.owner}>님만 실행하거나 취소할 수 있습니다. 직접 `/bedrock compare`로 "
            "요청해 주세요.",
            en=f"Only <@{taken.owner}>, who asked for this comparison, can run or cancel it. Ask for your own with "
            "`/bedrock compare`.",
        )
    return taken.command
