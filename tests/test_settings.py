"""Settings: defaults, flat env names, start-up errors that name the variable, secrets kept out of output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.errors import BotError, ConfigError
from bot.settings import (
    DEFAULT_CATALOG_DIR,
    DEFAULT_CONCEPTS_DIR,
    ROOT,
    Settings,
    _aliases,
    env_names,
    groups_of,
)


def all_env_names() -> list[str]:
    """Every variable an operator can set, aliases included."""
    names: list[str] = []
    for group in groups_of().values():
        names.extend(env_names(group).values())
        for field in group.model_fields.values():
            names.extend(a.upper() for a in _aliases(field))
    return sorted(set(names))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an environment with none of our settings (CI exports REDIS_URL, for one)."""
    for name in all_env_names():
        monkeypatch.delenv(name, raising=False)


def load_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> ConfigError:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    return caught.value


def test_defaults() -> None:
    s = Settings.load()
    assert s.slack.bot_token is None and s.slack.signing_secret is None and s.slack.app_token is None
    assert s.slack.api_url == "https://slack.com/api/"
    assert not s.slack.socket_mode
    assert s.aws.region == "us-east-1"
    assert s.aws.bedrock_endpoint_url is None
    assert s.redis.url.get_secret_value() == "redis://localhost:6379/0"
    assert s.server.port == 3000
    assert s.catalog.catalog_dir == DEFAULT_CATALOG_DIR == ROOT / "config" / "catalog"
    assert s.catalog.concepts_dir == DEFAULT_CONCEPTS_DIR == ROOT / "config" / "concepts"
    assert (ROOT / "bot" / "settings.py").is_file()  # the data folders sit next to the package
    assert s.catalog.default_region == "us-east-1"
    assert s.catalog.default_language == "ko"
    assert s.assistant.default_model == "nova-lite"
    assert s.assistant.month_days == 30
    assert (s.log.level, s.log.format) == ("INFO", "text")


def test_flat_env_names_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "con").mkdir()
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1-abc",
        "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
        "SLACK_APP_TOKEN": "xapp-1-def",
        "SLACK_API_URL": "http://127.0.0.1:8765/api",
        "AWS_REGION": "ap-northeast-2",
        "BEDROCK_ENDPOINT_URL": "http://127.0.0.1:4566",
        "REDIS_URL": "redis://cache:6380/3",
        "PORT": "8080",
        "BRA_CATALOG_DIR": str(tmp_path / "cat"),
        "BRA_CONCEPTS_DIR": str(tmp_path / "con"),
        "BRA_DEFAULT_REGION": "AP-NORTHEAST-2",
        "BRA_DEFAULT_LANGUAGE": " EN ",
        "BRA_DEFAULT_MODEL": "claude-3-5-haiku",
        "BRA_MONTH_DAYS": "31",
        "LOG_LEVEL": "debug",
        "LOG_FORMAT": "JSON",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s = Settings.load()
    assert s.slack.bot_token is not None and s.slack.bot_token.get_secret_value() == "xoxb-1-abc"
    assert s.slack.socket_mode
    assert s.slack.api_url == "http://127.0.0.1:8765/api/"  # slack_sdk needs the trailing slash
    assert (s.aws.region, s.aws.bedrock_endpoint_url) == ("ap-northeast-2", "http://127.0.0.1:4566")
    assert s.redis.url.get_secret_value() == "redis://cache:6380/3"
    assert s.server.port == 8080
    assert (s.catalog.catalog_dir, s.catalog.concepts_dir) == (tmp_path / "cat", tmp_path / "con")
    assert (s.catalog.default_region, s.catalog.default_language) == ("ap-northeast-2", "en")
    assert (s.assistant.default_model, s.assistant.month_days) == ("claude-3-5-haiku", 31)
    assert (s.log.level, s.log.format) == ("DEBUG", "json")


def test_aws_default_region_is_read_and_aws_region_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert Settings.load().aws.region == "eu-central-1"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert Settings.load().aws.region == "us-west-2"


def test_blank_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker compose env files often carry `SLACK_APP_TOKEN=`; that must not switch on Socket Mode
    for name, value in {
        "SLACK_APP_TOKEN": "",
        "SLACK_BOT_TOKEN": "   ",
        "PORT": " ",
        "LOG_LEVEL": "",
    }.items():
        monkeypatch.setenv(name, value)
    s = Settings.load()
    assert s.slack.app_token is None and s.slack.bot_token is None and not s.slack.socket_mode
    assert (s.server.port, s.log.level) == (3000, "INFO")


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("BRA_DEFAULT_REGION", "xx", "BRA_DEFAULT_REGION: 'xx' is not a region code like us-east-1"),
        ("AWS_REGION", "seoul", "AWS_REGION: 'seoul' is not a region code"),
        ("AWS_DEFAULT_REGION", "seoul", "AWS_DEFAULT_REGION: 'seoul' is not a region code"),
        ("PORT", "abc", "PORT: 'abc' is invalid: Input should be a valid integer"),
        ("PORT", "70000", "PORT: '70000' is invalid: Input should be less than or equal to 65535"),
        ("BRA_DEFAULT_LANGUAGE", "jp", "BRA_DEFAULT_LANGUAGE: 'jp' is invalid: Input should be 'ko' or 'en'"),
        ("BRA_MONTH_DAYS", "0", "BRA_MONTH_DAYS: '0' is invalid: Input should be greater than or equal to 1"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: 'xml' is invalid: Input should be 'json' or 'text'"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: 'LOUD' is invalid"),
        ("BRA_CATALOG_DIR", "/no/such/folder", "BRA_CATALOG_DIR: '/no/such/folder' is not a folder"),
        ("BRA_CONCEPTS_DIR", "/no/such/folder", "BRA_CONCEPTS_DIR: '/no/such/folder' is not a folder"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL: 'slack.com/api' is not an http(s) URL"),
        (
            "BEDROCK_ENDPOINT_URL",
            "localhost:8000",
            "BEDROCK_ENDPOINT_URL: 'localhost:8000' is not an http(s)",
        ),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: must be a URL like redis://host:6379/0"),
        ("SLACK_BOT_TOKEN", "xapp-1-swapped", "SLACK_BOT_TOKEN: must be the Bot User OAuth Token"),
        ("SLACK_APP_TOKEN", "xoxb-1-swapped", "SLACK_APP_TOKEN: must be an app-level token"),
    ],
)
def test_bad_value_is_a_config_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    error = load_error(monkeypatch, **{env: value})
    assert len(error.problems) == 1
    assert error.problems[0].startswith(expected)
    assert expected in str(error) and "config/.env.example" in str(error)
    assert isinstance(error, BotError) and error.message("ko") == error.message("en") == str(error)


def test_every_bad_setting_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    error = load_error(monkeypatch, PORT="0", BRA_DEFAULT_REGION="nowhere", LOG_FORMAT="xml")
    assert [p.split(":")[0] for p in error.problems] == ["PORT", "BRA_DEFAULT_REGION", "LOG_FORMAT"]


def test_secrets_stay_out_of_repr_str_and_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-111-222-SECRETBOT",
        "SLACK_SIGNING_SECRET": "SECRETSIGNING0123456789abcdef",
        "SLACK_APP_TOKEN": "xapp-1-SECRETAPP",
        "REDIS_URL": "redis://:SECRETPASS@cache:6379/0",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    s = Settings.load()
    shown = [repr(s), str(s), s.model_dump_json(), str(s.model_dump()), repr(s.slack), repr(s.redis)]
    for text in shown:
        assert "SECRET" not in text
    assert s.slack.signing_secret is not None
    assert s.slack.signing_secret.get_secret_value() == secrets["SLACK_SIGNING_SECRET"]
    assert s.redis.redacted_url() == "redis://:***@cache:6379/0"


def test_rejected_secrets_are_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    error = load_error(
        monkeypatch,
        SLACK_BOT_TOKEN="xoxp-SECRETUSER",
        SLACK_APP_TOKEN="SECRETAPP",
        REDIS_URL="http://:SECRET@x",
    )
    assert [p.split(":")[0] for p in error.problems] == ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "REDIS_URL"]
    assert "SECRET" not in str(error)


def test_env_file_is_read_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nBRA_DEFAULT_MODEL=nova-pro\nSLACK_APP_TOKEN=\nOTHER_TOOL_SETTING=x\n")
    monkeypatch.setenv("PORT", "5000")
    s = Settings.load(env_file=env_file)
    assert (s.server.port, s.assistant.default_model, s.slack.app_token) == (5000, "nova-pro", None)


def test_settings_are_frozen() -> None:
    s = Settings.load()
    with pytest.raises(ValidationError):
        s.server.port = 1  # type: ignore[misc]


def test_require_slack_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.load().require_slack()
    assert [p.split(" ")[0] for p in caught.value.problems] == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    assert "SLACK_APP_TOKEN" in str(caught.value)  # the Socket Mode alternative is offered

    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-x")
    with pytest.raises(ConfigError) as caught:
        Settings.load().require_slack()
    assert [p.split(" ")[0] for p in caught.value.problems] == ["SLACK_BOT_TOKEN"]


def test_require_slack_selects_the_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-x")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cr3t")
    assert Settings.load().require_slack() == "http"
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-x")
    assert Settings.load().require_slack() == "socket"  # Socket Mode needs no signing secret


def test_every_setting_is_documented() -> None:
    example = (ROOT / "config" / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for group in groups_of().values():
        for name, env in env_names(group).items():
            assert f"{env}=" in example, f"{env} missing from config/.env.example"
            assert f"`{env}`" in readme, f"{env} missing from the README's configuration table"
            assert group.model_fields[name].description, f"{env} has no description"


def test_importing_settings_stays_light() -> None:
    code = (
        "import sys, bot.settings; heavy = {'boto3', 'botocore', 'redis', 'slack_sdk', 'slack_bolt', "
        "'langchain_aws', 'yaml'}; print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_region_given_in_code_is_used_and_the_environment_reads_only_aws_names(monkeypatch) -> None:
    from bot.settings import AwsSettings

    monkeypatch.setenv("AWS_REGION", "ap-northeast-2")
    monkeypatch.setenv("REGION", "ap-south-1")
    assert AwsSettings().region == "ap-northeast-2"
    assert AwsSettings(region="eu-west-1").region == "eu-west-1"
