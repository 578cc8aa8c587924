"""What AWS billed for Bedrock on a day, from Cost Explorer (`BRA_COST_EXPLORER`), to set beside the ledger's
estimate in the digest.

Claude and other third-party models on Bedrock bill through AWS Marketplace, under SERVICE names such as
"Claude Sonnet 4 (Amazon Bedrock Edition)" rather than "Amazon Bedrock", so one query groups a day's cost by
SERVICE and USAGE_TYPE (the two GroupBy keys Cost Explorer allows) and `is_bedrock_service` picks the Bedrock
ones; the usage types (`USE1-MP:USE1_InputTokenCount_Global-Units`, `APN2-NovaPro-cache-read-input-token-count`)
are what `bot.digest.reconcile` sets line by line beside the ledger. Marketplace usage types do not name the
model, so `by_usage_type` sums one usage type over the services that billed it. The quantity (UsageQuantity) is
read as tokens only when its unit says so unambiguously (`UsageAmount.tokens`).

Cost Explorer's days are UTC days (the ledger's are BRA_USAGE_TZ days: in Asia/Seoul a UTC day runs 09:00–09:00),
so the two never match exactly; the last day or two are provisional (`Estimated`) and still grow. Amounts are
Decimal; a Bedrock amount in a unit other than USD is refused (`ActualsUnavailable`) rather than added to dollars.
Each request costs USD 0.01, so this asks once per digest (a page or two).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

CE_REGION = "us-east-1"  # Cost Explorer has one endpoint
METRIC = "UnblendedCost"
QUANTITY = "UsageQuantity"
MAX_PAGES = 20  # a day by service and usage type fits a page or two; this only stops a token that never ends
_REASON_MAX = 200
_ACCOUNT = re.compile(r"\b\d{12}\b")


class ActualsUnavailable(Exception):
    """Cost Explorer did not answer usably. `reason` is short and safe to show: the error code and AWS's message,
    account numbers masked (an AccessDenied message names the caller's ARN), cut to 200 characters."""

    def __init__(self, reason: str) -> None:
        reason = _ACCOUNT.sub("************", " ".join(reason.split()))
        self.reason = reason if len(reason) <= _REASON_MAX else reason[: _REASON_MAX - 1] + "…"
        super().__init__(self.reason)


# UsageQuantity units that say how many tokens one unit is; anything else ("Units", "N/A", "Count") is ambiguous.
_TOKEN_UNITS = {
    "token": 1, "tokens": 1, "1k tokens": 1000, "k tokens": 1000, "thousand tokens": 1000, "1m tokens": 1_000_000,
    "m tokens": 1_000_000, "million tokens": 1_000_000,
}  # fmt: skip


@dataclass(frozen=True)
class UsageAmount:
    """One usage type's day: its cost, and its quantity in the unit Cost Explorer gave ("" when the services that
    billed it gave different units, so the quantities do not add up)."""

    usd: Decimal
    quantity: Decimal = Decimal(0)
    unit: str = ""

    @property
    def tokens(self) -> int | None:
        """The quantity in tokens, when the unit is a token unit; None when it is not (amounts only, then)."""
        scale = _TOKEN_UNITS.get(" ".join(self.unit.lower().split()))
        return None if scale is None else int(self.quantity * scale)

    def __add__(self, other: UsageAmount) -> UsageAmount:
        unit = self.unit if self.unit == other.unit else ""
        return UsageAmount(self.usd + other.usd, self.quantity + other.quantity, unit)


@dataclass(frozen=True)
class Actual:
    """One UTC day's billed Bedrock cost."""

    day: date
    usd: Decimal  # sum over the Bedrock services
    by_service: dict[str, Decimal]  # service name -> cost, only the Bedrock ones, non-zero
    provisional: bool  # Cost Explorer marked the day Estimated: it may still grow
    by_usage_type: dict[str, UsageAmount] = field(default_factory=dict)  # usage type -> its day, non-zero cost


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
            "Metrics": [METRIC, QUANTITY],
            "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
        }
        by_service: dict[str, Decimal] = {}
        by_usage_type: dict[str, UsageAmount] = {}
        provisional = False
        for page in self._pages(query):
            for result in page.get("ResultsByTime") or []:
                provisional = provisional or bool(result.get("Estimated"))
                for group in result.get("Groups") or []:
                    keys = [str(k) for k in group.get("Keys") or []] + ["", ""]
                    service, usage_type = keys[0], keys[1]
                    if not is_bedrock_service(service):
                        continue
                    usage = _usage(service, usage_type, group)
                    by_service[service] = by_service.get(service, Decimal(0)) + usage.usd
                    known = by_usage_type.get(usage_type)
                    by_usage_type[usage_type] = usage if known is None else known + usage
        by_service = {name: amount for name, amount in by_service.items() if amount != 0}
        by_usage_type = {name: usage for name, usage in by_usage_type.items() if usage.usd != 0}
        return Actual(day, sum(by_service.values(), Decimal(0)), by_service, provisional, by_usage_type)

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


def _usage(service: str, usage_type: str, group: dict[str, Any]) -> UsageAmount:
    metrics = group.get("Metrics") or {}
    cost, quantity = metrics.get(METRIC) or {}, metrics.get(QUANTITY) or {}
    amount = _number(service, cost.get("Amount", "0"))
    if amount != 0 and cost.get("Unit", "USD") != "USD":
        raise ActualsUnavailable(f"{service} is billed in {cost.get('Unit')}, not USD")
    units = _number(f"{service} {usage_type}", quantity.get("Amount", "0"))
    return UsageAmount(amount, units, str(quantity.get("Unit", "")))


def _number(what: str, raw: object) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ActualsUnavailable(f"{what}: amount {raw!r} is not a number")
    return amount
