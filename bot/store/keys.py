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

# Slash command and interaction (button, select) de-duplication: one key per Slack `trigger_id`, claimed with SET NX
# before any work. Slack never retries these, so a second delivery is a replay of the same signed request (or a
# Socket Mode redelivery); Bolt accepts a signature up to 5 minutes either side of its timestamp, so the claim
# outlives that window with room for clock skew between Slack and us. A user running the same command again gets
# a new trigger_id, so it runs again.
TRIGGER = PREFIX + ":trig:{trigger_id}"
TRIGGER_TTL_S = 15 * 60

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


def trigger(trigger_id: str) -> str:
    return TRIGGER.format(trigger_id=trigger_id)


def bot_thread(team: str, channel: str, thread_ts: str) -> str:
    return BOT_THREAD.format(team=team, channel=channel, thread_ts=thread_ts)


def thread_title(team: str, channel: str, thread_ts: str) -> str:
    return THREAD_TITLE.format(team=team, channel=channel, thread_ts=thread_ts)


def user_prefs(team: str, user: str) -> str:
    return USER_PREFS.format(team=team, user=user)


def channel_prefs(team: str, channel: str) -> str:
    return CHANNEL_PREFS.format(team=team, channel=channel)


# Conversation memory of one chat thread (DESIGN §5.2). `thread` is the Slack thread ts, or "-" for a DM's top
# level. TURNS is a list of JSON turns {"role", "text", "tokens", "model"} (oldest first, text already passed the
# guardrails); THREAD_META is a hash: "model" (the thread's bound catalog key, set by try or a named model),
# "summary" and "summary_tokens" (what folded turns said), "folded" (how many turns the summary replaced),
# "told" ("1" once the user was told older turns are summarised). Both expire MEMORY_TTL (BRA_MEMORY_TTL_DAYS)
# after the last turn; every write sets the TTL in the same transaction.
TURNS = PREFIX + ":mem:{team}:{channel}:{thread}"
THREAD_META = PREFIX + ":memmeta:{team}:{channel}:{thread}"
# The user's latest chat thread in a channel (string: the thread part), so `/bedrock reset` — which Slack sends
# without a thread — knows which conversation to clear. Same TTL as the memory.
LAST_CHAT = PREFIX + ":lastchat:{team}:{channel}:{user}"
# A compare waiting for its asker's confirmation (hash: "command" = the masked command line, "owner" =
# "{team}:{user}" of the asker, who alone may run or cancel it), for PENDING_TTL_S.
PENDING = PREFIX + ":pending:{id}"
PENDING_TTL_S = 15 * 60


def turns(team: str, channel: str, thread: str) -> str:
    return TURNS.format(team=team, channel=channel, thread=thread)


def thread_meta(team: str, channel: str, thread: str) -> str:
    return THREAD_META.format(team=team, channel=channel, thread=thread)


def last_chat(team: str, channel: str, user: str) -> str:
    return LAST_CHAT.format(team=team, channel=channel, user=user)


def pending(id_: str) -> str:
    return PENDING.format(id=id_)


# Feedback on answers (👍/👎, `store/feedback.py`). FEEDBACK_VOTES is a hash per answer message: field = user id,
# value "up" | "down" (one vote per user; a change moves the counts). It lives as long as a bot thread, after which
# a vote on that message is counted as new. FEEDBACK_COUNTS is a hash per day (the answer's day, Asia/Seoul) and
# catalog model key: fields "up" and "down"; FEEDBACK_MODELS is the set of model keys voted on that day, so a digest
# needs no SCAN. Both are kept FEEDBACK_COUNT_TTL_S (a year and a bit, for year-over-year trends).
FEEDBACK_VOTES = PREFIX + ":fb:{team}:{channel}:{message_ts}"
FEEDBACK_VOTES_TTL_S = 30 * 24 * 60 * 60
FEEDBACK_COUNTS = PREFIX + ":fbday:{day}:{model}"
FEEDBACK_MODELS = PREFIX + ":fbmodels:{day}"
FEEDBACK_COUNT_TTL_S = 400 * 24 * 60 * 60


def feedback_votes(team: str, channel: str, message_ts: str) -> str:
    return FEEDBACK_VOTES.format(team=team, channel=channel, message_ts=message_ts)


def feedback_counts(day: str, model: str) -> str:
    return FEEDBACK_COUNTS.format(day=day, model=model)


def feedback_models(day: str) -> str:
    return FEEDBACK_MODELS.format(day=day)


# Guardrail interventions (DESIGN §5.3), never the matched text. GUARD_DAY is a hash per team and day (Asia/Seoul)
# counting interventions by "source|kind|action|engine|model|channel|user"; it expires BRA_GUARD_RETENTION_DAYS
# after its day. GUARD_EVENTS is a stream of the raw events capped at about BRA_GUARD_EVENTS_MAX entries.
# GUARD_GENERATION counts policy reloads, so every replica reloads when an admin reloads one of them.
GUARD_DAY = PREFIX + ":guard:day:{team}:{day}"
GUARD_EVENTS = PREFIX + ":guard:events"
GUARD_GENERATION = PREFIX + ":guard:gen"


def guard_day(team: str, day: str) -> str:
    return GUARD_DAY.format(team=team, day=day)


# Usage ledger (DESIGN §5.4, `bot/usage/ledger.py`), written by one Lua script per model call so an event never
# exists without its counts. USAGE_EVENTS is a stream of raw events (one field, "event": JSON with ids, tokens,
# latency, estimated cost — never text) capped at about BRA_USAGE_EVENTS_MAX entries. USAGE_DAY is a hash per
# local day (BRA_USAGE_TZ) and dimension ("all", "model", "user", "channel", "feature", "team", "model_feature",
# and per user or channel by model: "user_models:U1", "channel_models:C1"): field "<value>|<metric>" = an integer
# (requests, input, output, cache_read, cache_write, latency_ms, cost_nusd = nano-USD, unpriced). It expires
# BRA_USAGE_RETENTION_DAYS (+1) after its last write. USAGE_MONTH is the same per month ("2026-11") for the
# dimensions budgets and reports read by month ("user", "channel", "model", "user_models:…", "channel_models:…");
# it lives a month longer.
USAGE_EVENTS = PREFIX + ":use:events"
USAGE_DAY = PREFIX + ":use:day:{day}:{dim}"
USAGE_MONTH = PREFIX + ":use:month:{month}:{dim}"


# A usage event that was buffered (Redis did not answer) carries an id; USAGE_ONCE is claimed (SET NX) by the same
# script that writes it, so a second write of it (a retry after a lost reply, a replay of the spill after a crash)
# counts nothing. It outlives any outage or spill that could still hold the event.
USAGE_ONCE = PREFIX + ":use:once:{id}"
USAGE_ONCE_TTL_S = 30 * 24 * 60 * 60


def usage_once(id_: str) -> str:
    return USAGE_ONCE.format(id=id_)


def usage_day(day: str, dim: str) -> str:
    return USAGE_DAY.format(day=day, dim=dim)


def usage_month(month: str, dim: str) -> str:
    return USAGE_MONTH.format(month=month, dim=dim)


# Budgets (`bot/usage/budgets.py`). BUDGET_WARNED is claimed with SET NX when a warning threshold is crossed, so
# each threshold warns once per period whatever the number of replicas; it expires with its period (+1 day).
# BUDGET_OVERRIDE is an admin's override of one user's daily limit for one day (string: a USD amount, or "none" =
# no limit); it expires two days after it is set.
BUDGET_WARNED = PREFIX + ":budget:warned:{scope}:{id}:{period}:{pct}"
BUDGET_OVERRIDE = PREFIX + ":budget:override:{user}:{day}"
BUDGET_OVERRIDE_TTL_S = 2 * 24 * 60 * 60


def budget_warned(scope: str, id_: str, period: str, pct: int) -> str:
    return BUDGET_WARNED.format(scope=scope, id=id_, period=period, pct=pct)


def budget_override(user: str, day: str) -> str:
    return BUDGET_OVERRIDE.format(user=user, day=day)


# The daily digest (`bot/digest/job.py`): exactly one per day and channel across replicas. DIGEST_LOCK is held
# (SET NX PX, a random token, released by a compare-and-delete script) while one replica computes and posts;
# DIGEST_DONE records that the digest of `day` was posted (string: the message ts), kept DIGEST_DONE_TTL_S.
DIGEST_LOCK = PREFIX + ":digest:lock:{channel}:{day}"
DIGEST_LOCK_TTL_S = 10 * 60
DIGEST_DONE = PREFIX + ":digest:done:{channel}:{day}"
DIGEST_DONE_TTL_S = 60 * 24 * 60 * 60


def digest_lock(channel: str, day: str) -> str:
    return DIGEST_LOCK.format(channel=channel, day=day)


def digest_done(channel: str, day: str) -> str:
    return DIGEST_DONE.format(channel=channel, day=day)


# Per-user rate limit of billed model calls (`bot/store/rate.py`), shared by every replica. RATE_CALLS is a sorted
# set per team and user: one member per call started in the last BRA_RATE_LIMIT_WINDOW_S seconds, scored by the
# Redis server's clock in microseconds (so replicas with different clocks agree). Its TTL is the window: an idle
# user's key disappears.
RATE_CALLS = PREFIX + ":rate:{team}:{user}"


def rate_calls(team: str, user: str) -> str:
    return RATE_CALLS.format(team=team, user=user)


# In-flight stream journal (`bot/store/journal.py`): one hash per answer being streamed into Slack (channel, thread,
# message ts, mode, model, the masked question and the text shown so far, an estimate of the call's input tokens),
# kept STREAM_JOURNAL_TTL_S at most; STREAM_LIVE is a sorted set of those answers by deadline (epoch ms), pushed
# back by the writer's heartbeat (BRA_STREAM_JOURNAL_TTL_S). A sweeper finishes answers whose deadline passed
# (their process died): it marks the message interrupted, records estimated usage and remembers the partial turn.
STREAM_JOURNAL = PREFIX + ":stream:{id}"
STREAM_JOURNAL_TTL_S = 24 * 60 * 60
STREAM_LIVE = PREFIX + ":stream:live"


def stream_journal(id_: str) -> str:
    return STREAM_JOURNAL.format(id=id_)


# The daily catalog change report (`bot/catalog/refresh/job.py`), the digest's pattern: exactly one per day and
# channel across replicas. CATALOG_CHANGES_LOCK is held (SET NX PX, random token, compare-and-delete release)
# while one replica reads AWS and posts; CATALOG_CHANGES_DONE records the day's run (string: the message ts, or
# "-" when nothing new); CATALOG_CHANGES_SEEN is the set of change fingerprints already posted to the channel, so
# a pending change is announced once, not every day. The lock outlives a full price-list read.
CATALOG_CHANGES_LOCK = PREFIX + ":catalog:changes:lock:{channel}:{day}"
CATALOG_CHANGES_LOCK_TTL_S = 20 * 60
CATALOG_CHANGES_DONE = PREFIX + ":catalog:changes:done:{channel}:{day}"
CATALOG_CHANGES_DONE_TTL_S = 60 * 24 * 60 * 60
CATALOG_CHANGES_SEEN = PREFIX + ":catalog:changes:seen:{channel}"
CATALOG_CHANGES_SEEN_TTL_S = 365 * 24 * 60 * 60


def catalog_changes_lock(channel: str, day: str) -> str:
    return CATALOG_CHANGES_LOCK.format(channel=channel, day=day)


def catalog_changes_done(channel: str, day: str) -> str:
    return CATALOG_CHANGES_DONE.format(channel=channel, day=day)


def catalog_changes_seen(channel: str) -> str:
    return CATALOG_CHANGES_SEEN.format(channel=channel)
