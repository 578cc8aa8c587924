"""Reading AWS: every page of `GetProducts` for the Bedrock service codes, and per region the control plane's
`ListFoundationModels` and `ListInferenceProfiles` (system-defined), into one `Snapshot`.

Pages are parsed as they arrive, so a full price list (tens of thousands of products) is never held as JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from bot.catalog.refresh.control import add_models, add_profiles
from bot.catalog.refresh.products import SERVICE_CODES, parse_item
from bot.catalog.refresh.records import Snapshot

log = logging.getLogger(__name__)
PAGE_SIZE = 100  # GetProducts' maximum


def read_prices(pricing: Any, snapshot: Snapshot, service_codes: Iterable[str] = SERVICE_CODES) -> None:
    """Add every product of `service_codes` to `snapshot` (prices and unmapped products)."""
    paginator = pricing.get_paginator("get_products")
    for code in service_codes:
        pages = paginator.paginate(ServiceCode=code, FormatVersion="aws_v1", PaginationConfig={"PageSize": PAGE_SIZE})
        for page in pages:
            for item in page.get("PriceList", []):
                records, unmapped = parse_item(item)
                snapshot.prices.extend(records)
                snapshot.unmapped.extend(unmapped)
                snapshot.products_read += 1
        log.info("price list read", extra={"service_code": code, "products": snapshot.products_read})


def read_control_plane(bedrock: Any, region: str, snapshot: Snapshot) -> None:
    """Add one region's foundation models and system-defined inference profiles to `snapshot`."""
    add_models(snapshot.models, region, bedrock.list_foundation_models().get("modelSummaries", []))
    paginator = bedrock.get_paginator("list_inference_profiles")
    for page in paginator.paginate(typeEquals="SYSTEM_DEFINED"):
        add_profiles(snapshot.profiles, region, page.get("inferenceProfileSummaries", []))


def read_all(pricing: Any, bedrock_by_region: dict[str, Any], today: date) -> Snapshot:
    snapshot = Snapshot(as_of=today)
    read_prices(pricing, snapshot)
    for region, bedrock in bedrock_by_region.items():
        read_control_plane(bedrock, region, snapshot)
    return snapshot
