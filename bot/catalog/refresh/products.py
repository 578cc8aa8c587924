"""One `GetProducts` PriceList item (a JSON document) → price records, or an `Unmapped` saying why not.

The item is `{"product": {"sku", "productFamily", "attributes": {...}}, "serviceCode", "terms": {"OnDemand":
{<term>: {"effectiveDate", "priceDimensions": {<rate>: {"unit", "description", "pricePerUnit": {"USD"}}}}}}}`.
The model is `model` (AmazonBedrock), `titanModel` (Titan) or `servicename` (Marketplace models in
AmazonBedrockFoundationModels, "Claude Sonnet 4.5 (Amazon Bedrock Edition)"); AmazonBedrockService products
(Guardrails, Knowledge Bases, ...) are named by their `feature` or `group`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.catalog.refresh.records import PriceRecord, Unmapped
from bot.catalog.refresh.usage import Kind, classify

MARKETPLACE = "AmazonBedrockFoundationModels"
SERVICES = "AmazonBedrockService"
SERVICE_CODES = ("AmazonBedrock", MARKETPLACE, SERVICES)
_MODEL_NAMES = ("model", "titanModel", "servicename")
_SERVICE_NAMES = ("feature", "group", "servicename")
_EDITION = re.compile(r"\s*\(Amazon Bedrock Edition\)\s*$", re.IGNORECASE)


def product_name(service_code: str, attrs: dict[str, str]) -> str:
    """The model or service a product prices, as the price list names it."""
    names = _SERVICE_NAMES if service_code == SERVICES else _MODEL_NAMES
    raw = next((attrs[n] for n in names if attrs.get(n)), "")
    return _EDITION.sub("", raw).strip()


def parse_item(item: str | dict[str, Any]) -> tuple[list[PriceRecord], list[Unmapped]]:
    """The price records of one PriceList item (one per priced dimension), and any part that did not map."""
    doc: dict[str, Any] = json.loads(item) if isinstance(item, str) else item
    product = doc.get("product") or {}
    attrs: dict[str, str] = product.get("attributes") or {}
    service = str(doc.get("serviceCode") or attrs.get("servicecode") or "")
    sku = str(product.get("sku") or "")
    usage = attrs.get("usagetype", "")
    region = attrs.get("regionCode", "")
    name = product_name(service, attrs)

    def unmapped(reason: str) -> tuple[list[PriceRecord], list[Unmapped]]:
        return [], [Unmapped(service, sku, usage, region, name, reason)]

    if not region:
        return unmapped("no regionCode")
    if not name:
        return unmapped("no model, titanModel, servicename or feature attribute")
    records: list[PriceRecord] = []
    problems: list[Unmapped] = []
    for term in (doc.get("terms") or {}).get("OnDemand", {}).values():
        effective = _day(term.get("effectiveDate"))
        for dim in (term.get("priceDimensions") or {}).values():
            if str(dim.get("beginRange", "0")) not in ("0", "0.0"):
                continue  # a higher tier of a tiered price; the catalog keeps the first tier
            price = _usd(dim.get("pricePerUnit") or {})
            kind = classify(usage, attrs.get("feature", ""), attrs.get("inferenceType", ""),
                            str(dim.get("unit", "")), str(dim.get("description", "")))
            if price is None or effective is None or isinstance(kind, str):
                reason = kind if isinstance(kind, str) else "no USD price" if price is None else "no effectiveDate"
                problems.append(Unmapped(service, sku, usage, region, name, reason))
                continue
            variant = attrs.get("group", "") if service == SERVICES else ""
            records.append(_record(service, sku, usage, region, name, kind, price, effective, variant,
                                   attrs.get("location", "")))
    if not records and not problems:
        return unmapped("no OnDemand price dimension")
    return records, problems


def _record(
    service: str, sku: str, usage: str, region: str, name: str, kind: Kind, price: Decimal, effective: date,
    variant: str, location: str,
) -> PriceRecord:
    return PriceRecord(
        service_code=service,
        sku=sku,
        usage_type=usage,
        region=region,
        product=name,
        marketplace=service == MARKETPLACE,
        mode=kind.mode,
        route=kind.route,
        dimension=kind.dimension,
        unit=kind.unit,
        price=price,
        effective=effective,
        cache_ttl=kind.cache_ttl,
        long_context=kind.long_context,
        term=kind.term,
        variant=variant,
        location=location,
    )


def _usd(per_unit: dict[str, str]) -> Decimal | None:
    try:
        return Decimal(per_unit["USD"]).normalize() + 0
    except (KeyError, InvalidOperation):
        return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
