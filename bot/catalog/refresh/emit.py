"""Writing the generated layer: YAML in block style whose leaves are JSON (YAML's flow subset), so each price row
and availability entry is one line — a refresh's diff shows exactly the rows that changed — and tens of thousands
of rows are written at `json.dumps` speed instead of PyYAML's representer's."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

ROW_LISTS = ("prices", "availability", "conflicts", "region_features")  # one JSON line per entry


def _flow(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()  # a plain YAML date, read back as a date
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=_default)


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to the layer")


def _mapping(item: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for key, value in item.items():
        if key in ROW_LISTS and isinstance(value, list) and value:
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}- {_flow(row)}" for row in value)
        else:
            lines.append(f"{indent}{key}: {_flow(value)}")
    return lines


def dump(document: dict[str, Any]) -> str:
    """The layer document as YAML text: top-level keys, lists of items, items as block mappings."""
    lines: list[str] = []
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(_mapping(value, "  "))
        elif isinstance(value, list) and value:
            lines.append(f"{key}:")
            for item in value:
                body = _mapping(item, "  ") if isinstance(item, dict) else [f"  {_flow(item)}"]
                lines.append("- " + body[0][2:])
                lines.extend(body[1:])
        else:
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"
