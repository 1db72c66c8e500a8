"""Paying now, when the bank offers it: a Telegram invoice, or a signed link to its checkout page.

"Pay now" is offered by /pay (for the amount due today, or one the debtor types), after a
promise (the promised amount) and after a plan is set up (its first payment). Its button says
what it pays ("pay:500.00") and, like a menu button, never goes stale: the amount is checked
again when it is pressed, and once more by the pre-checkout query (ops/chat_payments.py)
before any money moves. Without either way set, /pay keeps its instructions alone.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from debt.money import Money
from debt.pay_signing import checkout_link, invoice_payload
from flows.context import Ctx
from flows.menus import show_menu, verified_buttons, way_on
from flows.parsing import read_amount
from flows.types import N_, NP_, PAY, Button, Invoice, Reply, Text, pay_button, pay_label
from store.promise_rows import pending_promises

PAY_AMOUNT = "pay_amount"
PREFIX = PAY


async def due_now(ctx: Ctx) -> Money | None:
    """What is due today: the nearest promise's unpaid part (a plan's instalment is a promise),
    else the overdue amount, else the minimum due; never above the balance; None: nothing."""
    account = ctx.account
    promises = await pending_promises(ctx.db, ctx.ref)
    amount = promises[0].unpaid.amount if promises else (account.overdue_amount or account.minimum_due)
    amount = min(amount, account.balance)
    return ctx.money(amount) if amount > 0 else None


def pay_row(ctx: Ctx, amount: Money) -> tuple[Button, ...]:
    """One "Pay {amount} now" button: a link to the bank's page, or a press that sends an invoice."""
    assert ctx.pay_now is not None
    if ctx.pay_now.kind == "link":
        return (Button(pay_label(amount), "", url=_link(ctx, amount.amount)),)
    return (pay_button(amount),)


def _link(ctx: Ctx, amount: Decimal) -> str:
    assert ctx.pay_now is not None
    expires = ctx.now + timedelta(minutes=ctx.policy.payment.offer_minutes)
    return checkout_link(ctx.pay_now.link_template, ctx.pay_now.link_key, ctx.ref, amount,
                         ctx.account.currency, expires)


def offer(ctx: Ctx, lead: Text, amount: Money | None) -> None:
    """After a promise or a plan: the menu, with "Pay now" on top when the bank offers it."""
    if ctx.pay_now is None or amount is None or amount.amount <= 0:
        show_menu(ctx, lead, Text(N_("Use /pay to see how to pay.")))
        return
    amount = ctx.money(min(amount.amount, ctx.account.balance))
    now = (Text(N_("You can pay it now on the bank's secure payment page.")) if ctx.pay_now.kind == "link"
           else Text(N_("You can pay it now, here in the chat.")))
    ctx.say(lead, now, Text(N_("What would you like to do?")),
            buttons=(pay_row(ctx, amount), *verified_buttons()))


async def pay_buttons(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    """/pay's rows: the amount due today, another amount, then the menu."""
    if ctx.pay_now is None:
        return verified_buttons()
    rows: list[tuple[Button, ...]] = []
    due = await due_now(ctx)
    if due is not None:
        rows.append(pay_row(ctx, due))
    if ctx.account.balance > 0:
        rows.append((Button(Text(N_("Pay another amount")), f"{PREFIX}other"),))
    return (*rows, *verified_buttons())


def pay_lead(ctx: Ctx) -> list[Text]:
    if ctx.pay_now is None:
        return []
    if ctx.pay_now.kind == "link":
        return [Text(N_("Or pay now on the bank's secure payment page."))]
    return [Text(N_("Or pay now, here in the chat."))]


def _minimum(ctx: Ctx) -> Money:
    """The policy's smallest promise, or the whole balance when less is owed."""
    return ctx.money(max(min(ctx.policy.promise.min_amount, ctx.account.balance), Decimal(0)))


async def on_pay_button(ctx: Ctx, data: str) -> None:
    """"pay:other" asks for an amount; "pay:<amount>" bills it, if it is still owed."""
    value = data.removeprefix(PREFIX)
    if value == "other":
        ask_amount(ctx)
        return
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal(0)
    if ctx.account.balance <= 0:
        ctx.go("menu")
        ctx.say(Text(N_("There is nothing to pay on this account at the moment.")), buttons=way_on())
        return
    if not amount.is_finite() or amount <= 0 or amount > ctx.account.balance:
        ask_amount(ctx, Text(N_("You owe {balance} now, so that amount no longer fits. How much would you "
                                "like to pay?"), {"balance": ctx.money(ctx.account.balance)}))
        return
    bill(ctx, ctx.money(amount))


def ask_amount(ctx: Ctx, *lead: Text) -> None:
    ctx.go(PAY_AMOUNT)
    _say_amount(ctx, *lead)


def _say_amount(ctx: Ctx, *lead: Text) -> None:
    ctx.say(*lead, Text(N_("How much would you like to pay now? Type an amount from {low} to {high}."),
                        {"low": _minimum(ctx), "high": ctx.money(ctx.account.balance)}),
            buttons=way_on())


async def on_amount_text(ctx: Ctx, text: str) -> None:
    value, problem = read_amount(text, ctx.locale, ctx.account.currency)
    example = ctx.money(Decimal("1234.50"))
    if value is None and problem == "not_positive":
        _say_amount(ctx, Text(N_("The amount must be more than zero. Please type it like {example}."),
                              {"example": example}))
        return
    if value is None:
        _say_amount(ctx, Text(N_("I could not read that amount. Please type it like {example}."),
                              {"example": example}))
        return
    if value > ctx.account.balance:
        _say_amount(ctx, Text(N_("That is more than you owe. The most you can pay is {limit}."),
                              {"limit": ctx.money(ctx.account.balance)}))
        return
    if value < _minimum(ctx).amount:
        _say_amount(ctx, Text(N_("That amount is too small. The smallest payment here is {limit}."),
                              {"limit": _minimum(ctx)}))
        return
    bill(ctx, ctx.money(value))


def bill(ctx: Ctx, amount: Money) -> None:
    """The invoice (or the link) for the amount, good for the policy's offer_minutes."""
    assert ctx.pay_now is not None
    ctx.go("menu")
    minutes = ctx.policy.payment.offer_minutes
    if ctx.pay_now.kind == "link":
        ctx.say(Text(N_("Pay {amount} on the bank's secure payment page."), {"amount": amount}),
                NP_("The link works for {n} minute.", "The link works for {n} minutes.", minutes,
                    {"n": minutes}),
                buttons=((Button(Text(N_("Pay now")), "", url=_link(ctx, amount.amount)),), *way_on()))
        return
    expires = ctx.now + timedelta(minutes=minutes)
    payload = invoice_payload(ctx.secret, ctx.chat.chat_id, ctx.ref, amount.amount, amount.currency, expires)
    if payload is None:  # a reference too long for Telegram's payload: the instructions instead
        ctx.continue_with = "pay"
        return
    ctx.replies.append(Reply(
        (NP_("Here is your bill for {amount}. It can be paid for {n} minute.",
             "Here is your bill for {amount}. It can be paid for {n} minutes.", minutes,
             {"amount": amount, "n": minutes}),),
        invoice=Invoice(Text(N_("Payment to your account")),
                        Text(N_("{amount} towards account {reference}."),
                             {"amount": amount, "reference": ctx.ref}),
                        amount, payload),
    ))


COMMANDS: dict = {}
BUTTONS: dict = {}
TEXTS = {PAY_AMOUNT: on_amount_text}
ASK_AGAIN = {PAY_AMOUNT: _say_amount}
