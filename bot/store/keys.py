"""Every Redis key the bot writes, and how long it lives. Add new key families here (CONTRIBUTING: "add a Redis key").

All keys start with `bra:` and are colon-separated; ids are Slack ids (team T…, channel C…/D…, user U…) and
message timestamps. Nothing here holds message text.
"""

from __future__ import annotations

PREFIX = "bra"

# Event de-duplication: one key per Slack event_id, claimed with SET NX. Slack retries for up to ~1 hour
# (three retries: after ~1 min, ~5 min, ~30 min), so the claim must outlive the last retry.
EVENT = PREFIX + ":evt:{event_id}"
EVENT_TTL_S = 2 * 60 * 60

# Threads the bot answers in a channel (a mention started them): replies there need no new mention.
BOT_THREAD = PREFIX + ":thread:{team}:{channel}:{thread_ts}"
BOT_THREAD_TTL_S = 30 * 24 * 60 * 60

# An assistant-panel thread whose title is set: set once, from the first question.
THREAD_TITLE = PREFIX + ":title:{team}:{channel}:{thread_ts}"
THREAD_TITLE_TTL_S = 30 * 24 * 60 * 60

# Per-user preferences (hash: field "model" = catalog key, "lang" = ko|en of the last message). No expiry: a
# preference stays until changed.
USER_PREFS = PREFIX + ":user:{team}:{user}"
# Per-channel preferences (hash: field "model").
CHANNEL_PREFS = PREFIX + ":channel:{team}:{channel}"


def event(event_id: str) -> str:
    return EVENT.format(event_id=event_id)


def bot_thread(team: str, channel: str, thread_ts: str) -> str:
    return BOT_THREAD.format(team=team, channel=channel, thread_ts=thread_ts)


def thread_title(team: str, channel: str, thread_ts: str) -> str:
    return THREAD_TITLE.format(team=team, channel=channel, thread_ts=thread_ts)


def user_prefs(team: str, user: str) -> str:
    return USER_PREFS.format(team=team, user=user)


def channel_prefs(team: str, channel: str) -> str:
    return CHANNEL_PREFS.format(team=team, channel=channel)
