"""Slack listeners (events, commands, actions, views). Empty until the Slack app lands (issue #3): a handler will
parse the payload, call one use case in `bot/` (e.g. `bot.qa.commands.run_command`, `Engine.ask`) and render the
`Answer` as Block Kit."""
