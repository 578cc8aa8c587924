"""The refresh's fixtures: the stand-in on 127.0.0.1 serving tests/data/aws, and an environment in which boto3
finds only dummy credentials and the stand-in's endpoints (never AWS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.aws_local import AwsData, LocalAws
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.catalog.refresh.records import Snapshot
from bot.catalog.refresh.run import read_aws
from bot.settings import RefreshSettings
from tests.support.aws_env import FIXTURE, offline_env

REGIONS = "us-east-1,ap-northeast-2"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(layers=False)  # the curated catalog: the fixtures' "new" models are new to it


@pytest.fixture
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(AwsData.from_dir(FIXTURE)) as aws:
        yield aws


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, local_aws: LocalAws) -> dict[str, str]:
    return offline_env(monkeypatch, local_aws.url)


@pytest.fixture
def refresh_settings() -> RefreshSettings:
    return RefreshSettings(regions=REGIONS, max_attempts=4)


@pytest.fixture
def snapshot(aws_env: dict[str, str], refresh_settings: RefreshSettings) -> Snapshot:
    return read_aws(refresh_settings, date(2026, 12, 2))
