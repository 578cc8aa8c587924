"""What a user may want to ask next after an answer, as command lines any front end can offer.

Slack shows them as buttons and a "compare with…" pick-list; each carries a `/bedrock` command line (without the
prefix) in the answer's language, so a click runs exactly the path a typed command would.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.pricing import priced_regions
from bot.qa.answer import Answer
from bot.qa.answers.common import L
from bot.qa.engine import Engine

SEOUL = "ap-northeast-2"
MAX_DETAILS = 3  # "details" buttons after a list or a recommendation
MAX_CHOICES = 100  # Slack's limit on options in one select menu

_SUB = {"price": ("가격", "price"), "compare": ("비교", "compare")}


@dataclass(frozen=True)
class Followup:
    """One next step: a label to show and the command line that answers it."""

    label: str
    command: str


@dataclass(frozen=True)
class Followups:
    """Buttons to show, and models to offer in a "compare with…" list (empty when comparing makes no sense)."""

    buttons: tuple[Followup, ...] = ()
    compare_label: str = ""
    compare: tuple[Followup, ...] = ()


def command(lang: str, sub: str, args: str) -> str:
    """A command line in `lang` ("가격 nova-pro ap-northeast-2"): Korean subcommands make Korean replies."""
    ko, en = _SUB[sub]
    return f"{L(lang, ko, en)} {args}"


def followups(engine: Engine, answer: Answer) -> Followups:
    """The follow-ups that fit `answer`: Seoul prices for a price or estimate elsewhere, details of listed
    models, and other models of the same kind to compare with a single-model answer."""
    if not answer.ok or not answer.models:
        return Followups()
    lang, catalog = answer.lang, engine.catalog
    models = [catalog.models[k] for k in answer.models if k in catalog.models]
    buttons: list[Followup] = []
    if answer.intent in ("price", "estimate") and len(models) == 1:
        model = models[0]
        if answer.region not in (None, SEOUL) and SEOUL in priced_regions(model):
            label = L(lang, "서울 리전 가격 보기", "Show Seoul prices")
            buttons.append(Followup(label, command(lang, "price", f"{model.key} {SEOUL}")))
    if answer.intent in ("recommend", "list_models", "compare"):
        for model in models[:MAX_DETAILS]:
            buttons.append(
                Followup(L(lang, f"{model.name} 가격", f"{model.name} prices"), command(lang, "price", model.key))
            )
    if len(models) != 1 or answer.intent not in ("price", "specs", "estimate", "availability"):
        return Followups(tuple(buttons))
    model = models[0]
    others = [m for m in catalog.models.values() if m.kind == model.kind and m.key != model.key]
    others.sort(key=lambda m: m.provider != model.provider)  # the same provider's models first
    choices = tuple(Followup(m.name, command(lang, "compare", f"{model.key},{m.key}")) for m in others[:MAX_CHOICES])
    return Followups(tuple(buttons), L(lang, f"{model.name}와(과) 비교…", f"Compare {model.name} with…"), choices)
