"""Start-up configuration: one `Settings` object, built once from the environment by `Settings.load()`.

Each group is its own `BaseSettings`, so operators set the flat names of DESIGN §3 (`SLACK_BOT_TOKEN`,
`AWS_REGION`, `REDIS_URL`, `PORT`, `BRA_*`, `LOG_*`), not nested ones; empty values count as unset.
`load()` turns pydantic's errors into one `ConfigError` naming each bad variable and what to set.

Data folders default to `config/catalog` and `config/concepts` next to the `bot` package
(`Path(__file__).resolve().parent.parent`): the repository for the editable install, `/app` in the Docker
image. Any other install must set BRA_CATALOG_DIR and BRA_CONCEPTS_DIR.

Only pydantic is imported here (no boto3, redis or slack): the console must start fast.
"""

from __future__ import annotations

import os
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG_DIR = ROOT / "config" / "catalog"
DEFAULT_CONCEPTS_DIR = ROOT / "config" / "concepts"
DEFAULT_ACCESS_FILE = ROOT / "config" / "access.yaml"
DEFAULT_GUARD_FILE = ROOT / "config" / "guardrails.yaml"
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$")
TimeOfDay = time  # `RefreshSettings.time` is a field name, so its class body cannot say `time`
_HTTP_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


class _Group(BaseSettings):
    """Base of the groups: empty variables count as unset, surrounding blanks are dropped."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise PydanticUseDefault()  # a blank value means "not set", as an empty one does
        return value


def _region(value: str) -> str:
    if not _REGION.match(value):
        raise ValueError(f"{value!r} is not a region code like us-east-1 or ap-northeast-2")
    return value


def _http_url(value: str) -> str:
    if not _HTTP_URL.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL like https://host:port/")
    return value


class SlackSettings(_Group):
    """Slack app credentials. Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise."""

    model_config = SettingsConfigDict(env_prefix="SLACK_")

    bot_token: SecretStr | None = Field(None, description="Bot User OAuth Token (xoxb-...); needed by serve")
    signing_secret: SecretStr | None = Field(
        None, description="Signing Secret (Basic Information page); needed by serve in HTTP mode"
    )
    app_token: SecretStr | None = Field(
        None, description="App-level token (xapp-...) with connections:write; set it for Socket Mode"
    )
    api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL; tests use a local mock")
    timeout_s: int = Field(10, ge=1, le=120, description="seconds the Web API client waits for Slack's reply")
    post_confirm_s: float = Field(
        10.0,
        ge=0,
        le=120,
        description="after a chat.postMessage timed out: seconds spent looking for it before posting anew",
    )

    @field_validator("bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be the Bot User OAuth Token, which starts with xoxb- (OAuth & Permissions)")
        return value

    @field_validator("app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token, which starts with xapp- (Basic Information)")
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _http_url(value).rstrip("/") + "/"  # slack_sdk joins method names onto it

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set: serve connects over Socket Mode instead of HTTP."""
        return self.app_token is not None


class AwsSettings(_Group):
    """Where Bedrock is. Credentials come from boto3's usual chain (env, profile, role), not from here. The fields
    are read from their AWS variable names; in code they may also be given by field name (`region=`)."""

    model_config = SettingsConfigDict(env_prefix="")

    region: str = Field(
        "us-east-1",
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"),
        description="AWS region the Bedrock runtime is called in (AWS_DEFAULT_REGION is read too)",
    )
    bedrock_endpoint_url: str | None = Field(
        None,
        validation_alias=AliasChoices("BEDROCK_ENDPOINT_URL"),
        description="Bedrock Runtime endpoint override, e.g. the local endpoint; unset = AWS",
    )

    @model_validator(mode="before")
    @classmethod
    def _by_field_name(cls, data: Any) -> Any:
        """`AwsSettings(region=…)` in code means AWS_REGION (only the AWS names are read from the environment)."""
        if isinstance(data, dict) and "region" in data:
            data = {**data}
            data["AWS_REGION"] = data.pop("region")  # given in code: wins over the environment
        return data

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        return _region(value)

    @field_validator("bedrock_endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)


class RedisSettings(_Group):
    """The Redis holding all shared state. The URL may carry a password, so it is a secret."""

    model_config = SettingsConfigDict(env_prefix="REDIS_")

    url: SecretStr = Field(
        SecretStr("redis://localhost:6379/0"),
        description="Redis URL: redis://[:password@]host:port/db, rediss:// for TLS, or unix:///path",
    )

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: SecretStr) -> SecretStr:
        if not re.match(r"^(rediss?|unix)://\S+$", value.get_secret_value()):
            raise ValueError("must be a URL like redis://host:6379/0 (schemes: redis, rediss, unix)")
        return value

    def redacted_url(self) -> str:
        """The URL with any password replaced by ***, for logs and messages."""
        return re.sub(r"(://[^/@]*:)[^@/]*@", r"\1***@", self.url.get_secret_value())


class ServerSettings(_Group):
    """The HTTP listener of serve (gunicorn in HTTP mode; health only in Socket Mode) and the listener pool."""

    model_config = SettingsConfigDict(env_prefix="")

    port: int = Field(3000, ge=1, le=65535, description="TCP port serve listens on")
    http_workers: int = Field(
        2,
        ge=1,
        le=64,
        validation_alias=AliasChoices("BRA_HTTP_WORKERS"),
        description="gunicorn worker processes in HTTP mode (state is in Redis, so any number works)",
    )
    http_threads: int = Field(
        32,
        ge=1,
        le=1024,
        validation_alias=AliasChoices("BRA_HTTP_THREADS"),
        description="threads per worker running Bolt (the ack only) on a request read whole and checked; slow "
        "clients never hold one",
    )
    http_max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        le=16_777_216,
        validation_alias=AliasChoices("BRA_HTTP_MAX_BODY_BYTES"),
        description="largest request body accepted on /slack/*; larger ones get 413 before they are read "
        "(Slack's payloads are far smaller)",
    )
    http_read_timeout_s: float = Field(
        5.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("BRA_HTTP_READ_TIMEOUT_S"),
        description="seconds a client has to send a request body once its headers arrived; slower ones get 408 "
        "(Slack sends at once and wants its ack within 3 s)",
    )
    listener_threads: int = Field(
        200,
        ge=1,
        le=4096,
        validation_alias=AliasChoices("BRA_LISTENER_THREADS"),
        description="threads per process running slow work (answers, model calls) after the ack",
    )


class CatalogSettings(_Group):
    """Where the curated data lives and what answers assume when a question leaves it out."""

    model_config = SettingsConfigDict(env_prefix="BRA_")

    catalog_dir: Path = Field(DEFAULT_CATALOG_DIR, description="folder of the model catalog YAML files")
    concepts_dir: Path = Field(DEFAULT_CONCEPTS_DIR, description="folder of the concept explanation YAML files")
    default_region: str = Field("us-east-1", description="region answers assume when the question names none")
    default_language: Literal["ko", "en"] = Field(
        "ko", description="reply language when a message has no letters to detect it from (ko or en)"
    )

    @field_validator("default_region", "default_language", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str) -> str:
        return _region(value)

    @field_validator("catalog_dir", "concepts_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        value = value.expanduser()
        if not value.is_dir():
            raise ValueError(f"'{value}' is not a folder; set it to the folder holding the YAML files")
        return value.resolve()


def existing_file(value: Path, example: str) -> Path:
    """A settings path that must name a file, resolved; the error says what to point it at."""
    value = value.expanduser()
    if not value.is_file():
        raise ValueError(f"'{value}' is not a file; point it at {example}")
    return value.resolve()


class AssistantSettings(_Group):
    """Defaults of the assistant itself."""

    model_config = SettingsConfigDict(env_prefix="BRA_")

    default_model: str = Field(
        "nova-lite", min_length=1, description="catalog key of the model used when none is chosen"
    )
    month_days: int = Field(30, ge=1, le=31, description="days per month in per-month cost estimates")
    krw_per_usd: Decimal | None = Field(
        None, gt=0, description="exchange rate for answers in 원 (KRW per USD, e.g. 1385.20); unset: USD only"
    )
    krw_rate_as_of: date | None = Field(None, description="the date of BRA_KRW_PER_USD (YYYY-MM-DD), shown with 원")
    krw_default_korean: bool = Field(
        False, description="show 원 next to USD in every Korean answer (otherwise only when asked: '원화로')"
    )
    access_file: Path = Field(
        DEFAULT_ACCESS_FILE, description="access policy YAML: allowed workspaces, channels, admins, bots"
    )

    @field_validator("access_file")
    @classmethod
    def _file(cls, value: Path) -> Path:
        return existing_file(value, "an access policy like config/access.yaml")

    @model_validator(mode="after")
    def _rate_with_date(self) -> AssistantSettings:
        if (self.krw_per_usd is None) != (self.krw_rate_as_of is None):
            raise ValueError("BRA_KRW_PER_USD and BRA_KRW_RATE_AS_OF go together: set both (rate and date) or neither")
        if self.krw_default_korean and self.krw_per_usd is None:
            raise ValueError("BRA_KRW_DEFAULT_KOREAN needs BRA_KRW_PER_USD and BRA_KRW_RATE_AS_OF")
        return self


class ChatSettings(_Group):
    """Chatting with models: memory, answer size, timeouts, retries, fallbacks, compare, streaming."""

    model_config = SettingsConfigDict(env_prefix="BRA_")

    memory_ttl_days: int = Field(30, ge=1, le=365, description="days a thread's conversation memory is kept")
    history_tokens: int = Field(
        8000, ge=256, le=1_000_000, description="most history tokens sent per call (also capped by the context window)"
    )
    max_answer_tokens: int = Field(2048, ge=64, le=64_000, description="answer budget (maxTokens) per model call")
    model_timeout_s: float = Field(60.0, gt=0, le=900, description="seconds to wait for the model's next bytes")
    connect_timeout_s: float = Field(5.0, gt=0, le=60, description="seconds to connect to Bedrock")
    model_retries: int = Field(2, ge=0, le=10, description="retries on throttling/5xx before the fallback chain")
    retry_base_s: float = Field(0.25, ge=0, le=30, description="first retry's backoff (doubles, with jitter)")
    retry_max_s: float = Field(4.0, ge=0, le=120, description="longest backoff between retries")
    fallback_models: str = Field(
        "nova-lite,claude-3-haiku", description="comma-separated catalog keys tried in order when a model fails"
    )
    summary_model: str = Field(
        "nova-micro", description="cheap model that summarises trimmed history ('none': extractive summary only)"
    )
    compare_confirm_usd: Decimal = Field(
        Decimal("0.05"), ge=0, description="ask before a compare whose estimated cost is above this (USD)"
    )
    compare_max_models: int = Field(4, ge=2, le=6, description="most models in one /bedrock compare")
    stream_mode: Literal["auto", "native", "update"] = Field(
        "auto", description="Slack streaming: auto (native stream API, else chat.update), native or update"
    )
    stream_interval_s: float = Field(1.0, ge=0.2, le=10, description="seconds between chat.update edits")
    tool_rounds: int = Field(4, ge=1, le=10, description="most tool-use rounds of the catalog assistant per answer")
    first_token_timeout_s: float = Field(
        20.0, gt=0, le=600, description="seconds to wait for a model's first text before trying the next model"
    )
    turn_deadline_s: float = Field(
        120.0, gt=0, le=1800, description="seconds one turn may take in all (retries, fallbacks, tools); then cut"
    )
    progress_every_s: float = Field(
        5.0, gt=0, le=60, description="seconds between 'still waiting for <model>' updates of the placeholder"
    )
    rate_limit_calls: int = Field(
        20, ge=0, le=10_000, description="billed model calls a user may start per window, all replicas (0: off)"
    )
    rate_limit_window_s: int = Field(60, ge=1, le=86_400, description="the rate limit's sliding window, seconds")
    stream_journal_ttl_s: float = Field(
        30.0, ge=1, le=3600, description="seconds without a heartbeat after which a streamed answer is abandoned"
    )
    stream_sweep_s: float = Field(
        10.0, ge=0.2, le=3600, description="seconds between checks for abandoned answers to finish (every replica)"
    )
    service_tier: Literal["standard", "flex", "priority"] = Field(
        "standard", description="service tier asked for by default: standard (Bedrock's default), flex, priority"
    )
    route: Literal["auto", "in_region", "geo", "global"] = Field(
        "auto", description="how models are called: auto (in-Region id, else geo profile, else global), or one route"
    )
    model_routes: str | None = Field(
        None, description="per-model routes, e.g. claude-sonnet-4-5=global,nova-pro=geo (overrides BRA_ROUTE)"
    )
    cache_ttl: Literal["5m", "1h"] = Field("5m", description="prompt-cache lifetime: 5m, or 1h where the model has it")
    model_cache_ttls: str | None = Field(
        None, description="per-model prompt-cache lifetimes, e.g. claude-sonnet-4-5=1h"
    )

    @field_validator("service_tier", mode="before")
    @classmethod
    def _default_tier(cls, value: Any) -> Any:
        return "standard" if isinstance(value, str) and value.strip().lower() == "default" else value

    @field_validator("model_routes", "model_cache_ttls")
    @classmethod
    def _pairs_shape(cls, value: str | None) -> str | None:
        allowed = ("auto", "in_region", "geo", "global", "5m", "1h")
        for key, choice in _pairs(value).items():
            if not key or choice not in allowed:
                raise ValueError(f"{key}={choice!r}: expected <model key>=<{'|'.join(allowed)}>")
        return value

    @property
    def fallbacks(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in self.fallback_models.split(",") if k.strip())

    @property
    def routes(self) -> dict[str, str]:
        """Model key → route (`BRA_MODEL_ROUTES`)."""
        return _pairs(self.model_routes)

    @property
    def cache_ttls(self) -> dict[str, str]:
        """Model key → prompt-cache lifetime (`BRA_MODEL_CACHE_TTLS`)."""
        return _pairs(self.model_cache_ttls)


def _pairs(value: str | None) -> dict[str, str]:
    """`a=x, b=y` → {"a": "x", "b": "y"} (blanks around names dropped)."""
    out: dict[str, str] = {}
    for item in (value or "").split(","):
        if item.strip():
            key, _, choice = item.partition("=")
            out[key.strip()] = choice.strip()
    return out


class GuardSettings(_Group):
    """Guardrails: the local policy file, Bedrock Guardrails, and how interventions are kept."""

    model_config = SettingsConfigDict(env_prefix="BRA_")

    guard_policy_file: Path = Field(
        DEFAULT_GUARD_FILE, description="guardrail policy YAML: PII actions, custom regexes, topics, words, attacks"
    )
    guardrail_id: str | None = Field(
        None, description="Bedrock guardrail id or ARN; empty: local policy only (it always runs)"
    )
    guardrail_version: str = Field("DRAFT", pattern=r"^(DRAFT|[1-9][0-9]{0,7})$", description="its version")
    guard_reload_check_s: float = Field(
        5.0, ge=0, le=3600, description="seconds between checks whether another replica reloaded the policy"
    )
    guard_retention_days: int = Field(90, ge=1, le=3650, description="days daily intervention counts are kept")
    guard_events_max: int = Field(
        10_000, ge=100, le=10_000_000, description="most raw intervention events kept (a capped Redis stream)"
    )

    @field_validator("guard_policy_file")
    @classmethod
    def _policy(cls, value: Path) -> Path:
        return existing_file(value, "a policy like config/guardrails.yaml")


DEFAULT_BUDGET_FILE = ROOT / "config" / "budgets.yaml"
DEFAULT_SPILL_DIR = Path.home() / ".local" / "state" / "bedrock-assistant" / "usage-spill"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class UsageSettings(_Group):
    """The usage ledger, budgets and the daily cost digest (DESIGN §5.4)."""

    model_config = SettingsConfigDict(env_prefix="BRA_")

    usage_tz: str = Field("Asia/Seoul", description="time zone of the ledger's days, daily budgets and the digest")
    usage_retention_days: int = Field(
        400, ge=8, le=3650, description="days the daily usage aggregates are kept (the digest needs 14)"
    )
    usage_events_max: int = Field(
        100_000, ge=100, le=10_000_000, description="most raw usage events kept (a capped Redis stream)"
    )
    usage_buffer_max: int = Field(
        10_000, ge=1, le=1_000_000, description="usage events held in memory while Redis is down (then counted lost)"
    )
    usage_spill_dir: Path = Field(
        DEFAULT_SPILL_DIR,
        description="durable local folder where usage events Redis did not take before a stop wait for the next start",
    )
    usage_stop_flush_s: float = Field(
        5.0, ge=0, le=120, description="seconds a stopping process keeps trying to write buffered usage to Redis"
    )
    budget_file: Path = Field(
        DEFAULT_BUDGET_FILE, description="budgets YAML: per-user daily and per-channel monthly limits, warn, action"
    )
    digest_channel: str | None = Field(
        None, description="channel id the daily digest is posted to; empty: no scheduled digest"
    )
    digest_time: str = Field("09:00", description="local time (HH:MM, BRA_USAGE_TZ) the digest is posted")
    digest_language: Literal["ko", "en"] = Field("ko", description="language of the digest: ko or en")
    digest_top: int = Field(5, ge=1, le=20, description="users, channels and models listed in the digest")
    digest_check_s: float = Field(
        60.0, ge=1, le=3600, description="seconds between the scheduler's checks whether a digest is due"
    )
    cost_explorer: bool = Field(
        False, description="add yesterday's actual Bedrock cost from AWS Cost Explorer to the digest"
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.usage_tz)

    @property
    def digest_at(self) -> time:
        """BRA_DIGEST_TIME as a local time of day."""
        return time.fromisoformat(self.digest_time)

    @field_validator("usage_tz")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name like Asia/Seoul or UTC") from None
        return value

    @field_validator("digest_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"{value!r} is not a time like 09:00 (24-hour HH:MM)")
        return value

    @field_validator("budget_file")
    @classmethod
    def _budgets(cls, value: Path) -> Path:
        return existing_file(value, "a budgets file like config/budgets.yaml")


class RefreshSettings(_Group):
    """`catalog refresh` (AWS Price List and Bedrock control plane) and its daily change report in serve."""

    model_config = SettingsConfigDict(env_prefix="BRA_REFRESH_")

    regions: str = Field(
        "us-east-1,us-west-2,ap-northeast-2",
        description="comma-separated regions whose Bedrock control plane lists models and inference profiles",
    )
    pricing_region: Literal["us-east-1", "eu-central-1", "ap-south-1"] = Field(
        "us-east-1", description="region of the AWS Price List API endpoint (it serves every region's prices)"
    )
    retry_mode: Literal["standard", "adaptive", "legacy"] = Field(
        "standard", description="botocore retry mode for the Price List and Bedrock calls (throttling included)"
    )
    max_attempts: int = Field(8, ge=1, le=20, description="botocore max attempts per call, the first included")
    offline: bool = Field(
        False, description="refuse any AWS endpoint not on 127.0.0.1 (a stand-in only); always on under pytest"
    )
    channel: str | None = Field(
        None, description="channel id the daily catalog change report is posted to; empty: no daily report"
    )
    time: str = Field("08:30", description="local time (HH:MM, BRA_USAGE_TZ) the daily change report is posted")
    language: Literal["ko", "en"] = Field("ko", description="language of the daily change report: ko or en")
    check_s: float = Field(
        300.0, ge=1, le=3600, description="seconds between serve's checks whether the change report is due"
    )

    @property
    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]

    @property
    def at(self) -> TimeOfDay:
        """BRA_REFRESH_TIME as a local time of day."""
        return TimeOfDay.fromisoformat(self.time)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: str) -> str:
        codes = [r.strip().lower() for r in value.split(",") if r.strip()]
        if not codes:
            raise ValueError("name at least one region, e.g. us-east-1,ap-northeast-2")
        return ",".join(_region(c) for c in codes)

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"{value!r} is not a time like 08:30 (24-hour HH:MM)")
        return value


class LogSettings(_Group):
    """Logging. Secrets and unmasked text are never logged whatever the level."""

    model_config = SettingsConfigDict(env_prefix="LOG_")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="log level: DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )
    format: Literal["json", "text"] = Field("text", description="log line format: json or text")

    @field_validator("level", "format", mode="before")
    @classmethod
    def _normalise(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "level" else value.lower()


class Settings(BaseModel):
    """All start-up settings, grouped. A plain model on top so that it reads no env names of its own."""

    model_config = ConfigDict(frozen=True)

    slack: SlackSettings = Field(default_factory=SlackSettings, description="Slack credentials and API URL")
    aws: AwsSettings = Field(default_factory=AwsSettings, description="Bedrock region and endpoint")
    redis: RedisSettings = Field(default_factory=RedisSettings, description="Redis connection")
    server: ServerSettings = Field(default_factory=ServerSettings, description="HTTP listener")
    catalog: CatalogSettings = Field(default_factory=CatalogSettings, description="catalog data and defaults")
    assistant: AssistantSettings = Field(default_factory=AssistantSettings, description="assistant defaults")
    chat: ChatSettings = Field(default_factory=ChatSettings, description="chatting with models")
    guard: GuardSettings = Field(default_factory=GuardSettings, description="guardrails")
    usage: UsageSettings = Field(default_factory=UsageSettings, description="usage ledger, budgets, digest")
    refresh: RefreshSettings = Field(default_factory=RefreshSettings, description="catalog refresh from AWS")
    log: LogSettings = Field(default_factory=LogSettings, description="logging")

    @classmethod
    def load(cls, env_file: str | Path | None = None) -> Settings:
        """Read every group from the environment (and `env_file` if given; the environment wins).

        Raises `ConfigError` listing every invalid setting by its environment variable name.
        """
        groups: dict[str, BaseSettings] = {}
        problems: list[str] = []
        for name, group in groups_of(cls).items():
            try:
                groups[name] = group(_env_file=env_file)
            except ValidationError as exc:
                problems.extend(describe_errors(group, exc))
        if problems:
            raise ConfigError(problems)
        return cls.model_validate(groups)

    def require_slack(self) -> Literal["socket", "http"]:
        """Check the Slack settings serve needs; return the mode they select."""
        missing = []
        if self.slack.bot_token is None:
            missing.append("SLACK_BOT_TOKEN is not set: set the Bot User OAuth Token (xoxb-...)")
        if not self.slack.socket_mode and self.slack.signing_secret is None:
            missing.append(
                "SLACK_SIGNING_SECRET is not set: set it for HTTP mode, "
                "or set SLACK_APP_TOKEN (xapp-...) to use Socket Mode"
            )
        if missing:
            raise ConfigError(missing)
        return "socket" if self.slack.socket_mode else "http"


def groups_of(settings: type[Settings] = Settings) -> dict[str, type[BaseSettings]]:
    """The settings groups by attribute name, e.g. {"slack": SlackSettings, ...}."""
    found = {}
    for name, field in settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseSettings):
            found[name] = group
    return found


def env_names(group: type[BaseSettings]) -> dict[str, str]:
    """Field name -> the environment variable the operator sets for it (the first alias if several)."""
    prefix = str(group.model_config.get("env_prefix", ""))
    return {name: (_aliases(field) or [prefix + name])[0].upper() for name, field in group.model_fields.items()}


def describe_errors(group: type[BaseSettings], exc: ValidationError) -> list[str]:
    """One line per error, `ENV_NAME: what is wrong`. Values of secret fields are never shown."""
    names = env_names(group)
    by_key = {name.lower(): name for name in names}
    by_key |= {a.lower(): name for name, field in group.model_fields.items() for a in _aliases(field)}
    lines = []
    for err in exc.errors():
        key = str(err["loc"][0]) if err["loc"] else group.__name__
        field = by_key.get(key.lower())
        env = _env_set(group.model_fields[field], names[field]) if field else key
        if err["type"] == "value_error":  # our validators' messages already say what to set
            lines.append(f"{env}: {err['ctx']['error']}")
            continue
        shown = "" if field is None or _is_secret(group.model_fields[field]) else f"{err['input']!r} is invalid: "
        hint = f" ({group.model_fields[field].description})" if field else ""
        lines.append(f"{env}: {shown}{err['msg']}{hint}")
    return lines


def _aliases(field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [alias] if isinstance(alias, str) else []


def _env_set(field: FieldInfo, default: str) -> str:
    """The alias actually present in the environment (AWS_DEFAULT_REGION), so errors name what was set."""
    present = {name.upper() for name in os.environ}
    return next((a.upper() for a in _aliases(field) if a.upper() in present), default)


def _is_secret(field: FieldInfo) -> bool:
    return SecretStr in (field.annotation, *get_args(field.annotation))
