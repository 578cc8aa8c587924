"""One usage event: what one model call (or one answer and its tool rounds) used and cost. Ids and numbers only,
never text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

NANO = Decimal(1_000_000_000)

# What every aggregate counts, per (day or month, dimension, value). All integers, so concurrent increments add
# up exactly; cost is in nano-USD (catalog prices per 1K tokens have at most 9 decimals per token).
# "estimated": events whose tokens the bot estimated (an answer cut off when its process died, finished by a sweeper).
METRICS = (
    "requests", "input", "output", "cache_read", "cache_write", "latency_ms", "cost_nusd", "unpriced", "estimated"
)


def to_nusd(usd: Decimal) -> int:
    return int((usd * NANO).to_integral_value(rounding=ROUND_HALF_EVEN))


def to_usd(nusd: int) -> Decimal:
    return Decimal(nusd) / NANO


@dataclass(frozen=True)
class UsageEvent:
    """`model` is the catalog key that answered (`requested` the one asked for, when a fallback answered);
    `profile` the Bedrock model or inference-profile id called; `region` the region the cost was priced for.
    `cost_nusd` is None when the catalog has no price for that region and mode (counted as `unpriced`).
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
            "latency_ms": str(round(self.latency_ms)),
            "cost_nusd": "" if self.cost_nusd is None else str(self.cost_nusd),
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

    @property
    def usd(self) -> Decimal:
        return to_usd(self.cost_nusd)

    @property
    def tokens(self) -> int:
        return self.input + self.output + self.cache_read + self.cache_write

    @property
    def prompt_tokens(self) -> int:
        return self.input + self.cache_read + self.cache_write

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, m) + getattr(other, m) for m in METRICS))

    @classmethod
    def of(cls, counts: dict[str, int]) -> Totals:
        return cls(**{m: counts.get(m, 0) for m in METRICS})
