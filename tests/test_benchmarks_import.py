"""The chat benchmarks import and parse their options (they are run by hand; nothing here times anything)."""

from __future__ import annotations

import importlib

import pytest

BENCHMARKS = [
    "bench_billing",
    "bench_catalog_refresh",
    "bench_chat_concurrency",
    "bench_chat_overhead",
    "bench_chat_tokens",
    "bench_digest",
    "bench_guardrails",
    "bench_hostile_http",
    "bench_pii_engines",
    "bench_usage_record",
]


@pytest.mark.parametrize("name", BENCHMARKS)
def test_a_chat_benchmark_imports_and_shows_its_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert "goal" in capsys.readouterr().out
