"""Names, Korean aliases and usage lines of the `/bedrock` subcommands that are not catalog queries (they need
Slack ids and Redis: `bot.commands` runs them). Kept import-free so the console can recognise them cheaply."""

from __future__ import annotations

OTHER_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "model": ("model", "기본모델", "모델설정"),
    "try": ("try", "시험", "써보기"),
    "tier": ("tier", "등급", "티어"),
    "reset": ("reset", "초기화"),
    "usage": ("usage", "사용량"),
    "budget": ("budget", "budgets", "예산"),
    "status": ("status", "상태"),
    "guardrails": ("guardrails", "guardrail", "가드레일"),
}
OTHER_USAGE = {
    "model": "/bedrock model [<model> [me|channel]]",
    "try": "/bedrock try [--flex|--priority] <model> <prompt>",
    "tier": "/bedrock tier [standard|flex|priority|reset]",
    "reset": "/bedrock reset",
    "usage": "/bedrock usage [me|channel|all] [today|week|month]",
    "budget": "/bedrock budget [<@user> <usd|unlimited|reset>]",
    "status": "/bedrock status",
    "guardrails": "/bedrock guardrails [reload]",
}


def other_subcommand(sub: str) -> str | None:
    """The non-catalog subcommand `sub` names ("기본모델" → "model"), or None."""
    return next((name for name, aliases in OTHER_SUBCOMMANDS.items() if sub.lower() in aliases), None)
