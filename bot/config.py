"""Settings: a TOML file (--config or DEBTDESK_CONFIG) overridden by DEBTDESK_* variables.

This module alone reads the environment: the settings go into ops.settings.Config, and the few
read before any Config exists (the catalogs' folder, the health probe's port) have a reader here.
A bad setting stops the program with one clear line (ConfigError), never a traceback.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from debt.pay_signing import PayNow
from debt.policy import Policy, PolicyError, load_policy
from ops.event_signing import SecretError, parse_secret
from ops.settings import (
    API_RATE,
    CONSOLE_LOCK_FAILURES,
    CONSOLE_LOCK_MINUTES,
    CONSOLE_SESSION_MINUTES,
    EVENTS_BACKOFF,
    EVENTS_RETRIES,
    EVENTS_TIMEOUT,
    GROUP_SEND_RATE,
    HEALTH_HOST,
    HEALTH_PORT,
    PROXY_VARIABLES,
    SEND_RATE,
    Config,
    ConfigError,
    ConsoleSettings,
    EventsSettings,
)

__all__ = ["KEYS", "Config", "ConfigError", "EventsSettings", "health_port_setting", "load_config",
           "locales_setting"]

KEYS = (
    "db", "secret", "policy", "bot_token", "bot_api_url", "bot_username",
    "collectors_chat", "collectors_locale", "webhook_secret", "log_format", "log_level",
    "send_rate", "group_send_rate", "api_rate",
    "events_url", "events_secret", "events_retries", "events_backoff", "events_timeout",
    "payment_provider_token", "checkout_secret",
    "console_secure_cookie", "console_session_minutes", "console_lock_failures", "console_lock_minutes",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def locales_setting(env: Mapping[str, str] | None = None) -> str | None:
    """DEBTDESK_LOCALES: a folder of catalogs of the operator's own (bot.i18n.locales_dir)."""
    return _env(env).get("DEBTDESK_LOCALES") or None


def health_port_setting(env: Mapping[str, str] | None = None) -> str:
    """DEBTDESK_HEALTH_PORT as written (checked where it is used), else the default."""
    return _env(env).get("DEBTDESK_HEALTH_PORT") or str(HEALTH_PORT)


def jobs_first_setting(env: Mapping[str, str]) -> float | None:
    """DEBTDESK_JOBS_FIRST: seconds after start before the sweep, the reminders and the decisions'
    messages first run (unset: one interval, as before); refused unless 0 < seconds <= 3600."""
    raw = env.get("DEBTDESK_JOBS_FIRST") or None
    return None if raw is None else _seconds({"jobs_first": raw}, "jobs_first", 0)


def _proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    """The standard proxy variables set (in either case): named when the Bot API is unreachable."""
    return tuple(name for name in PROXY_VARIABLES if env.get(name) or env.get(name.lower()))


def _from_file(path: str) -> dict[str, object]:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or 'cannot be read'}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting {unknown[0]!r}")
    return data


def _rate(values: Mapping[str, object], key: str, default: float, per: str) -> float:
    """A positive number of messages per second or minute (a bank that pays Telegram for more)."""
    raw = values.get(key, default)
    try:
        rate = math.nan if isinstance(raw, bool) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        rate = math.nan
    if not (math.isfinite(rate) and rate > 0):
        raise ConfigError(f"DEBTDESK_{key.upper()} must be a number of messages a {per} above 0, not {raw!r}")
    return rate


def _seconds(values: Mapping[str, object], key: str, default: float) -> float:
    raw = values.get(key, default)
    try:
        seconds = math.nan if isinstance(raw, bool) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= 3600):
        raise ConfigError(f"DEBTDESK_{key.upper()} must be a number of seconds above 0, at most 3600, "
                          f"not {raw!r}")
    return seconds


def _events(values: Mapping[str, object]) -> EventsSettings | None:
    """DEBTDESK_EVENTS_*: nothing without a URL; a URL needs the secret to sign with."""
    url = str(values.get("events_url") or "")
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"DEBTDESK_EVENTS_URL must be an http:// or https:// URL, not {url!r}")
    secret = str(values.get("events_secret") or "")
    if not secret:
        raise ConfigError("DEBTDESK_EVENTS_URL needs DEBTDESK_EVENTS_SECRET (whsec_...) to sign the events")
    try:
        key = parse_secret(secret)
    except SecretError as exc:
        raise ConfigError(f"DEBTDESK_EVENTS_SECRET {exc}") from None
    raw = values.get("events_retries", EVENTS_RETRIES)
    retries = int(raw) if str(raw).isdigit() else -1
    if not 0 <= retries <= 100:
        raise ConfigError(f"DEBTDESK_EVENTS_RETRIES must be a whole number from 0 to 100, not {raw!r}")
    return EventsSettings(url, key, retries, _seconds(values, "events_backoff", EVENTS_BACKOFF),
                          _seconds(values, "events_timeout", EVENTS_TIMEOUT))


def _pay_now(values: Mapping[str, object], policy: Policy) -> tuple[str | None, PayNow | None]:
    """The provider token and how "Pay now" is offered: a Telegram invoice with a provider token,
    else a signed link when the policy names a checkout page (which needs its key), else none."""
    token = str(values.get("payment_provider_token") or "") or None
    if token:
        return token, PayNow("invoice")
    if not policy.payment.checkout_url:
        return None, None
    key = str(values.get("checkout_secret") or "")
    if len(key) < 16:
        raise ConfigError("the policy's [payment] checkout_url needs DEBTDESK_CHECKOUT_SECRET (at least 16 "
                          "characters, shared with the bank's checkout page) to sign the links")
    return None, PayNow("link", policy.payment.checkout_url, key.encode())
def _whole(values: Mapping[str, object], key: str, default: int, most: int) -> int:
    raw = values.get(key, default)
    number = int(raw) if str(raw).isdigit() else -1
    if not 1 <= number <= most:
        raise ConfigError(f"DEBTDESK_{key.upper()} must be a whole number from 1 to {most}, not {raw!r}")
    return number


def _console(values: Mapping[str, object]) -> ConsoleSettings:
    raw = str(values.get("console_secure_cookie", "true")).lower()
    if raw not in ("true", "false", "1", "0"):
        raise ConfigError(f"DEBTDESK_CONSOLE_SECURE_COOKIE must be true or false, not {raw!r}")
    return ConsoleSettings(
        secure_cookie=raw in ("true", "1"),
        session_minutes=_whole(values, "console_session_minutes", CONSOLE_SESSION_MINUTES, 7 * 24 * 60),
        lock_failures=_whole(values, "console_lock_failures", CONSOLE_LOCK_FAILURES, 100),
        lock_minutes=_whole(values, "console_lock_minutes", CONSOLE_LOCK_MINUTES, 24 * 60),
    )


def load_config(path: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    env = _env(env)
    path = path or env.get("DEBTDESK_CONFIG") or None
    values: dict[str, object] = _from_file(path) if path else {}
    for key in KEYS:
        raw = env.get(f"DEBTDESK_{key.upper()}")
        if raw not in (None, ""):
            values[key] = raw
    policy_name = str(values.get("policy", "cn"))
    try:
        policy = load_policy(policy_name)
    except PolicyError as exc:
        raise ConfigError(f"DEBTDESK_POLICY: {exc}") from None
    chat = values.get("collectors_chat")
    try:
        collectors_chat = int(chat) if chat not in (None, "") else None
    except (TypeError, ValueError):
        raise ConfigError(f"DEBTDESK_COLLECTORS_CHAT must be a chat id number, not {chat!r}") from None
    secret = values.get("secret")
    if secret is not None and len(str(secret)) < 16:
        raise ConfigError("DEBTDESK_SECRET must be at least 16 characters long")
    log_format = str(values.get("log_format", "text"))
    if log_format not in ("text", "json"):
        raise ConfigError("DEBTDESK_LOG_FORMAT must be text or json")
    log_level = str(values.get("log_level", "INFO")).upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"DEBTDESK_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")
    provider_token, pay_now = _pay_now(values, policy)
    return Config(
        db_path=str(values.get("db", "./debtdesk.db")),
        secret=str(secret).encode() if secret else None,
        policy=policy,
        policy_name=policy_name,
        bot_token=str(values["bot_token"]) if values.get("bot_token") else None,
        bot_api_url=str(values["bot_api_url"]) if values.get("bot_api_url") else None,
        bot_username=str(values["bot_username"]) if values.get("bot_username") else None,
        collectors_chat=collectors_chat,
        collectors_locale=str(values.get("collectors_locale", "en")),
        webhook_secret=str(values["webhook_secret"]) if values.get("webhook_secret") else None,
        log_format=log_format,
        log_level=logging.getLevelName(log_level),
        send_rate=_rate(values, "send_rate", SEND_RATE, "second"),
        group_send_rate=_rate(values, "group_send_rate", GROUP_SEND_RATE, "minute"),
        events=_events(values),
        config_path=path,
        health_host=env.get("DEBTDESK_HEALTH_HOST") or HEALTH_HOST,
        health_port=health_port_setting(env),
        locales=locales_setting(env),
        proxies=_proxies(env),
        api_rate=_rate(values, "api_rate", API_RATE, "minute"),
        payment_provider_token=provider_token,
        pay_now=pay_now,
        console=_console(values),
        jobs_first=jobs_first_setting(env),
    )
