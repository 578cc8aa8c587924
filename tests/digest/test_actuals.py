"""Cost Explorer actuals: a real boto3 "ce" client whose calls botocore's Stubber answers (nothing leaves the
machine: a before-send hook fails any request that gets past the stubber). Stubber validates every response
against botocore's "ce" model (GetCostAndUsageResponse), so the pages below have the real shape: groups keyed by
[SERVICE, USAGE_TYPE] with UnblendedCost and UsageQuantity, GroupDefinitions, NextPageToken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from bot.digest.actuals import (
    Actual,
    ActualsUnavailable,
    CostExplorer,
    UsageAmount,
    cost_explorer_client,
    is_bedrock_service,
)

DAY = date(2024, 11, 9)
QUERY = {
    "TimePeriod": {"Start": "2024-11-09", "End": "2024-11-10"},
    "Granularity": "DAILY",
    "Metrics": ["UnblendedCost", "UsageQuantity"],
    "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
}
GROUPED_BY = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
SONNET_4 = "Claude Sonnet 4 (Amazon Bedrock Edition)"
SONNET_35 = "Claude 3.5 Sonnet (Amazon Bedrock Edition)"


def group(
    service: str, amount: str, unit: str = "USD", usage: str = "USE1-MP:USE1_InputTokenCount-Units",
    quantity: str = "0", quantity_unit: str = "N/A",
) -> dict[str, Any]:
    return {
        "Keys": [service, usage],
        "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": unit},
                    "UsageQuantity": {"Amount": quantity, "Unit": quantity_unit}},
    }  # fmt: skip


def page(*groups: dict[str, Any], estimated: bool = False, token: str | None = None) -> dict[str, Any]:
    result = {
        "TimePeriod": {"Start": "2024-11-09", "End": "2024-11-10"},
        "Total": {},
        "Groups": list(groups),
        "Estimated": estimated,
    }
    return {"ResultsByTime": [result], "DimensionValueAttributes": [], "GroupDefinitions": GROUPED_BY} | (
        {"NextPageToken": token} if token else {}
    )


def no_network(request: Any, **_: Any) -> None:
    raise AssertionError(f"a request got past the stubber: {request.url}")


def make_client(**config: Any) -> Any:
    client = boto3.client(
        "ce",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(**config) if config else None,
    )
    client.meta.events.register("before-send.cost-explorer", no_network)
    return client


@pytest.fixture
def stubbed() -> Iterator[tuple[Stubber, CostExplorer]]:
    client = make_client()
    with Stubber(client) as stubber:
        yield stubber, CostExplorer(client)
        stubber.assert_no_pending_responses()


def test_sums_bedrock_services_only(stubbed: tuple[Stubber, CostExplorer]) -> None:
    stubber, explorer = stubbed
    response = page(
        group("Amazon Bedrock", "1.2500000001"),
        group(SONNET_4, "10.5"),
        group(SONNET_35, "0.25"),
        group("Amazon Elastic Compute Cloud - Compute", "99"),
        group("Claude 3 Haiku (Amazon Bedrock Edition)", "0"),
    )
    stubber.add_response("get_cost_and_usage", response, QUERY)
    assert explorer.actual(DAY) == Actual(
        day=DAY,
        usd=Decimal("12.0000000001"),
        by_service={"Amazon Bedrock": Decimal("1.2500000001"), SONNET_4: Decimal("10.5"), SONNET_35: Decimal("0.25")},
        provisional=False,
        by_usage_type={"USE1-MP:USE1_InputTokenCount-Units": UsageAmount(Decimal("12.0000000001"), Decimal(0), "N/A")},
    )


def test_groups_by_usage_type_across_two_pages_and_marketplace_services(
    stubbed: tuple[Stubber, CostExplorer],
) -> None:
    """Marketplace usage types do not name the model: the same one under two services is summed; the quantity is
    summed while the units agree, and turns ambiguous ("") when they do not."""
    stubber, explorer = stubbed
    first = page(
        group("Amazon Bedrock", "0.40", usage="USE1-NovaPro-input-tokens", quantity="500", quantity_unit="1K tokens"),
        group("Amazon Bedrock", "0.064", usage="APN2-NovaPro-cache-read-input-token-count", quantity="320000",
              quantity_unit="Tokens"),
        group(SONNET_4, "3.00", usage="USE1-MP:USE1_InputTokenCount-Units", quantity="1", quantity_unit="Units"),
        group(SONNET_4, "1.50", usage="USE1-MP:USE1_OutputTokenCount_Global-Units", quantity="0.1",
              quantity_unit="Units"),
        group("Amazon Simple Storage Service", "7", usage="USE1-TimedStorage-ByteHrs", quantity="9",
              quantity_unit="GB-Mo"),
        token="page-2",
    )  # fmt: skip
    second = page(
        group(SONNET_35, "0.30", usage="USE1-MP:USE1_InputTokenCount-Units", quantity="0.1", quantity_unit="Units"),
        group(SONNET_35, "0.15", usage="USE1-MP:USE1_Batch_InputTokenCount-Units", quantity="0.1",
              quantity_unit="Million tokens"),
        group("Amazon Bedrock", "0.20", usage="USE1-Guardrails-ContentPolicy-TextUnits", quantity="200",
              quantity_unit="N/A"),
        group("Amazon Bedrock", "0.05", usage="USE1-NovaPro-input-tokens", quantity="60000", quantity_unit="Tokens"),
        estimated=True,
    )  # fmt: skip
    stubber.add_response("get_cost_and_usage", first, QUERY)
    stubber.add_response("get_cost_and_usage", second, {**QUERY, "NextPageToken": "page-2"})
    actual = explorer.actual(DAY)
    assert actual.by_usage_type == {
        "USE1-NovaPro-input-tokens": UsageAmount(Decimal("0.45"), Decimal("60500"), ""),
        "APN2-NovaPro-cache-read-input-token-count": UsageAmount(Decimal("0.064"), Decimal("320000"), "Tokens"),
        "USE1-MP:USE1_InputTokenCount-Units": UsageAmount(Decimal("3.30"), Decimal("1.1"), "Units"),
        "USE1-MP:USE1_OutputTokenCount_Global-Units": UsageAmount(Decimal("1.50"), Decimal("0.1"), "Units"),
        "USE1-MP:USE1_Batch_InputTokenCount-Units": UsageAmount(Decimal("0.15"), Decimal("0.1"), "Million tokens"),
        "USE1-Guardrails-ContentPolicy-TextUnits": UsageAmount(Decimal("0.20"), Decimal("200"), "N/A"),
    }
    assert actual.by_service == {"Amazon Bedrock": Decimal("0.714"), SONNET_4: Decimal("4.50"),
                                 SONNET_35: Decimal("0.45")}  # fmt: skip
    assert actual.usd == sum(u.usd for u in actual.by_usage_type.values()) == Decimal("5.664")
    assert actual.provisional is True
    tokens = {name: usage.tokens for name, usage in actual.by_usage_type.items()}
    assert tokens == {
        "USE1-NovaPro-input-tokens": None,  # "1K tokens" on one page, "Tokens" on the other: no sum in tokens
        "APN2-NovaPro-cache-read-input-token-count": 320_000,
        "USE1-MP:USE1_InputTokenCount-Units": None,  # "Units" could be tokens or millions of them
        "USE1-MP:USE1_OutputTokenCount_Global-Units": None,
        "USE1-MP:USE1_Batch_InputTokenCount-Units": 100_000,
        "USE1-Guardrails-ContentPolicy-TextUnits": None,
    }


def test_a_quantity_that_is_not_a_number_is_refused_with_the_account_masked(
    stubbed: tuple[Stubber, CostExplorer],
) -> None:
    stubber, explorer = stubbed
    bad = group(SONNET_4, "1", usage="USE1-MP:USE1_InputTokenCount-Units 123456789012", quantity="lots")
    stubber.add_response("get_cost_and_usage", page(bad), QUERY)
    with pytest.raises(ActualsUnavailable) as caught:
        explorer.actual(DAY)
    reason = f"{SONNET_4} USE1-MP:USE1_InputTokenCount-Units ************: amount 'lots' is not a number"
    assert caught.value.reason == reason


def test_follows_pages_and_marks_estimated_days_provisional(stubbed: tuple[Stubber, CostExplorer]) -> None:
    stubber, explorer = stubbed
    first = page(group("Amazon Bedrock", "1"), group("Amazon EC2", "5"), token="page-2")
    second = page(group(SONNET_4, "2"), group("Amazon Bedrock", "0.5"), estimated=True)
    stubber.add_response("get_cost_and_usage", first, QUERY)
    stubber.add_response("get_cost_and_usage", second, {**QUERY, "NextPageToken": "page-2"})
    actual = explorer.actual(DAY)
    assert actual.by_service == {"Amazon Bedrock": Decimal("1.5"), SONNET_4: Decimal("2")}
    assert actual.usd == Decimal("3.5")
    assert actual.provisional is True


def test_a_day_without_bedrock_is_zero(stubbed: tuple[Stubber, CostExplorer]) -> None:
    stubber, explorer = stubbed
    stubber.add_response("get_cost_and_usage", page(group("Amazon EC2", "5")), QUERY)
    assert explorer.actual(DAY) == Actual(DAY, Decimal(0), {}, False)


def test_access_denied_is_unavailable_with_a_short_masked_reason(stubbed: tuple[Stubber, CostExplorer]) -> None:
    stubber, explorer = stubbed
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/bot/i-0abc is not authorized to perform: ce:GetCostAndUsage"
        + " on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage" * 5
    )
    stubber.add_client_error(
        "get_cost_and_usage", "AccessDeniedException", message, http_status_code=400, expected_params=QUERY
    )
    with pytest.raises(ActualsUnavailable) as caught:
        explorer.actual(DAY)
    reason = caught.value.reason
    assert reason.startswith("AccessDeniedException: User: arn:aws:sts::************:assumed-role/bot/")
    assert len(reason) == 200 and reason.endswith("…")
    assert "123456789012" not in reason and str(caught.value) == reason


def test_a_unit_other_than_usd_is_refused(stubbed: tuple[Stubber, CostExplorer]) -> None:
    stubber, explorer = stubbed
    stubber.add_response("get_cost_and_usage", page(group(SONNET_4, "3", unit="EUR")), QUERY)
    with pytest.raises(ActualsUnavailable, match="billed in EUR, not USD"):
        explorer.actual(DAY)


def test_connection_failure_is_unavailable() -> None:
    client = make_client(retries={"total_max_attempts": 1})
    client.meta.events.unregister("before-send.cost-explorer", no_network)

    def refuse(request: Any, **_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register("before-send.cost-explorer", refuse)
    with pytest.raises(ActualsUnavailable, match=r"^EndpointConnectionError: Could not connect"):
        CostExplorer(client).actual(DAY)


@pytest.mark.parametrize(
    ("name", "bedrock"),
    [
        ("Amazon Bedrock", True),
        ("Amazon Bedrock Runtime", True),
        (SONNET_4, True),
        ("Llama 3.3 70B Instruct (Amazon Bedrock Edition)", True),
        ("Amazon Elastic Compute Cloud - Compute", False),
        ("Claude Pro", False),
        ("Tax", False),
    ],
)
def test_is_bedrock_service(name: str, bedrock: bool) -> None:
    assert is_bedrock_service(name) is bedrock


def test_cost_explorer_client_uses_the_us_east_1_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_COST_EXPLORER", raising=False)
    client = cost_explorer_client()  # building a client sends nothing
    assert client.meta.service_model.service_name == "ce"
    assert client.meta.endpoint_url == "https://ce.us-east-1.amazonaws.com"  # botocore calls the region aws-global
