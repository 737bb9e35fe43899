"""Settings: environment variables with prefix ``BACKCHECK_`` or a ``.env`` file (docs/contracts.md)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The ports Telegram sends webhooks to (Bot API, setWebhook).
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingsError(ValueError):
    """A setting has a wrong value; the message names it in one line."""


def parse_hhmm(value: str) -> tuple[int, int]:
    m = _HHMM.match(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a time of day as HH:MM (00:00-23:59)")
    return int(m.group(1)), int(m.group(2))


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not a known IANA time zone (e.g. Europe/London)") from exc
    return value


def _check_http_url(value: str) -> str:
    u = urlparse(value)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BACKCHECK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///backcheck.db"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str | None = None
    admins: str = ""
    default_timezone: str = "UTC"
    default_checkin_time: str = "08:00"
    reminder_after_minutes: int = 180
    #: Seconds to keep retrying the database and the platforms at start-up (0: fail at once).
    startup_timeout: float = 60.0
    #: Message texts older than this many days are erased (numbers kept); unset: kept.
    retention_days: int | None = None

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        scheme = urlparse(v).scheme.split("+")[0]
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"{v!r} is not a sqlite:/// or postgresql:// URL")
        return v

    @field_validator("telegram_api_url", "slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        return _check_http_url(v)

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, v: str | None) -> str | None:
        return _check_http_url(v) if v else None

    @field_validator("startup_timeout")
    @classmethod
    def _startup_timeout(cls, v: float) -> float:
        if v < 0:
            raise ValueError("must be 0 (no retries) or a positive number of seconds")
        return v

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("must be a number of days, 1 or more (unset keeps texts)")
        return v

    @model_validator(mode="after")
    def _webhook_reachable_by_telegram(self) -> Settings:
        # Telegram's own servers deliver webhooks only over HTTPS to ports 443, 80, 88 or 8443; a
        # self-hosted Bot API server (and the tests' fake) accepts any URL.
        url = self.telegram_webhook_url
        if url and urlparse(self.telegram_api_url).hostname == "api.telegram.org":
            u = urlparse(url)
            if u.scheme != "https":
                raise ValueError(f"telegram_webhook_url|{url!r}: Telegram delivers webhooks only over https://")
            if (u.port or 443) not in TELEGRAM_WEBHOOK_PORTS:
                raise ValueError(f"telegram_webhook_url|port {u.port}: Telegram delivers webhooks only to "
                                 "ports 443, 80, 88 or 8443")
        return self

    @field_validator("default_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return check_timezone(v)

    @field_validator("default_checkin_time")
    @classmethod
    def _time(cls, v: str) -> str:
        h, m = parse_hhmm(v)
        return f"{h:02d}:{m:02d}"

    @field_validator("port")
    @classmethod
    def _port(cls, v: int) -> int:
        if not 0 <= v <= 65535:
            raise ValueError(f"{v} is not a TCP port (0-65535)")
        return v

    @field_validator("reminder_after_minutes")
    @classmethod
    def _reminder(cls, v: int) -> int:
        if v < 0:
            raise ValueError("must be 0 (no reminder) or a positive number of minutes")
        return v

    @cached_property
    def admin_keys(self) -> frozenset[str]:
        return frozenset(k.strip() for k in self.admins.split(",") if k.strip())

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def slack_enabled(self) -> bool:
        """One workspace (a bot token) or many (OAuth client id and secret), over HTTP (Slack's
        requests checked with the signing secret) or Socket Mode (an app-level token)."""
        one = bool(self.slack_bot_token)
        many = bool(self.slack_client_id and self.slack_client_secret)
        return bool(self.slack_signing_secret or self.slack_app_token) and (one or many)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning pydantic's multi-line report into one line naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "BACKCHECK_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not err["loc"] and "|" in msg:  # a check across settings names its setting first
            field, _, msg = msg.partition("|")
            name = "BACKCHECK_" + field.upper()
        raise SettingsError(f"{name}: {msg}") from None
