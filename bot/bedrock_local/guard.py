"""`guardrailConfig` on Converse: the local guardrail judges the user's turn before the "model" runs and the
reply after, and the trace reports both, in Bedrock's shapes.

A blocked input ends the call with the guardrail's input message (no model run, zero tokens); masked input is
what the reply then echoes; a blocked or masked output replaces the reply's text. Any intervention on the output
sets stopReason `guardrail_intervened`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.bedrock_local.errors import validation
from bot.bedrock_local.guardrails import DEFAULT_BLOCKED, LocalGuardrail, Verdict, evaluate, scripted
from bot.bedrock_local.prompt import Body
from bot.bedrock_local.replies import Reply
from bot.bedrock_local.state import EndpointState

UNKNOWN_GUARDRAIL = "The guardrail identifier or version provided in the request does not exist."


@dataclass
class ConverseGuard:
    """One Converse call's guardrail: judges input and output and collects the trace."""

    gid: str
    guardrail: LocalGuardrail | None
    trace_mode: str
    state: EndpointState
    assessments: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, state: EndpointState, body: Body) -> ConverseGuard | None:
        config = body.get("guardrailConfig")
        if not config:
            return None
        identifier = str(config.get("guardrailIdentifier", ""))
        guardrail = state.guardrail(identifier, str(config.get("guardrailVersion", "")))
        gid = identifier.rsplit("/", 1)[-1]
        if guardrail is None and not state.has_guardrail_script(gid):
            raise validation(UNKNOWN_GUARDRAIL)
        return cls(gid, guardrail, str(config.get("trace", "disabled")), state)

    def check_input(self, texts: list[str]) -> Verdict:
        outcome = self.state.next_guardrail_script(self.gid)
        if outcome is not None:
            verdict = scripted(outcome, self.guardrail, texts)
        elif self.guardrail is not None:
            verdict = evaluate(self.guardrail, "INPUT", texts)
        else:
            verdict = Verdict("NONE", [], [{}])
        self.assessments["inputAssessment"] = {self.gid: verdict.assessments[0]}
        return verdict

    def blocked_reply(self, verdict: Verdict) -> Reply:
        fallback = self.guardrail.blocked_input_message if self.guardrail else DEFAULT_BLOCKED
        return Reply(verdict.outputs[0] if verdict.outputs else fallback, None, "guardrail_intervened")

    def check_output(self, reply: Reply) -> Reply:
        if self.guardrail is None or not reply.text:
            return reply
        verdict = evaluate(self.guardrail, "OUTPUT", [reply.text])
        self.assessments["outputAssessments"] = {self.gid: verdict.assessments}
        if self.trace_mode == "enabled_full":
            self.assessments["modelOutput"] = [reply.text]
        if verdict.blocked:
            return Reply(verdict.outputs[0], None, "guardrail_intervened", reply.usage, reply.service_tier)
        if verdict.action == "GUARDRAIL_INTERVENED":
            return Reply(
                " ".join(verdict.outputs), reply.tool_use, "guardrail_intervened", reply.usage, reply.service_tier
            )
        return reply

    def trace(self, reply: Reply) -> dict[str, Any] | None:
        if self.trace_mode not in ("enabled", "enabled_full"):
            return None
        guardrail = dict(self.assessments)
        if reply.stop_reason == "guardrail_intervened":
            guardrail["actionReason"] = "Guardrail intervened."
        return {"guardrail": guardrail}
