"""The stand-in speaks the real wire protocols to unmodified boto3: JSON 1.1 `GetProducts` with NextToken, REST-JSON
`ListFoundationModels` / `ListInferenceProfiles` per region, throttling retried by botocore, AWS's errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bot.aws_local import LocalAws
from bot.catalog.refresh.aws import client
from bot.errors import ConfigError


def test_get_products_pages_with_max_results_and_next_token(aws_env: dict[str, str], local_aws: LocalAws) -> None:
    pricing = client("pricing", "us-east-1", retry_mode="standard", max_attempts=2)
    first = pricing.get_products(ServiceCode="AmazonBedrock", MaxResults=5)
    assert len(first["PriceList"]) == 5 and first["NextToken"]
    docs = [json.loads(i) for i in first["PriceList"]]
    assert {d["serviceCode"] for d in docs} == {"AmazonBedrock"}
    second = pricing.get_products(ServiceCode="AmazonBedrock", MaxResults=5, NextToken=first["NextToken"])
    assert {json.loads(i)["product"]["sku"] for i in second["PriceList"]}.isdisjoint(d["product"]["sku"] for d in docs)
    with pytest.raises(ClientError) as caught:
        pricing.get_products(ServiceCode="AmazonBedrockService", NextToken=first["NextToken"])
    assert caught.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_term_match_filter_on_region(aws_env: dict[str, str]) -> None:
    pricing = client("pricing", "us-east-1", retry_mode="standard", max_attempts=2)
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "ap-northeast-2"}]
    items = pricing.get_products(ServiceCode="AmazonBedrockFoundationModels", Filters=filters)["PriceList"]
    assert items and {json.loads(i)["product"]["attributes"]["regionCode"] for i in items} == {"ap-northeast-2"}


def test_throttling_is_retried_by_botocore(aws_env: dict[str, str], local_aws: LocalAws) -> None:
    local_aws.throttle(2)
    bedrock = client("bedrock", "ap-northeast-2", retry_mode="standard", max_attempts=3)
    assert bedrock.list_foundation_models()["modelSummaries"]
    assert [r[1] for r in local_aws.requests] == ["throttled", "throttled", "ListFoundationModels"]
    local_aws.throttle(5)
    with pytest.raises(ClientError) as caught:
        client("pricing", "us-east-1", retry_mode="standard", max_attempts=2).get_products(ServiceCode="AmazonBedrock")
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"


def test_each_region_answers_for_itself(aws_env: dict[str, str], local_aws: LocalAws) -> None:
    seoul = client("bedrock", "ap-northeast-2", retry_mode="standard", max_attempts=1)
    virginia = client("bedrock", "us-east-1", retry_mode="standard", max_attempts=1)
    profiles = seoul.list_inference_profiles()["inferenceProfileSummaries"]
    seoul_ids = {p["inferenceProfileId"].split(".")[0] for p in profiles}
    us_models = virginia.list_foundation_models()["modelSummaries"]
    assert seoul_ids <= {"apac", "global"}
    assert all(m["modelArn"].startswith("arn:aws:bedrock:us-east-1:") for m in us_models)
    lifecycle = {m["modelId"]: m["modelLifecycle"] for m in us_models}
    assert lifecycle["anthropic.claude-3-opus-20240229-v1:0"]["status"] == "LEGACY"
    assert lifecycle["anthropic.claude-3-opus-20240229-v1:0"]["endOfLifeTime"].year == 2026  # parsed as a timestamp
    assert ("bedrock", "ListFoundationModels", "us-east-1") in local_aws.requests


def test_unsigned_requests_are_refused(local_aws: LocalAws) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{local_aws.url}/foundation-models", timeout=5)
    assert caught.value.code == 403


def test_under_pytest_a_client_for_real_aws_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL_PRICING", "AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as caught:
        client("pricing", "us-east-1", retry_mode="standard", max_attempts=1)
    message = str(caught.value)
    assert "AWS_ENDPOINT_URL_PRICING" in message and "api.pricing.us-east-1.amazonaws.com" in message


def test_plain_boto3_with_the_sdk_endpoint_variable_reaches_the_stand_in(aws_env: dict[str, str]) -> None:
    pricing = boto3.client("pricing", region_name="us-east-1", config=Config(retries={"mode": "standard"}))
    assert pricing.meta.endpoint_url == aws_env["AWS_ENDPOINT_URL_PRICING"]
    assert pricing.get_products(ServiceCode="AmazonBedrockService")["PriceList"]
