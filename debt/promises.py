"""Promises to pay: what a valid promise is, and the reason when it is not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from debt.account import Account
from debt.money import Money
from debt.policy import Policy

# Checked in this order; the first that fails is the answer. limit, for the message:
#   too_many_broken  int: policy.promise.max_broken (broken promises in a row)
#   nothing_owed     None
#   in_past          date: today (the earliest allowed date)
#   too_far          date: the last allowed date (today + max_days_ahead)
#   too_much         Money: the balance
#   too_small        Money: the smallest allowed amount
REFUSAL_REASONS = ("in_past", "too_far", "too_small", "too_much", "nothing_owed", "too_many_broken")


@dataclass(frozen=True)
class Refusal:
    reason: str
    limit: Money | date | int | None  # the bound that was crossed, for the message


def check_promise(
    account: Account, policy: Policy, today: date, amount: Money, due: date, broken_in_row: int
) -> Refusal | None:
    """None when the promise may be made, else the first reason it may not (order above).

    `amount` must be in the account's currency (MoneyError otherwise).
    """
    rule = policy.promise
    balance = Money(account.balance, account.currency)
    if broken_in_row >= rule.max_broken:
        return Refusal("too_many_broken", rule.max_broken)
    if balance.amount <= 0:
        return Refusal("nothing_owed", None)
    if due < today:
        return Refusal("in_past", today)
    last = last_promise_date(policy, today)
    if due > last:
        return Refusal("too_far", last)
    if amount > balance:
        return Refusal("too_much", balance)
    smallest = smallest_promise(account, policy)
    if amount < smallest or amount.amount <= 0:
        return Refusal("too_small", smallest)
    return None


def smallest_promise(account: Account, policy: Policy) -> Money:
    """The policy's floor (a fixed amount or a share of the overdue, whichever is more), but
    never above the balance: a person may always promise to pay everything."""
    currency = account.currency
    overdue = Money(max(account.overdue_amount, 0), currency)
    floor = Money(policy.promise.min_amount, currency).max(overdue * policy.promise.min_share_of_overdue)
    return floor.min(Money(max(account.balance, 0), currency))


def last_promise_date(policy: Policy, today: date) -> date:
    return today + timedelta(days=policy.promise.max_days_ahead)


def promise_dates(policy: Policy, today: date) -> list[date]:
    """Every date a promise may name: today through today + max_days_ahead."""
    return [today + timedelta(days=n) for n in range(policy.promise.max_days_ahead + 1)]


def amount_choices(account: Account) -> list[tuple[str, Money]]:
    """Amount buttons: ("overdue" | "minimum" | "full", amount), without zero or negative
    amounts, amounts above the balance, or an amount already offered by an earlier button."""
    currency = account.currency
    balance = Money(account.balance, currency)
    choices: list[tuple[str, Money]] = []
    for key, raw in (("overdue", account.overdue_amount), ("minimum", account.minimum_due),
                     ("full", account.balance)):
        amount = Money(raw, currency)
        if amount.amount > 0 and amount <= balance and all(amount != seen for _, seen in choices):
            choices.append((key, amount))
    return choices
