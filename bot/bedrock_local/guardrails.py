"""Local stand-ins for Bedrock Guardrails: word filters and PII regexes, judged like ApplyGuardrail judges.

A guardrail here is configured in `bedrock-local.yaml` (id, version, blocked words, PII regexes, blocked
messages) so that the bot's Bedrock Guardrails path — ApplyGuardrail and `guardrailConfig` on Converse — can be
exercised offline with replies in Bedrock's shapes: `action`, `outputs`, `assessments` and the six `*Units`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_BLOCKED = "Sorry, the model cannot answer this question."  # Bedrock's default blocked messaging
TEXT_UNIT_CHARS = 1000  # Bedrock bills guardrails per text unit of up to 1,000 characters
GuardrailAction = Literal["NONE", "GUARDRAIL_INTERVENED"]
PII_ENTITY_TYPES = frozenset(
    "ADDRESS AGE AWS_ACCESS_KEY AWS_SECRET_KEY CA_HEALTH_NUMBER CA_SOCIAL_INSURANCE_NUMBER CREDIT_DEBIT_CARD_CVV "
    "CREDIT_DEBIT_CARD_EXPIRY CREDIT_DEBIT_CARD_NUMBER DRIVER_ID EMAIL INTERNATIONAL_BANK_ACCOUNT_NUMBER IP_ADDRESS "
    "LICENSE_PLATE MAC_ADDRESS NAME PASSWORD PHONE PIN SWIFT_CODE UK_NATIONAL_HEALTH_SERVICE_NUMBER "
    "UK_NATIONAL_INSURANCE_NUMBER UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER URL USERNAME US_BANK_ACCOUNT_NUMBER "
    "US_BANK_ROUTING_NUMBER US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER US_PASSPORT_NUMBER US_SOCIAL_SECURITY_NUMBER "
    "VEHICLE_IDENTIFICATION_NUMBER".split()
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PiiRule(_Strict):
    """A sensitive-information filter: text matching `pattern` is masked as `{TYPE}` or blocks the content.
    Types Bedrock knows (EMAIL, PHONE, ...) are reported as `piiEntities`, others as named `regexes`."""

    type: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    pattern: str
    action: Literal["ANONYMIZED", "BLOCKED"] = "ANONYMIZED"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class LocalGuardrail(_Strict):
    """One guardrail. `id` follows Bedrock's identifier rule (lower-case letters and digits); `version` is
    "DRAFT", a number, or "*" for any version."""

    id: str = Field(pattern=r"^[a-z0-9]+$")
    version: str = Field("*", pattern=r"^(\*|DRAFT|[1-9][0-9]{0,7})$")
    blocked_words: list[str] = []
    blocked_input_message: str = DEFAULT_BLOCKED
    blocked_output_message: str = DEFAULT_BLOCKED
    pii: list[PiiRule] = []


class GuardrailOutcome(_Strict):
    """A scripted guardrail result, returned instead of evaluating the configured policy."""

    action: GuardrailAction = "GUARDRAIL_INTERVENED"
    outputs: list[str] = []
    assessments: list[dict[str, Any]] = []


@dataclass(frozen=True)
class Verdict:
    """The guardrail's judgement of some texts: what to return, and the assessment that explains it."""

    action: GuardrailAction
    outputs: list[str]
    assessments: list[dict[str, Any]] = field(default_factory=list)
    blocked: bool = False
    usage: dict[str, int] = field(default_factory=dict)

    def response(self) -> dict[str, Any]:
        """ApplyGuardrail's reply body."""
        outputs = [{"text": text} for text in self.outputs]
        return {"usage": self.usage, "action": self.action, "outputs": outputs, "assessments": self.assessments}


def _word_hit(word: str, text: str) -> bool:
    # ASCII words match whole words only; Korean attaches particles, so other words match as substrings
    if word.isascii():
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None
    return word.lower() in text.lower()


def usage_units(guardrail: LocalGuardrail, texts: list[str]) -> dict[str, int]:
    """The six required `*Units` fields: text units for the policies this guardrail has, 0 for the others."""
    units = sum(max(1, math.ceil(len(t) / TEXT_UNIT_CHARS)) for t in texts if t)
    return {
        "topicPolicyUnits": 0,
        "contentPolicyUnits": 0,
        "wordPolicyUnits": units if guardrail.blocked_words else 0,
        "sensitiveInformationPolicyUnits": units if guardrail.pii else 0,
        "sensitiveInformationPolicyFreeUnits": 0,
        "contextualGroundingPolicyUnits": 0,
    }


def evaluate(guardrail: LocalGuardrail, source: Literal["INPUT", "OUTPUT"], texts: list[str]) -> Verdict:
    """Judge `texts` (one per content block): blocked words and BLOCKED PII block everything with the source's
    blocked message; ANONYMIZED PII is masked as `{TYPE}` in the returned outputs."""
    words = [
        {"match": w, "action": "BLOCKED", "detected": True}
        for w in guardrail.blocked_words
        if any(_word_hit(w, t) for t in texts)
    ]
    entities: list[dict[str, Any]] = []
    regexes: list[dict[str, Any]] = []
    masked = list(texts)
    for rule in guardrail.pii:
        for i, text in enumerate(masked):
            for hit in re.finditer(rule.pattern, text):
                found = {"match": hit.group(0), "action": rule.action, "detected": True}
                if rule.type in PII_ENTITY_TYPES:
                    entities.append({**found, "type": rule.type})
                else:
                    regexes.append({**found, "name": rule.type, "regex": rule.pattern})
            if rule.action == "ANONYMIZED":
                masked[i] = re.sub(rule.pattern, "{" + rule.type + "}", text)
    assessment: dict[str, Any] = {}
    if words:
        assessment["wordPolicy"] = {"customWords": words, "managedWordLists": []}
    if entities or regexes:
        assessment["sensitiveInformationPolicy"] = {"piiEntities": entities, "regexes": regexes}
    usage = usage_units(guardrail, texts)
    chars = sum(len(t) for t in texts)
    assessment["invocationMetrics"] = {
        "guardrailProcessingLatency": 1,
        "usage": usage,
        "guardrailCoverage": {"textCharacters": {"guarded": chars, "total": chars}},
    }
    blocked = bool(words) or any(e["action"] == "BLOCKED" for e in [*entities, *regexes])
    if blocked:
        message = guardrail.blocked_input_message if source == "INPUT" else guardrail.blocked_output_message
        return Verdict("GUARDRAIL_INTERVENED", [message], [assessment], blocked=True, usage=usage)
    if entities or regexes:
        return Verdict("GUARDRAIL_INTERVENED", masked, [assessment], usage=usage)
    return Verdict("NONE", [], [assessment], usage=usage)


def scripted(outcome: GuardrailOutcome, guardrail: LocalGuardrail | None, texts: list[str]) -> Verdict:
    """A scripted outcome as a verdict; a scripted intervention counts as a block of the content."""
    usage = usage_units(guardrail or LocalGuardrail(id="scripted"), texts)
    assessments = list(outcome.assessments) or [{}]
    blocked = outcome.action == "GUARDRAIL_INTERVENED"
    return Verdict(outcome.action, list(outcome.outputs), assessments, blocked=blocked, usage=usage)
