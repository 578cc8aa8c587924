"""Classifying Price List products: mode, route, dimension, unit, cache TTL, long context, term — or a reason."""

from __future__ import annotations

import pytest

from bot.catalog.refresh.usage import Kind, classify, words

CASES = [
    # usage type, feature, inferenceType, unit, description -> mode, route, dimension, unit, ttl, lctx, term
    ("USE1-Claude4.5Sonnet-input-tokens", "On-demand Inference", "Input tokens", "1K tokens", "",
     ("on_demand", "in_region", "input", "tokens_1k", None, False, None)),
    ("USE1-NovaMicro-batch-output-tokens", "Batch Inference", "Output tokens", "1K tokens", "",
     ("batch", "in_region", "output", "tokens_1k", None, False, None)),
    ("USE1-NovaMicro-flex-input-tokens", "Flex Inference", "Input tokens", "1K tokens", "",
     ("flex", "in_region", "input", "tokens_1k", None, False, None)),
    ("USE1-NovaMicro-priority-output-tokens", "Priority Inference", "Output tokens", "1K tokens", "",
     ("priority", "in_region", "output", "tokens_1k", None, False, None)),
    ("USE1-NovaMicro-Global-input-tokens", "On-demand Inference", "Input tokens", "1K tokens", "",
     ("on_demand", "global", "input", "tokens_1k", None, False, None)),
    ("USE1-MP:USE1_InputTokenCount_Global-Units", "", "", "Units", "Claude, per million tokens",
     ("on_demand", "global", "input", "tokens_1m", None, False, None)),
    ("APN2-MP:APN2_OutputTokenCount_Geo-Units", "", "", "Units", "per million tokens",
     ("on_demand", "geo", "output", "tokens_1m", None, False, None)),
    ("USE1-MP:USE1_CacheWrite1h_InputTokenCount-Units", "", "", "Units", "per million tokens",
     ("on_demand", "in_region", "cache_write", "tokens_1m", "1h", False, None)),
    ("USE1-NovaPro-cache-write-input-tokens", "On-demand Inference", "Cache write input tokens", "1K tokens", "",
     ("on_demand", "in_region", "cache_write", "tokens_1k", "5m", False, None)),
    ("USE1-NovaPro-cache-read-input-tokens", "On-demand Inference", "Cache read input tokens", "1K tokens", "",
     ("on_demand", "in_region", "cache_read", "tokens_1k", None, False, None)),
    ("USE1-MP:USE1_LCtx_OutputTokenCount-Units", "", "", "Units", "per million tokens",
     ("on_demand", "in_region", "output", "tokens_1m", None, True, None)),
    ("USE1-Claude4.5Sonnet-LCtx-batch-input-tokens", "Batch Inference", "Input tokens", "1K tokens", "",
     ("batch", "in_region", "input", "tokens_1k", None, True, None)),
    ("USE1-ProvisionedThroughput-NovaMicro-1Month", "Provisioned Throughput", "", "Hrs", "",
     ("provisioned", "in_region", "price", "model_unit_hour", None, False, "1_month")),
    ("USE1-ProvisionedThroughput-NovaMicro-NoCommit", "Provisioned Throughput", "", "Hrs", "",
     ("provisioned", "in_region", "price", "model_unit_hour", None, False, "no_commit")),
    ("USE1-Guardrails-ContentPolicy-TextUnits", "Guardrails", "", "1K text units", "",
     ("on_demand", "in_region", "price", "text_units_1k", None, False, None)),
    # the direction only in inferenceType, the mode only in feature
    ("USE1-TitanEmbeddingV2-Text-tokens", "On-demand Inference", "Input tokens", "1K tokens", "",
     ("on_demand", "in_region", "input", "tokens_1k", None, False, None)),
    ("USE1-NovaPro-LatOpt-output-tokens", "Latency Optimized Inference", "Output tokens", "1K tokens", "",
     ("latency_optimized", "in_region", "output", "tokens_1k", None, False, None)),
    ("USE1-NovaCanvas-T2I-1024-Standard", "On-demand Inference", "Image generation", "Images", "",
     ("on_demand", "in_region", "price", "image", None, False, None)),
]


@pytest.mark.parametrize(("usage", "feature", "inference", "unit", "description", "expected"), CASES)
def test_classify(usage: str, feature: str, inference: str, unit: str, description: str, expected: tuple) -> None:
    assert classify(usage, feature, inference, unit, description) == Kind(*expected)


def test_an_unknown_unit_is_a_reason_not_a_guess() -> None:
    assert classify("USE1-Mystery-Widget", "Mystery", "", "Widgets", "") == "unknown unit 'Widgets'"


def test_a_token_price_without_a_direction_is_not_mapped() -> None:
    reason = classify("USE1-NovaMicro-tokens", "On-demand Inference", "", "1K tokens", "")
    assert isinstance(reason, str) and "no input/output/cache direction" in reason


def test_words_split_camel_case_and_separators() -> None:
    text = words("USE1-MP:USE1_CacheWrite1h_InputTokenCount-Units")
    assert text == "use 1 mp use 1 cache write 1h input token count units"
