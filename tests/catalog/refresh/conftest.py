"""The refresh's fixtures: the stand-in on 127.0.0.1 serving tests/data/aws, and an environment in which boto3
finds only dummy credentials and the stand-in's endpoints (never AWS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.aws_local import AwsData, LocalAws
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.catalog.refresh.records import Snapshot
from bot.catalog.refresh.run import read_aws
from bot.settings import RefreshSettings

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "aws"
REGIONS = "us-east-1,ap-northeast-2"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(AwsData.from_dir(FIXTURE)) as aws:
        yield aws


def offline_env(monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, str]:
    """Point boto3 at `url` with dummy credentials and no profile files; returns the variables set."""
    env = {
        "AWS_ENDPOINT_URL_PRICING": url,
        "AWS_ENDPOINT_URL_BEDROCK": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, local_aws: LocalAws) -> dict[str, str]:
    return offline_env(monkeypatch, local_aws.url)


@pytest.fixture
def refresh_settings() -> RefreshSettings:
    return RefreshSettings(regions=REGIONS, max_attempts=4)


@pytest.fixture
def snapshot(aws_env: dict[str, str], refresh_settings: RefreshSettings) -> Snapshot:
    return read_aws(refresh_settings, date(2026, 12, 2))
