"""Errors a user or an operator can see, each with a message that is safe to show.

Every front end has one boundary that catches `BotError`, logs it and shows `message(lang)`; anything else is
a bug and is shown only as a generic apology. Messages never contain secrets or tracebacks.
`exit_code` is what the CLI exits with when the error ends a command.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

_MAX_ECHO = 80  # user text echoed back is cut, so a pasted document never floods the reply


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_ECHO else text[: _MAX_ECHO - 1] + "…"


class BotError(Exception):
    """Base of the typed errors: carries the same safe message in Korean and English."""

    exit_code: ClassVar[int] = 1

    def __init__(self, *, ko: str, en: str) -> None:
        super().__init__(en)
        self._ko = ko
        self._en = en

    def message(self, lang: str) -> str:
        """The message in `lang` ("ko" or "en"; anything else gets English)."""
        return self._ko if lang == "ko" else self._en


class ConfigError(BotError):
    """Start-up configuration is missing or invalid. One line per problem, each naming the variable to set."""

    exit_code: ClassVar[int] = 78  # EX_CONFIG (sysexits.h)

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        text = (
            f"Configuration problem{'s' if len(self.problems) != 1 else ''}:\n{lines}\n"
            "Set these in the environment (or in config/.env for docker compose); "
            "config/.env.example lists every setting."
        )
        super().__init__(ko=text, en=text)


class UsageError(BotError):
    """A command was used wrongly. Carries the usage line to show and, optionally, what was wrong."""

    exit_code: ClassVar[int] = 2

    def __init__(self, usage: str, *, ko: str | None = None, en: str | None = None) -> None:
        self.usage = usage
        super().__init__(
            ko=f"{ko}\n사용법: `{usage}`" if ko else f"사용법: `{usage}`",
            en=f"{en}\nUsage: `{usage}`" if en else f"Usage: `{usage}`",
        )


class UnknownModelError(BotError):
    """A model name that is not in the catalog, with the closest names it does have (never a guess)."""

    def __init__(self, name: str, closest: Sequence[str] = ()) -> None:
        self.name = name
        self.closest = list(closest)
        shown = _echo(name)
        if self.closest:
            names = ", ".join(f"`{c}`" for c in self.closest)
            ko = f"'{shown}' 모델은 카탈로그에 없습니다. 비슷한 이름: {names}"
            en = f"'{shown}' is not in the catalog. Closest names: {names}"
        else:
            ko = f"'{shown}' 모델은 카탈로그에 없습니다. `/bedrock models`로 전체 목록을 볼 수 있습니다."
            en = f"'{shown}' is not in the catalog. `/bedrock models` lists every model."
        super().__init__(ko=ko, en=en)


class CatalogError(BotError):
    """The catalog data is invalid. Each problem names the file, the item and the field, e.g.
    ``config/catalog/models/amazon.yaml: model 'nova-lite': prices.0.input: must be >= 0``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        super().__init__(
            ko=f"카탈로그 데이터 오류 {count}건:\n{lines}",
            en=f"Catalog data has {count} problem{'s' if count != 1 else ''}:\n{lines}",
        )


class AccessDenied(BotError):
    """The access policy does not allow this user, channel or workspace (or the subcommand is admin-only)."""


class InputError(BotError):
    """A message the bot cannot take as it is (empty, too long); the message says what to do instead."""


class StoreUnavailable(BotError):
    """Redis did not answer. The message says what could not be saved or read; nothing else is lost."""

    def __init__(self, *, ko: str = "", en: str = "") -> None:
        super().__init__(
            ko=ko or "저장소(Redis)에 연결할 수 없어 설정을 읽거나 저장하지 못했습니다. 잠시 후 다시 시도해 주세요.",
            en=en or "The store (Redis) did not answer, so the setting could not be read or saved. Try again shortly.",
        )


class ModelUnavailable(BotError):
    """No model answered: every retry and fallback was throttled, failed or timed out."""

    def __init__(self, tried: Sequence[str], reason: str, *, seconds: float | None = None) -> None:
        """`tried`: the models really called, in order; `reason` a `ModelError` kind or "deadline" (the turn's
        `seconds` ran out)."""
        self.tried = list(tried)
        names = ", ".join(tried)
        limit = f"{seconds:g}" if seconds is not None else "?"
        why = {
            "deadline": (
                f"제한 시간({limit}초) 안에 답이 오지 않았습니다",
                f"no answer came within the time a request may take ({limit} s)",
            ),
            "throttled": ("요청이 많아 Bedrock이 제한(스로틀링)했습니다", "Bedrock throttled the requests"),
            "timeout": ("응답 시간이 초과되었습니다", "the calls timed out"),
            "unavailable": ("Bedrock이 일시적으로 응답하지 않습니다", "Bedrock is temporarily unavailable"),
            "denied": ("이 계정에서 모델 사용 권한이 없습니다", "this account has no access to the model"),
        }.get(reason, ("모델 호출에 실패했습니다", "the model call failed"))
        super().__init__(
            ko=f"모델이 답하지 못했습니다: {why[0]} (시도한 모델: {names}). 잠시 후 다시 시도해 주세요.",
            en=f"No model could answer: {why[1]} (tried: {names}). Please try again in a minute.",
        )


class GuardBlocked(BotError):
    """The guardrails blocked a message or an answer. The message names what (types, a topic), never the values."""


class BudgetExceeded(BotError):
    """A budget is used up and the policy blocks (or cannot downgrade): says which budget, the figures and when it
    resets."""


class StartupError(BotError):
    """A service serve needs is not reachable at start-up (Redis, Slack). Exit code 69: EX_UNAVAILABLE."""

    exit_code: ClassVar[int] = 69

    def __init__(self, text: str) -> None:
        super().__init__(ko=text, en=text)


class RateLimited(BotError):
    """A user started more billed model calls than the rate limit allows in its window. Says the limit, and in how
    many seconds (and at what local time) they may go on; a request bigger than the whole limit says so instead."""

    def __init__(self, *, limit: int, window_s: int, calls: int, retry_after_s: float, at: str) -> None:
        self.limit, self.window_s, self.calls, self.retry_after_s = limit, window_s, calls, retry_after_s
        wait = max(1, math.ceil(retry_after_s))
        if calls > limit:
            ko = (
                f"이 요청은 모델을 {calls}번 호출하는데, 한 사람이 {window_s}초에 시작할 수 있는 호출은 "
                f"{limit}번까지입니다. 모델 수를 {limit}개 이하로 줄여 주세요."
            )
            en = (
                f"This request needs {calls} model calls, and one person may start at most {limit} per {window_s} s. "
                f"Use {limit} models or fewer."
            )
        else:
            ko = (
                f"요청이 너무 잦습니다: 한 사람이 {window_s}초에 모델 호출을 {limit}번까지 시작할 수 있어요. "
                f"{wait}초 뒤({at})부터 다시 시도할 수 있습니다."
            )
            en = (
                f"Too many requests: one person may start {limit} model call{'s' if limit != 1 else ''} per "
                f"{window_s} s. "
                f"You can go on in {wait} s (at {at})."
            )
        super().__init__(ko=ko, en=en)
