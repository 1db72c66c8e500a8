"""How a payment changes an account's figures, and which payments a portfolio already holds.

The reconciliation (README, "The bank's files"): every portfolio row is as of a date. A payment
dated on or before that date is already in the bank's figures and is not subtracted again; a
payment dated after it is applied on top, whether it arrives after the portfolio or was loaded
before it. A payment above what is owed brings the balance to zero and the rest becomes a
credit, kept on the account and reported, never dropped. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Figures:
    """The account values a payment changes."""

    balance: Decimal
    minimum_due: Decimal
    overdue_amount: Decimal
    oldest_due_date: date | None
    last_payment_date: date | None
    last_payment_amount: Decimal | None
    credit: Decimal  # paid beyond the balance: the bank owes it back or holds it


def already_in(as_of: date | None, paid_on: date) -> bool:
    """Whether a portfolio as of `as_of` already reflects a payment made on `paid_on`.

    An account loaded without an as-of date (before the date existed) takes every payment."""
    return as_of is not None and paid_on <= as_of


def _less(value: Decimal, amount: Decimal) -> Decimal:
    """value - amount, never below zero; zero keeps value's decimals ("0.00", not "0")."""
    return max(value - amount, value * 0)


def apply_payment(figures: Figures, amount: Decimal, paid_on: date) -> Figures:
    """The figures after a payment of `amount` made on `paid_on`."""
    overdue = _less(figures.overdue_amount, amount)
    excess = amount - figures.balance if amount > figures.balance else Decimal(0)
    # a late-arriving older payment leaves the latest one as the "last payment"
    newer = figures.last_payment_date is None or figures.last_payment_date <= paid_on
    return replace(
        figures,
        balance=_less(figures.balance, amount),
        minimum_due=_less(figures.minimum_due, amount),
        overdue_amount=overdue,
        oldest_due_date=figures.oldest_due_date if overdue > 0 else None,
        last_payment_date=paid_on if newer else figures.last_payment_date,
        last_payment_amount=amount if newer else figures.last_payment_amount,
        credit=figures.credit + excess,
    )


def apply_later(figures: Figures, as_of: date | None, payments: Iterable[tuple[Decimal, date]]) -> Figures:
    """A portfolio row's figures with the payments it does not yet hold applied, in the order given."""
    for amount, paid_on in payments:
        if not already_in(as_of, paid_on):
            figures = apply_payment(figures, amount, paid_on)
    return figures


@dataclass(frozen=True)
class Effect:
    """What one payment took off the figures (and added to the credit), to be undone exactly by
    its reversal; `cleared_due` is the oldest due date it cleared, if it cleared the arrears."""

    balance: Decimal
    minimum_due: Decimal
    overdue_amount: Decimal
    credit: Decimal
    cleared_due: date | None = None

    def to_text(self) -> str:
        pairs = [f"balance={self.balance}", f"minimum_due={self.minimum_due}",
                 f"overdue_amount={self.overdue_amount}", f"credit={self.credit}"]
        if self.cleared_due is not None:
            pairs.append(f"cleared_due={self.cleared_due.isoformat()}")
        return ";".join(pairs)

    @classmethod
    def from_text(cls, text: str) -> Effect:
        values = dict(pair.split("=", 1) for pair in text.split(";") if "=" in pair)
        due = values.get("cleared_due")
        return cls(Decimal(values["balance"]), Decimal(values["minimum_due"]),
                   Decimal(values["overdue_amount"]), Decimal(values["credit"]),
                   date.fromisoformat(due) if due else None)


def effect(before: Figures, after: Figures) -> Effect:
    cleared = before.oldest_due_date if before.oldest_due_date and after.oldest_due_date is None else None
    return Effect(before.balance - after.balance, before.minimum_due - after.minimum_due,
                  before.overdue_amount - after.overdue_amount, after.credit - before.credit, cleared)


def unapply_payment(figures: Figures, done: Effect) -> Figures:
    """The figures with a reversed payment's effect undone: what it took off is owed again, the
    credit it left is taken back (as far as it is still there), and arrears it cleared are dated
    from their old due date again. The "last payment" stays as the bank's file says."""
    overdue = figures.overdue_amount + done.overdue_amount
    oldest = figures.oldest_due_date
    if overdue > 0 and oldest is None:
        oldest = done.cleared_due
    return replace(
        figures,
        balance=figures.balance + done.balance,
        minimum_due=figures.minimum_due + done.minimum_due,
        overdue_amount=overdue,
        oldest_due_date=oldest,
        credit=max(figures.credit - done.credit, figures.credit * 0),
    )
