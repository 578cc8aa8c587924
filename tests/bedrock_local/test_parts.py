"""The endpoint's parts on their own: configuration, cache expiry, reply text, chunking and token accounting."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.bedrock_local import Behaviour, LocalBedrock, LocalConfig, ScriptedReply, load_config
from bot.bedrock_local.cache import PromptCache
from bot.bedrock_local.prompt import CachePrefix, account
from bot.bedrock_local.replies import local_text, resolve, truncate
from bot.bedrock_local.streaming import chunks
from bot.catalog.catalog import Catalog
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens


def test_shipped_config_is_quiet() -> None:
    config = load_config()
    assert config.defaults.latency_s == 0 and config.defaults.tokens_per_s == 0 and config.defaults.faults == []
    assert config.models == {}
    assert [g.id for g in config.guardrails] == ["localguard"]


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        LocalConfig.model_validate({"defaults": {"latency": 2}})
    with pytest.raises(ValidationError):
        LocalConfig.model_validate({"defaults": {"faults": [{"kind": "throttle", "count": 1, "probability": 0.5}]}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  nova-lite:\n    tokens_per_second: 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tokens_per_second"):
        load_config(bad)


def test_unknown_model_keys_fail_at_start(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="gpt-4o"):
        LocalBedrock(catalog, LocalConfig.model_validate({"models": {"gpt-4o": {"latency_s": 1}}}))


def test_model_overrides_fall_back_to_the_defaults(catalog: Catalog) -> None:
    config = LocalConfig.model_validate(
        {"defaults": {"latency_s": 2, "tokens_per_s": 50}, "models": {"amazon.nova-pro-v1:0": {"tokens_per_s": 90}}}
    )
    state = LocalBedrock(catalog, config).state
    assert state.behaviour("nova-pro") == Behaviour(latency_s=2, tokens_per_s=90)
    assert state.behaviour("nova-lite") == Behaviour(latency_s=2, tokens_per_s=50)
    assert state.behaviour("nova-pro").first_token_s == 2


def test_cache_entries_expire_and_hits_refresh_them() -> None:
    now = [0.0]
    cache = PromptCache(ttl_s=300, clock=lambda: now[0])
    prefix = [CachePrefix("abc", 100)]
    assert cache.use("m", prefix).write_tokens == 100
    now[0] = 250
    assert cache.use("m", prefix).read_tokens == 100  # refreshed until 550
    now[0] = 500
    assert cache.use("m", prefix).read_tokens == 100
    now[0] = 900
    assert cache.use("m", prefix).write_tokens == 100


def test_short_prefixes_are_not_cached() -> None:
    cache = PromptCache(min_tokens=1024)
    use = cache.use("m", [CachePrefix("abc", 100)])
    assert (use.read_tokens, use.write_tokens) == (0, 0)


def test_account_counts_blocks_and_cache_prefixes() -> None:
    body = {
        "system": [{"text": "You are helpful."}, {"cachePoint": {"type": "default"}}],
        "messages": [{"role": "user", "content": [{"text": "Nova Pro 가격"}, {"cachePoint": {"type": "default"}}]}],
    }
    result = account(body)
    system_tokens = estimate_tokens("You are helpful.")
    assert result.tokens == system_tokens + MESSAGE_OVERHEAD + estimate_tokens("Nova Pro 가격")
    assert [p.tokens for p in result.prefixes] == [system_tokens, result.tokens]
    changed = account({**body, "system": [{"text": "You are terse."}, {"cachePoint": {"type": "default"}}]})
    assert changed.prefixes[0].digest != result.prefixes[0].digest


def test_local_text_is_deterministic_and_labelled(catalog: Catalog) -> None:
    model = catalog.models["nova-micro"]
    long_question = "x" * 200
    text = local_text(model, long_question)
    assert text == local_text(model, long_question)
    assert text.startswith("[local Amazon Nova Micro] ") and "x" * 79 + "…" in text and "x" * 80 not in text


def test_truncate_and_chunks() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    assert estimate_tokens(truncate(text, 5)) == 5 and text.startswith(truncate(text, 5))
    for sample in (text, "  leading and trailing  ", "한국어 문장도 잘 나뉘어야 합니다", ""):
        assert "".join(chunks(sample)) == sample


def test_resolve_defaults_stop_reasons(catalog: Catalog) -> None:
    model = catalog.models["nova-lite"]
    assert resolve(ScriptedReply.tool("f", {}), model, "", None).stop_reason == "tool_use"
    assert resolve(ScriptedReply.guardrail("no"), model, "", None).stop_reason == "guardrail_intervened"
    assert resolve(None, model, "hello", 3).stop_reason == "max_tokens"


def test_set_behaviour_changes_only_the_fields_given(catalog: Catalog) -> None:
    bedrock = LocalBedrock(catalog, LocalConfig.model_validate({"defaults": {"latency_s": 2}}))
    bedrock.add_fault(kind="throttle")
    bedrock.set_behaviour(None, {"tokens_per_s": 40})
    bedrock.set_behaviour("nova-lite", {"ttft_s": 0.5})
    bedrock.set_behaviour("nova-lite", {"latency_s": 1})
    assert bedrock.state.behaviour("nova-lite") == Behaviour(latency_s=1, ttft_s=0.5, tokens_per_s=40)
    assert bedrock.state.behaviour("nova-pro") == Behaviour(latency_s=2, tokens_per_s=40)
    assert bedrock.state.faults.pick("nova-pro", "converse") is not None  # timing changes keep armed faults
    bedrock.set_behaviour(None, {"faults": []})
    assert bedrock.state.faults.pick("nova-pro", "converse") is None
