"""Model ids and inference profiles against the Region a call is served in, through real boto3 and langchain-aws:
a profile whose prefix the Region does not list is an invalid model id; a model that runs there only through
cross-Region profiles refuses its in-Region id with Bedrock's on-demand wording. The Region is the client's
signing Region unless the configuration pins one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from langchain_aws import ChatBedrockConverse

from bot.bedrock_local import LocalBedrock, LocalConfig
from bot.bedrock_local.errors import INVALID_MODEL
from bot.bedrock_local.routing import call_region, signing_region
from bot.catalog.catalog import Catalog
from tests.bedrock_local.conftest import CREDENTIALS, user

SONNET_3_7 = "anthropic.claude-3-7-sonnet-20250219-v1:0"  # cross-Region only in the US Regions (catalog)
ON_DEMAND = (
    f"Invocation of model ID {SONNET_3_7} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


def regional(url: str, region: str) -> Any:
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=url,
        region_name=region,
        config=Config(retries={"total_max_attempts": 1}),
        **CREDENTIALS,
    )


def reply(client: Any, model: str, stream: bool = False) -> str:
    if stream:
        events = list(client.converse_stream(modelId=model, messages=[user("hello")])["stream"])
        return str(events[-2]["messageStop"]["stopReason"])
    return str(client.converse(modelId=model, messages=[user("hello")])["stopReason"])


def refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == "ValidationException"
    return str(info.value.response["Error"]["Message"])


def test_the_region_is_read_from_the_sigv4_credential_scope() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=x/20260101/ap-northeast-2/bedrock/aws4_request, SignedHeaders=host"
    assert signing_region({"Authorization": auth}) == "ap-northeast-2"
    assert call_region(None, {"authorization": auth}) == "ap-northeast-2"
    assert call_region("eu-west-1", {"authorization": auth}) == "eu-west-1"
    assert call_region(None, {}) == "us-east-1"


@pytest.mark.parametrize("stream", [False, True])
def test_profiles_the_region_lists_are_callable(bedrock: LocalBedrock, stream: bool) -> None:
    us = regional(bedrock.url, "us-east-1")
    for model in ("us.amazon.nova-lite-v1:0", "global.anthropic.claude-haiku-4-5-20251001-v1:0"):
        assert reply(us, model, stream) == "end_turn"
    assert reply(regional(bedrock.url, "ap-northeast-2"), "apac.amazon.nova-lite-v1:0", stream) == "end_turn"


@pytest.mark.parametrize("stream", [False, True])
def test_profiles_the_region_does_not_list_are_invalid_ids(bedrock: LocalBedrock, stream: bool) -> None:
    us, seoul = regional(bedrock.url, "us-east-1"), regional(bedrock.url, "ap-northeast-2")
    assert refusal(lambda: reply(us, "apac.amazon.nova-lite-v1:0", stream)) == INVALID_MODEL
    assert refusal(lambda: reply(us, "eu.amazon.nova-lite-v1:0", stream)) == INVALID_MODEL
    assert refusal(lambda: reply(seoul, "us.amazon.nova-lite-v1:0", stream)) == INVALID_MODEL
    arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/apac.amazon.nova-lite-v1:0"
    assert refusal(lambda: reply(us, arn, stream)) == INVALID_MODEL


@pytest.mark.parametrize("stream", [False, True])
def test_an_in_region_id_is_refused_where_the_model_is_cross_region_only(bedrock: LocalBedrock, stream: bool) -> None:
    us = regional(bedrock.url, "us-east-1")
    assert refusal(lambda: reply(us, SONNET_3_7, stream)) == ON_DEMAND
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_3_7}"
    assert refusal(lambda: reply(us, arn, stream)) == ON_DEMAND
    assert reply(us, f"us.{SONNET_3_7}", stream) == "end_turn"
    assert reply(us, "amazon.nova-lite-v1:0", stream) == "end_turn"  # runs in us-east-1 itself


def test_a_region_the_catalog_does_not_know_is_not_checked(bedrock: LocalBedrock) -> None:
    assert reply(regional(bedrock.url, "mx-central-1"), "apac.amazon.nova-lite-v1:0") == "end_turn"


@pytest.fixture(scope="module")
def pinned(catalog: Catalog) -> Iterator[LocalBedrock]:
    with LocalBedrock(catalog, LocalConfig(region="ap-northeast-2")) as bedrock:
        yield bedrock


def test_a_configured_region_wins_over_the_signing_region(pinned: LocalBedrock) -> None:
    us_signed = regional(pinned.url, "us-east-1")
    assert reply(us_signed, "apac.amazon.nova-lite-v1:0") == "end_turn"
    assert refusal(lambda: reply(us_signed, "us.amazon.nova-lite-v1:0")) == INVALID_MODEL


def test_langchain_gets_the_same_refusals(bedrock: LocalBedrock) -> None:
    def llm(model: str, region: str) -> ChatBedrockConverse:
        return ChatBedrockConverse(  # type: ignore[call-arg]  # `model` is the documented alias of model_id
            model=model, endpoint_url=bedrock.url, region_name=region, **CREDENTIALS
        )

    with pytest.raises(ClientError, match="The provided model identifier is invalid"):
        llm("apac.amazon.nova-lite-v1:0", "us-east-1").invoke("hello")
    with pytest.raises(ClientError, match="with on-demand throughput isn\u2019t supported"):
        list(llm(SONNET_3_7, "us-east-1").stream("hello"))
    assert llm("apac.amazon.nova-lite-v1:0", "ap-northeast-2").invoke("hello").response_metadata["serviceTier"] == {
        "type": "default"
    }
