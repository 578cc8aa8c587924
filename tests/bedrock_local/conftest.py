"""One local Bedrock endpoint per session (reset after every test), and real boto3 / langchain-aws clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from langchain_aws import ChatBedrockConverse

from bot.bedrock_local import LocalBedrock, LocalConfig
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog

NOVA_LITE = "us.amazon.nova-lite-v1:0"  # an inference profile id: prompt caching, tools, streaming
CREDENTIALS = {"aws_access_key_id": "x", "aws_secret_access_key": "x"}


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def server(catalog: Catalog) -> Iterator[LocalBedrock]:
    with LocalBedrock(catalog, LocalConfig.model_validate({"guardrails": [GUARDRAIL]})) as bedrock:
        yield bedrock


@pytest.fixture
def bedrock(server: LocalBedrock) -> Iterator[LocalBedrock]:
    server.reset()
    yield server
    server.reset()


def make_client(url: str, **config: Any) -> Any:
    settings = {"retries": {"total_max_attempts": 1}, **config}
    return boto3.client(
        "bedrock-runtime", endpoint_url=url, region_name="us-east-1", config=Config(**settings), **CREDENTIALS
    )


@pytest.fixture
def client(bedrock: LocalBedrock) -> Any:
    """boto3 with retries off, so each fault shows as the error it is."""
    return make_client(bedrock.url)


@pytest.fixture
def chat(bedrock: LocalBedrock) -> Callable[..., ChatBedrockConverse]:
    def make(model: str = NOVA_LITE, **kwargs: Any) -> ChatBedrockConverse:
        return ChatBedrockConverse(  # type: ignore[call-arg]  # `model` is the documented alias of model_id
            model=model, endpoint_url=bedrock.url, region_name="us-east-1", **CREDENTIALS, **kwargs
        )

    return make


GUARDRAIL: dict[str, Any] = {
    "id": "testguard",
    "version": "1",
    "blocked_words": ["bomb", "폭탄"],
    "blocked_input_message": "Blocked input (test guardrail).",
    "blocked_output_message": "Blocked output (test guardrail).",
    "pii": [{"type": "EMAIL", "pattern": r"[\w.+-]+@[\w-]+\.[\w.]+", "action": "ANONYMIZED"}],
}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}
