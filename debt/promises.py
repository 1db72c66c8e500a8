"""Promises to pay: what a valid promise is, and the reason when it is not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debt.account import Account
from debt.money import Money
from debt.policy import Policy

# in_past | too_far | too_small | too_much | nothing_owed | too_many_broken
REFUSAL_REASONS = ("in_past", "too_far", "too_small", "too_much", "nothing_owed", "too_many_broken")


@dataclass(frozen=True)
class Refusal:
    reason: str
    limit: Money | date | int | None  # the bound that was crossed, for the message


def check_promise(
    account: Account, policy: Policy, today: date, amount: Money, due: date, broken_in_row: int
) -> Refusal | None:
    raise NotImplementedError
