"""The console's pages beyond a collector's: Approvals and Report (supervisors and admins) and
Staff (admins: people and the bank API's keys). A collector gets 403 on each."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.console_web import Console, go
from ops import console_data, staff_auth
from ops.api_key_admin import ApiKeyError, create_api_key, revoke_api_key
from ops.approvals import ApprovalError, approve_arrangement, decline_arrangement, pending_arrangements
from ops.report import gather
from store.api_keys import SCOPES, list_keys


def add_admin_pages(router: APIRouter, console: Console) -> None:
    store, config = console.store, console.config

    @router.get("/approvals")
    async def approvals(request: Request, done: str = "", problem: str = "") -> Response:
        session = await console.session(request, "approvals")
        waiting = await pending_arrangements(store)
        return console.render(session, "approvals.html", waiting=waiting, done=done, problem=problem,
                              page_id="approvals")

    @router.post("/approvals/{arrangement_id}")
    async def decide(request: Request, arrangement_id: int) -> Response:
        session, form = await console.form(request, "approvals")
        who = staff_auth.actor(session.staff)
        try:
            if form.get("decision") == "approve":
                await approve_arrangement(store, config.policy, arrangement_id, console.now(), actor=who)
                return go("/approvals?done=approved")
            reason = str(form.get("reason", ""))
            await decline_arrangement(store, arrangement_id, reason, console.now(), actor=who)
        except ApprovalError as exc:
            return go(f"/approvals?problem={exc.code}")
        return go("/approvals?done=declined")

    @router.get("/report")
    async def report(request: Request) -> Response:
        session = await console.session(request, "report")
        data = await gather(store, config.policy, console.today)
        return console.render(session, "report.html", data=data, bars=console_data.week_bars(data["weeks"]),
                              page_id="report")

    async def staff_page(request: Request, session, status: int = 200, **shown) -> Response:
        async with store.read() as db:
            keys = await list_keys(db)
        return console.render(session, "staff.html", status=status, members=await staff_auth.members(store),
                              keys=keys, roles=staff_auth.ROLES, scopes=SCOPES, page_id="staff", **shown)

    @router.get("/staff")
    async def staff(request: Request) -> Response:
        return await staff_page(request, await console.session(request, "staff"))

    @router.post("/staff")
    async def staff_change(request: Request) -> Response:
        """add (a one-time password shown once), disable, reset (a new one-time password)."""
        session, form = await console.form(request, "staff")
        action, name = str(form.get("action", "")), str(form.get("name", "")).strip().lower()
        try:
            password = await staff_auth.change(store, action, name, str(form.get("role", "")), console.now(),
                                               by=staff_auth.actor(session.staff))
        except staff_auth.StaffError as exc:
            return await staff_page(request, session, 400, problem=exc.code)
        return await staff_page(request, session, done=action, name=name, password=password)

    @router.post("/keys")
    async def keys_change(request: Request) -> Response:
        """create (the key shown once) or revoke a bank API key."""
        session, form = await console.form(request, "staff")
        name, who = str(form.get("name", "")).strip(), staff_auth.actor(session.staff)
        try:
            if form.get("action") == "create":
                scope = str(form.get("scope", "read"))
                scope = scope if scope in SCOPES else "read"
                key = await create_api_key(store, config.require_secret(), name, scope, console.now(), by=who)
                return await staff_page(request, session, key=key, name=name)
            await revoke_api_key(store, name, console.now(), by=who)
        except ApiKeyError:
            return await staff_page(request, session, 400, problem="key")
        return await staff_page(request, session, done="revoked", name=name)
