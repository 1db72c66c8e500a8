"""Repayment arrangements the policy allows at an account's stage, with full schedules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from debt.account import Account
from debt.charge_cap import capped, room
from debt.memo import per_terms_policy_and_day
from debt.money import Money, quantum, round_minor
from debt.policy import ArrangementOffer, Policy
from debt.timeline import accrued_interest, add_months, interest_base

KEY_PATTERN = re.compile(r"[a-z0-9]{1,16}")
LUMP_SUM_DAYS = 7  # a lump sum (and an instalment plan's first payment) is due within a week


@dataclass(frozen=True)
class Instalment:
    number: int  # 1-based
    due: date
    amount: Money


@dataclass(frozen=True)
class Quote:
    key: str  # short and stable, fits callback data: cure | full | settlement | inst12
    kind: str  # cure | full | instalments | settlement
    months: int  # 0 for a lump sum
    amount_now: Money  # the first payment
    schedule: tuple[Instalment, ...]  # sums exactly to total
    total: Money
    fees: Money  # plan fees included in total
    discount: Money  # settlement discount off the balance
    needs_approval: bool
    interest: Money  # interest included in total
    interest_accrues: bool = False  # instalments: interest keeps running on what is left to pay


def quotes(account: Account, policy: Policy, today: date) -> list[Quote]:
    """The offers the policy allows at the account's stage today, in policy order.

    Nothing when nothing is owed. An offer with no stages is open at every overdue stage (not
    the first, current one). An offer that would come to nothing is left out: a cure with
    nothing overdue, a settlement without a discount, an instalment term whose payments
    would be smaller than the currency's smallest unit. A key appears once (the first offer wins).
    """
    return list(_quotes(account, policy, today))


@per_terms_policy_and_day
def _quotes(account: Account, policy: Policy, today: date) -> tuple[Quote, ...]:
    if account.balance <= 0:
        return ()
    dpd = account.days_past_due(today)
    stage = policy.stage_for(dpd)
    first_due = today + timedelta(days=min(LUMP_SUM_DAYS, policy.promise.max_days_ahead))
    found: dict[str, Quote] = {}
    for offer in policy.arrangements:
        if not (stage.name in offer.stages if offer.stages else dpd > 0):
            continue
        for q in _offer_quotes(account, policy, offer, today, first_due):
            found.setdefault(q.key, q)
    return tuple(found.values())


def quote(account: Account, policy: Policy, today: date, key: str) -> Quote | None:
    """The quote with this key if it is offered today, else None."""
    return next((q for q in quotes(account, policy, today) if q.key == key), None)


def _offer_quotes(account: Account, policy: Policy, offer: ArrangementOffer, today: date,
                  first_due: date) -> list[Quote]:
    currency = account.currency
    balance = Money(account.balance, currency)
    zero = Money.zero(currency)
    if offer.kind == "cure":
        overdue = Money(account.overdue_amount, currency)
        return [_lump("cure", "cure", overdue, first_due, zero, offer)] if overdue > zero else []
    if offer.kind == "full":
        # the balance on the day it is due: the interest until then is part of paying in full
        interest = accrued_interest(interest_base(account, policy), policy.interest, today, first_due)
        interest = capped(interest, room(account, policy))
        return [_lump("full", "full", balance + interest, first_due, zero, offer, interest)]
    if offer.kind == "settlement":
        total = Money(balance.amount * (Decimal(1) - offer.max_discount), currency)
        discount = balance - total
        if not discount or not total:
            return []
        return [_lump("settlement", "settlement", total, first_due, discount, offer)]
    return [q for months in offer.months
            if (q := _instalments(account, policy, offer, months, today, first_due))]


def _lump(key: str, kind: str, total: Money, due: date, discount: Money, offer: ArrangementOffer,
          interest: Money | None = None) -> Quote:
    return Quote(
        key=key,
        kind=kind,
        months=0,
        amount_now=total,
        schedule=(Instalment(1, due, total),),
        total=total,
        fees=Money.zero(total.currency),
        discount=discount,
        needs_approval=offer.needs_approval,
        interest=interest or Money.zero(total.currency),
    )


def _instalments(account: Account, policy: Policy, offer: ArrangementOffer, months: int, today: date,
                 first_due: date) -> Quote | None:
    """`months` monthly payments on first_due's day of the month; the last takes the rounding.

    Each payment is an equal share of the balance and of the plan fee; where interest accrues
    (offer.interest), it also carries the interest since the payment before (today for the
    first) on what bears interest and is not yet repaid, compounded as the policy says. Fees
    and interest together stop at the room the policy's charge cap leaves (debt.charge_cap).
    """
    currency = account.currency
    balance = Money(account.balance, currency)
    # rounded down: the plan fee never passes the policy's monthly rate
    fee_total = round_minor(balance.amount * offer.monthly_fee_rate * months, currency, ROUND_DOWN)
    fees = Money(fee_total, currency)
    if balance.amount < quantum(currency) * months:
        return None  # some payment would be zero: the balance's share of each is split on its own
    accrues = offer.interest == "accrues" and policy.interest.daily_rate > 0
    bearing = interest_base(account, policy)
    schedule, interest, previous, left = [], Money.zero(currency), today, room(account, policy)
    charged = Money.zero(currency)
    for i, (principal, fee) in enumerate(zip(balance.split(months), fees.split(months), strict=True)):
        due = add_months(first_due, i)
        owed = accrued_interest(bearing, policy.interest, previous, due) if accrues else Money.zero(currency)
        fee = capped(fee, left)
        left = None if left is None else left - fee
        owed = capped(owed, left)
        left = None if left is None else left - owed
        schedule.append(Instalment(i + 1, due, principal + fee + owed))
        interest, previous, charged = interest + owed, due, charged + fee
        bearing = (bearing - principal).max(Money.zero(currency))
    return Quote(
        key=f"inst{months}",
        kind="instalments",
        months=months,
        amount_now=schedule[0].amount,
        schedule=tuple(schedule),
        total=balance + charged + interest,
        fees=charged,
        discount=Money.zero(currency),
        needs_approval=offer.needs_approval,
        interest=interest,
        interest_accrues=accrues,
    )
