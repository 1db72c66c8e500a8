"""Settings: a TOML file (--config or DEBTDESK_CONFIG) overridden by DEBTDESK_* variables.

A bad setting stops the program with one clear line (ConfigError), never a traceback.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from debt.policy import Policy, PolicyError, load_policy

KEYS = (
    "db", "secret", "policy", "bot_token", "bot_api_url", "bot_username",
    "collectors_chat", "collectors_locale", "webhook_secret", "log_format", "log_level",
    "send_rate", "group_send_rate", "api_rate",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Telegram's free limits: about 30 messages a second in all, 20 a minute into one group.
SEND_RATE = 30.0
GROUP_SEND_RATE = 20.0
API_RATE = 600.0  # the bank API: requests a minute per key (bot/api_guard.py)


class ConfigError(ValueError):
    """One line that says which setting is wrong and why."""


@dataclass(frozen=True)
class Config:
    db_path: str
    secret: bytes | None  # the HMAC key; None only where the demo makes its own
    policy: Policy
    policy_name: str
    bot_token: str | None
    bot_api_url: str | None  # a self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot
    bot_username: str | None  # None: `links` refuses rather than link to someone else's bot
    collectors_chat: int | None
    collectors_locale: str
    webhook_secret: str | None
    log_format: str  # text | json
    log_level: int  # debtdesk's own loggers (DEBTDESK_LOG_LEVEL); the libraries stay at WARNING
    send_rate: float = SEND_RATE  # messages a second, all chats together
    group_send_rate: float = GROUP_SEND_RATE  # messages a minute into one group (the collectors')
    api_rate: float = API_RATE  # bank API requests a minute per key

    def require_secret(self) -> bytes:
        if not self.secret:
            raise ConfigError("DEBTDESK_SECRET is not set: every command but the demo needs it")
        return self.secret


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


def load_config(path: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
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
        api_rate=_rate(values, "api_rate", API_RATE, "minute"),
    )
