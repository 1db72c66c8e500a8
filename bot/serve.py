"""`debtdesk run`: the bot, by long polling or behind a webhook, until SIGTERM or SIGINT.

PTB's async API is used step by step (initialize, start, updater, stop, shutdown) instead of
run_polling, so the Store opens and closes around the bot in the same event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot import health
from bot.config import Config, ConfigError
from bot.i18n import translator
from bot.polling import Poller
from bot.telegram_app import build_application, register_commands
from flows.engine import Flows
from ops.settings import PROXY_VARIABLES
from store.db import Store, shown

log = logging.getLogger("debtdesk.serve")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.PRE_CHECKOUT_QUERY]
POLL_TIMEOUT_SECONDS = 30
# Not reaching the Bot API at start (the network is not up yet, a proxy is missing): try again
# after 1, 2, 4 ... seconds, at most a minute apart, until it answers or a signal stops the bot.
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts


@dataclass(frozen=True)
class WebhookOptions:
    """Where PTB's webhook server listens, and the public HTTPS URL Telegram posts to."""

    listen: str
    port: int
    url_path: str
    webhook_url: str


def require_webhook_secret(config: Config) -> str:
    """DEBTDESK_WEBHOOK_SECRET, refused at start when unset or not what Telegram accepts."""
    if not config.webhook_secret:
        raise ConfigError("a webhook needs DEBTDESK_WEBHOOK_SECRET, or anyone could post fake updates to it")
    if not WEBHOOK_SECRET.fullmatch(config.webhook_secret):
        raise ConfigError("DEBTDESK_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
    return config.webhook_secret


def utc_now() -> datetime:
    """The real clock, aware and in UTC: the only place the bot reads wall time for flows."""
    return datetime.now(UTC)


@dataclass
class Receiving:
    """The application while it receives updates; `active()` tells the health probe."""

    application: Application
    poller: Poller | None = None

    def active(self) -> bool:
        return self.poller.active() if self.poller else self.application.updater.running


@asynccontextmanager
async def running(
    application: Application,
    webhook: WebhookOptions | None = None,
    *,
    secret_token: str | None = None,
    poll_timeout: int = POLL_TIMEOUT_SECONDS,
) -> AsyncIterator[Receiving]:
    """The application receiving updates inside the block, stopped cleanly after it."""
    async with started(application):
        receiving = Receiving(application)
        if webhook is None:
            await application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
            receiving.poller = Poller(application, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
            receiving.poller.start()
        else:
            # PTB's webhook server answers 403 to a request without this X-Telegram-Bot-Api-Secret-Token.
            await application.updater.start_webhook(
                listen=webhook.listen,
                port=webhook.port,
                url_path=webhook.url_path,
                webhook_url=webhook.webhook_url,
                secret_token=secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        try:
            yield receiving
        finally:
            await _stop_receiving(receiving)


@asynccontextmanager
async def started(application: Application) -> AsyncIterator[Application]:
    """The application initialised and started (its job queue running, and the events deliverer
    beside the notifier when DEBTDESK_EVENTS_URL is set), without receiving: `running` adds long
    polling or PTB's webhook server, `debtdesk serve` its own ASGI app."""
    async with application:  # initialize() ... shutdown()
        # post_init only runs under run_polling/run_webhook, so the command menu is set here.
        await register_commands(application.bot)
        await application.start()
        events = application.bot_data.get("events")  # ops/event_delivery.py
        if events is not None:
            await events.start()
        try:
            yield application
        finally:
            if events is not None:
                await events.stop()
            notifier = application.bot_data.get("notifier")
            if notifier is not None:
                await notifier.stop()  # a drain held by flood control must not keep SIGTERM waiting
            await application.stop()


async def _stop_receiving(receiving: Receiving) -> None:
    if receiving.poller is not None:
        await receiving.poller.stop()
    elif receiving.application.updater.running:
        await receiving.application.updater.stop()


@asynccontextmanager
async def signalled() -> AsyncIterator[asyncio.Event]:
    """An event SIGTERM or SIGINT sets, for as long as the block runs."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def unreachable_message(where: str, error: Exception, found: tuple[str, ...]) -> str:
    """Why the Bot API may be out of reach, naming the proxy variables set (Config.proxies)."""
    return (
        f"cannot reach the Bot API at {where} ({type(error).__name__}): check DEBTDESK_BOT_API_URL "
        f"(unset means api.telegram.org) and, if this host goes out through a proxy, "
        f"{'/'.join(PROXY_VARIABLES)} (set here: {', '.join(found) or 'none'})"
    )


async def reach_bot_api(bot, where: str, stop: asyncio.Event,
                        first_delay: float = RETRY_FIRST_SECONDS, proxies: tuple[str, ...] = ()) -> bool:
    """The bot's getMe (PTB's initialize) until the Bot API answers, with a doubling wait between
    tries; False when a signal came first. A refused token is raised at once: retrying cannot help."""
    delay = first_delay
    while True:
        try:
            await bot.initialize()
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:  # timeouts included
            log.warning("%s; retrying in %gs", unreachable_message(where, exc, proxies), delay)
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return False
        except TimeoutError:
            delay = min(delay * 2, RETRY_MAX_SECONDS)


async def _health(store: Store, ready, config: Config) -> asyncio.Server | None:
    """GET /healthz on DEBTDESK_HEALTH_HOST:DEBTDESK_HEALTH_PORT (127.0.0.1:8080), for probes.

    A port already taken is logged, not fatal: the bot itself matters more than its probe.
    """
    host, port = config.health_host, config.health_port
    if not port.isdigit():
        raise ConfigError(f"DEBTDESK_HEALTH_PORT must be a port number, not {port!r}")
    try:
        return await health.start_health_server(store, host, int(port), ready=ready)
    except OSError as exc:
        log.error("health endpoint %s:%s not started: %s", host, port, exc.strerror or type(exc).__name__)
        return None


async def _serve_until(stop: asyncio.Event, application: Application, store: Store,
                       webhook: WebhookOptions | None, config: Config) -> None:
    async with running(application, webhook, secret_token=config.webhook_secret) as receiving:
        probe_server = await _health(store, receiving.active, config)
        log.info("debtdesk is serving by %s", "webhook" if webhook else "long polling")
        try:
            await stop.wait()
        finally:
            if probe_server is not None:
                probe_server.close()


async def serve(config: Config, webhook: WebhookOptions | None = None, *,
                first_retry_delay: float = RETRY_FIRST_SECONDS) -> None:
    secret = config.require_secret()
    if webhook is not None:
        require_webhook_secret(config)
    store = await Store.open(config.db_path)
    try:
        flows = Flows(store, config.policy, secret, utc_now, translator, pay_now=config.pay_now)
        application = build_application(config, flows, now=utc_now)
        where = config.bot_api_url or "api.telegram.org"
        log.debug("policy %s, database %s, Bot API at %s", config.policy_name, shown(config.db_path), where)
        try:
            async with signalled() as stop:
                if await reach_bot_api(application.bot, where, stop, first_retry_delay, config.proxies):
                    await _serve_until(stop, application, store, webhook, config)
        except InvalidToken:
            raise ConfigError(
                "Telegram refused DEBTDESK_BOT_TOKEN: check the token from @BotFather"
            ) from None
        except NetworkError as exc:  # the Bot API went away between getMe and the first calls
            raise ConfigError(unreachable_message(where, exc, config.proxies)) from None
        log.info("debtdesk stopped")
    finally:
        await store.close()
