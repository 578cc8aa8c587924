"""What the stand-in serves: Price List products per service code and control-plane answers per region.

On disk (`AwsData.from_dir`):
    pricing/<ServiceCode>.json      {"PriceList": [<product document>, ...]}   (documents, served as JSON strings)
    bedrock/<region>.json           {"modelSummaries": [...], "inferenceProfileSummaries": [...]}
Timestamps in the bedrock files are ISO 8601 strings, as the REST-JSON wire carries them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class AwsData:
    """Products are kept as the JSON strings the wire carries, so serving a page costs no encoding."""

    products: dict[str, list[str]] = field(default_factory=dict)
    regions: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    @classmethod
    def from_dir(cls, root: Path) -> AwsData:
        data = cls()
        for path in sorted((root / "pricing").glob("*.json")):
            docs = json.loads(path.read_text(encoding="utf-8"))["PriceList"]
            data.add_products(path.stem, docs)
        for path in sorted((root / "bedrock").glob("*.json")):
            data.regions[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def add_products(self, service_code: str, docs: list[dict[str, Any]]) -> None:
        self.products.setdefault(service_code, []).extend(json.dumps(d, separators=(",", ":")) for d in docs)

    def models(self, region: str) -> list[dict[str, Any]]:
        return self.regions.get(region, {}).get("modelSummaries", [])

    def profiles(self, region: str) -> list[dict[str, Any]]:
        return self.regions.get(region, {}).get("inferenceProfileSummaries", [])
