"""Bedrock Assistant for Slack: the Slack-free core (catalog, question answering) and the composition root."""

from bot.wire_logs import keep_wire_quiet

keep_wire_quiet()
