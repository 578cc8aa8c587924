"""One usage event: what one model call (or one answer and its tool rounds) used and cost. Ids and numbers only,
never text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from bot.catalog.pricing import PARTS  # the billed parts, named as the price row's fields

NANO = Decimal(1_000_000_000)

# What every aggregate counts, per (day or month, dimension, value). All integers, so concurrent increments add
# up exactly; cost is in nano-USD (catalog prices per 1K tokens have at most 9 decimals per token).
# "estimated": events whose tokens the bot estimated (an answer cut off when its process died, finished by a sweeper).
# "cache_write" counts 5-minute cache writes, "cache_write_1h" 1-hour ones; "<part>_nusd" is the cost of each billed
# part (they add up to "cost_nusd"), so a bill can be compared line by line; "partial": events with a part the
# catalog has no price for (left out of the cost); "expired_cache_write": cache-write tokens of turns that came
# 5 to 60 minutes after their thread's previous turn (a 5-minute cache had expired; a 1-hour one would not have).
METRICS = (
    "requests", "input", "output", "cache_read", "cache_write", "latency_ms", "cost_nusd", "unpriced", "estimated",
    "cache_write_1h", "input_nusd", "output_nusd", "cache_read_nusd", "cache_write_nusd", "cache_write_1h_nusd",
    "partial", "expired_cache_write",
)  # fmt: skip


def to_nusd(usd: Decimal) -> int:
    return int((usd * NANO).to_integral_value(rounding=ROUND_HALF_EVEN))


def to_usd(nusd: int) -> Decimal:
    return Decimal(nusd) / NANO


@dataclass(frozen=True)
class UsageEvent:
    """`model` is the catalog key that answered (`requested` the one asked for, when a fallback answered);
    `profile` the Bedrock model or inference-profile id called, `route` its route (in_region, geo, global);
    `region` the region the call was made from and priced for; `tier` the service tier Bedrock served;
    `context_above` the long-context threshold whose rates applied (None: base rates).
    `cost_nusd` is None when the catalog has no price for that (counted as `unpriced`); `part_nusd` its split by
    billed part (`PARTS`); `missing` the parts the catalog had no price for (left out, counted as `partial`).
    `calls`: Converse calls behind the event (tool rounds). `guardrail`: "SOURCE:kind:action" per intervention."""

    team: str
    channel: str
    user: str
    feature: str
    model: str
    region: str
    profile: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    latency_ms: float = 0.0
    cost_nusd: int | None = None
    cache_write_1h_tokens: int = 0
    tier: str = "standard"
    route: str = "in_region"
    context_above: int | None = None
    part_nusd: tuple[int, ...] = (0, 0, 0, 0, 0)  # in PARTS order
    missing: tuple[str, ...] = ()
    expired_cache_write: int = 0
    calls: int = 1
    requested: str = ""
    interrupted: bool = False
    estimated: bool = False
    guardrail: tuple[str, ...] = ()
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def amounts(self) -> tuple[int, ...]:
        """The event's contribution to each of `METRICS`."""
        return (
            1,
            self.input_tokens,
            self.output_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
            round(self.latency_ms),
            self.cost_nusd or 0,
            1 if self.cost_nusd is None else 0,
            1 if self.estimated else 0,
            self.cache_write_1h_tokens,
            *self.part_nusd,
            1 if self.missing else 0,
            self.expired_cache_write,
        )

    def fields(self) -> dict[str, str]:
        """The raw event as stream fields."""
        return {
            "at": self.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            "team": self.team,
            "channel": self.channel,
            "user": self.user,
            "feature": self.feature,
            "model": self.model,
            "requested": self.requested or self.model,
            "region": self.region,
            "profile": self.profile,
            "input": str(self.input_tokens),
            "output": str(self.output_tokens),
            "cache_read": str(self.cache_read_tokens),
            "cache_write": str(self.cache_write_tokens),
            "cache_write_1h": str(self.cache_write_1h_tokens),
            "tier": self.tier,
            "route": self.route,
            "context_above": "" if self.context_above is None else str(self.context_above),
            "latency_ms": str(round(self.latency_ms)),
            "cost_nusd": "" if self.cost_nusd is None else str(self.cost_nusd),
            **{f"{part}_nusd": str(n) for part, n in zip(PARTS, self.part_nusd, strict=True)},
            "missing": ",".join(self.missing),
            "expired_cache_write": str(self.expired_cache_write),
            "calls": str(self.calls),
            "interrupted": "1" if self.interrupted else "0",
            "estimated": "1" if self.estimated else "0",
            "guardrail": ",".join(self.guardrail),
        }


@dataclass(frozen=True)
class Totals:
    """Summed metrics of one aggregate (a model on a day, a user in a month, ...)."""

    requests: int = 0
    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    latency_ms: int = 0
    cost_nusd: int = 0
    unpriced: int = 0
    estimated: int = 0
    cache_write_1h: int = 0
    input_nusd: int = 0
    output_nusd: int = 0
    cache_read_nusd: int = 0
    cache_write_nusd: int = 0
    cache_write_1h_nusd: int = 0
    partial: int = 0
    expired_cache_write: int = 0

    @property
    def usd(self) -> Decimal:
        return to_usd(self.cost_nusd)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.output

    @property
    def prompt_tokens(self) -> int:
        return self.input + self.cache_read + self.cache_write + self.cache_write_1h

    def part_usd(self, part: str) -> Decimal:
        """The cost of one billed part (`PARTS`)."""
        return to_usd(int(getattr(self, f"{part}_nusd")))

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, m) + getattr(other, m) for m in METRICS))

    @classmethod
    def of(cls, counts: dict[str, int]) -> Totals:
        return cls(**{m: counts.get(m, 0) for m in METRICS})
