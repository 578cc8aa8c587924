"""The catalog as Converse tools for the assistant model (DESIGN §5.1): search, price, estimate, compare.

Each tool runs the same catalog query path as `/bedrock <subcommand>` and returns the answer as text, so every
number the model repeats comes from the catalog, with its source and as-of date. A tool error (unknown model,
missing argument) goes back to the model as an error result it can act on, in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import BotError
from bot.qa.answer import Answer
from bot.qa.commands import run_catalog
from bot.qa.engine import Engine
from bot.render_text import render

_REGION = {"type": "string", "description": "AWS region code, e.g. us-east-1 or ap-northeast-2 (Seoul)"}
_MODEL = {"type": "string", "description": "model name or alias, e.g. nova-pro, claude-3-5-haiku, 노바 프로"}

SPECS: tuple[dict[str, Any], ...] = (
    {
        "name": "search_models",
        "description": "Find Bedrock models matching requirements (region, modality, context size, feature, "
        "cheapest), or list models. Input: the requirement in words, Korean or English.",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "e.g. 'cheapest image input in Seoul'"}},
                "required": ["query"],
            }
        },
    },
    {
        "name": "get_price",
        "description": "Catalog prices of one model (per 1M tokens by mode), with source and as-of date.",
        "inputSchema": {
            "json": {"type": "object", "properties": {"model": _MODEL, "region": _REGION}, "required": ["model"]}
        },
    },
    {
        "name": "estimate_cost",
        "description": "Cost of a workload on one model from catalog prices: input/output tokens per request, "
        "optional requests per day, batch mode, region.",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {
                    "model": _MODEL,
                    "input_tokens": {"type": "integer", "minimum": 0},
                    "output_tokens": {"type": "integer", "minimum": 0},
                    "requests_per_day": {"type": "integer", "minimum": 1},
                    "batch": {"type": "boolean"},
                    "region": _REGION,
                },
                "required": ["model", "input_tokens", "output_tokens"],
            }
        },
    },
    {
        "name": "compare_models",
        "description": "Side-by-side catalog comparison of two or more models: prices, context window, "
        "modalities, features.",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {"models": {"type": "array", "items": _MODEL, "minItems": 2}, "region": _REGION},
                "required": ["models"],
            }
        },
    },
)


@dataclass(frozen=True)
class ToolResult:
    text: str
    ok: bool


def _args(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p not in (None, "", False))


def _search(engine: Engine, a: Mapping[str, Any], lang: str) -> Answer:
    return engine.ask(str(a["query"]))


def _price(engine: Engine, a: Mapping[str, Any], lang: str) -> Answer:
    return run_catalog(engine, "price", _args(a["model"], a.get("region")), lang)


def _estimate(engine: Engine, a: Mapping[str, Any], lang: str) -> Answer:
    daily = f"daily {int(a['requests_per_day'])}" if a.get("requests_per_day") else None
    args = _args(
        a["model"],
        int(a["input_tokens"]),
        int(a["output_tokens"]),
        "batch" if a.get("batch") else None,
        daily,
        a.get("region"),
    )
    return run_catalog(engine, "cost", args, lang)


def _compare(engine: Engine, a: Mapping[str, Any], lang: str) -> Answer:
    return run_catalog(engine, "compare", _args(",".join(str(m) for m in a["models"]), a.get("region")), lang)


RUNNERS: dict[str, Callable[[Engine, Mapping[str, Any], str], Answer]] = {
    "search_models": _search,
    "get_price": _price,
    "estimate_cost": _estimate,
    "compare_models": _compare,
}


def run_tool(engine: Engine, name: str, args: Mapping[str, Any], lang: str) -> ToolResult:
    """Run one tool call; never raises (errors become error results the model reads)."""
    runner = RUNNERS.get(name)
    if runner is None:
        return ToolResult(f"unknown tool {name!r}; tools: {', '.join(RUNNERS)}", ok=False)
    try:
        answer = runner(engine, args, lang)
    except BotError as exc:
        return ToolResult(exc.message(lang), ok=False)
    except (KeyError, TypeError, ValueError) as exc:
        return ToolResult(f"bad arguments for {name}: {exc}", ok=False)
    return ToolResult(render(answer), ok=answer.ok)
