"""An environment in which boto3 finds only dummy credentials and the local stand-in's endpoints (never AWS)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "aws"


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
