"""The staff console under /console/: the session, the CSRF check and the role check every page
goes through (the routes: bot/console_routes.py, bot/console_admin.py; the use cases behind them:
ops/staff_auth.py, ops/console_data.py, ops/staff_view.py, ops/approvals.py, ops/case_closing.py).
Mounted by `debtdesk serve` beside the bank API.

The session cookie is HttpOnly, SameSite=Strict, Secure (unless config.console.secure_cookie is
off, for plain-http tests on localhost) and expires with its session. Every form carries the
session's CSRF token (the sign-in form a token of its own, in a cookie beside it) and a POST
without it is refused with 403. A role without the right for a page gets 403.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from bot.console_pages import languages, page
from debt.local_time import bank_today
from ops import staff_auth
from ops.settings import Config
from ops.staff_auth import Session
from store.db import Store

COOKIE = "debtdesk_console"
LOGIN_TOKEN = "debtdesk_console_login"
PREFIX = "/console"


class Refused(Exception):  # noqa: N818 - not an error: the answer to give instead of the page
    def __init__(self, response: Response) -> None:
        self.response = response


class ConsoleRoute(APIRoute):
    """A route whose handler may raise Refused to answer with a redirect or a 403 page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as refused:
                return refused.response

        return answer


def go(path: str) -> RedirectResponse:
    return RedirectResponse(PREFIX + path, status_code=303)


class Console:
    """What every page needs: the settings, the store, the clock and who is signed in."""

    quote = staticmethod(quote)

    def __init__(self, config: Config, store: Store, now: Callable[[], datetime]) -> None:
        self.config, self.store, self.now = config, store, now
        self.languages = languages()

    @property
    def today(self):
        return bank_today(self.config.policy, self.now())

    def locale(self, session: Session | None) -> str:
        return (session.staff.locale if session else "") or self.config.collectors_locale

    async def session(self, request: Request, right: str = "accounts") -> Session:
        """The signed-in member with `right`; else a redirect to sign in, or 403."""
        session = await staff_auth.session_for(self.store, request.cookies.get(COOKIE), self.now())
        if session is None:
            raise Refused(go("/login"))
        if not staff_auth.may(session.staff, right):
            raise Refused(self.render(session, "forbidden.html", status=403))
        return session

    async def form(self, request: Request, right: str = "accounts") -> tuple[Session, Any]:
        """A POST's session and form, once its CSRF token is the session's; else 403."""
        session = await self.session(request, right)
        form = await request.form()
        if not staff_auth.same_token(session.csrf, form.get("csrf")):
            raise Refused(self.render(session, "forbidden.html", status=403, csrf_failed=True))
        return session, form

    def render(self, session: Session | None, template: str, /, status: int = 200, **context: Any
               ) -> Response:
        member = session.staff if session else None
        rights = {r for r in staff_auth.RIGHTS["admin"] if member and staff_auth.may(member, r)}
        zone = self.config.policy.contact.default_timezone or "UTC"
        context.setdefault("page_id", "")
        context.setdefault("back", f"/{context['page_id'] or 'today'}")  # where a change of language returns
        return page(template, self.locale(session), zone, status, me=member, rights=rights,
                    csrf=session.csrf if session else "", languages=self.languages, today=self.today,
                    quote=quote, **context)

    def set_cookie(self, response: Response, name: str, value: str, minutes: int, path: str = PREFIX) -> None:
        response.set_cookie(name, value, max_age=minutes * 60, path=path, httponly=True, samesite="strict",
                            secure=self.config.console.secure_cookie)

    def login_page(self, request: Request, refused: str = "", until: datetime | None = None,
                   status: int = 200) -> Response:
        token = request.cookies.get(LOGIN_TOKEN) or secrets.token_urlsafe(32)
        response = self.render(None, "login.html", status=status, login_token=token, refused=refused,
                               until=until)
        self.set_cookie(response, LOGIN_TOKEN, token, 60)
        return response
