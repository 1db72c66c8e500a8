"""/plans: the arrangements the policy offers at this stage, side by side; choose, see the full
schedule, confirm. A confirmed plan becomes an arrangement with one promise per instalment and
a notice to the collectors, all in the step's transaction."""

from __future__ import annotations

from debt.arrangements import Quote, quote, quotes
from flows.context import Ctx
from flows.keywords import NO, YES
from flows.menus import command_button, menu_button, person_row, show_menu, unclear, way_on
from flows.notices import account_fields
from flows.pay_now import offer
from flows.types import N_, NP_, Text
from store.arrangement_decisions import ArrangementRow, get_arrangement
from store.arrangement_rows import insert_arrangement, open_arrangement
from store.notice_payloads import ArrangementNotice, Instalment

CHOOSE, CONFIRM = "plans", "plan_confirm"


def _label(q: Quote) -> Text:
    if q.kind == "instalments":
        return NP_("{months} month", "{months} months", q.months, {"months": q.months})
    return {
        "cure": Text(N_("Pay the overdue amount")),
        "full": Text(N_("Pay in full")),
        "settlement": Text(N_("Settle for less")),
    }.get(q.kind, Text(N_("Plan")))


def _plan_cost(q: Quote) -> Text:
    """An instalment plan's total, what is in it, and whether interest keeps running."""
    values = {"total": q.total, "interest": q.interest, "fees": q.fees}
    if q.interest_accrues and q.fees:
        return Text(N_("Total {total} if each payment is made on its date, including {interest} of interest "
                       "and {fees} in fees: interest keeps accruing on what is left to pay."), values)
    if q.interest_accrues:
        return Text(N_("Total {total} if each payment is made on its date, including {interest} of interest: "
                       "interest keeps accruing on what is left to pay. No fees."), values)
    if q.fees:
        return Text(N_("Total {total}, including {fees} in fees. No interest accrues while you keep to the "
                       "plan."), values)
    return Text(N_("Total {total}. No fees, and no interest accrues while you keep to the plan."), values)


def _summary(q: Quote) -> Text:
    if q.kind == "instalments":
        first = q.schedule[0]
        plan = NP_("{months} monthly payment, the first of {amount} on {date}.",
                   "{months} monthly payments, the first of {amount} on {date}.",
                   q.months, {"months": q.months, "amount": first.amount, "date": first.due})
        # TRANSLATORS: two sentences side by side; languages that write no space between
        # sentences drop it.
        return Text(N_("{plan} {cost}"), {"plan": plan, "cost": _plan_cost(q)})
    if q.kind == "full" and q.interest:
        return Text(N_("Pay in full: {amount} once by {date}, including {interest} of interest until then, "
                       "and the debt is cleared."),
                    {"amount": q.amount_now, "date": q.schedule[0].due, "interest": q.interest})
    if q.kind == "settlement":
        return Text(N_("Settle for less: pay {amount} once, {discount} less than you owe. The bank "
                       "must approve it first."), {"amount": q.amount_now, "discount": q.discount})
    if q.kind == "cure":
        return Text(N_("Pay the overdue amount: {amount} once, and the account is up to date."),
                    {"amount": q.amount_now})
    return Text(N_("Pay in full: {amount} once, and the debt is cleared."), {"amount": q.amount_now})


async def show(ctx: Ctx, args: str = "") -> None:
    existing = await open_arrangement(ctx.db, ctx.ref)
    if existing is not None and existing[2] == "pending_approval":
        row = await get_arrangement(ctx.db, existing[0])
        ctx.go("menu")
        ctx.say(*_awaiting(row), buttons=way_on())
        return
    if existing is not None:
        ctx.go("menu")
        ctx.say(Text(N_("You already have a repayment plan. To change it, please talk to a person.")),
                buttons=way_on())
        return
    offered = quotes(ctx.account, ctx.policy, ctx.today)
    if not offered:
        ctx.go("menu")
        show_menu(ctx, Text(N_("There is no repayment plan to choose at the moment.")))
        return
    ctx.go(CHOOSE)
    _list(ctx)


def _awaiting(row: ArrangementRow) -> list[Text]:
    """The plan the debtor chose, not yet theirs: the bank has still to answer (ops/approvals.py)."""
    if not row.schedule:  # not written by /plans: say it as /next does
        return [Text(N_("Your repayment plan is waiting for the bank's approval. Nothing is due under it "
                        "until the bank confirms it."))]
    due, amount = row.schedule[0]
    if len(row.schedule) == 1:
        chosen = Text(N_("The plan you chose is waiting for the bank's answer: {amount} once, by {date}."),
                      {"amount": amount, "date": due})
    else:
        chosen = NP_("The plan you chose is waiting for the bank's answer: {count} payment, {total} in all, "
                     "the first of {amount} by {date}.",
                     "The plan you chose is waiting for the bank's answer: {count} payments, {total} in all, "
                     "the first of {amount} by {date}.",
                     len(row.schedule), {"count": len(row.schedule), "total": row.total, "amount": amount,
                                         "date": due})
    # debt.approval: an approval moves every date on by the days the decision took.
    wait = Text(N_("Nothing is asked of you until the bank answers. If it approves the plan, its dates move "
                   "on by the days the answer took, so you keep the time you were given."))
    return [chosen, wait]


def _list(ctx: Ctx, *lead: Text) -> None:
    """The plans side by side; Back goes to the balance they are measured against, Menu home."""
    offered = quotes(ctx.account, ctx.policy, ctx.today)
    rows = [(ctx.btn(_label(q), f"plan:{q.key}"),) for q in offered]
    back = (command_button(N_("Back"), "balance"), menu_button())
    ctx.say(*lead, Text(N_("These are the ways you can repay:")), *[_summary(q) for q in offered],
            Text(N_("Choose one to see its full schedule.")), buttons=(*rows, back, person_row()))


def _schedule(q: Quote) -> list[Text]:
    """Each payment's date and amount; the total and what is in it are in the summary above."""
    return [Text(N_("{number}. {date}: {amount}"), {"number": i.number, "date": i.due, "amount": i.amount})
            for i in q.schedule]


def _fingerprint(q: Quote) -> list[list[str]]:
    """What the debtor saw: each instalment's date and amount, to notice a changed plan."""
    return [[i.due.isoformat(), str(i.amount.amount)] for i in q.schedule]


async def on_choose(ctx: Ctx, payload: str) -> bool:
    kind, _, key = payload.partition(":")
    if kind != "plan":
        return False
    chosen = quote(ctx.account, ctx.policy, ctx.today, key)
    if chosen is None:
        return False
    _ask_confirm(ctx, chosen)
    return True


def _ask_confirm(ctx: Ctx, chosen: Quote, *lead: Text) -> None:
    ctx.go(CONFIRM, quote=chosen.key, shown=_fingerprint(chosen))
    _say_confirm(ctx, chosen, *lead)


def _say_confirm(ctx: Ctx, chosen: Quote, *lead: Text) -> None:
    key = chosen.key
    buttons = ((ctx.btn(Text(N_("Confirm this plan")), f"ok:{key}"), ctx.btn(Text(N_("Back")), "back")),
               person_row())
    ctx.say(*lead, _summary(chosen), *_schedule(chosen), Text(N_("Do you want this plan?")), buttons=buttons)


async def on_confirm(ctx: Ctx, payload: str) -> bool:
    if payload == "back":
        await show(ctx)
        return True
    kind, _, key = payload.partition(":")
    if kind != "ok" or key != ctx.data.get("quote"):
        return False
    chosen = _as_shown(ctx)
    if chosen is not None:
        await _record(ctx, chosen)
    return True


def _as_shown(ctx: Ctx, *lead: Text) -> Quote | None:
    """The plan being confirmed, if it is still the one shown; else, after the lead, what became
    of it (the plan as it stands now, or the menu), and None."""
    chosen = quote(ctx.account, ctx.policy, ctx.today, ctx.data.get("quote", ""))
    if chosen is None:  # the account changed since the schedule was shown
        ctx.go("menu")
        show_menu(ctx, *lead, Text(N_("That plan is no longer available. Please look at the plans again.")))
        return None
    if _fingerprint(chosen) != ctx.data.get("shown"):  # a payment or a new day changed the schedule
        _ask_confirm(ctx, chosen, *lead, Text(N_("Your account has changed, so the plan has too. Here it is "
                                                 "as it stands now.")))
        return None
    return chosen


async def _record(ctx: Ctx, q: Quote) -> None:
    status = "pending_approval" if q.needs_approval else "active"
    arrangement_id = await insert_arrangement(ctx.db, ctx.ref, q, status, ctx.now)
    await ctx.notify(ArrangementNotice(
        **account_fields(ctx), arrangement_id=arrangement_id, plan=q.key, plan_kind=q.kind, months=q.months,
        status=status, amount_now=q.amount_now, total=q.total, fees=q.fees, discount=q.discount,
        schedule=tuple(Instalment(number=i.number, due=i.due, amount=i.amount) for i in q.schedule),
    ))
    await ctx.audit("arrangement", ctx.ref, plan=q.key, status=status, arrangement_id=arrangement_id)
    ctx.go("menu")
    if status == "pending_approval":
        lead = Text(N_("Thank you. A person at the bank will look at this plan and confirm it with you. "
                       "Please wait for their answer before you pay."))
        show_menu(ctx, lead, Text(N_("Use /pay to see how to pay.")))
        return
    lead = Text(N_("Thank you. Your plan is set up. The first payment is {amount} by {date}."),
                {"amount": q.schedule[0].amount, "date": q.schedule[0].due})
    offer(ctx, lead, q.schedule[0].amount)


async def on_choose_text(ctx: Ctx, text: str) -> None:
    """Stray text at the list: the list again, its buttons still good."""
    _list(ctx, unclear())


async def on_confirm_text(ctx: Ctx, text: str) -> None:
    """Typed "yes" or "no" in the chat's language answer it; anything else asks again."""
    key = ctx.data.get("quote", "")
    if ctx.said(YES, text):
        await on_confirm(ctx, f"ok:{key}")
        return
    if ctx.said(NO, text):
        await on_confirm(ctx, "back")
        return
    chosen = quote(ctx.account, ctx.policy, ctx.today, key)
    if chosen is None or _fingerprint(chosen) != ctx.data.get("shown"):
        await show(ctx)  # changed since it was shown: the list, as it stands now
        return
    _say_confirm(ctx, chosen, unclear())


def _confirm_again(ctx: Ctx, *lead: Text) -> None:
    """The plan's question asked again, unless the account has changed it since."""
    chosen = _as_shown(ctx, *lead)
    if chosen is not None:
        _say_confirm(ctx, chosen, *lead)


COMMANDS = {"plans": show}
BUTTONS = {CHOOSE: on_choose, CONFIRM: on_confirm}
TEXTS = {CHOOSE: on_choose_text, CONFIRM: on_confirm_text}
ASK_AGAIN = {CHOOSE: _list, CONFIRM: _confirm_again}
