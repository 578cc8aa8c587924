"""The `/_local/*` control routes: the Python test API over HTTP, for when the endpoint runs as its own process
(`bedrock-assistant bedrock-local`) and a benchmark or another process wants to script it.

Bodies are JSON; the objects inside are validated by the same pydantic models the YAML and the Python API use.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.bedrock_local.behaviour import Behaviour, Fault
from bot.bedrock_local.errors import BedrockError, validation
from bot.bedrock_local.guardrails import GuardrailOutcome, LocalGuardrail
from bot.bedrock_local.replies import ScriptedReply
from bot.bedrock_local.state import EndpointState

ROUTES = {
    ("GET", "health"),
    ("GET", "requests"),
    ("POST", "script"),
    ("POST", "behaviour"),
    ("POST", "fault"),
    ("POST", "guardrail"),
    ("POST", "guardrail/script"),
    ("POST", "reset"),
}


def _model(body: dict[str, Any]) -> str | None:
    model = body.get("model")
    return None if model in (None, "", "*") else str(model)


def handle(state: EndpointState, method: str, route: str, body: dict[str, Any]) -> dict[str, Any]:
    """Run one control call; a reply body, or `BedrockError` (404 unknown route, 400 invalid body)."""
    if (method, route) not in ROUTES:
        raise BedrockError(404, "UnknownOperationException", f"no control route {method} /_local/{route}")
    try:
        return _run(state, method, route, body)
    except (ValidationError, ValueError, TypeError) as exc:
        raise validation(str(exc)) from exc


def _run(state: EndpointState, method: str, route: str, body: dict[str, Any]) -> dict[str, Any]:
    if route == "health":
        return {"status": "ok", "models": len(state.catalog.models)}
    if route == "requests":
        return {"requests": [r.to_json() for r in state.requests()]}
    if route == "reset":
        state.reset()
    elif route == "script":
        reply = body.get("reply")
        state.script(
            ScriptedReply(text=reply) if isinstance(reply, str) else ScriptedReply.model_validate(reply), _model(body)
        )
    elif route == "behaviour":
        state.set_behaviour(_model(body), Behaviour.model_validate(body.get("behaviour") or {}))
    elif route == "fault":
        fault = Fault.model_validate(body.get("fault"))
        model = _model(body)
        state.faults.add(None if model is None else state.model_key(model), fault)
    elif route == "guardrail":
        state.add_guardrail(LocalGuardrail.model_validate(body.get("guardrail")))
    elif route == "guardrail/script":
        state.script_guardrail(GuardrailOutcome.model_validate(body.get("outcome") or {}), body.get("guardrail_id"))
    return {"ok": True}
