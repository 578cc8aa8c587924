"""The access policy (`config/access.yaml`): which workspaces, channels and users may use the bot, who is an admin,
and which other bots it answers. Loaded and validated at start-up; checks raise `AccessDenied` with a safe,
localised reason that each handler's error boundary shows to the user.

Every use case a front end calls on someone's behalf (commands, messages, App Home, the assistant greeting, votes,
a compare's confirmation) starts with `admit(caller)`, before it reads or writes anything for them, so no surface
can forget the check. The console is none of Slack's places: it uses `for_console()` (the model rules only)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.caller import Caller
from bot.errors import AccessDenied, ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelRules(_Strict):
    allow: list[str] = Field(default_factory=list, description="only these channel ids; empty = every channel")
    deny: list[str] = Field(default_factory=list, description="never these channel ids (wins over allow)")


class BotRules(_Strict):
    answer: bool = Field(False, description="answer messages posted by other bots")
    allow: list[str] = Field(default_factory=list, description="bot ids answered even when answer is false")


class ModelRules(_Strict):
    allow: list[str] = Field(
        default_factory=list, description="catalog keys people may chat with; empty = every chat model"
    )
    deny: list[str] = Field(default_factory=list, description="catalog keys nobody may chat with (wins over allow)")
    restricted: dict[str, list[str]] = Field(
        default_factory=dict, description="catalog key -> the only user ids (plus admins) who may use that model"
    )


RouteName = Literal["in_region", "geo", "global"]
ALL_ROUTES: tuple[RouteName, ...] = ("in_region", "geo", "global")


class RouteRules(_Strict):
    """Which routes calls may take: the in-Region model id, a geo cross-Region profile (us./eu./apac.…: data
    stays in that geography) or a global profile (any commercial Region). A bank may keep some data in-Region."""

    allow: list[RouteName] = Field(default_factory=lambda: list(ALL_ROUTES), description="routes any model may take")
    models: dict[str, list[RouteName]] = Field(
        default_factory=dict, description="catalog key -> the only routes that model may take (within allow)"
    )


class AccessPolicy(_Strict):
    """Who may use the bot where. Empty lists mean no restriction; the default allows everything, no admins."""

    workspaces: list[str] = Field(default_factory=list, description="allowed team ids; empty = any")
    channels: ChannelRules = ChannelRules()
    direct_messages: bool = Field(True, description="answer in DMs and the assistant side panel")
    admins: list[str] = Field(default_factory=list, description="user ids allowed admin-only subcommands")
    bots: BotRules = BotRules()
    models: ModelRules = ModelRules()
    routes: RouteRules = RouteRules()

    @classmethod
    def load(cls, path: Path) -> AccessPolicy:
        """Read and validate the policy file; a bad file is a `ConfigError` naming the file and each field."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls.model_validate(data)
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError([f"BRA_ACCESS_FILE: cannot read {path}: {exc}"]) from None
        except ValidationError as exc:
            problems = [
                f"{path}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
            ]
            raise ConfigError(problems) from None

    def is_admin(self, user_id: str | None) -> bool:
        return user_id is not None and user_id in self.admins

    def check(self, *, team_id: str | None, channel_id: str | None, user_id: str | None) -> None:
        """Raise `AccessDenied` unless this user may use the bot in this channel of this workspace."""
        if self.workspaces and team_id not in self.workspaces:
            raise AccessDenied(
                ko="이 워크스페이스에서는 Bedrock Assistant를 사용할 수 없습니다.",
                en="Bedrock Assistant is not enabled for this workspace.",
            )
        if channel_id is None:
            return
        if channel_id.startswith("D"):
            if not self.direct_messages:
                raise AccessDenied(
                    ko="DM에서는 사용할 수 없습니다. 허용된 채널에서 @멘션이나 `/bedrock`을 사용해 주세요.",
                    en="Direct messages are turned off. Use an @mention or `/bedrock` in an allowed channel.",
                )
            return
        if channel_id in self.channels.deny or (self.channels.allow and channel_id not in self.channels.allow):
            raise AccessDenied(
                ko="이 채널에서는 Bedrock Assistant를 사용할 수 없습니다. 관리자에게 채널 허용을 요청해 주세요.",
                en="Bedrock Assistant is not enabled in this channel. Ask an admin to allow it.",
            )

    def admit(self, caller: Caller) -> None:
        """`check` for `caller`, where they are (App Home and other places outside a channel: `channel=None`)."""
        self.check(team_id=caller.team, channel_id=caller.channel, user_id=caller.user)

    def for_console(self) -> AccessPolicy:
        """This policy without its Slack place rules (workspaces, channels, DMs): the local console is in none of
        them. The model rules and the admins stay."""
        return self.model_copy(update={"workspaces": [], "channels": ChannelRules(), "direct_messages": True})

    def allows(self, *, team_id: str | None, channel_id: str | None, user_id: str | None) -> bool:
        """`check` as a yes/no, for decisions that need no message (e.g. whether to follow a thread)."""
        try:
            self.check(team_id=team_id, channel_id=channel_id, user_id=user_id)
        except AccessDenied:
            return False
        return True

    def require_admin(self, user_id: str | None) -> None:
        if not self.is_admin(user_id):
            raise AccessDenied(
                ko="관리자 전용 명령입니다. 필요하면 봇 관리자에게 요청해 주세요.",
                en="This subcommand is for bot admins only. Ask a bot admin if you need it.",
            )

    def allows_model(self, user_id: str | None, model_key: str) -> bool:
        """Whether `user_id` may chat with the catalog model `model_key` (`None`: everyone may, e.g. for a
        channel's default: a restricted model is for its listed users only)."""
        rules = self.models
        if model_key in rules.deny or (rules.allow and model_key not in rules.allow):
            return False
        only = rules.restricted.get(model_key)
        return only is None or self.is_admin(user_id) or (user_id is not None and user_id in only)

    def allowed_routes(self, model_key: str) -> tuple[RouteName, ...]:
        """The routes calls to `model_key` may take, in the policy's order (in-Region, geo, global)."""
        only = self.routes.models.get(model_key)
        return tuple(r for r in ALL_ROUTES if r in self.routes.allow and (only is None or r in only))

    def answers_bot(self, bot_id: str | None) -> bool:
        """Whether a message from another bot (`bot_id`) should be answered."""
        return bot_id is not None and (self.bots.answer or bot_id in self.bots.allow)
