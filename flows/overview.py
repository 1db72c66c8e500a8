"""/balance, /next and /pay: where the account stands, what happens next, how to pay.

Facts with dates and amounts, never threats: each consequence is said once, with the date it
would happen and what avoids it.
"""

from __future__ import annotations

import re

from debt.policy import Stage
from debt.timeline import CreditReport, Timeline, timeline
from flows.commitments import commitment_parts, dispute_parts, disputed
from flows.context import Ctx
from flows.menus import verified_buttons
from flows.pay_now import pay_buttons, pay_lead
from flows.types import N_, NP_, Text
from store.cleared_arrears import last_cleared

_METHODS = {
    "bank_transfer": N_("By bank transfer"),
    "app": N_("In the bank's app"),
    "branch": N_("At any branch of the bank"),
    "card": N_("By debit card"),
}


def stage_words(stage: Stage) -> Text:
    """A stage in plain words, from its day range (the names are the policy's)."""
    if stage.max_dpd == 0:
        return Text(N_("{stage}: your account is up to date"), {"stage": stage.name})
    if stage.max_dpd is None:
        days = stage.min_dpd - 1
        return NP_("{stage}: your payment is more than {days} day late",
                   "{stage}: your payment is more than {days} days late", days,
                   {"stage": stage.name, "days": days})
    # The count a reader hears last is the upper bound ("1 to 30 days"): it picks the form.
    return NP_("{stage}: your payment is {low} to {high} day late",
               "{stage}: your payment is {low} to {high} days late", stage.max_dpd,
               {"stage": stage.name, "low": stage.min_dpd, "high": stage.max_dpd})


async def balance(ctx: Ctx, args: str = "") -> None:
    account = ctx.account
    dpd = account.days_past_due(ctx.today)
    stage = ctx.policy.stage_for(dpd)
    parts = [
        Text(N_("Total outstanding: {amount}"), {"amount": ctx.money(account.balance)}),
        Text(N_("Overdue now: {amount}"), {"amount": ctx.money(account.overdue_amount)}),
        _minimum(ctx),
    ]
    if dpd > 0:
        parts.append(NP_("Your oldest unpaid payment is {days} day late.",
                         "Your oldest unpaid payment is {days} days late.", dpd, {"days": dpd}))
    parts += [
        Text(N_("Stage: {stage}"), {"stage": stage_words(stage)}),
        Text(N_("Fees charged so far: {fees}. Interest charged so far: {interest}."),
             {"fees": ctx.money(account.fees_charged), "interest": ctx.money(account.interest_charged)}),
    ]
    ctx.go("menu")
    ctx.say(*parts, buttons=verified_buttons())


def _minimum(ctx: Ctx) -> Text:
    account = ctx.account
    if account.payment_due_date and account.minimum_due > 0:
        return Text(N_("Minimum payment due: {amount} by {date}"),
                    {"amount": ctx.money(account.minimum_due), "date": account.payment_due_date})
    return Text(N_("Minimum payment due: {amount}"), {"amount": ctx.money(account.minimum_due)})


def _up_to_date(ctx: Ctx) -> Text:
    """An account with nothing overdue: when its minimum is due, where the bank said."""
    account, amount = ctx.account, ctx.money(ctx.account.minimum_due)
    if account.minimum_due <= 0:
        return Text(N_("Your account is up to date: no fee, change of stage or credit report is coming."))
    if account.payment_due_date:
        return Text(N_("Your account is up to date. Your next minimum payment, {amount}, is due on {date}; "
                       "paid by then, no fee is charged and nothing is reported."),
                    {"amount": amount, "date": account.payment_due_date})
    return Text(N_("Your account is up to date. Your next minimum payment is {amount}, due on the date "
                   "your statement gives."), {"amount": amount})


def _report_step(step: str) -> Text:
    match = re.fullmatch(r"reported_(\d+)", step)
    if match:
        days = int(match.group(1))
        return NP_("reported as {days} day late", "reported as {days} days late", days, {"days": days})
    if step == "default_registered":
        return Text(N_("a default is registered"))
    return Text(N_("the account is charged off"))


def _credit_report(report: CreditReport, removed_when_paid: bool = False) -> list[Text]:
    """removed_when_paid: the policy takes a paid record off (retention_from due_date, Brazil)."""
    parts: list[Text] = []
    if report.status == "not_reported":
        parts.append(Text(N_("Credit report: nothing is reported about this account.")))
    elif report.status == "cleared" and report.reported_since and report.arrears_ended and report.kept_until:
        return [Text(N_("Credit report: the late payment reported on {date} was cleared on {ended}; the "
                        "record stays on your credit report until {until}."),
                     {"date": report.reported_since, "ended": report.arrears_ended,
                      "until": report.kept_until})]
    elif report.status == "will_be_reported" and report.will_be_reported_on:
        parts.append(Text(N_("Credit report: if the overdue amount is still unpaid on {date}, the late "
                             "payment will be reported to the credit bureau."),
                          {"date": report.will_be_reported_on}))
    elif report.reported_since:
        parts.append(Text(N_("Credit report: the late payment has been reported since {date}."),
                          {"date": report.reported_since}))
        if report.status in ("default_registered", "charged_off"):
            parts.append(Text(N_("Credit report status now: {status}."),
                              {"status": _report_step(report.status)}))
    if report.next_step_on and report.next_step:
        parts.append(Text(N_("If nothing is paid, on {date}: {step}."),
                          {"date": report.next_step_on, "step": _report_step(report.next_step)}))
    if report.kept_until and removed_when_paid:
        parts.append(Text(N_("If you clear the arrears today, the record is taken off your credit report by "
                             "{date}."), {"date": report.kept_until}))
    elif report.kept_until:
        parts.append(NP_("If you clear the arrears today, the record stays on your credit report "
                         "until {date} ({years} year).",
                         "If you clear the arrears today, the record stays on your credit report "
                         "until {date} ({years} years).",
                         report.kept_years, {"date": report.kept_until, "years": report.kept_years}))
    return parts


def _cure(ctx: Ctx, line: Timeline) -> list[Text]:
    if not line.cure_amount:
        return []
    if line.cure_by:  # the day before the first dated step: fee, stage or credit report
        return [Text(N_("Pay {amount} by {date} to bring your account up to date; the dated steps above "
                        "then do not happen."), {"amount": line.cure_amount, "date": line.cure_by})]
    return [Text(N_("Pay {amount} to bring your account up to date."), {"amount": line.cure_amount})]


def _interest(ctx: Ctx, line: Timeline) -> list[Text]:
    """What bears interest, how much a day, and whether interest is charged on interest."""
    if not line.interest_per_day:
        return []
    if ctx.policy.interest.base == "balance":
        day = Text(N_("Interest: {amount} a day on your balance of {base}."),
                   {"amount": line.interest_per_day, "base": line.interest_base})
    else:
        day = Text(N_("Interest: {amount} a day on the overdue amount of {base}."),
                   {"amount": line.interest_per_day, "base": line.interest_base})
    if ctx.policy.interest.compounding == "monthly":
        return [day, Text(N_("Interest that is not paid is added to what you owe each month, and is then "
                             "charged interest too."))]
    return [day, Text(N_("Interest is never charged on interest."))]


async def next_steps(ctx: Ctx, args: str = "") -> None:
    line = timeline(ctx.account, ctx.policy, ctx.today, await last_cleared(ctx.db, ctx.ref))
    parts: list[Text] = dispute_parts() if await disputed(ctx) else []
    parts += await commitment_parts(ctx)
    if not line.cure_amount:
        parts.append(_up_to_date(ctx))
    if line.next_fee:
        parts.append(Text(N_("On {date}, a fee of {amount} is charged if the overdue amount is still "
                             "unpaid."),
                          {"date": line.next_fee.on, "amount": line.next_fee.amount}))
    if line.next_stage:
        parts.append(Text(N_("On {date}, your account moves to {stage}."),
                          {"date": line.next_stage.on, "stage": stage_words(line.next_stage.stage)}))
    parts += _interest(ctx, line)
    if line.charge_cap_reached and line.charge_cap is not None:
        parts.append(Text(N_("Fees, interest and penalties on your account have reached their limit of "
                             "{cap}: nothing more will be added."), {"cap": line.charge_cap}))
    parts += _credit_report(line.credit_report, ctx.policy.credit_report.retention_from == "due_date")
    parts += _cure(ctx, line)
    ctx.go("menu")
    ctx.say(*parts, buttons=verified_buttons())


def pay_parts(ctx: Ctx) -> list[Text]:
    pay = ctx.policy.payment
    parts = [Text(N_("Pay to {payee} at {bank}, account {number}. Write your reference {reference} with the "
                     "payment so that it reaches your account."),
                  {"payee": pay.payee, "bank": pay.bank, "number": pay.account_number, "reference": ctx.ref})]
    if pay.methods:
        parts.append(Text(N_("You can pay:")))
        parts += [Text(_METHODS[method]) for method in pay.methods if method in _METHODS]
    return parts


async def pay(ctx: Ctx, args: str = "") -> None:
    ctx.go("menu")
    ctx.say(*pay_parts(ctx), *pay_lead(ctx), buttons=await pay_buttons(ctx))


COMMANDS = {"balance": balance, "next": next_steps, "pay": pay}
