"""Building Price List product documents in the shape `GetProducts` returns them, for fixtures and benchmarks.

A document: `product` (sku, productFamily, attributes with regionCode, location, usagetype, model / titanModel /
servicename, feature, inferenceType, ...), `serviceCode`, `terms.OnDemand.<sku>.<offer term>` with its
`effectiveDate` and one `priceDimensions` entry (unit, description, pricePerUnit.USD), `version`,
`publicationDate`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.catalog.refresh.locations import REGIONS

ON_DEMAND_TERM = "JRTCKXETXF"  # the offer term code AWS uses for every OnDemand term
RATE_CODE = "6YS6EN2CT7"



def sku(*parts: str) -> str:
    """A stable 16-character SKU for a product, like AWS's."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16].upper()


def product(
    service_code: str,
    region: str,
    usage_suffix: str,
    *,
    price: str,
    unit: str,
    description: str,
    effective: str = "2025-11-01",
    **attributes: str,
) -> dict[str, Any]:
    """One product document. `usage_suffix` follows the region prefix (`Claude4.5Sonnet-input-tokens` →
    `USE1-Claude4.5Sonnet-input-tokens`); `attributes` adds model, feature, inferenceType, servicename, ..."""
    prefix, location = REGIONS[region]
    usage = f"{prefix}-{usage_suffix}"
    code = sku(service_code, usage, *sorted(attributes.values()))
    term = f"{code}.{ON_DEMAND_TERM}"
    attrs = {
        "regionCode": region,
        "servicecode": service_code,
        "usagetype": usage,
        "location": location,
        "locationType": "AWS Region",
        "operation": "Usage",
        "servicename": "Amazon Bedrock",
        **attributes,
    }
    return {
        "product": {"productFamily": "Amazon Bedrock", "attributes": attrs, "sku": code},
        "serviceCode": service_code,
        "terms": {
            "OnDemand": {
                term: {
                    "priceDimensions": {
                        f"{term}.{RATE_CODE}": {
                            "unit": unit,
                            "endRange": "Inf",
                            "description": description,
                            "appliesTo": [],
                            "rateCode": f"{term}.{RATE_CODE}",
                            "beginRange": "0",
                            "pricePerUnit": {"USD": price},
                        }
                    },
                    "sku": code,
                    "effectiveDate": f"{effective}T00:00:00Z",
                    "offerTermCode": ON_DEMAND_TERM,
                    "termAttributes": {},
                }
            }
        },
        "version": effective.replace("-", "") + "000000",
        "publicationDate": f"{effective}T12:00:00Z",
    }


def token_product(region: str, model: str, slug: str, variant: str, direction: str, price: str,
                  feature: str = "On-demand Inference") -> dict[str, Any]:
    """An AmazonBedrock token price (per 1K tokens): `USE1-<slug>[-<variant>]-<direction>-tokens`."""
    middle = f"{slug}-{variant}" if variant else slug
    kind = {"input": "Input tokens", "output": "Output tokens", "cache-read-input": "Cache read input tokens",
            "cache-write-input": "Cache write input tokens"}[direction]
    return product(
        "AmazonBedrock", region, f"{middle}-{direction}-tokens", price=price, unit="1K tokens",
        description=f"{model} {variant or 'on-demand'} {kind.lower()} in {REGIONS[region][1]}",
        model=model, provider=model.split()[0], feature=feature, inferenceType=kind,
    )


def marketplace_product(region: str, model: str, meter: str, price: str) -> dict[str, Any]:
    """An AmazonBedrockFoundationModels token price (per 1M tokens): `USE1-MP:USE1_<meter>-Units`."""
    prefix = REGIONS[region][0]
    return product(
        "AmazonBedrockFoundationModels", region, f"MP:{prefix}_{meter}-Units", price=price, unit="Units",
        description=f"{model} (Amazon Bedrock Edition) {meter} in {REGIONS[region][1]}, per million tokens",
        servicename=f"{model} (Amazon Bedrock Edition)",
    )
