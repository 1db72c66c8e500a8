"""/promise: an amount (a button or typed in the person's own number format), a date (a button
or typed), a confirmation. A refusal names its reason and the limit, and asks again."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_skeleton

from debt.money import Money
from debt.promises import Refusal, amount_choices, check_promise, promise_dates
from flows.context import Ctx
from flows.keywords import NO, YES
from flows.menus import person_row, unclear, way_on
from flows.notices import account_fields
from flows.parsing import impossible_date, parse_date_text, read_amount
from flows.pay_now import offer
from flows.types import N_, NP_, Button, Text
from store.notice_payloads import PromiseNotice
from store.promise_rows import broken_in_row, insert_promise

AMOUNT, DATE, CONFIRM = "promise_amount", "promise_date", "promise_confirm"
DATE_BUTTONS = 7
_AMOUNT_REASONS = ("too_small", "too_much")
# A summary said back from a typed sentence is confirmed by the button only.
PRESS_CONFIRM = N_("To record it, please press Confirm below; to change it, press \"No, change it\".")
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday"))
_CHOICE_LABELS = {
    "overdue": N_("The overdue amount: {amount}"),
    "minimum": N_("The minimum payment: {amount}"),
    "full": N_("Everything you owe: {amount}"),
}


def refusal_text(refusal: Refusal) -> Text:
    limit = refusal.limit
    if refusal.reason == "too_many_broken":
        n = int(limit or 0)
        return NP_("After {n} broken promise in a row, a new promise needs a person. "
                   "Please talk to a person.",
                   "After {n} broken promises in a row, a new promise needs a person. "
                   "Please talk to a person.",
                   n, {"n": n})
    msgid = {
        "in_past": N_("That date has already passed. Please choose a date from {limit} on."),
        "too_far": N_("That date is too far ahead. The latest date I can accept is {limit}."),
        "too_small": N_("That amount is too small. The smallest promise I can accept is {limit}."),
        "too_much": N_("That is more than you owe. The most you can promise is {limit}."),
        "nothing_owed": N_("There is nothing to pay on this account at the moment."),
    }[refusal.reason]
    return Text(msgid, {"limit": limit} if limit is not None else {})


async def _broken(ctx: Ctx) -> int:
    return await broken_in_row(ctx.db, ctx.ref)


def _example_amount(ctx: Ctx) -> Money:
    return ctx.money(Decimal("1234.50"))


async def _refused_outright(ctx: Ctx) -> bool:
    """No promise can be taken at all (too many broken, nothing owed): said, back to the menu."""
    account = ctx.account
    probe = ctx.money(max(account.balance, Decimal(0)))
    refusal = check_promise(account, ctx.policy, ctx.today, probe, ctx.today, await _broken(ctx))
    if refusal and refusal.reason in ("too_many_broken", "nothing_owed"):
        ctx.go("menu")
        ctx.say(refusal_text(refusal), buttons=way_on())
        return True
    return False


async def start(ctx: Ctx, args: str = "") -> None:
    if not await _refused_outright(ctx):
        ask_amount(ctx)


def ask_amount(ctx: Ctx, *lead: Text) -> None:
    ctx.go(AMOUNT, **({"typed": 1} if ctx.data.get("typed") else {}))
    _say_amount(ctx, *lead)


async def begin_with(ctx: Ctx, amount: Money | None, due: date | None, *lead: Text) -> None:
    """The flow entered with what a typed sentence gave (flows/understood.py): only what is
    missing or refused is asked, and the end is a summary that needs the Confirm press."""
    if await _refused_outright(ctx):
        return
    ctx.go(AMOUNT, typed=1, **({"due": due.isoformat()} if due else {}))
    if amount is None:
        _say_amount(ctx, *lead)
        return
    await _amount_chosen(ctx, amount, *lead)


def say_step_again(ctx: Ctx, *lead: Text) -> None:
    ASK_AGAIN[ctx.state](ctx, *lead)


def _carried(ctx: Ctx) -> dict[str, object]:
    """What a typed sentence set, carried from step to step: its day, and that it was typed."""
    return {k: ctx.data[k] for k in ("typed", "due") if k in ctx.data}


def _say_amount(ctx: Ctx, *lead: Text) -> None:
    """The amount question; asked again in the same state, so its earlier buttons still work."""
    rows = [(ctx.btn(Text(_CHOICE_LABELS[key], {"amount": amount}), f"amt:{key}"),)
            for key, amount in amount_choices(ctx.account) if key in _CHOICE_LABELS]
    ctx.say(*lead, Text(N_("How much will you pay?")),
            Text(N_("Choose an amount, or type one, for example {example}."),
                 {"example": _example_amount(ctx)}),
            buttons=(*rows, person_row()))


async def on_amount_button(ctx: Ctx, payload: str) -> bool:
    kind, _, key = payload.partition(":")
    chosen = dict(amount_choices(ctx.account)).get(key) if kind == "amt" else None
    if chosen is None:
        return False
    await _amount_chosen(ctx, chosen)
    return True


async def on_amount_text(ctx: Ctx, text: str) -> None:
    value, problem = read_amount(text, ctx.locale, ctx.account.currency)
    if value is None and problem == "not_positive":
        _say_amount(ctx, Text(N_("The amount must be more than zero. Please type it like {example}."),
                              {"example": _example_amount(ctx)}))
        return
    if value is None:
        _say_amount(ctx, Text(N_("I could not read that amount. Please type it like {example}."),
                              {"example": _example_amount(ctx)}))
        return
    await _amount_chosen(ctx, ctx.money(value))


async def _amount_chosen(ctx: Ctx, amount: Money, *lead: Text) -> None:
    # The date is not known yet: check the amount against today, keep only the amount's reasons.
    refusal = check_promise(ctx.account, ctx.policy, ctx.today, amount, ctx.today, await _broken(ctx))
    if refusal and refusal.reason in _AMOUNT_REASONS:
        _say_amount(ctx, refusal_text(refusal))
        return
    if refusal:
        ctx.go("menu")
        ctx.say(refusal_text(refusal), buttons=way_on())
        return
    carried = _carried(ctx)
    due = carried.pop("due", None)
    ctx.go(DATE, amount=str(amount.amount), **carried)
    if isinstance(due, str):  # the day came with the amount ("500 on Friday")
        await _date_chosen(ctx, date.fromisoformat(due))
        return
    _say_date(ctx, *lead)


def _date_choices(ctx: Ctx) -> list[date]:
    dates = promise_dates(ctx.policy, ctx.today)
    if len(dates) <= DATE_BUTTONS:
        return dates
    return dates[: DATE_BUTTONS - 1] + [dates[-1]]  # the next days, and the last allowed one


def _say_date(ctx: Ctx, *lead: Text) -> None:
    amount = ctx.data["amount"]
    buttons = [ctx.btn(Text(N_("{date}"), {"date": d}), f"date:{d.isoformat()}") for d in _date_choices(ctx)]
    rows = [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
    example = ctx.today + timedelta(days=3)
    ctx.say(*lead, Text(N_("By which date will you pay {amount}?"), {"amount": ctx.money(Decimal(amount))}),
            Text(N_("Choose a date, or type one, for example {example} or {iso}."),
                 {"example": example, "iso": example.isoformat()}),
            buttons=(*rows, person_row()))


async def on_date_button(ctx: Ctx, payload: str) -> bool:
    kind, _, value = payload.partition(":")
    if kind != "date":
        return False
    try:
        due = date.fromisoformat(value)
    except ValueError:
        return False
    await _date_chosen(ctx, due)
    return True


async def on_date_text(ctx: Ctx, text: str) -> None:
    due = parse_date_text(text, ctx.locale)
    if due is None:
        _say_date(ctx, date_problem(text, ctx.locale))
        return
    await _date_chosen(ctx, due)


def date_problem(text: str, locale: str) -> Text:
    """Why a typed date was refused: a day or month no calendar has is named, in the locale's words."""
    found = impossible_date(text, locale)
    if found is None:
        return Text(N_("I could not read that date."))
    year, month, day = found
    if not 1 <= month <= 12:
        return Text(N_("I could not read that date: a year has 12 months, so there is no month {month}."),
                    {"month": month})
    days = calendar.monthrange(year, month)[1]
    name = format_skeleton("yMMMM", date(year, month, 1), locale=locale)
    return NP_("I could not read that date: {month} has only {days} day, so there is no day {day}.",
               "I could not read that date: {month} has only {days} days, so there is no day {day}.",
               days, {"month": name, "days": days, "day": day})


async def _date_chosen(ctx: Ctx, due: date) -> None:
    amount = ctx.money(Decimal(ctx.data["amount"]))
    refusal = check_promise(ctx.account, ctx.policy, ctx.today, amount, due, await _broken(ctx))
    if refusal and refusal.reason in ("in_past", "too_far"):
        _say_date(ctx, refusal_text(refusal))
        return
    if refusal:
        ask_amount(ctx, refusal_text(refusal))
        return
    ctx.go(CONFIRM, amount=str(amount.amount), due=due.isoformat(), **_carried(ctx))
    _say_confirm(ctx)


def _say_confirm(ctx: Ctx, *lead: Text) -> None:
    amount, due = ctx.money(Decimal(ctx.data["amount"])), date.fromisoformat(ctx.data["due"])
    if ctx.data.get("typed"):  # said back exactly as understood from a sentence
        summary_buttons = ((ctx.btn(Text(N_("Confirm")), "ok"), ctx.btn(Text(N_("No, change it")), "change")),
                           person_row())
        ctx.say(*lead, Text(N_("Promise: {amount} by {weekday}, {date}. Confirm?"),
                            {"amount": amount, "weekday": Text(WEEKDAY_NAMES[due.weekday()]), "date": due}),
                buttons=summary_buttons)
        return
    buttons: tuple[tuple[Button, ...], ...] = (
        (ctx.btn(Text(N_("Yes, I promise")), "ok"), ctx.btn(Text(N_("Change it")), "change")),
        person_row(),
    )
    ctx.say(*lead, Text(N_("You promise to pay {amount} by {date}. Is that right?"),
                        {"amount": amount, "date": due}), buttons=buttons)


async def on_confirm_text(ctx: Ctx, text: str) -> None:
    """Typed "yes" or "no" in the chat's language answer it; anything else asks again. A promise
    understood from a sentence is recorded only by the Confirm press, never by typing."""
    if ctx.said(YES, text) and ctx.data.get("typed"):
        _say_confirm(ctx, Text(PRESS_CONFIRM))
    elif ctx.said(YES, text):
        await on_confirm(ctx, "ok")
    elif ctx.said(NO, text):
        await on_confirm(ctx, "change")
    else:
        _say_confirm(ctx, unclear())


async def on_confirm(ctx: Ctx, payload: str) -> bool:
    if payload == "change":
        ask_amount(ctx)
        return True
    if payload != "ok":
        return False
    amount, due = ctx.money(Decimal(ctx.data["amount"])), date.fromisoformat(ctx.data["due"])
    refusal = check_promise(ctx.account, ctx.policy, ctx.today, amount, due, await _broken(ctx))
    if refusal:  # a day passed, or a payment or a broken promise arrived, since the question
        ask_amount(ctx, refusal_text(refusal))
        return True
    promise_id = await insert_promise(ctx.db, ctx.ref, amount, due, "chat", ctx.now)
    await ctx.notify(PromiseNotice(**account_fields(ctx), promise_id=promise_id, due=due, amount=amount))
    await ctx.audit("promise", ctx.ref, promise_id=promise_id)
    ctx.go("menu")
    offer(ctx, Text(N_("Thank you. Your promise to pay {amount} by {date} is recorded, and the bank's "
                       "collectors can see it."), {"amount": amount, "date": due}), amount)
    return True


COMMANDS = {"promise": start}
BUTTONS = {AMOUNT: on_amount_button, DATE: on_date_button, CONFIRM: on_confirm}
TEXTS = {AMOUNT: on_amount_text, DATE: on_date_text, CONFIRM: on_confirm_text}
ASK_AGAIN = {AMOUNT: _say_amount, DATE: _say_date, CONFIRM: _say_confirm}
