"""The question-answering use case: text in, structured `Answer` out. Slack-free and model-free."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.catalog.lookup import NameIndex
from bot.qa.answer import Answer
from bot.qa.answers.common import Ctx, models_of
from bot.qa.answers.dimensions import dimension_answer
from bot.qa.answers.info import concept_answer, did_you_mean, help_answer, not_understood_answer, unknown_answer
from bot.qa.answers.lifecycle import lifecycle_answer
from bot.qa.answers.listing import listing_answer
from bot.qa.answers.models import availability_answer, compare_answer, recommend_answer, specs_answer
from bot.qa.answers.prices import estimate_answer, price_answer, service_answer
from bot.qa.concepts import ConceptIndex, closest_concept, load_concepts
from bot.qa.intents import Intent
from bot.qa.krw import ExchangeRate, in_krw, wants_krw
from bot.qa.parse import Query, QuestionParser

MAX_QUESTION = 2000


class Engine:
    """Answers catalog questions. Build once (`Engine.load`), then call `ask` from any front end."""

    def __init__(
        self,
        catalog: Catalog,
        concepts: ConceptIndex,
        *,
        default_region: str = "us-east-1",
        default_lang: str = "ko",
        month_days: int = 30,
        krw: ExchangeRate | None = None,
    ) -> None:
        if default_region not in catalog.regions:
            raise ValueError(f"default region {default_region!r} is not in the catalog's regions")
        names = NameIndex(catalog)
        self.catalog = catalog
        self.concepts = concepts
        self.ctx = Ctx(catalog, names, default_region, month_days)
        self.parser = QuestionParser(catalog, names, concepts, default_lang)
        self.krw = krw

    @classmethod
    def load(cls, catalog_dir: Path | None = None, concepts_dir: Path | None = None, **kwargs: object) -> Engine:
        catalog = load_catalog(catalog_dir)
        concepts = ConceptIndex(load_concepts(concepts_dir, catalog))
        return cls(catalog, concepts, **kwargs)  # type: ignore[arg-type]

    def ask(self, text: str) -> Answer:
        """Answer one question. Long input is cut: catalog questions are short, and parsing stays fast."""
        return self.run(self.parser.parse(text[:MAX_QUESTION]))

    def closest(self, text: str) -> Answer:
        """For a question nothing answered and no model will (offline): the closest concept, or the closest
        catalog names, with a "did you mean" — never a guess presented as the answer."""
        q = self.parser.parse(text[:MAX_QUESTION])
        concept = closest_concept(self.concepts, q.norm)
        if concept is not None:
            return did_you_mean(concept_answer(self.ctx, q, concept), concept.title.get(q.lang))
        names = self.ctx.names.closest(text)
        return not_understood_answer(self.ctx, q, suggestions=names)

    def run(self, q: Query) -> Answer:
        """Answer an already-read query (slash commands build queries directly); in 원 too when asked."""
        answer = self._answer(q)
        if answer.ok and answer.intent not in ("help", "unknown_model") and wants_krw(q, self.krw):
            return in_krw(answer, self.krw)
        return answer

    def _answer(self, q: Query) -> Answer:
        ctx = self.ctx
        models = models_of(ctx, q)
        match q.intent:
            case Intent.help:
                return help_answer(ctx, q.lang)
            case Intent.concept if q.concept is not None:
                return concept_answer(ctx, q, q.concept)
            case Intent.service if ctx.catalog.services[q.services[0]].prices or q.concept is None:
                return service_answer(ctx, q, ctx.catalog.services[q.services[0]])
            case Intent.service if q.concept is not None:
                return concept_answer(ctx, q, q.concept)
            case Intent.lifecycle:
                return lifecycle_answer(ctx, q, models)
            case Intent.dimension:
                return dimension_answer(ctx, q)
            case Intent.compare:
                return compare_answer(ctx, q, models)
            case Intent.recommend:
                return recommend_answer(ctx, q)
            case Intent.list_models:
                return listing_answer(ctx, q)
            case Intent.estimate:
                return estimate_answer(ctx, q, models)
            case Intent.availability:
                return availability_answer(ctx, q, models)
            case Intent.specs | Intent.price if len(models) > 1:
                return compare_answer(ctx, q, models, ambiguous=_group_name(self, q))
            case Intent.specs:
                return specs_answer(ctx, q, models[0])
            case Intent.price:
                return price_answer(ctx, q, models[0])
            case Intent.unknown_model:
                return unknown_answer(ctx, q)
        return not_understood_answer(ctx, q)


def _group_name(engine: Engine, q: Query) -> str | None:
    if q.groups and not q.models:
        return engine.catalog.groups[q.groups[0]].aliases[0]
    return None
