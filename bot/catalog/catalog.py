"""The validated catalog: models, services, family groups, regions and sources, with small accessors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.catalog.layers import Layer
from bot.catalog.schema import Group, LanguageSupport, Model, PriceEntry, Region, Service, Source


@dataclass(frozen=True)
class Catalog:
    """Everything under `config/catalog/`, keyed by id. Built only by `bot.catalog.loader.load_catalog`."""

    sources: dict[str, Source]
    regions: dict[str, Region]
    groups: dict[str, Group]
    services: dict[str, Service]
    models: dict[str, Model]
    languages: dict[str, LanguageSupport] = field(default_factory=dict)  # by model key; absent means unknown
    layers: tuple[Layer, ...] = ()
    _by_id: dict[str, Model] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for model in self.models.values():
            for model_id in [*model.ids, *model.inference_profiles]:
                self._by_id[model_id.lower()] = model

    def model_by_id(self, model_id: str) -> Model | None:
        """A model by Bedrock model id or inference profile id (case-insensitive)."""
        return self._by_id.get(model_id.strip().lower())

    def region_name(self, code: str, lang: str) -> str:
        region = self.regions.get(code)
        if region is None:
            return code
        return f"{region.name_ko if lang == 'ko' else region.name_en} ({code})"

    def profiles_from(self, code: str) -> tuple[str, ...]:
        """The inference-profile prefixes a caller in Region `code` can use (regions.yaml `profiles`)."""
        region = self.regions.get(code)
        return tuple(region.profiles) if region is not None else ()

    def place(self, code: str, lang: str) -> str:
        """The place in a Region's name ("아시아 태평양(서울)" → "서울", "Asia Pacific (Seoul)" → "Seoul"), or the
        code when the catalog does not know the Region."""
        region = self.regions.get(code)
        if region is None:
            return code
        name = region.name_ko if lang == "ko" else region.name_en
        inner = name[name.rfind("(") + 1 : -1] if name.endswith(")") and "(" in name else name
        return inner.strip() or code

    def as_of(self, entry: PriceEntry | None = None, source_key: str | None = None) -> date:
        """The as-of date of a price (its own, else its source's) or of a source."""
        if entry is not None and entry.as_of is not None:
            return entry.as_of
        key = entry.source if entry is not None else source_key
        return self.sources[key].as_of if key in self.sources else self.latest_as_of()

    def latest_as_of(self) -> date:
        return max(s.as_of for s in self.sources.values())

    def prices_as_of(self) -> date:
        """As-of date of the highest-authority price source: what "the catalog's prices are as of" means."""
        best = min(self.sources.values(), key=lambda s: (s.authority, -s.as_of.toordinal()))
        return best.as_of
