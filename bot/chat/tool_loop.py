"""The catalog assistant's tool rounds: the model asks for catalog tools (`bot.chat.tools`), the bot runs them and
calls again, at most `BRA_TOOL_ROUNDS` times, within the turn's deadline. Everything that crosses the model's
boundary here passes the guardrails like the streamed answer: the tool inputs the model wrote (masked before they
run or go back to it), the tool results going to it, and the text of its tool-call message."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from langchain_core.messages import AIMessage, ToolMessage

from bot.caller import Caller
from bot.chat.deadline import Deadline, complete_within
from bot.chat.model import Completion, ModelError, ModelRequest, ToolCall
from bot.chat.tools import run_tool
from bot.chat.types import Sink, Usage
from bot.guardrails.guard import Guard, where
from bot.guardrails.verdict import Source

if TYPE_CHECKING:
    from bot.chat.chat import Chat

log = logging.getLogger(__name__)


def tool_loop(
    chat: Chat,
    caller: Caller,
    feature: str,
    request: ModelRequest,
    done: Completion,
    sink: Sink,
    lang: str,
    deadline: Deadline,
) -> Completion:
    """Run the assistant's tool calls against the catalog and call again, at most `tool_rounds` times. Tool
    inputs (written by the model) and results (going to it) pass the guardrails like any other text."""
    messages = list(request.messages)
    usage, texts = done.usage, [done.text] if done.text else []
    trace = {source: list(hits) for source, hits in done.guardrail.items()}
    rounds = 0
    while done.tool_calls and done.message is not None and rounds < chat.settings.tool_rounds:
        rounds += 1
        key = request.model_key
        calls = [
            replace(call, args={
                k: guarded(chat, caller, key, feature, v, "OUTPUT", lang) if isinstance(v, str) else v
                for k, v in call.args.items()
            })
            for call in done.tool_calls
        ]  # fmt: skip
        messages.append(masked_message(chat.guard, done.message, calls, lang))
        for call in calls:
            result = run_tool(chat.engine, call.name, call.args, lang)
            log.info("catalog tool used", extra={"tool": call.name, "ok": result.ok})
            content = guarded(chat, caller, key, feature, result.text, "INPUT", lang)
            messages.append(
                ToolMessage(content=content, tool_call_id=call.id, status="success" if result.ok else "error")
            )
        if texts:
            sink("\n\n")
        try:
            done = complete_within(
                chat.model,
                replace(request, messages=list(messages)),
                sink,
                deadline,
                first_token_s=chat.limits.first_token_s,
                every_s=chat.limits.progress_every_s,
            )
        except ModelError as exc:
            done = Completion(text="", usage=Usage(), stop_reason="interrupted", interrupted=True, error=exc)
        usage = usage + done.usage
        if done.text:
            texts.append(done.text)
        for source, hits in done.guardrail.items():
            trace.setdefault(source, []).extend(hits)
    return Completion(
        text="\n\n".join(texts),
        usage=usage,
        stop_reason=done.stop_reason,
        interrupted=done.interrupted,
        error=done.error,
        guardrail=trace,
        calls=1 + rounds,
    )

def masked_message(guard: Guard, message: AIMessage, calls: list[ToolCall], lang: str) -> AIMessage:
    """The assistant's tool-call message as it goes back to the model: its text masked, its tool inputs the
    guarded ones (langchain-aws writes `tool_calls` over the toolUse blocks' inputs)."""
    content = message.content
    if isinstance(content, list):
        content = [
            {**b, "text": guard.check(str(b["text"]), "OUTPUT", lang).text}
            if isinstance(b, dict) and b.get("type") == "text" and "text" in b
            else b
            for b in content
        ]
    elif content:
        content = guard.check(content, "OUTPUT", lang).text
    tool_calls = [{"id": c.id, "name": c.name, "args": c.args, "type": "tool_call"} for c in calls]
    return AIMessage(content=content, tool_calls=tool_calls)


def guarded(chat: Chat, caller: Caller, model: str, feature: str, text: str, source: Source, lang: str) -> str:
    """A text that goes to or comes from a model outside the streamed answer (tool inputs and results,
    summaries): masked, interventions recorded. A blocked one becomes the policy's message."""
    verdict = chat.guard.judge(text, source, lang, where=where(caller, model=model, feature=feature))
    return chat.guard.blocked(verdict).message(lang) if verdict.blocked else verdict.text
