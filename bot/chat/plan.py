"""How a model call will be billed, decided before it is made: which id it calls (the route), which service tier
it asks for, and how long its prompt-cache points live.

- **Route.** `BRA_MODEL_ROUTES` (per model), else `BRA_ROUTE`: `auto` calls the model id where the model runs
  in-Region, else its geo profile for the deployment's Region (`apac.` from Seoul: the Region's `profiles` in
  regions.yaml), else its `global.` profile. A named route comes first, then the others in that order. Only routes
  the access policy allows for the model are taken (`routes:` in config/access.yaml); when none of the model's
  routes is allowed, the call is refused out loud (`AccessDenied`), never sent another way.
- **Service tier.** Asked for by the command (`--flex`), else the channel's (`/bedrock tier`), else the
  deployment's (`BRA_SERVICE_TIER`). A tier the catalog has no price row for on that route is refused when the
  command asked for it; a default tier falls back to standard for that model, and the user is told. What Bedrock
  reports serving is what is priced (`bot.chat.cost`).
- **Cache lifetime.** `BRA_MODEL_CACHE_TTLS`, else `BRA_CACHE_TTL`; one hour only where the route's price row has
  a 1-hour cache-write price (otherwise five minutes, the default everywhere).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import Route, ServiceTier, bedrock_tier, profile_prefix, route_of, tier_of
from bot.catalog.pricing import billed_row, priced_regions
from bot.catalog.schema import Mode, Model
from bot.chat.present import route_words
from bot.chat.types import Usage
from bot.errors import AccessDenied, ConfigError, UsageError
from bot.qa.answers.common import L

if TYPE_CHECKING:
    from bot.access import AccessPolicy
    from bot.settings import ChatSettings

AUTO_ORDER = (Route.in_region, Route.geo, Route.global_)
TIER_NAMES = {ServiceTier.standard: "Standard", ServiceTier.flex: "Flex", ServiceTier.priority: "Priority"}
CACHE_5M_S, CACHE_1H_S = 5 * 60, 60 * 60  # how long Bedrock keeps a cached prefix after its last use


@dataclass(frozen=True)
class CallPlan:
    """What one model's call asks for: `model_id` (the model id or a profile id), its `route`, the service
    `tier` asked for, and the prompt-cache `cache_ttl`. `notices`: localised lines for the user (a default tier
    the model does not offer)."""

    model_key: str
    model_id: str
    route: Route
    tier: ServiceTier
    cache_ttl: str
    notices: tuple[str, ...] = ()

    @property
    def service_tier(self) -> str | None:
        """Converse's `serviceTier.type`, or None for the standard tier (Bedrock's default: nothing to send)."""
        return None if self.tier is ServiceTier.standard else bedrock_tier(self.tier)


class Planner:
    """Call plans for one deployment (region, settings, access policy). Thread-safe (read-only)."""

    def __init__(self, catalog: Catalog, access: AccessPolicy, settings: ChatSettings, region: str) -> None:
        self.catalog, self.access, self.region = catalog, access, region
        self.default_tier = ServiceTier(settings.service_tier)
        self.default_route = settings.route
        self.routes, self.cache_ttls = settings.routes, settings.cache_ttls
        self.default_ttl = settings.cache_ttl
        unknown = sorted(k for k in (*self.routes, *self.cache_ttls) if k not in catalog.models)
        if unknown:
            raise ConfigError([f"BRA_MODEL_ROUTES / BRA_MODEL_CACHE_TTLS: no catalog model {k!r}" for k in unknown])
        self.prefixes = catalog.profiles_from(region)

    # -- route ---------------------------------------------------------------------------------------------------

    def candidates(self, model: Model) -> dict[Route, str]:
        """The ids `model` can be called by from the deployment's Region, by route: its own id where the catalog
        says it runs in-Region (availability, else an in-Region price), the profiles whose prefix the Region
        lists (regions.yaml `profiles`; the first of each route)."""
        found: dict[Route, str] = {}
        here = next((a for a in model.availability if a.region == self.region), None)
        if here is not None:  # what the source says of this Region wins over a price row
            in_region = here.via == "in_region" and here.status == "ga"
        else:
            in_region = self.region in priced_regions(model)
        if in_region:
            found[Route.in_region] = model.ids[0]
        for profile in model.inference_profiles:
            route, prefix = route_of(profile), profile_prefix(profile)
            if route is not Route.in_region and prefix in self.prefixes and route not in found:
                found[route] = profile
        return found

    def model_id(self, model: Model) -> str:
        """The id to call `model` by: the configured route if it exists and is allowed, else the first allowed
        one in the auto order. A model with no known route at all is called by its id (Bedrock then says whether
        it runs here). Raises `AccessDenied` when the model's only routes are ones the policy forbids."""
        found = self.candidates(model)
        preferred = self.routes.get(model.key, self.default_route)
        order = list(AUTO_ORDER)
        if preferred != "auto":
            first = Route(preferred)
            order = [first, *(r for r in AUTO_ORDER if r is not first)]
        allowed = {Route(r) for r in self.access.allowed_routes(model.key)}
        for route in order:
            if route in found and route in allowed:
                return found[route]
        if not found:
            return model.ids[0]
        names = ", ".join(_route_words(r, "en") for r in found)
        raise AccessDenied(
            ko=f"{model.name}은(는) 이 리전({self.region})에서 {', '.join(_route_words(r, 'ko') for r in found)}"
            "(으)로만 호출할 수 있는데, 정책상 허용되지 않은 경로입니다. 관리자에게 문의해 주세요.",
            en=f"{model.name} can only be called from {self.region} via {names}, which the policy does not allow. "
            "Ask an admin.",
        )

    # -- tier and cache --------------------------------------------------------------------------------------------

    def offers(self, model: Model, model_id: str, tier: ServiceTier) -> bool:
        """Whether the catalog prices `tier` for this model on the route and profile `model_id` takes here."""
        if tier is ServiceTier.standard:
            return True
        row, _ = billed_row(model, Mode.on_demand, self.region, model_id, callable_from=self.prefixes, tier=tier)
        return row is not None

    def cache_ttl(self, model: Model, model_id: str) -> str:
        wanted = self.cache_ttls.get(model.key, self.default_ttl)
        if wanted != "1h":
            return "5m"
        row, _ = billed_row(model, Mode.on_demand, self.region, model_id, callable_from=self.prefixes)
        return "1h" if row is not None and row.cache_write_1h is not None else "5m"

    def plan(self, key: str, lang: str, *, tier: ServiceTier | None = None, asked: bool = False) -> CallPlan:
        """The plan for calling `key`. `tier`: the tier wanted (None: the deployment's); `asked`: the command
        named it, so a tier the model does not offer here is refused (`UsageError`) rather than replaced."""
        model = self.catalog.models[key]
        model_id = self.model_id(model)
        wanted = tier or self.default_tier
        notices: tuple[str, ...] = ()
        if not self.offers(model, model_id, wanted):
            name, here = TIER_NAMES.get(wanted, wanted.value), self.route_label(model_id, lang)
            if asked:
                others = ", ".join(self.offering(wanted)[:6]) or "-"
                raise UsageError(
                    "/bedrock try [--flex|--priority] <model> <prompt>",
                    ko=f"{model.name}은(는) 카탈로그에 {here} {name} 가격이 없어 {name} 등급으로 호출하지 않습니다. "
                    f"{name} 등급이 있는 모델: {others}",
                    en=f"{model.name} has no {name} price for {here} in the catalog, so it is not called on {name}. "
                    f"Models with {name}: {others}",
                )
            notices = (
                L(
                    lang,
                    f"{model.name}은(는) {name} 등급이 없어 표준 등급으로 호출했습니다.",
                    f"{model.name} has no {name} tier here, so it was called on the standard tier.",
                ),
            )
            wanted = ServiceTier.standard
        return CallPlan(key, model_id, route_of(model_id), wanted, self.cache_ttl(model, model_id), notices)

    def offering(self, tier: ServiceTier) -> list[str]:
        """Keys of the chat models the policy allows that the catalog prices on `tier` from this Region."""
        out = []
        for key, model in self.catalog.models.items():
            if model.kind != "text" or not model.features.converse or not self.access.allows_model(None, key):
                continue
            try:
                model_id = self.model_id(model)
            except AccessDenied:
                continue
            if self.offers(model, model_id, tier):
                out.append(key)
        return out

    def route_label(self, model_id: str, lang: str) -> str:
        """ "서울 → apac 프로필" / "Seoul → apac profile", "서울 리전 내" / "in-Region (Seoul)"."""
        return route_words(self.catalog.place(self.region, lang), profile_prefix(model_id), lang)


def _route_words(route: Route, lang: str) -> str:
    words = {
        Route.in_region: ("리전 내 모델 ID", "the in-Region model id"),
        Route.geo: ("지역(geo) 교차 리전 프로필", "a geo cross-Region profile"),
        Route.global_: ("global 프로필", "the global profile"),
    }[route]
    return words[0] if lang == "ko" else words[1]


def served_notice(plan: CallPlan, served_tier: str | None, lang: str) -> str | None:
    """A line when Bedrock served another tier than the one asked for (the served one is what is priced)."""
    served = tier_of(served_tier)
    if served is None or served is plan.tier:
        return None
    asked, got = TIER_NAMES.get(plan.tier, plan.tier.value), TIER_NAMES.get(served, served.value)
    return L(
        lang,
        f"{asked} 등급으로 요청했지만 Bedrock이 {got} 등급으로 처리했습니다 (비용은 처리된 등급 기준).",
        f"{asked} was asked for, but Bedrock served this on {got} (the cost is for the tier served).",
    )


def expired_writes(last_at: float | None, ttl: str, usage: Usage, now: float | None = None) -> int:
    """The call's 5-minute cache writes when its thread had been idle 5 to 60 minutes: the cache had expired, and
    a 1-hour one would not have (the digest's 1-hour cache hint adds these up). 0 otherwise."""
    if last_at is None or ttl != "5m" or not usage.cache_write_tokens:
        return 0
    idle = (time.time() if now is None else now) - last_at
    return usage.cache_write_tokens if CACHE_5M_S < idle <= CACHE_1H_S else 0
