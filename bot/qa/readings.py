"""Which workload a question means when it gives token counts and a number of requests per day.

"입력 300만 출력 80만 토큰 하루 500건" can mean 3M tokens in each of 500 requests, or 3M tokens a day over 500
requests. The words decide when they say which ("요청당", "per request" / "총", "in total"); otherwise the
per-request reading is kept unless it is implausible — a request larger than a model's context window, or one of
`LARGE_REQUEST` tokens or more — and then the answer says which reading it used and gives the other one's figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.catalog.pricing import Workload
from bot.catalog.schema import Model

LARGE_REQUEST = 100_000  # tokens in one request: far beyond a chat turn or a RAG prompt, though a context may fit it
PER_REQUEST_WORDS = (
    *("요청당", "건당", "요청 하나", "한 건에", "한 번에", "호출당"),
    *("per request", "each request", "per call", "each call", "a request"),
)
TOTAL_WORDS = (
    *("하루 총", "일 총", "총합", "합계", "합쳐서", "모두 합쳐"),
    *("in total", "daily total", "a day in total", "altogether", "combined"),
)


@dataclass(frozen=True)
class Reading:
    """The workload to price, and the other reading when the answer should mention it."""

    workload: Workload
    other: Workload | None = None
    reason: str | None = None  # "context" (a request would not fit) or "large"
    model: Model | None = None  # the model whose context window decided


def read_workload(workload: Workload, models: list[Model], *, per_request: bool, totals: bool) -> Reading:
    """Choose between the per-request and the daily-totals reading of `workload` (see the module docstring)."""
    if workload.requests_per_day is None or workload.requests_per_day <= 1 or workload.daily_totals:
        return Reading(workload)
    as_totals = replace(workload, daily_totals=True)
    if totals:
        return Reading(as_totals)
    size = workload.input_tokens + workload.output_tokens + workload.cache_read_tokens + workload.cache_write_tokens
    tight = [m for m in models if m.context_window is not None and size > m.context_window]
    if per_request:
        return Reading(workload, reason="context" if tight else None, model=tight[0] if tight else None)
    if tight:
        smallest = min(tight, key=lambda m: m.context_window or 0)
        return Reading(as_totals, other=workload, reason="context", model=smallest)
    if size >= LARGE_REQUEST:
        return Reading(workload, other=as_totals, reason="large")
    return Reading(workload)
