"""The settings every door passes to the use cases: one typed record, read by bot.config.

It lives here, below bot/, so that the use cases in ops/ name its type without an upward import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from debt.pay_signing import PayNow
from debt.policy import Policy

# Telegram's free limits: about 30 messages a second in all, 20 a minute into one group.
SEND_RATE = 30.0
GROUP_SEND_RATE = 20.0
API_RATE = 600.0  # the bank API: requests a minute per key (bot/api_guard.py)
HEALTH_HOST = "127.0.0.1"
HEALTH_PORT = 8080
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
# Events out: tries after the first before an event becomes a dead letter, the first wait in
# seconds (doubling after each failure, at most an hour), and how long one POST may take.
EVENTS_RETRIES = 10
EVENTS_BACKOFF = 10.0
EVENTS_TIMEOUT = 10.0
# The staff console: its session cookie's life, and the wrong passwords that lock a sign-in.
CONSOLE_SESSION_MINUTES = 480
CONSOLE_LOCK_FAILURES = 5
CONSOLE_LOCK_MINUTES = 15


class ConfigError(ValueError):
    """One line that says which setting is wrong and why."""


@dataclass(frozen=True)
class EventsSettings:
    """Where events are POSTed, the Standard Webhooks key they are signed with, and the retries."""

    url: str
    key: bytes = field(repr=False)
    retries: int = EVENTS_RETRIES
    backoff: float = EVENTS_BACKOFF  # seconds before the first retry
    timeout: float = EVENTS_TIMEOUT  # seconds for one POST


@dataclass(frozen=True)
class ConsoleSettings:
    """The staff console (bot/console_web.py). `secure_cookie` off only for plain-http tests on
    localhost: a browser sends a Secure cookie over HTTPS alone."""

    secure_cookie: bool = True
    session_minutes: int = CONSOLE_SESSION_MINUTES  # a session expires this long after sign-in
    lock_failures: int = CONSOLE_LOCK_FAILURES  # this many wrong passwords in a row lock the name
    lock_minutes: int = CONSOLE_LOCK_MINUTES  # for this long after the last of them


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
    config_path: str | None = None  # the TOML file read (--config or DEBTDESK_CONFIG), if any
    health_host: str = HEALTH_HOST  # DEBTDESK_HEALTH_HOST
    health_port: str = str(HEALTH_PORT)  # DEBTDESK_HEALTH_PORT as written: `run` alone checks it
    locales: str | None = None  # DEBTDESK_LOCALES
    proxies: tuple[str, ...] = ()  # which of PROXY_VARIABLES are set
    api_rate: float = API_RATE  # bank API requests a minute per key
    events: EventsSettings | None = None  # None: no DEBTDESK_EVENTS_URL, events stay in the feed
    # DEBTDESK_PAYMENT_PROVIDER_TOKEN: Telegram invoices through the bank's payment provider
    payment_provider_token: str | None = field(default=None, repr=False)
    pay_now: PayNow | None = None  # "Pay now": an invoice, a checkout link, or None (instructions only)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    jobs_first: float | None = None  # DEBTDESK_JOBS_FIRST: the periodic jobs' first run, seconds in

    def require_secret(self) -> bytes:
        if not self.secret:
            raise ConfigError("DEBTDESK_SECRET is not set: every command but the demo needs it")
        return self.secret
