"""Summaries of the turns that fall out of the context window: by a cheap model when one is configured and
answers, otherwise extractive (the first sentence of each turn), always bounded to `window.SUMMARY_TOKENS`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from langchain_core.messages import HumanMessage, SystemMessage

from bot.chat.model import ChatModel, ModelError, ModelRequest
from bot.chat.tokens import estimate_tokens
from bot.chat.types import Usage, ignore
from bot.chat.window import SUMMARY_TOKENS
from bot.prompts import render
from bot.store.memory import Turn

_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+")
_LINE_CHARS = 160


@dataclass(frozen=True)
class Summary:
    text: str
    tokens: int
    model: str | None = None  # catalog key of the model that wrote it; None = extractive
    usage: Usage | None = None


def extractive(previous: str, turns: Sequence[Turn], lang: str) -> Summary:
    """The previous summary plus one line per folded turn (its first sentence), oldest lines dropped to fit."""
    who = {"user": "사용자" if lang == "ko" else "User", "assistant": "답변" if lang == "ko" else "Assistant"}
    lines = [line for line in previous.splitlines() if line.strip()]
    for turn in turns:
        first = next((s.strip() for s in _SENTENCE.split(turn.text) if s.strip()), "")
        if first:
            lines.append(f"- {who[turn.role]}: {first[:_LINE_CHARS]}{'…' if len(first) > _LINE_CHARS else ''}")
    while len(lines) > 1 and estimate_tokens("\n".join(lines)) > SUMMARY_TOKENS:
        lines.pop(0)
    text = "\n".join(lines)
    return Summary(text=text, tokens=estimate_tokens(text))


class Summariser:
    """Writes the running summary. `model` is None when no cheap model is configured ('none')."""

    def __init__(self, model: ChatModel | None, model_key: str | None, model_id: str | None) -> None:
        self._model, self._key, self._id = model, model_key, model_id

    def summarise(self, previous: str, turns: Sequence[Turn], lang: str, metadata: Mapping[str, str]) -> Summary:
        if self._model is None or self._key is None or self._id is None:
            return extractive(previous, turns, lang)
        transcript = "\n".join(f"{t.role}: {t.text}" for t in turns)
        request = ModelRequest(
            model_key=self._key,
            model_id=self._id,
            messages=(
                SystemMessage(content=render("summary_system", lang)),
                HumanMessage(content=render("summary_request", lang, previous=previous or "-", transcript=transcript)),
            ),
            max_tokens=SUMMARY_TOKENS,
            metadata={**metadata, "feature": "summary"},
        )
        try:
            done = self._model.complete(request, ignore)
        except ModelError:
            return extractive(previous, turns, lang)
        if done.interrupted or not done.text.strip():
            return extractive(previous, turns, lang)
        text = done.text.strip()
        return Summary(text=text, tokens=estimate_tokens(text), model=self._key, usage=done.usage)
