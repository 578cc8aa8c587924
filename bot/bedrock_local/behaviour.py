"""How the local endpoint behaves per model: timing, injected faults and the service tier it serves, and the YAML
file that sets them (with the Region the endpoint stands for and its prompt cache).

Timing makes benchmarks realistic (a 2 s model, a slow stream); faults let tests and benchmarks exercise the
bot's retries, fallbacks and stream error handling against the real boto3 / langchain-aws stack. Everything is
validated with unknown keys rejected, so a typo in `config/bedrock-local.yaml` fails at start-up instead of
silently doing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.bedrock_local.eventstream import StreamExceptionType
from bot.bedrock_local.guardrails import LocalGuardrail
from bot.bedrock_local.tiers import ServiceTierType

Operation = Literal["converse", "converse_stream", "count_tokens", "apply_guardrail"]
FaultKind = Literal["throttle", "server_error", "model_timeout", "timeout", "stream_exception"]
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "config" / "bedrock-local.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fault(_Strict):
    """One injected failure. Fires for the next `count` matching calls, or with `probability` per call (seeded,
    so a run is repeatable); with neither it fires on every matching call."""

    kind: FaultKind
    count: int | None = Field(None, ge=1, description="fire for the next N matching calls, then disappear")
    probability: float | None = Field(None, ge=0, le=1, description="chance per matching call")
    seed: int | None = Field(None, description="RNG seed for `probability` (default: the config's seed)")
    operations: list[Operation] | None = Field(
        None, description="calls it applies to; default converse and converse_stream"
    )
    status: Literal[500, 503] = Field(500, description="server_error: 500 InternalServer, 503 ServiceUnavailable")
    seconds: float = Field(5.0, ge=0, description="timeout: how long to stall before answering normally")
    after_tokens: int = Field(5, ge=0, description="stream_exception: output tokens sent before the exception")
    exception: StreamExceptionType = Field("modelStreamErrorException", description="stream_exception's type")
    message: str | None = Field(None, description="error message (default: Bedrock's usual wording)")

    @model_validator(mode="after")
    def _one_trigger(self) -> Fault:
        if self.count is not None and self.probability is not None:
            raise ValueError("a fault has `count` or `probability`, not both")
        return self

    def applies_to(self, operation: Operation) -> bool:
        if self.kind == "stream_exception":
            return operation == "converse_stream"
        return operation in (self.operations or ("converse", "converse_stream"))


class Behaviour(_Strict):
    """Timing and faults for one model (or, under `defaults`, for every model)."""

    latency_s: float = Field(0.0, ge=0, description="Converse: wait before the reply; stream: before the 1st token")
    ttft_s: float | None = Field(None, ge=0, description="stream only: time to first token (default latency_s)")
    tokens_per_s: float = Field(0.0, ge=0, description="stream pacing after the first token; 0 = no pacing")
    faults: list[Fault] = []
    serve_tier: dict[ServiceTierType, ServiceTierType] = Field(
        default_factory=dict,
        description="requested tier -> tier reported as served, e.g. {priority: default} (priority over capacity)",
    )

    @property
    def first_token_s(self) -> float:
        return self.latency_s if self.ttft_s is None else self.ttft_s

    def over(self, base: Behaviour) -> Behaviour:
        """This behaviour's explicitly set timing fields over `base`'s (faults are kept apart, not merged)."""
        timing = {name: getattr(self, name) for name in self.model_fields_set if name != "faults"}
        return base.model_copy(update={**timing, "faults": self.faults})


class PromptCacheConfig(_Strict):
    """Prompt caching simulation: prefixes up to a cachePoint are remembered per model for their point's TTL."""

    ttl_s: float = Field(300.0, gt=0, description='life of a "5m" cachePoint (and one without ttl): 5 minutes')
    ttl_1h_s: float = Field(3600.0, gt=0, description='life of a "1h" cachePoint: 1 hour')
    min_tokens: int = Field(0, ge=0, description="prefixes shorter than this are not cached (Bedrock: ~1K)")


class LocalConfig(_Strict):
    """The whole `bedrock-local.yaml`."""

    seed: int = Field(0, description="seed of the RNG behind probabilistic faults")
    region: str | None = Field(
        None,
        pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$",
        description="the Region the endpoint stands for; None: each request's signing Region (else us-east-1)",
    )
    defaults: Behaviour = Behaviour()
    models: dict[str, Behaviour] = Field(default_factory=dict, description="catalog key or model id → overrides")
    prompt_cache: PromptCacheConfig = PromptCacheConfig()
    guardrails: list[LocalGuardrail] = []


def load_config(path: Path | None = None) -> LocalConfig:
    """Read and validate the YAML file (default `config/bedrock-local.yaml`; built-in defaults if it is absent
    and no path was given)."""
    target = path or DEFAULT_CONFIG_PATH
    if path is None and not target.exists():
        return LocalConfig()
    try:
        return LocalConfig.model_validate(yaml.safe_load(target.read_text(encoding="utf-8")) or {})
    except (ValidationError, yaml.YAMLError) as exc:
        raise ValueError(f"{target}: invalid local Bedrock configuration:\n{exc}") from exc
