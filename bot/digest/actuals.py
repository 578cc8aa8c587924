"""What AWS billed for Bedrock on a day, from Cost Explorer (`BRA_COST_EXPLORER`), to set beside the ledger's
estimate in the digest.

Claude and other third-party models on Bedrock bill through AWS Marketplace, under SERVICE names such as
"Claude Sonnet 4 (Amazon Bedrock Edition)" rather than "Amazon Bedrock", so one query groups a day's cost by
SERVICE and `is_bedrock_service` picks the Bedrock ones. Cost Explorer's days are UTC days (the ledger's are
BRA_USAGE_TZ days: in Asia/Seoul a UTC day runs 09:00–09:00), so the two never match exactly; the last day or two
are provisional (`Estimated`) and still grow. Amounts are Decimal; a Bedrock amount in a unit other than USD is
refused (`ActualsUnavailable`) rather than added to dollars. Each request costs USD 0.01, so this asks once per
digest (one page, in practice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

CE_REGION = "us-east-1"  # Cost Explorer has one endpoint
METRIC = "UnblendedCost"
MAX_PAGES = 20  # a day grouped by service fits one page; this only stops a token that never ends
_REASON_MAX = 200
_ACCOUNT = re.compile(r"\b\d{12}\b")


class ActualsUnavailable(Exception):
    """Cost Explorer did not answer usably. `reason` is short and safe to show: the error code and AWS's message,
    account numbers masked (an AccessDenied message names the caller's ARN), cut to 200 characters."""

    def __init__(self, reason: str) -> None:
        reason = _ACCOUNT.sub("************", " ".join(reason.split()))
        self.reason = reason if len(reason) <= _REASON_MAX else reason[: _REASON_MAX - 1] + "…"
        super().__init__(self.reason)


@dataclass(frozen=True)
class Actual:
    """One UTC day's billed Bedrock cost."""

    day: date
    usd: Decimal  # sum over the Bedrock services
    by_service: dict[str, Decimal]  # service name -> cost, only the Bedrock ones, non-zero
    provisional: bool  # Cost Explorer marked the day Estimated: it may still grow


def is_bedrock_service(name: str) -> bool:
    """Whether a Cost Explorer SERVICE is Bedrock: "Amazon Bedrock" and its siblings ("Amazon Bedrock Runtime", …)
    or a Marketplace model billed as "… (Amazon Bedrock Edition)"."""
    return name.startswith("Amazon Bedrock") or "(Amazon Bedrock Edition)" in name


def cost_explorer_client(region: str = CE_REGION) -> Any:
    """A boto3 "ce" client (credentials from boto3's usual chain; needs `ce:GetCostAndUsage`)."""
    config = Config(connect_timeout=5, read_timeout=20, retries={"mode": "standard", "max_attempts": 3})
    return boto3.client("ce", region_name=region, config=config)


class CostExplorer:
    """`actual(day)` over one boto3 "ce" client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def actual(self, day: date) -> Actual:
        """The Bedrock cost billed for the UTC `day`. Raises `ActualsUnavailable` when AWS refuses or cannot be
        reached, or the answer is not in USD."""
        query: dict[str, Any] = {
            "TimePeriod": {"Start": day.isoformat(), "End": (day + timedelta(days=1)).isoformat()},
            "Granularity": "DAILY",
            "Metrics": [METRIC],
            "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
        }
        by_service: dict[str, Decimal] = {}
        provisional = False
        for page in self._pages(query):
            for result in page.get("ResultsByTime") or []:
                provisional = provisional or bool(result.get("Estimated"))
                for group in result.get("Groups") or []:
                    service = str((group.get("Keys") or [""])[0])
                    if is_bedrock_service(service):
                        by_service[service] = by_service.get(service, Decimal(0)) + _usd(service, group)
        by_service = {name: amount for name, amount in by_service.items() if amount != 0}
        return Actual(day, sum(by_service.values(), Decimal(0)), by_service, provisional)

    def _pages(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        token: str | None = None
        while len(pages) < MAX_PAGES:
            try:
                page = self.client.get_cost_and_usage(**query, **({"NextPageToken": token} if token else {}))
            except ClientError as exc:
                error = exc.response.get("Error", {})
                raise ActualsUnavailable(f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}") from exc
            except BotoCoreError as exc:
                raise ActualsUnavailable(f"{type(exc).__name__}: {exc}") from exc
            pages.append(page)
            token = page.get("NextPageToken")
            if not token:
                return pages
        raise ActualsUnavailable(f"Cost Explorer returned more than {MAX_PAGES} pages for one day")


def _usd(service: str, group: dict[str, Any]) -> Decimal:
    cost = (group.get("Metrics") or {}).get(METRIC) or {}
    try:
        amount = Decimal(str(cost.get("Amount", "0")))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ActualsUnavailable(f"{service}: amount {cost.get('Amount')!r} is not a number")
    if amount != 0 and cost.get("Unit", "USD") != "USD":
        raise ActualsUnavailable(f"{service} is billed in {cost.get('Unit')}, not USD")
    return amount
