"""`debtdesk serve`: the ASGI app (bot/web_app.py) on uvicorn, beside PTB's job queue; the staff
console under /console/ (bot/console_routes.py).

The Telegram Application is initialised and started without its Updater: no polling and no
webhook server of PTB's own; the app's POST /telegram feeds it updates. uvicorn runs in the
same event loop as the bot and the Store, and SIGTERM or SIGINT stops it: it stops taking
requests, lets those in hand finish (each answered only after its update committed), then the
job queue and the Store close.

`debtdesk serve --set-webhook URL` tells Telegram where to post (with the secret and the update
kinds the bot reads) and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from urllib.parse import urlparse

import uvicorn
from fastapi import APIRouter
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.bank_api import BankApi, key_dependency, make_router
from bot.config import Config, ConfigError
from bot.console_routes import console_router
from bot.events_api import events_router
from bot.i18n import translator
from bot.metrics import MeteredFlows, Metrics
from bot.serve import (
    ALLOWED_UPDATES,
    RETRY_FIRST_SECONDS,
    reach_bot_api,
    require_webhook_secret,
    signalled,
    started,
    unreachable_message,
    utc_now,
)
from bot.telegram_app import build_application
from bot.web_app import build_web_app
from store.db import Store

log = logging.getLogger("debtdesk.web")

DEFAULT_LISTEN, DEFAULT_PORT = "127.0.0.1", 8443
REFUSED_TOKEN = "Telegram refused DEBTDESK_BOT_TOKEN: check the token from @BotFather"
GRACEFUL_SECONDS = 10  # requests in hand when a signal comes get this long to finish


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the bot's (bot.serve.signalled) stop it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def check_public_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ConfigError(f"--set-webhook must be an https:// address, not {url!r}")
    return url


async def set_webhook(config: Config, url: str) -> None:
    """setWebhook(url, secret_token, allowed_updates): Telegram posts there from now on."""
    secret = require_webhook_secret(config)
    check_public_url(url)
    if not config.bot_token:
        raise ConfigError("DEBTDESK_BOT_TOKEN is not set: the bot needs its token from @BotFather")
    where = config.bot_api_url or "api.telegram.org"
    bot = Bot(config.bot_token, **({"base_url": config.bot_api_url} if config.bot_api_url else {}))
    try:
        async with bot:
            await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        raise ConfigError(REFUSED_TOKEN) from None
    except NetworkError as exc:
        raise ConfigError(unreachable_message(where, exc)) from None
    except TelegramError as exc:
        raise ConfigError(f"Telegram refused the webhook: {exc.message}") from None


async def serve_web(config: Config, listen: str = DEFAULT_LISTEN, port: int = DEFAULT_PORT, *,
                    routers: Iterable[APIRouter] = (), first_retry_delay: float = RETRY_FIRST_SECONDS,
                    now: Callable[[], datetime] = utc_now) -> None:
    """Until SIGTERM or SIGINT. `now`: the flows' clock (the real one; a benchmark fixes it)."""
    secret = config.require_secret()
    require_webhook_secret(config)
    store = await Store.open(config.db_path)
    try:
        metrics = Metrics()
        flows = MeteredFlows(store, config.policy, secret, now, translator, metrics=metrics,
                             pay_now=config.pay_now)
        application = build_application(config, flows, now=now, request=metrics.counting_request())
        notifier = application.bot_data.get("notifier")
        if notifier is not None:
            notifier.send = metrics.counted_send(notifier.send)
        where = config.bot_api_url or "api.telegram.org"
        try:
            async with signalled() as stop:
                if await reach_bot_api(application.bot, where, stop, first_retry_delay):
                    async with started(application):
                        console = console_router(config, store, now)
                        doors = [*bank_routers(config, store, now), console, *routers]
                        app = build_web_app(config, store, application, doors, metrics=metrics)
                        await _serve_until(stop, app, listen, port)
        except InvalidToken:
            raise ConfigError(REFUSED_TOKEN) from None
        except NetworkError as exc:
            raise ConfigError(unreachable_message(where, exc)) from None
        log.info("debtdesk stopped")
    finally:
        await store.close()


def bank_routers(config: Config, store: Store, now: Callable[[], datetime]) -> list[APIRouter]:
    """The bank's doors under /api/v1: the API (bot/bank_api.py) and the event feed behind the
    same read keys (bot/events_api.py)."""
    api = BankApi(config, store=store, clock=now)
    return [make_router(api), events_router(store, auth_dependency=key_dependency(api, "read"))]


async def _serve_until(stop: asyncio.Event, app, listen: str, port: int) -> None:
    try:  # bound here, so that a port in use is one clear line (uvicorn would exit the process)
        family = socket.getaddrinfo(listen, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.create_server((listen, port), family=family)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {listen}:{port}: {exc.strerror or exc}") from None
    server = _EmbeddedServer(uvicorn.Config(
        app, log_config=None, access_log=False, server_header=False,
        lifespan="on", timeout_graceful_shutdown=GRACEFUL_SECONDS,
    ))
    serving = asyncio.create_task(_guarded(server, sock))
    stopping = asyncio.create_task(stop.wait())
    with sock:
        log.info("debtdesk is serving on %s:%d", listen, port)
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        server.should_exit = True
        if not await serving:
            raise ConfigError(f"the server on {listen}:{port} could not start (see the log above)")


async def _guarded(server: uvicorn.Server, sock: socket.socket) -> bool:
    """server.serve(); False where uvicorn gave up with sys.exit (a router's startup failed)."""
    try:
        await server.serve(sockets=[sock])
    except SystemExit:  # caught here: escaping a task, it would stop the event loop itself
        return False
    return True
