"""The one ASGI application `debtdesk serve` runs: Telegram's webhook, /healthz, /metrics, and
whatever routers the caller adds (the bank's API, the event feed).

    app = build_web_app(config, store, telegram_application, routers=(api_router, events_router))

The Telegram Application must be initialised and started by the caller (bot/web_serve.py): the
app only feeds it updates. `app.state` carries config, store, telegram and metrics for the
routers' dependencies (`request.app.state.store`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import APIRouter, FastAPI, Response
from telegram.ext import Application

from bot import health
from bot.config import Config
from bot.metrics import CONTENT_TYPE, Metrics
from bot.serve import require_webhook_secret
from bot.webhook import webhook_router
from store.db import Store

log = logging.getLogger("debtdesk.web")


def build_web_app(config: Config, store: Store, telegram_application: Application,
                  routers: Iterable[APIRouter] = (), *, metrics: Metrics | None = None) -> FastAPI:
    """The app; each of `routers` is included as it is (its own prefix, tags and dependencies)."""
    require_webhook_secret(config)
    metrics = metrics or Metrics()
    # No /docs pages: they load their scripts from a CDN. The OpenAPI document stays at /openapi.json.
    app = FastAPI(title="debtdesk", docs_url=None, redoc_url=None)
    app.state.config, app.state.store = config, store
    app.state.telegram, app.state.metrics = telegram_application, metrics
    app.include_router(webhook_router(telegram_application, config.webhook_secret, metrics, store))
    app.include_router(_operations_router(store, telegram_application, metrics))
    for router in routers:
        app.include_router(router)
    return app


def _operations_router(store: Store, telegram_application: Application, metrics: Metrics) -> APIRouter:
    router = APIRouter()

    @router.get(health.PATH, include_in_schema=False)
    async def healthz() -> Response:
        """200 while the database answers and the Telegram Application runs, else 503."""
        healthy = telegram_application.running and await health.database_answers(store)
        body, status = ("ok\n", 200) if healthy else ("unavailable\n", 503)
        return Response(body, status_code=status, media_type="text/plain",
                        headers={"Cache-Control": "no-store"})

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        try:
            await metrics.refresh(store)
        except Exception as exc:  # noqa: BLE001 - the counters kept in memory are still worth a scrape
            log.warning("metrics: the database did not answer (%s)", type(exc).__name__)
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    return router
