"""Budgets (`config/budgets.yaml`, BRA_BUDGET_FILE): optional per-user daily and per-channel monthly limits on the
estimated cost (catalog prices) the ledger records.

Before a model call `admit` reads what the user spent today and the channel this month (one round trip). Under a
limit the call goes ahead; at a warning threshold (e.g. 80 %) the user is told — once per threshold and period,
claimed in Redis with SET NX so several replicas never warn twice; over a limit the policy's action applies:
`block` (a `BudgetExceeded` with the figures and when the period resets) or `downgrade` (the call goes to the
cheaper `downgrade_to` model, and the reply says so). After a call `warnings` tells the user when that call
crossed a threshold. An admin can override one user's daily limit for today (`/bedrock budget <@user>
<usd|unlimited|reset>`); an override also lets the user past channel limits that day.

When Redis does not answer, calls are let through (the ledger keeps their events until it returns): a store
outage must not stop people working.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import redis
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.caller import Caller
from bot.errors import BudgetExceeded, ConfigError, StoreUnavailable
from bot.qa.answers.common import L
from bot.qa.format import usd
from bot.store import keys
from bot.usage.event import to_usd
from bot.usage.ledger import Ledger, month_of

log = logging.getLogger(__name__)

Scope = Literal["user", "channel"]
UNLIMITED = "none"
Limit = Annotated[Decimal, Field(ge=0)]


class BudgetPolicy(BaseModel):
    """The budgets file. Amounts in USD; null (or absent) = no limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_daily_usd: Decimal | None = Field(None, ge=0, description="every user's daily limit")
    channel_monthly_usd: Decimal | None = Field(None, ge=0, description="every channel's monthly limit")
    users: dict[str, Limit | None] = Field(
        default_factory=dict, description="user id -> daily limit instead of the default (null: none)"
    )
    channels: dict[str, Limit | None] = Field(
        default_factory=dict, description="channel id -> monthly limit instead of the default (null: none)"
    )
    warn_at: list[float] = Field(default_factory=lambda: [0.8], description="fractions of a limit that warn")
    action: Literal["block", "downgrade"] = Field("block", description="over a limit: block, or downgrade")
    downgrade_to: str | None = Field(None, description="catalog key used over a limit when action is downgrade")
    total_monthly_usd: Decimal | None = Field(
        None, ge=0, description="the whole deployment's monthly budget, shown in the digest (not enforced)"
    )

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, value: list[float]) -> list[float]:
        if any(not 0 < f < 1 for f in value):
            raise ValueError("each warn_at value is a fraction between 0 and 1, e.g. 0.8")
        return sorted(set(value))

    @classmethod
    def load(cls, path: Path, chat_models: set[str]) -> BudgetPolicy:
        """Read and validate; `downgrade_to` must be a chat model of the catalog. Raises `ConfigError`."""
        try:
            policy = cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError([f"BRA_BUDGET_FILE: cannot read {path}: {exc}"]) from None
        except ValidationError as exc:
            raise ConfigError(
                [f"{path}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()]
            ) from None
        if policy.action == "downgrade" and policy.downgrade_to not in chat_models:
            raise ConfigError(
                [f"{path}: downgrade_to: {policy.downgrade_to!r} is not a chat model of the catalog "
                 "(action: downgrade needs one, e.g. nova-micro)"]
            )  # fmt: skip
        return policy

    @property
    def enabled(self) -> bool:
        limits = (self.user_daily_usd, self.channel_monthly_usd, *self.users.values(), *self.channels.values())
        return any(v is not None for v in limits)  # a limit of 0 is a limit (nothing allowed)

    def user_limit(self, user: str) -> Decimal | None:
        return self.users.get(user, self.user_daily_usd)

    def channel_limit(self, channel: str | None) -> Decimal | None:
        if channel is None or channel.startswith("D"):  # a DM is the user's own: the daily limit covers it
            return None
        return self.channels.get(channel, self.channel_monthly_usd)


@dataclass(frozen=True)
class Admission:
    """What a call may do: `model` to call (the downgrade model when over a limit), notices for the user."""

    model: str
    notices: tuple[str, ...] = ()
    downgraded_from: str | None = None


@dataclass(frozen=True)
class Standing:
    """One limit and what was spent against it."""

    scope: Scope
    id: str
    period: str  # "2026-11-22" (a user's day) or "2026-11" (a channel's month)
    limit: Decimal | None
    spent: Decimal
    overridden: bool = False

    @property
    def over(self) -> bool:
        return self.limit is not None and self.spent >= self.limit

    @property
    def share(self) -> float:
        return float(self.spent / self.limit) if self.limit else 0.0


class Budgets:
    """Thread-safe; built once (`bot.services`)."""

    def __init__(self, policy: BudgetPolicy, ledger: Ledger, client: redis.Redis, names: dict[str, str]) -> None:
        """`names`: catalog key -> display name, for messages."""
        self.policy, self.ledger, self._redis, self._names = policy, ledger, client, names

    # -- before and after a call -------------------------------------------------------------------------------

    def admit(self, caller: Caller, model: str, lang: str, *, can_downgrade: bool = True) -> Admission:
        """Whether `caller` may call `model` now. Raises `BudgetExceeded` (block, or no downgrade possible)."""
        if not self.policy.enabled:
            return Admission(model)
        try:
            standings = self.standings(caller)
        except StoreUnavailable:
            log.warning("budgets not checked: Redis did not answer", extra={"user": caller.user})
            return Admission(model)
        over = next((s for s in standings if s.over and not (s.scope == "channel" and _lifted(standings))), None)
        if over is None:
            return Admission(model, self._warn(standings, lang))
        target = self.policy.downgrade_to
        if self.policy.action == "downgrade" and can_downgrade and target is not None:
            if model == target:
                return Admission(model)
            return Admission(target, (self._downgraded(over, model, target, lang),), downgraded_from=model)
        raise self._exceeded(over)

    def warnings(self, caller: Caller, lang: str) -> tuple[str, ...]:
        """After a call: the warning for a threshold it crossed (once per threshold and period), else nothing."""
        if not self.policy.enabled:
            return ()
        try:
            return self._warn(self.standings(caller), lang)
        except StoreUnavailable:
            return ()

    def standings(self, caller: Caller) -> list[Standing]:
        """The caller's daily limit and their channel's monthly one, with what was spent. One round trip."""
        today = self.ledger.today()
        d, m = today.isoformat(), month_of(today)
        override = self._override(caller.user, d)
        user_limit = self.policy.user_limit(caller.user) if override is None else override[0]
        channel = caller.channel
        channel_limit = self.policy.channel_limit(channel)
        pairs = [(keys.usage_day(d, "user"), caller.user)]
        if channel_limit is not None and channel is not None:
            pairs.append((keys.usage_month(m, "channel"), channel))
        spent = self.ledger.cost(pairs)
        out = [Standing("user", caller.user, d, user_limit, to_usd(spent[0]), overridden=override is not None)]
        if channel_limit is not None and channel is not None:
            out.append(Standing("channel", channel, m, channel_limit, to_usd(spent[1])))
        return out

    # -- admin override ----------------------------------------------------------------------------------------

    def override(self, user: str, limit: Decimal | Literal["reset"] | None) -> None:
        """Today's daily limit for `user`: an amount, None (no limit), or "reset" (back to the policy's)."""
        key = keys.budget_override(user, self.ledger.today().isoformat())
        try:
            if limit == "reset":
                self._redis.delete(key)
            else:
                value = UNLIMITED if limit is None else str(limit)
                self._redis.set(key, value, ex=keys.BUDGET_OVERRIDE_TTL_S)
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc

    def _override(self, user: str, day: str) -> tuple[Decimal | None] | None:
        """(limit,) when an admin overrode `user`'s limit today (limit None: unlimited), else None."""
        try:
            value = self._redis.get(keys.budget_override(user, day))
        except redis.RedisError as exc:
            raise StoreUnavailable() from exc
        if value is None:
            return None
        return (None,) if value == UNLIMITED else (Decimal(str(value)),)

    # -- messages ----------------------------------------------------------------------------------------------

    def _warn(self, standings: list[Standing], lang: str) -> tuple[str, ...]:
        """Claim every threshold each standing has crossed; tell the user about the ones newly claimed."""
        notices = []
        for s in standings:
            crossed = [f for f in self.policy.warn_at if s.limit and s.share >= f and not s.over]
            if not crossed:
                continue
            with self._redis.pipeline(transaction=False) as pipe:
                for f in crossed:
                    pipe.set(keys.budget_warned(s.scope, s.id, s.period, round(f * 100)), "1", nx=True,
                             ex=_period_seconds(s) + 24 * 60 * 60)  # fmt: skip
                try:
                    claimed = any(pipe.execute())
                except redis.RedisError:
                    claimed = False
            if claimed:
                notices.append(self._warning(s, lang))
        return tuple(notices)

    def _warning(self, s: Standing, lang: str) -> str:
        pct = round(s.share * 100)
        limit = usd(s.limit or Decimal(0))
        if s.scope == "user":
            return L(
                lang,
                f"오늘 예산의 {pct}%를 썼습니다 ({usd(s.spent)} / {limit}, 추정). 한도에 닿으면 {self._then(lang)}",
                f"You have used {pct}% of today's budget ({usd(s.spent)} of {limit}, estimated). At the limit, "
                f"{self._then(lang)}",
            )
        return L(
            lang,
            f"이 채널이 이번 달 예산의 {pct}%를 썼습니다 ({usd(s.spent)} / {limit}, 추정). 한도에 닿으면 "
            f"{self._then(lang)}",
            f"This channel has used {pct}% of its monthly budget ({usd(s.spent)} of {limit}, estimated). At the "
            f"limit, {self._then(lang)}",
        )

    def _then(self, lang: str) -> str:
        target = self.policy.downgrade_to
        if self.policy.action == "downgrade" and target is not None:
            name = self._names.get(target, target)
            return L(lang, f"{name}(으)로 답합니다.", f"answers come from {name}.")
        return L(lang, "요청이 멈춥니다.", "requests stop.")

    def _downgraded(self, s: Standing, model: str, target: str, lang: str) -> str:
        was, now = self._names.get(model, model), self._names.get(target, target)
        what = _what(s, lang)
        return L(
            lang,
            f"{what} 예산({usd(s.limit or Decimal(0))})을 넘어 {was} 대신 {now}(으)로 답했습니다.",
            f"{what} budget ({usd(s.limit or Decimal(0))}) is used up, so {now} answered instead of {was}.",
        )

    def _exceeded(self, s: Standing) -> BudgetExceeded:
        limit, spent = usd(s.limit or Decimal(0)), usd(s.spent)
        resets_ko, resets_en = _resets(s)
        return BudgetExceeded(
            ko=f"{_what(s, 'ko')} 예산을 모두 썼습니다 ({spent} / {limit}, 추정). {resets_ko} 다시 쓸 수 있습니다. "
            "급하면 봇 관리자에게 한도 조정을 요청해 주세요.",
            en=f"{_what(s, 'en')} budget is used up ({spent} of {limit}, estimated). It resets {resets_en}. "
            "Ask a bot admin if you need more today.",
        )


def _lifted(standings: list[Standing]) -> bool:
    """An admin override of the user's limit today also lets them past channel limits."""
    return any(s.scope == "user" and s.overridden for s in standings)


def _what(s: Standing, lang: str) -> str:
    if s.scope == "user":
        return L(lang, "오늘", "Today's")
    return L(lang, "이 채널의 이번 달", "This channel's monthly")


def _period_seconds(s: Standing) -> int:
    if s.scope == "user":
        return 24 * 60 * 60
    year, month = (int(p) for p in s.period.split("-"))
    return calendar.monthrange(year, month)[1] * 24 * 60 * 60


def _resets(s: Standing) -> tuple[str, str]:
    if s.scope == "user":
        return "내일 0시에", "at midnight"
    year, month = (int(p) for p in s.period.split("-"))
    first = (date(year, month, 28) + timedelta(days=4)).replace(day=1)
    return f"{first.month}월 1일에", f"on {first.strftime('%B')} 1"
