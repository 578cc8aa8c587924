"""Bedrock Assistant for Slack: the Slack-free core (catalog, question answering) and the composition root."""
