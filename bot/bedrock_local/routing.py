"""Which model ids the endpoint takes from which Region, as Bedrock decides it.

The endpoint stands for the Region a call is made in: the one pinned by `region:` in the configuration, else
the Region the request is signed for (SigV4's credential scope, `Credential=AKID/20250101/eu-west-1/bedrock/…`,
which boto3 derives from its `region_name` also when `endpoint_url` points here), else us-east-1.

In that Region, an inference profile id is callable only when the Region lists its prefix
(`catalog.regions[code].profiles`: `us` and `global` in us-east-1, `apac` and `global` in ap-northeast-2…); and a
model that runs there only through cross-Region profiles (availability `via: cross_region`, GA, with no
in-Region availability) refuses its own model id with Bedrock's on-demand wording. A Region the catalog does not
know is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.bedrock_local.errors import INVALID_MODEL, validation
from bot.bedrock_local.validation import bare_id
from bot.catalog.catalog import Catalog
from bot.catalog.dimensions import profile_prefix
from bot.catalog.schema import Model

DEFAULT_REGION = "us-east-1"
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/")


def signing_region(headers: Mapping[str, str]) -> str | None:
    """The Region in a SigV4 `Authorization` header's credential scope, if there is one."""
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    match = _SCOPE.search(auth)
    return match.group(1) if match else None


def call_region(configured: str | None, headers: Mapping[str, str]) -> str:
    """The Region a call is served in: the configured one, else the signing Region, else us-east-1."""
    return configured or signing_region(headers) or DEFAULT_REGION


def on_demand_unsupported(model_id: str) -> str:
    """Bedrock's message for an in-Region model id of a model served only through inference profiles."""
    return (
        f"Invocation of model ID {model_id} with on-demand throughput isn\u2019t supported. "
        "Retry your request with the ID or ARN of an inference profile that contains this model."
    )


def cross_region_only(model: Model, region: str) -> bool:
    """True when the catalog says the model runs in `region` only through cross-Region inference profiles."""
    here = [a for a in model.availability if a.region == region]
    in_region = any(a.via == "in_region" and a.status != "planned" for a in here)
    return not in_region and any(a.via == "cross_region" and a.status == "ga" for a in here)


def check_callable(catalog: Catalog, model_id: str, model: Model, region: str) -> None:
    """Raise Bedrock's ValidationException when `model_id` (an id, profile id or ARN) cannot be called from
    `region`: a profile whose prefix the Region does not list, or the in-Region id of a cross-Region-only model."""
    known = catalog.regions.get(region)
    if known is None:
        return
    candidate = bare_id(model_id)
    prefix = profile_prefix(candidate)
    if prefix is not None:
        if prefix not in known.profiles:
            raise validation(INVALID_MODEL)
        return
    if cross_region_only(model, region):
        raise validation(on_demand_unsupported(candidate))
