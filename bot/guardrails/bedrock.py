"""Bedrock Guardrails, when a guardrail id and version are configured (`BRA_GUARDRAIL_ID`, `BRA_GUARDRAIL_VERSION`).

Two ways in: `guardrailConfig` on every Converse call (the model seam adds it, guarding the last user turn, with
the trace on so interventions can be told apart), and `ApplyGuardrail` for a text that reaches no model call (a
question the catalog answers). Both report assessments in the same shapes; `hits` turns them into `Hit`s — kinds
and actions, dropping the `match` texts Bedrock echoes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bot.guardrails.verdict import Action, Hit, Source, Verdict

log = logging.getLogger(__name__)

_ACTIONS: dict[str, Action] = {"BLOCKED": "block", "ANONYMIZED": "mask"}
# assessment policy → (list field, what names the item, kind prefix)
_POLICIES = (
    ("topicPolicy", "topics", "name", "topic"),
    ("contentPolicy", "filters", "type", "content"),
    ("wordPolicy", "customWords", None, "word"),
    ("wordPolicy", "managedWordLists", "type", "word"),
    ("sensitiveInformationPolicy", "piiEntities", "type", "pii"),
    ("sensitiveInformationPolicy", "regexes", "name", "regex"),
    ("contextualGroundingPolicy", "filters", "type", "grounding"),
)


def hits(assessments: Iterable[Mapping[str, Any]]) -> list[Hit]:
    """Every intervention the assessments report (action BLOCKED or ANONYMIZED), without the matched text."""
    found: list[Hit] = []
    for assessment in assessments:
        for policy, field, name, prefix in _POLICIES:
            for item in (assessment.get(policy) or {}).get(field) or []:
                action = _ACTIONS.get(str(item.get("action", "")))
                if action is None:
                    continue
                detail = f":{item.get(name)}" if name and item.get(name) else ""
                found.append(Hit(f"bedrock:{prefix}{detail}", action, "bedrock"))
    return found


def trace_hits(trace: Mapping[str, Any] | None) -> dict[Source, list[Hit]]:
    """A Converse trace's guardrail assessments by source (`inputAssessment` / `outputAssessments`)."""
    guardrail = (trace or {}).get("guardrail") or {}
    inputs = [a for a in (guardrail.get("inputAssessment") or {}).values() if isinstance(a, Mapping)]
    outputs = [
        a
        for group in (guardrail.get("outputAssessments") or {}).values()
        for a in (group if isinstance(group, list) else [group])
        if isinstance(a, Mapping)
    ]
    return {"INPUT": hits(inputs), "OUTPUT": hits(outputs)}


class BedrockGuardrail:
    """One configured guardrail over the shared bedrock-runtime client."""

    def __init__(self, client: Any, identifier: str, version: str) -> None:
        self.client, self.identifier, self.version = client, identifier, version

    def converse_config(self) -> dict[str, str]:
        return {"guardrailIdentifier": self.identifier, "guardrailVersion": self.version, "trace": "enabled"}

    def apply(self, text: str, source: Source) -> Verdict:
        """ApplyGuardrail on `text`. An intervention that blocks returns Bedrock's blocked message as the reason;
        one that only anonymises returns the masked text. Raises what boto3 raises (the caller decides)."""
        response = self.client.apply_guardrail(
            guardrailIdentifier=self.identifier,
            guardrailVersion=self.version,
            source=source,
            content=[{"text": {"text": text}}],
        )
        if response.get("action") != "GUARDRAIL_INTERVENED":
            return Verdict(source, text)
        found = hits(response.get("assessments") or [])
        output = "".join(str(o.get("text", "")) for o in response.get("outputs") or [])
        reason = next((h for h in found if h.action == "block"), None)
        if reason is None and not found:  # intervened without saying how: treat as a block
            reason = Hit("bedrock:guardrail", "block", "bedrock")
            found = [reason]
        if reason is not None:
            return Verdict(source, text, tuple(found), reason, (output, output) if output else None)
        return Verdict(source, output or text, tuple(found))
