"""Which model answers (the Bedrock id it is called by, its route, is `bot.chat.plan`'s to decide).

Most specific first (DESIGN §5.2): the model named in the message or command, the thread's model, the user's
default, the channel's default, the workspace default (`BRA_DEFAULT_MODEL`). Names go through the catalog's
aliases; only chat (text, Converse) models the access policy allows for that user are used. A default that
Redis cannot tell us (Redis down) is skipped, not fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Model
from bot.errors import AccessDenied, StoreUnavailable, UsageError
from bot.qa.commands import resolve_model
from bot.qa.engine import Engine

if TYPE_CHECKING:
    from bot.access import AccessPolicy
    from bot.store.prefs import Prefs

@dataclass(frozen=True)
class Choice:
    key: str
    source: str  # named, thread, user, channel, workspace


def is_chat_model(model: Model) -> bool:
    return model.kind == "text" and model.features.converse


def chat_model(engine: Engine, name: str) -> str:
    """A chat model's catalog key from a name or alias; `UnknownModelError`/`UsageError` otherwise."""
    key = resolve_model(engine, name)
    model = engine.catalog.models[key]
    if not is_chat_model(model):
        raise UsageError(
            "/bedrock try <model> <prompt>",
            ko=f"{model.name}은(는) 대화용(텍스트) 모델이 아닙니다. `/bedrock models`로 목록을 보세요.",
            en=f"{model.name} is not a chat (text) model. See `/bedrock models`.",
        )
    return key


def allowed_models(catalog: Catalog, access: AccessPolicy, user: str | None) -> list[str]:
    return [k for k, m in catalog.models.items() if is_chat_model(m) and access.allows_model(user, k)]


def require_allowed(catalog: Catalog, access: AccessPolicy, user: str | None, key: str) -> None:
    if access.allows_model(user, key):
        return
    names = ", ".join(catalog.models[k].key for k in allowed_models(catalog, access, user)[:8]) or "-"
    name = catalog.models[key].name
    raise AccessDenied(
        ko=f"{name}은(는) 이 워크스페이스의 정책상 사용할 수 없습니다. 사용할 수 있는 모델: {names}",
        en=f"{name} is not allowed by this workspace's policy. Models you can use: {names}",
    )


def choose(
    *,
    catalog: Catalog,
    access: AccessPolicy,
    prefs: Prefs | None,
    team: str,
    user: str,
    channel: str | None,
    named: str | None,
    thread_model: str | None,
    default: str,
) -> Choice:
    """The model for this turn (see the module docstring). Raises `AccessDenied` naming allowed models."""
    candidates: list[tuple[str, str | None]] = [("named", named), ("thread", thread_model)]
    if prefs is not None:
        candidates.append(("user", _pref(lambda: prefs.user_model(team=team, user=user))))
        if channel is not None:
            candidates.append(("channel", _pref(lambda: prefs.channel_model(team=team, channel=channel))))
    candidates.append(("workspace", default))
    for source, key in candidates:
        if key is None or key not in catalog.models or not is_chat_model(catalog.models[key]):
            continue
        if source in ("named", "thread"):
            require_allowed(catalog, access, user, key)  # an explicit choice is refused out loud
            return Choice(key, source)
        if access.allows_model(user, key):
            return Choice(key, source)
    allowed = allowed_models(catalog, access, user)
    if not allowed:
        raise AccessDenied(
            ko="이 워크스페이스의 정책상 대화할 수 있는 모델이 없습니다. 관리자에게 문의해 주세요.",
            en="This workspace's policy allows no chat model for you. Ask an admin.",
        )
    return Choice(allowed[0], "workspace")


def _pref(read: Callable[[], str | None]) -> str | None:
    try:
        value = read()
    except StoreUnavailable:
        return None
    return value if isinstance(value, str) else None
