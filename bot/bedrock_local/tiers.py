"""Converse's service tiers (`serviceTier: {"type": ...}`): which a model offers, the check Bedrock makes on the
requested one, and the tier reported as served.

A model offers a tier when the catalog has an on-demand price row in it (the catalog's `standard` is Bedrock's
`default`, which every model offers). The tier served is the one requested — `default` when none was — unless
the model's behaviour maps it to another (`serve_tier: {priority: default}`, as Bedrock does when priority
capacity runs out) or a scripted reply names one. Bedrock's response and stream metadata carry the served tier;
the endpoint always reports it, also when no tier was asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from bot.bedrock_local.errors import validation
from bot.bedrock_local.prompt import Body
from bot.catalog.dimensions import bedrock_tier
from bot.catalog.schema import Mode, Model

ServiceTierType = Literal["priority", "default", "flex", "reserved"]  # botocore's ServiceTierType, in its order
TIER_VALUES: tuple[str, ...] = get_args(ServiceTierType)
DEFAULT_TIER = "default"
RESERVATION_NOT_FOUND = "Reservation not found."  # Bedrock's reply to `reserved` without a reservation


def offered_tiers(model: Model) -> frozenset[str]:
    """The `serviceTier.type` values the model takes: `default`, plus each tier it has an on-demand price in."""
    priced = {bedrock_tier(p.tier) for p in model.prices if p.mode is Mode.on_demand}
    return frozenset({DEFAULT_TIER, *priced})


def requested_tier(body: Body) -> str | None:
    """The `serviceTier.type` a request asks for, unchecked (None when it names none)."""
    tier = body.get("serviceTier")
    if tier is None:
        return None
    value = tier.get("type") if isinstance(tier, Mapping) else None
    return value if isinstance(value, str) else repr(value)


def check_service_tier(model: Model, body: Body) -> str:
    """The tier the request asks for (`default` when none), or Bedrock's ValidationException: a value outside the
    enum, or a tier the model does not offer."""
    tier = requested_tier(body)
    if tier is None:
        return DEFAULT_TIER
    if tier not in TIER_VALUES:
        raise validation(
            f"1 validation error detected: Value '{tier}' at 'serviceTier.type' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(TIER_VALUES)}]"
        )
    if tier not in offered_tiers(model):
        if tier == "reserved":
            raise validation(RESERVATION_NOT_FOUND)
        raise validation(
            f"The service tier '{tier}' isn't supported for this model. "
            f"Try again with a supported service tier ({', '.join(sorted(offered_tiers(model)))})."
        )
    return tier


def served_tier(requested: str, serve_tier: Mapping[Any, str], scripted: str | None) -> str:
    """The tier reported as served: a scripted reply's, else the behaviour's mapping of the requested one, else
    the requested one."""
    return scripted or serve_tier.get(requested, requested)
