"""`POST /telegram`: Telegram's webhook, answered only once the update is done.

Telegram posts each update with the secret it was given at setWebhook in the
X-Telegram-Bot-Api-Secret-Token header, and sends it again until it gets a 2xx. So the answer
waits for the whole update: the flow's transaction committed (update id, session, promise and
outbox notice together) and the replies sent. A process killed before that gets the update
again, and the flows skip an update id they have already committed: one effect, however often
it arrives.

A request without the secret is refused before its body is read; a body over 1 MiB is 413,
one that is not a JSON object with an update id 400. An update PTB cannot read is logged by id
and answered 200, as long polling does, or Telegram would resend it for a day.

Updates of one chat run one after another in arrival order; different chats side by side. On
PostgreSQL that holds across every instance behind the URL: a chat's turn is a session advisory
lock, so an update posted to two instances at once runs on one, and the other, after it, finds
its id committed and answers 200 with nothing sent.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Request, Response
from telegram import Update
from telegram.ext import Application

from bot.metrics import Metrics
from bot.polling import chat_key, readable
from store.cluster_locks import LocalTurns
from store.db import Store
from store.faults import fault_point

log = logging.getLogger("debtdesk.webhook")

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kB; Telegram's largest are far below this


class ChatTurns:
    """One update at a time per chat, in the order they came: inside this process first (store/
    cluster_locks.py's LocalTurns), then across instances (the store's chat_turn: an advisory
    lock on PostgreSQL, nothing more on SQLite)."""

    def __init__(self, store: Store | None = None) -> None:
        self._local = LocalTurns()
        self._store = store

    @asynccontextmanager
    async def turn(self, key: int | None) -> AsyncIterator[None]:
        async with self._local.turn(key):
            if self._store is None or key is None:
                yield
                return
            async with self._store.chat_turn(key):
                yield


def _plain(status: int, text: str) -> Response:
    return Response(f"{text}\n", status_code=status, media_type="text/plain")


def _authorised(request: Request, secret: bytes) -> Response | None:
    """None when the secret header matches; else the refusal (401 without it, 403 wrong)."""
    given = request.headers.get(SECRET_HEADER)
    if given is None:
        return _plain(401, "missing secret token")
    # Starlette decodes header bytes as latin-1: encoding back gives the bytes that were sent.
    if not hmac.compare_digest(given.encode("latin-1"), secret):
        return _plain(403, "wrong secret token")
    return None


async def _body(request: Request) -> bytes | None:
    """The body, or None when it passes MAX_BODY_BYTES (read no further than that)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _parsed(body: bytes) -> dict | None:
    try:
        item = json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        return None
    if not isinstance(item, dict) or type(item.get("update_id")) is not int:
        return None
    return item


def update_kind(item: dict) -> str:
    """The update's kind for the metrics ("message", "callback_query"...), from a closed set."""
    return next((key for key in item if key in Update.ALL_TYPES), "other")


def webhook_router(application: Application, secret: str, metrics: Metrics,
                   store: Store | None = None) -> APIRouter:
    router = APIRouter()
    secret_bytes = secret.encode("ascii")  # checked at start: 1-256 of A-Za-z0-9_-
    turns = ChatTurns(store)

    @router.post(PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        refused = _authorised(request, secret_bytes)
        if refused is not None:
            metrics.rejected.labels(reason="secret").inc()
            return refused
        body = await _body(request)
        if body is None:
            metrics.rejected.labels(reason="too_large").inc()
            return _plain(413, "update too large")
        item = _parsed(body)
        if item is None:
            metrics.rejected.labels(reason="bad_json").inc()
            return _plain(400, "not an update")
        updates = readable([item], application.bot)  # logs the id of one it cannot read
        if not updates:
            metrics.rejected.labels(reason="unreadable").inc()
            return _plain(200, "dropped")
        update = updates[0]
        started = time.perf_counter()
        async with turns.turn(chat_key(update)):
            try:
                await application.process_update(update)  # handlers' errors go to bot/errors.py
            except Exception as exc:  # noqa: BLE001 - PTB's own failure: let Telegram send it again
                log.error("update %s could not be processed: %s", update.update_id, type(exc).__name__)
                return _plain(500, "not processed")
        fault_point("webhook_before_answer")  # the kill tests' "after the commit, before the 200"
        metrics.updates.labels(kind=update_kind(item)).inc()
        metrics.update_seconds.observe(time.perf_counter() - started)
        return _plain(200, "ok")

    return router
