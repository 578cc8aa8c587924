"""The layer writer: what it writes reads back, through YAML, as the document it was given, one row per line."""

from __future__ import annotations

from datetime import date

import yaml

from bot.catalog.refresh.emit import dump

DOC = {
    "layer": {"name": "aws-price-list", "authority": 1, "generated_at": date(2026, 12, 2)},
    "regions": [],
    "models": [
        {"key": "nova-micro", "name": 'Nova "Micro": 노바 마이크로 #1', "ids": ["amazon.nova-micro-v1:0"],
         "features": {"streaming": True, "fine_tuning": []}, "context_window": None,
         "availability": [{"region": "ap-northeast-2", "status": "ga", "as_of": "2026-12-02"}],
         "prices": [{"regions": ["us-east-1"], "mode": "on_demand", "input": "0.000035", "ref": "USE1-x (SKU); y"},
                    {"regions": ["ap-northeast-2"], "mode": "batch", "output": "0.00007"}]},
        {"key": "empty", "prices": []},
    ],
}


def test_round_trip_through_yaml() -> None:
    assert yaml.safe_load(dump(DOC)) == DOC


def test_each_price_row_is_one_line() -> None:
    lines = dump(DOC).splitlines()
    rows = [line for line in lines if line.startswith("  - {")]
    assert len(rows) == 3 and any('"input": "0.000035"' in r for r in rows)
    assert "generated_at: 2026-12-02" in lines[1:4] or "  generated_at: 2026-12-02" in lines
