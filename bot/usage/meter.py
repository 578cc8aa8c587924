"""The one place a model call is accounted for: a structured log line and an event in the usage ledger.

The chat core calls `Meter.record` once per answered request (chat, try, the catalog assistant with its tool
rounds, each model of a compare) and once per summary call. Calls that produced no answer (throttled, failed
before the first token) bill nothing and are only logged by the chat core.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from bot.caller import Caller
from bot.catalog.dimensions import route_of
from bot.catalog.pricing import PARTS
from bot.chat.types import Cost, Usage
from bot.guardrails.verdict import Hit, Source
from bot.usage.event import UsageEvent, to_nusd
from bot.usage.ledger import Ledger

log = logging.getLogger(__name__)


def actions(trace: Iterable[tuple[Source, Sequence[Hit]]]) -> tuple[str, ...]:
    """Interventions as "SOURCE:kind:action" (the event's `guardrail` field), in order, without repeats."""
    return tuple(dict.fromkeys(f"{source}:{hit.kind}:{hit.action}" for source, hits in trace for hit in hits))


class Meter:
    """Thread-safe. `ledger` None: nothing is stored (the console without Redis); the log line is still written."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.ledger = ledger

    def record(
        self,
        caller: Caller,
        feature: str,
        *,
        model: str,
        profile: str,
        usage: Usage,
        cost: Cost,
        requested: str | None = None,
        interrupted: bool = False,
        calls: int = 1,
        guardrail: tuple[str, ...] = (),
        expired_cache_write: int = 0,
    ) -> UsageEvent:
        """`expired_cache_write`: the call's cache-write tokens when its turn followed the thread's previous one
        after a 5-minute cache had expired (see `bot.usage.event.METRICS`). The event's route is the route of
        `profile` (the id called), so that "bill" and "model_bill" agree even for a call with no price (whose
        `Cost` carries the default route); its cost is the sum of its per-part costs in nano-USD, so the parts
        add up to the total exactly (a `Cost` without parts keeps its own total)."""
        metadata: Mapping[str, str] = caller.metadata(feature)
        parts = tuple(to_nusd(cost.part_usd(part)) for part in PARTS)  # the total is their sum: lines add up
        event = UsageEvent(
            team=metadata["team"],
            channel=metadata["channel"],
            user=metadata["user"],
            feature=feature,
            model=model,
            region=cost.region,
            profile=profile,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            latency_ms=usage.latency_ms,
            cost_nusd=None if cost.usd is None else (sum(parts) if cost.parts else to_nusd(cost.usd)),
            cache_write_1h_tokens=usage.cache_write_1h_tokens,
            tier=cost.tier,
            route=route_of(profile).value,  # what was called: a cost built without a price keeps the default route
            context_above=cost.context_above,
            part_nusd=parts,
            missing=cost.missing,
            expired_cache_write=expired_cache_write,
            calls=calls,
            requested=requested or model,
            interrupted=interrupted,
            estimated=usage.estimated,
            guardrail=guardrail,
        )
        stored = self.ledger.record(event) if self.ledger is not None else False
        log.info(
            "model call",
            extra={
                **metadata,
                "model": model,
                "requested": event.requested,
                "region": cost.region,
                "profile": profile,
                "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens,
                "cache_read_tokens": usage.cache_read_tokens,
                "cache_write_tokens": usage.cache_write_tokens,
                "cache_write_1h_tokens": usage.cache_write_1h_tokens,
                "tier": cost.tier,
                "route": event.route,
                "context_above": cost.context_above,
                "missing": ",".join(cost.missing),
                "latency_ms": round(usage.latency_ms, 1),
                "cost_usd": str(cost.usd) if cost.usd is not None else None,
                "calls": calls,
                "interrupted": interrupted,
                "guardrail": ",".join(guardrail),
                "ledger": "stored" if stored else ("buffered" if self.ledger is not None else "off"),
            },
        )
        return event
