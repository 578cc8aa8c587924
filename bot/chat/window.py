"""Fitting a conversation into a model's context window before the call, not after Bedrock refuses it.

The history sent with a new message gets what is left of the context window after the answer budget, the
system prompt, the new message and a safety margin (the token count is an estimate), capped by
`BRA_HISTORY_TOKENS` so that long threads do not bill their whole past on every turn. The oldest whole
user/assistant pairs that do not fit are folded into the summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog.schema import Model
from bot.errors import InputError
from bot.store.memory import Turn

UNKNOWN_WINDOW = 8_192  # a model whose catalog entry has no context window is planned conservatively
SUMMARY_TOKENS = 600  # the most a running summary may take
REFILL = 0.6  # after folding, the history fills at most this share of its budget, so folds (and summary calls,
# and the cache misses a changed summary causes) come every few turns, not on every turn once the budget is reached


def margin(window: int) -> int:
    """Room kept free for the estimate's error: 5 % of the window, at least 256 tokens."""
    return max(256, window // 20)


def history_budget(model: Model, *, max_answer: int, fixed_tokens: int, cap: int) -> int:
    """Tokens available for summary + history. Raises `InputError` when the new message alone does not fit."""
    window = model.context_window or UNKNOWN_WINDOW
    room = window - min(max_answer, model.max_output or max_answer) - fixed_tokens - margin(window)
    if room < 0:
        raise InputError(
            ko=f"메시지가 {model.name}의 컨텍스트 창({window:,} 토큰)에 들어가지 않습니다. 나눠서 보내 주세요.",
            en=f"That message does not fit {model.name}'s context window ({window:,} tokens). Send it in parts.",
        )
    return min(room, cap)


def fold_count(turns: Sequence[Turn], *, summary_tokens: int, budget: int) -> int:
    """How many of the oldest turns to fold when the history plus its summary outgrow `budget`: enough that the
    rest plus a (new, bounded) summary fill at most `REFILL` of it. Whole user/assistant pairs, so the history
    still starts with a user turn."""
    kept = sum(t.tokens for t in turns)
    if kept + summary_tokens <= budget:
        return 0
    n = 0
    while n < len(turns) and kept + SUMMARY_TOKENS > budget * REFILL:
        step = min(2, len(turns) - n)
        kept -= sum(t.tokens for t in turns[n : n + step])
        n += step
    return n
