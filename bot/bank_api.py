"""The bank API, version 1: JSON under /api/v1, described by the app's /openapi.json.

`make_router(api)` is a FastAPI APIRouter for any ASGI app (`debtdesk serve` mounts it beside the
Telegram webhook); `build_api_app(config)` is an app with this router alone, for the tests and
the fuzzing in .ci/run (`uvicorn --factory bot.bank_api:app_from_env`). What it answers is what
the command line prints: a batch is checked and written as the file import does it
(ops/api_batches.py), an account is `debtdesk show --format json`, the queue `export queue`,
the report `report --format json`, links `debtdesk links`. Keys, rate and body limits:
bot/api_guard.py.
"""

# no `from __future__ import annotations`: FastAPI reads the endpoints' annotations, some local

import base64
import binascii
import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.api_guard import GuardedRoute, RateLimiter, too_many, unauthorized
from bot.api_models import (
    AccountBatch,
    BatchAnswer,
    ContactRefusal,
    ContactRefusalAnswer,
    Detail,
    LinksAnswer,
    LinksRequest,
    PaymentBatch,
    PromisePage,
    QueueEntry,
    QueuePage,
)
from bot.config import Config, load_config
from debt.local_time import bank_today
from debt.portfolio import MAX_REF
from ops.api_batches import BatchResult, record_payments, upsert_accounts
from store import audit
from store.api_keys import ApiKey, find_key
from store.db import Store

DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PAGE = 100  # default page size of the listings
MAX_PAGE = 1000
PromiseStatus = Literal["pending", "kept", "partial", "broken", "cancelled"]
_bearer = HTTPBearer(auto_error=False, description="from `debtdesk apikey create NAME --scope read|write`")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Detail, "description": "no key, or a wrong or revoked one"},
    429: {"model": Detail, "description": "too many requests for this key; see Retry-After"},
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS, 400: {"model": Detail, "description": "the body is not JSON text"},
    403: {"model": Detail, "description": "a read key cannot write"},
    413: {"model": Detail, "description": "the body is too large"},
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BankApi:
    """What the router needs: the settings, the open store (set by the app's lifespan when the
    app opens it) and the clock. One per app: the rate limits live here."""

    config: Config
    store: Store | None = None
    clock: Callable[[], datetime] = utc_now
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.config.api_rate)

    def today(self) -> date:
        """Today where the bank is (the policy's default time zone), as the command line has it."""
        return bank_today(self.config.policy, self.clock())

    def db(self) -> Store:
        if self.store is None:  # the app serves before its lifespan opened the database
            raise HTTPException(503, "the database is not open yet")
        return self.store


def _encode(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A cursor this API gave out, or 400: it is opaque to the bank, which passes it back as is."""
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(value, dict) and set(value) == set(keys):
            return value
    except (ValueError, binascii.Error):
        pass
    raise HTTPException(400, "cursor: not one this API gave out")


def _answer(result: BatchResult) -> BatchAnswer:
    return BatchAnswer.model_validate(asdict(result))


def key_dependency(api: BankApi, scope: str) -> Callable:
    """FastAPI's dependency for a Bearer key of `scope` (read: any key; write: a write key), rate
    limited per key; the event feed's router takes the read one too."""

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    ) -> ApiKey:
        if credentials is None:
            raise unauthorized("an API key is needed: Authorization: Bearer KEY")
        async with api.db().read() as db:
            found = await find_key(db, api.config.require_secret(), credentials.credentials)
        if found is None or not found.active:
            raise unauthorized("this API key is wrong or revoked")
        if scope == "write" and found.scope != "write":
            raise HTTPException(403, f"the key {found.name} may read only")
        wait = api.limiter.take(found.name)
        if wait:
            raise too_many(wait)
        return found
    return check


def make_router(api: BankApi) -> APIRouter:
    """The /api/v1 endpoints, bound to `api`."""
    router = APIRouter(prefix="/api/v1", route_class=GuardedRoute, tags=["bank API v1"])

    reader = Annotated[ApiKey, Depends(key_dependency(api, "read"))]
    writer = Annotated[ApiKey, Depends(key_dependency(api, "write"))]

    @router.post("/accounts", response_model=BatchAnswer, responses=_WRITE_ERRORS)
    async def post_accounts(batch: AccountBatch, who: writer) -> BatchAnswer:
        """Add or update accounts, as `debtdesk import accounts` does with rows of a file. Idempotent."""
        items = [item.model_dump(exclude_none=True) for item in batch.accounts]
        return _answer(await upsert_accounts(api.db(), api.config.require_secret(), api.config.policy,
                                             items, f"apikey:{who.name}", api.clock()))

    @router.post("/payments", response_model=BatchAnswer, responses=_WRITE_ERRORS)
    async def post_payments(batch: PaymentBatch, who: writer) -> BatchAnswer:
        """Record payments, as `debtdesk import payments` does; each payment_id is applied once ever."""
        items = [item.model_dump(exclude_none=True) for item in batch.payments]
        return _answer(await record_payments(api.db(), api.config.policy, items, f"apikey:{who.name}",
                                             api.clock()))

    @router.get("/accounts/{ref}", response_model=dict[str, Any],
                responses={**_ERRORS, 404: {"model": Detail, "description": "no such account"}})
    async def get_account(ref: Annotated[str, Path(max_length=MAX_REF)], who: reader) -> dict[str, Any]:
        """One account as staff see it: the JSON of `debtdesk show REF --format json`."""
        from ops.staff_view import account_view, as_json

        view = await account_view(api.db(), api.config.policy, ref, api.today(), api.clock())
        if view is None:
            raise HTTPException(404, "unknown account")
        return json.loads(as_json(view))

    @router.post("/accounts/{ref}/contact", response_model=ContactRefusalAnswer,
                 responses={**_WRITE_ERRORS, 404: {"model": Detail, "description": "no such account"}})
    async def post_contact(ref: Annotated[str, Path(max_length=MAX_REF)], body: ContactRefusal,
                           who: writer) -> ContactRefusalAnswer:
        """Record or withdraw the debtor's refusal of contact, as `debtdesk refuse-contact` does."""
        from ops.contact_refusal import RefusalError, set_refusal

        try:
            changed = await set_refusal(api.db(), ref, body.refused, f"apikey:{who.name}", api.clock())
        except RefusalError:
            raise HTTPException(404, "unknown account") from None
        return ContactRefusalAnswer(account_ref=ref, refused=body.refused, changed=changed)

    @router.get("/queue", response_model=QueuePage, responses={**_ERRORS, 400: {"model": Detail}})
    async def get_queue(who: reader, cursor: str | None = None,
                        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE) -> QueuePage:
        """The call queue in call order, as `debtdesk export queue`, a page at a time. A cursor keeps
        the day the first page was computed for."""
        from ops.api_pages import queue_page

        first = {"as_of": api.today().isoformat(), "offset": 0}
        at = _decode(cursor, ("as_of", "offset")) if cursor else first
        try:
            as_of, offset = date.fromisoformat(at["as_of"]), int(at["offset"])
        except (TypeError, ValueError):
            offset = -1
        if offset < 0:
            raise HTTPException(400, "cursor: not one this API gave out")
        entries, more = await queue_page(api.db(), api.config.policy, as_of, offset, limit)
        accounts = [QueueEntry(rank=offset + i, **e) for i, e in enumerate(entries, 1)]
        following = _encode({"as_of": as_of.isoformat(), "offset": offset + limit}) if more else None
        return QueuePage(as_of=as_of.isoformat(), accounts=accounts, next_cursor=following)

    @router.get("/promises", response_model=PromisePage,
                responses={**_ERRORS, 400: {"model": Detail}})
    async def get_promises(
        who: reader, status: PromiseStatus | None = None,
        since: Annotated[str | None, Query(pattern=DAY, json_schema_extra={"format": "date"},
                                           description="made or resolved on or after this day")] = None,
        cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE,
    ) -> PromisePage:
        """Promises to pay, oldest first, as `debtdesk export promises`, a page at a time."""
        from ops.api_pages import promise_page

        after = _decode(cursor, ("after",))["after"] if cursor else 0
        if not isinstance(after, int):
            raise HTTPException(400, "cursor: not one this API gave out")
        try:  # a text query, not pydantic's date: that takes 0 for 1970-01-01
            day = date.fromisoformat(since) if since else None
        except ValueError:
            raise RequestValidationError([{"loc": ("query", "since"), "msg": "not a date YYYY-MM-DD",
                                           "type": "date_from_datetime_parsing"}]) from None
        rows, more = await promise_page(api.db(), after, limit, status, day)
        following = _encode({"after": rows[-1]["id"]}) if more else None
        return PromisePage(promises=rows, next_cursor=following)

    @router.get("/report", response_model=dict[str, Any], responses=_ERRORS)
    async def get_report(who: reader) -> dict[str, Any]:
        """What self-service did up to today: the JSON of `debtdesk report --format json`."""
        from ops.report import gather

        return await gather(api.db(), api.config.policy, api.today())

    @router.post("/links", response_model=LinksAnswer,
                 responses={**_WRITE_ERRORS, 404: {"model": Detail}, 409: {"model": Detail}})
    async def post_links(request: LinksRequest, who: writer) -> LinksAnswer:
        """Single-use deep links for these accounts, as `debtdesk links --account REF`: issuing one
        revokes the account's older unused links. Refused (409) while the bot's username is unset."""
        from ops.links import LinkError, bot_username, write_links

        try:
            username = bot_username(api.config.bot_username)
        except LinkError as exc:
            raise HTTPException(409, str(exc)) from None
        if any(len(ref) > MAX_REF for ref in request.refs):
            raise HTTPException(404, "unknown account")
        out = io.StringIO()
        try:
            await write_links(api.db(), api.config.require_secret(), out, api.clock(), username=username,
                              expires_days=request.expires_days, refs=request.refs)
        except LinkError:  # the only one left: a reference that is not an account
            raise HTTPException(404, "unknown account") from None
        links = list(csv.DictReader(io.StringIO(out.getvalue())))
        async with api.db().unit() as db:  # every write names its key, these too
            await audit.append(db, f"apikey:{who.name}", "api_links", None, api.clock(),
                               {"issued": len(links)})
        return LinksAnswer(links=links)

    return router


def build_api_app(config: Config, clock: Callable[[], datetime] = utc_now) -> FastAPI:
    """An app with the bank API alone; it opens the database when it starts and closes it after."""
    api = BankApi(config, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        api.store = await Store.open(config.db_path)
        try:
            yield
        finally:
            await api.store.close()
            api.store = None

    app = FastAPI(title="debtdesk bank API", version="1", lifespan=lifespan)
    app.include_router(make_router(api))
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory bot.bank_api:app_from_env`: the settings from DEBTDESK_* variables."""
    return build_api_app(load_config())
