"""The console's routes for every role: signing in and out, the staff member's language, and the
collectors' pages (Today, Account, Promises, Cases, Search). Supervisors' and admins' pages are
bot/console_admin.py. Each handler reads its session (bot/console_web.py), asks one use case,
and draws one template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request, Response

from bot.console_admin import add_admin_pages
from bot.console_web import COOKIE, LOGIN_TOKEN, PREFIX, Console, ConsoleRoute, go
from ops import console_data, staff_auth
from ops.case_closing import CaseError, close
from ops.settings import Config
from ops.staff_view import account_view
from store.cases import OUTCOMES
from store.db import Store


def console_router(config: Config, store: Store, now: Callable[[], datetime]) -> APIRouter:
    console = Console(config, store, now)
    router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
    _sign_in(router, console)
    _pages(router, console)
    add_admin_pages(router, console)
    return router


def _back(path: str) -> str:
    """Only a path of this console: never another site."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/today"


def _sign_in(router: APIRouter, console: Console) -> None:
    store, config = console.store, console.config

    @router.get("")
    @router.get("/")
    async def home() -> Response:
        return go("/today")

    @router.get("/login")
    async def login_page(request: Request) -> Response:
        return console.login_page(request)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        if not staff_auth.same_token(request.cookies.get(LOGIN_TOKEN, ""), form.get("csrf")):
            return console.render(None, "forbidden.html", status=403, csrf_failed=True)
        signed = await staff_auth.sign_in(store, str(form.get("name", "")), str(form.get("password", "")),
                                          console.now(), config.console)
        if signed.cookie is None:
            return console.login_page(request, refused=signed.refused, until=signed.locked_until,
                                      status=429 if signed.refused == "locked" else 401)
        response = go("/today")
        console.set_cookie(response, COOKIE, signed.cookie, config.console.session_minutes)
        response.delete_cookie(LOGIN_TOKEN, path=PREFIX)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        session, _ = await console.form(request)
        await staff_auth.sign_out(store, request.cookies.get(COOKIE, ""), session.staff, console.now())
        response = go("/login")
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @router.post("/language")
    async def language(request: Request) -> Response:
        session, form = await console.form(request)
        chosen = str(form.get("locale", ""))
        if chosen in {code for code, _ in console.languages}:
            await staff_auth.choose_locale(store, session.staff, chosen, console.now())
        return go(_back(str(form.get("back", "/today"))))


def _pages(router: APIRouter, console: Console) -> None:
    store, policy = console.store, console.config.policy

    @router.get("/today")
    async def today(request: Request, stage: str = "", reason: str = "") -> Response:
        session = await console.session(request)
        stage, reason = stage[:8], reason if reason in console_data.REASONS else ""
        queue = await console_data.today_queue(store, policy, console.today, stage, reason)
        stages = [s.name for s in policy.stages]
        return console.render(session, "today.html", queue=queue, stages=stages, stage=stage, reason=reason,
                              reasons=console_data.REASONS, page_id="today")

    @router.get("/accounts/{ref}")
    async def account(request: Request, ref: str) -> Response:
        session = await console.session(request)
        view = await account_view(store, policy, ref[:64], console.today)
        if view is None:
            return console.render(session, "missing.html", status=404, ref=ref[:64], page_id="search")
        events, chosen = await console_data.account_events(store, view["account_ref"])
        back = f"/accounts/{console.quote(view['account_ref'], safe='')}"
        return console.render(session, "account.html", view=view, events=events, chosen=chosen,
                              page_id="account", back=back)

    @router.get("/promises")
    async def promises(request: Request) -> Response:
        session = await console.session(request)
        sections = await console_data.promise_sections(store, console.today)
        return console.render(session, "promises.html", sections=sections, page_id="promises")

    @router.get("/cases")
    async def cases(request: Request, closed: int = 0, problem: str = "") -> Response:
        session = await console.session(request)
        found = await console_data.cases_open(store)
        return console.render(session, "cases.html", cases=found, outcomes=OUTCOMES, closed=closed,
                              problem=problem, page_id="cases")

    @router.post("/cases/{case_id}/close")
    async def close_case(request: Request, case_id: int) -> Response:
        session, form = await console.form(request)
        try:
            await close(store, case_id, str(form.get("outcome", "")), console.now(),
                        actor=staff_auth.actor(session.staff))
        except CaseError as exc:
            return go(f"/cases?problem={exc.code}")
        return go(f"/cases?closed={case_id}")

    @router.get("/search")
    async def search(request: Request, q: str = "") -> Response:
        session = await console.session(request)
        found = await console_data.search(store, q)
        if len(found) == 1:
            return go(f"/accounts/{console.quote(found[0], safe='')}")
        return console.render(session, "search.html", q=q[:64], found=found, page_id="search")
