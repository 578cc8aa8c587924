"""The billing dimensions a price row can vary by, besides region, mode and unit.

- service tier: standard (the default), flex (cheaper, may queue), priority (dearer, served first), reserved
  (capacity bought ahead);
- route: in-region (the model id itself), geo (a cross-Region profile such as `us.` / `eu.` / `apac.` / `jp.`),
  or global (a `global.` profile); geo and global rows name the profile id they price;
- long-context tier: a row with `context_above: 200000` applies to requests whose input exceeds 200K tokens;
- cache writes by time-to-live: `cache_write` is the 5-minute write, `cache_write_1h` the 1-hour write.
"""

from __future__ import annotations

from enum import StrEnum

# Prefixes of geo inference profiles, as Bedrock spells them ("us-gov." before "us.": longest first).
GEO_PREFIXES = ("us-gov.", "apac.", "us.", "eu.", "jp.", "au.", "ca.", "in.")
GLOBAL_PREFIX = "global."


class ServiceTier(StrEnum):
    standard = "standard"
    flex = "flex"
    priority = "priority"
    reserved = "reserved"


# Converse's `serviceTier.type` ↔ the catalog's tier: Bedrock calls the standard tier "default".
_BEDROCK_TIER = {ServiceTier.standard: "default"}


def bedrock_tier(tier: ServiceTier) -> str:
    """The `serviceTier.type` Converse takes for a catalog tier: standard → "default", flex → "flex", …"""
    return _BEDROCK_TIER.get(tier, tier.value)


def tier_of(value: str | None) -> ServiceTier | None:
    """The catalog tier of a `serviceTier.type` Bedrock reported ("default" → standard); None for none or an
    unknown value."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered == "default":
        return ServiceTier.standard
    try:
        return ServiceTier(lowered)
    except ValueError:
        return None


class Route(StrEnum):
    in_region = "in_region"
    geo = "geo"
    global_ = "global"


def route_of(model_id: str) -> Route:
    """The route a model or profile id takes: `global.` → global, `us.`/`eu.`/`apac.`… → geo, else in-region."""
    lowered = model_id.lower()
    if lowered.startswith(GLOBAL_PREFIX):
        return Route.global_
    if lowered.startswith(GEO_PREFIXES):
        return Route.geo
    return Route.in_region


def profile_prefix(model_id: str) -> str | None:
    """`apac` for `apac.anthropic.claude-…`, `global` for `global.…`, None for an in-region model id."""
    lowered = model_id.lower()
    for prefix in (GLOBAL_PREFIX, *GEO_PREFIXES):
        if lowered.startswith(prefix):
            return prefix[:-1]
    return None


def base_id(model_id: str) -> str:
    """The in-region model id behind a profile id (`us.anthropic.x` → `anthropic.x`)."""
    prefix = profile_prefix(model_id)
    return model_id[len(prefix) + 1 :] if prefix else model_id
