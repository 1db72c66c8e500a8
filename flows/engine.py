"""Flows: one event in, replies out, in one transaction.

The update id, the session, any domain change, its outbox notice and its audit row commit
together or not at all; a redelivered update returns no replies and changes nothing.
"""

from __future__ import annotations

import gettext
import logging
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from debt.pay_signing import PayNow
from debt.policy import Policy
from flows import overview, pay_now, plans, promise, support, understood, verify
from flows.commands import NEEDS_VERIFICATION
from flows.context import Ctx, new_nonce
from flows.keywords import MENU
from flows.languages import locale_from_language_code
from flows.menus import MENU_BUTTON, not_understood, show_menu, stale, way_on
from flows.types import N_, PERSON, Event, Outcome, Reply, Text
from store import chats, updates
from store.accounts import get_account
from store.db import Connection, Store
from store.faults import fault_point

log = logging.getLogger("debtdesk.flows")

Handler = Callable[[Ctx, str], Awaitable[None]]
ButtonHandler = Callable[[Ctx, str], Awaitable[bool]]


class AskAgain(Protocol):
    """A step's question asked again in the same state, after leading paragraphs."""

    def __call__(self, ctx: Ctx, *lead: Text) -> None: ...


COMMAND_HANDLERS: dict[str, Handler] = {
    "start": lambda ctx, args: _start(ctx, args),
    **overview.COMMANDS,
    **plans.COMMANDS,
    **promise.COMMANDS,
    **support.COMMANDS,
}

# state -> handler; a button handler answers False when the payload is not one of its own.
BUTTONS: dict[str, ButtonHandler] = {
    verify.ASK_FACTOR: verify.on_factor_button,
    **plans.BUTTONS,
    **promise.BUTTONS,
    **support.BUTTONS,
    **understood.BUTTONS,
}
TEXTS: dict[str, Handler] = {
    verify.ASK_FACTOR: verify.on_factor_text,
    **plans.TEXTS,
    **pay_now.TEXTS,
    **promise.TEXTS,
    **support.TEXTS,
    **understood.TEXTS,  # typed sentences inside steps: "next Friday" at the promise's date
}
# state -> its question asked again, buttons and all, the same state and nonce: after a language
# is chosen the step goes on where it was, now in the new language.
ASK_AGAIN: dict[str, AskAgain] = {
    **verify.ASK_AGAIN,
    **plans.ASK_AGAIN,
    **pay_now.ASK_AGAIN,
    **promise.ASK_AGAIN,
    **support.ASK_AGAIN,
    **understood.ASK_AGAIN,
}
GUEST_STATES = frozenset({"start", verify.ASK_REF, verify.ASK_FACTOR, understood.GUEST_CONFIRM})


async def _start(ctx: Ctx, args: str) -> None:
    if ctx.verified and not args.strip():
        ctx.go("menu")
        show_menu(ctx, Text(N_("Welcome back.")))
        return
    await verify.start(ctx, args)


class Flows:
    def __init__(self, store: Store, policy: Policy, secret: bytes, now: Callable[[], datetime],
                 translate: Callable[[str], gettext.NullTranslations] | None = None,
                 nonce: Callable[[], str] = new_nonce, pay_now: PayNow | None = None) -> None:
        self.store, self.policy, self.secret, self.now, self.nonce = store, policy, secret, now, nonce
        self.pay_now = pay_now  # "Pay now": a Telegram invoice, a checkout link, or None
        # The catalogs (bot.i18n.translator): typed keywords are read in the chat's language.
        self.translate = translate or (lambda locale: gettext.NullTranslations())

    async def handle(self, event: Event) -> Outcome:
        """Never raises for anything a user sends; a fault rolls the step back and says sorry."""
        fallback = locale_from_language_code(event.language_code)
        try:
            # One trip to the database thread for the whole step: the flow awaits only the store.
            return await self.store.run_unit(self._run, event, fallback)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a user's chat
            # Only the type and where: messages and locals may carry what a person typed.
            where = traceback.extract_tb(exc.__traceback__)[-1]
            log.error("flow step failed: %s at %s:%s (%s event)", type(exc).__name__, where.filename,
                      where.lineno, event.kind)
            sorry = Text(N_("Sorry, something went wrong on our side. Nothing was changed. Please try again "
                            "in a minute."))
            return Outcome((Reply((sorry,), way_on()),), fallback)

    async def _run(self, db: Connection, event: Event, fallback: str) -> Outcome:
        if event.update_id is not None and await updates.seen(db, event.update_id):
            chat = await chats.load_chat(db, event.chat_id)
            return Outcome((), (chat.locale if chat else None) or fallback)
        # Stored instants are compared as ISO text, so they must all be in UTC.
        now = self.now().astimezone(UTC)
        chat = await chats.load_chat(db, event.chat_id) or chats.Chat(event.chat_id)
        # Telegram's language until the person picks one or the account says which.
        if not chat.locale or (event.language_code and not chat.locale_chosen and not chat.account_ref):
            chat.locale = fallback
        ctx = Ctx(db, self.policy, self.secret, now, event, chat, gettext=self.translate(chat.locale).gettext,
                  nonce=self.nonce, pay_now=self.pay_now)
        await _load_binding(ctx)
        await _step(ctx)
        while ctx.continue_with:
            command, ctx.continue_with = ctx.continue_with, None
            await run_command(ctx, command, "")
        if ctx.verified:
            chat.last_seen_at = now
        await chats.save_chat(db, chat, now)
        if event.update_id is not None:
            await updates.mark(db, event.update_id, now)
        fault_point("flow_before_commit")  # the kill tests' "after the flow ran, before the commit"
        return Outcome(tuple(ctx.replies), ctx.locale,
                       commands_locale=ctx.commands_locale, notices=ctx.notices)


async def _load_binding(ctx: Ctx) -> None:
    """The chat's account, if its binding still holds; an idle or orphaned binding is dropped."""
    chat = ctx.chat
    if chat.account_ref:
        record = await get_account(ctx.db, chat.account_ref)
        idle_days = ctx.policy.verification.binding_idle_days
        idle = chat.last_seen_at is None or ctx.now - chat.last_seen_at > timedelta(days=idle_days)
        if record is not None and not idle:
            ctx.record = record
        else:
            ref = chat.account_ref
            await ctx.audit("binding_expired", ref)
            chat.account_ref, chat.verified_at = None, None
            # Idle: the same account, asked for the factor again. Gone from the portfolio: start over.
            if record is not None:
                ctx.go(verify.ASK_FACTOR, ref=ref, factor=ctx.policy.verification.factor)
            else:
                ctx.go("start")
    if not ctx.verified and chat.state not in GUEST_STATES:
        ctx.go("start")


async def _step(ctx: Ctx) -> None:
    event = ctx.event
    if event.kind == "command":
        await run_command(ctx, event.command, event.text)
    elif event.kind == "button":
        await _button(ctx, event.data)
    elif event.kind == "contact" and ctx.state == verify.ASK_FACTOR:
        await verify.on_contact(ctx)
    elif event.kind == "text" and ctx.verified and ctx.said(MENU, event.text):
        await support.menu(ctx)  # "menu" or "cancel" typed in any step leaves it
    elif event.kind == "text" and ctx.state in TEXTS:
        await TEXTS[ctx.state](ctx, event.text)
    elif event.kind == "text":
        await understood.on_free_text(ctx, event.text)  # at the menu: a sentence in any language
    else:
        not_understood(ctx)


async def run_command(ctx: Ctx, name: str, args: str) -> None:
    handler = COMMAND_HANDLERS.get(name)
    if handler is None:
        show_menu(ctx, Text(N_("I do not know that command.")))
    elif name in NEEDS_VERIFICATION and not ctx.verified:
        await verify.begin(ctx, after=name)
    else:
        await handler(ctx, args)


async def _button(ctx: Ctx, data: str) -> None:
    if data.startswith("cmd:"):
        await run_command(ctx, data[4:], "")
    elif data.startswith(pay_now.PREFIX) and ctx.pay_now is not None:
        if ctx.verified:
            await pay_now.on_pay_button(ctx, data)
        else:
            await verify.begin(ctx, after="pay")
    elif data.startswith("lang:"):
        done = await support.choose_language(ctx, data[5:])
        if done is not None:
            ask_again(ctx, done)
    elif data == MENU_BUTTON:
        await support.menu(ctx)
    elif data == PERSON:
        await support.person(ctx)
    else:
        nonce, _, payload = data.partition(".")
        handler = BUTTONS.get(ctx.state)
        # A button of another message, state or session: recognised, answered, nothing changed.
        if not nonce or nonce != ctx.data.get("n") or handler is None or not await handler(ctx, payload):
            stale(ctx)


def ask_again(ctx: Ctx, *lead: Text) -> None:
    """The current step's question again after the lead; at no step, the menu, so the next
    button (or, in the demo, the next digit) has somewhere to go."""
    ASK_AGAIN.get(ctx.state, show_menu)(ctx, *lead)
