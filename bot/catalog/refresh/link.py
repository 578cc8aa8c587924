"""Which catalog item a price record belongs to: a curated model or service, a model AWS lists that the catalog
does not have yet (keyed by its model id), or none (then the product is listed as unmapped).

Names are matched the way the catalog matches exact names (`bot.catalog.lookup.normalize` over names, aliases,
ids and keys, as `NameIndex.exact` does, without building its mention regex), with and without the provider
("Titan Text Embeddings V2" = "Amazon Titan Text Embeddings V2"), then through
`ListFoundationModels` (`modelName` → model id → the catalog model with that id).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from bot.catalog.catalog import Catalog
from bot.catalog.lookup import normalize
from bot.catalog.refresh.records import PriceRecord, Snapshot, Unmapped

RefKind = Literal["model", "service", "new_model"]


@dataclass(frozen=True, order=True, slots=True)
class ItemRef:
    kind: RefKind
    key: str  # catalog key, or the Bedrock model id of a model the catalog does not have


class Linker:
    def __init__(self, catalog: Catalog, snapshot: Snapshot) -> None:
        self.catalog = catalog
        self._names: dict[tuple[RefKind, str], str] = {}
        for m in catalog.models.values():
            for name in (m.name, *m.aliases, *m.ids, *m.inference_profiles, m.key):
                self._names.setdefault(("model", normalize(name)), m.key)
        for svc in catalog.services.values():
            for name in (svc.name, *svc.aliases, svc.key):
                self._names.setdefault(("service", normalize(name)), svc.key)
        self._providers = {m.provider for m in catalog.models.values()}
        self._listed = {normalize(m.name): m.model_id for m in snapshot.models.values()}
        self._cache: dict[tuple[str, bool], ItemRef | None] = {}

    def ref(self, record: PriceRecord) -> ItemRef | None:
        service = record.service_code == "AmazonBedrockService"
        key = (record.product, service)
        if key not in self._cache:
            self._cache[key] = self._find(record.product, service)
        return self._cache[key]

    def _find(self, name: str, service: bool) -> ItemRef | None:
        wanted: RefKind = "service" if service else "model"
        for candidate in (name, *(f"{p} {name}" for p in sorted(self._providers))):
            key = self._names.get((wanted, normalize(candidate)))
            if key is not None:
                return ItemRef(wanted, key)
        if service:
            return None
        model_id = self._listed.get(normalize(name))
        if model_id is None:
            return None
        model = self.catalog.model_by_id(model_id)
        return ItemRef("model", model.key) if model else ItemRef("new_model", model_id)


def link(catalog: Catalog, snapshot: Snapshot) -> tuple[dict[ItemRef, list[PriceRecord]], list[Unmapped]]:
    """Price records grouped by item, and the records no item claims (as unmapped products)."""
    linker = Linker(catalog, snapshot)
    grouped: dict[ItemRef, list[PriceRecord]] = defaultdict(list)
    unmapped: list[Unmapped] = []
    for record in snapshot.prices:
        ref = linker.ref(record)
        if ref is None:
            what = "service" if record.service_code == "AmazonBedrockService" else "model"
            unmapped.append(Unmapped(record.service_code, record.sku, record.usage_type, record.region,
                                     record.product, f"no catalog {what} or listed model is named {record.product!r}"))
        else:
            grouped[ref].append(record)
    return dict(grouped), unmapped
