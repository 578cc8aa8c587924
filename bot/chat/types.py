"""What a model call gives back, shared by the chat core and every front end (Slack blocks, console text)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.catalog.pricing import CostLine

# Receives each piece of answer text as the model streams it. Pieces are never taken back: retries and fallbacks
# happen before the first piece; an interruption keeps what was sent.
Sink = Callable[[str], None]


def ignore(_: str) -> None:
    """A sink that drops the pieces (compare collects whole answers)."""


def announce(sink: Sink, model_key: str, prompt_tokens: int, model_id: str = "", tier: str = "") -> None:
    """Tell a sink that journals its answer (`handlers.stream.SlackStream`) which model is called now, by which id
    (route) and on which service tier, and about how many input tokens the call sends, so that a dead process's
    answer can still be billed (as an estimate) on the same basis."""
    calling = getattr(sink, "calling", None)
    if callable(calling):
        calling(model_key, prompt_tokens, model_id, tier)


def settled(sink: Sink) -> None:
    """Tell a journaling sink that the turn's usage is recorded and the turn remembered: a process dying after this
    leaves only the Slack message to finish, nothing to bill or remember again."""
    done = getattr(sink, "settled", None)
    if callable(done):
        done()


@dataclass(frozen=True)
class Usage:
    """Token counts and timings of one call (or of several added up).

    `input_tokens` is Bedrock's `inputTokens`: the input billed at the input price, cache reads and writes *not*
    included (they have their own prices). `cache_write_tokens` are written with the 5-minute time-to-live,
    `cache_write_1h_tokens` with the 1-hour one (Bedrock's `cacheDetails`; without them every write is 5-minute).
    Timings are what the bot measured around the call, in milliseconds.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cache_write_1h_tokens: int = 0
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    estimated: bool = False  # True when Bedrock reported no usage (an interrupted stream) and the bot estimated it

    @property
    def prompt_tokens(self) -> int:
        """All input the model read: billed input plus cache reads and writes (what a long-context threshold
        counts)."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens + self.cache_write_1h_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            cache_write_1h_tokens=self.cache_write_1h_tokens + other.cache_write_1h_tokens,
            latency_ms=self.latency_ms + other.latency_ms,
            ttft_ms=self.ttft_ms if self.ttft_ms is not None else other.ttft_ms,
            estimated=self.estimated or other.estimated,
        )


@dataclass(frozen=True)
class Cost:
    """An estimated cost in USD from the catalog's price row for what was billed: the region the call was made
    from, the mode, the service tier Bedrock served, the route (in-Region id, geo or global profile, `profile`
    the id called) and the long-context tier (`context_above`: the threshold whose rates applied, None the base
    rates). `usd` None: the catalog has no price row for that; `reason` says which dimension it lacks.
    `missing` names parts the call used that the row has no price for: not included in `usd`, and said."""

    usd: Decimal | None
    region: str
    mode: str = "on_demand"
    as_of: date | None = None
    source: str | None = None
    tier: str = "standard"
    route: str = "in_region"
    profile: str | None = None
    context_above: int | None = None
    parts: tuple[CostLine, ...] = ()  # each billed part: input, output, cache_read, cache_write (5 min), _1h
    missing: tuple[str, ...] = ()
    reason: str | None = None
    places: tuple[str, str] = ("", "")  # the region's place name in Korean and English ("서울", "Seoul")
    at_source_rate: bool = False  # a geo profile priced at the source Region's in-Region row (no row of its own)

    def part_usd(self, part: str) -> Decimal:
        return sum((p.cost for p in self.parts if p.part == part), Decimal(0))


@dataclass(frozen=True)
class ChatResult:
    """One answer from one model: what the user sees and what the ledger records.

    `model` answered; `requested` was asked for (they differ after a fallback). `text` is partial when
    `interrupted`. `error` is a localised message when no answer came (compare shows it in that model's section).
    `notices` are localised one-liners for the user: which fallback answered, history summarised, memory off.
    """

    lang: str
    feature: str
    model: str
    model_name: str
    requested: str
    text: str
    usage: Usage
    cost: Cost
    stop_reason: str = "end_turn"
    interrupted: bool = False
    error: str | None = None
    notices: tuple[str, ...] = ()
    thread: str | None = None  # the memory key's thread part, when the turn was remembered

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Comparison:
    """The same prompt to several models: one result each (failures included) and a one-line summary."""

    lang: str
    prompt: str
    results: tuple[ChatResult, ...]
    summary: str
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompareEstimate:
    """What a comparison will roughly cost before it runs, and whether to ask first."""

    lang: str
    models: tuple[str, ...]
    prompt: str
    usd: Decimal | None
    threshold_usd: Decimal
    lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def needs_confirmation(self) -> bool:
        return self.usd is None or self.usd > self.threshold_usd
