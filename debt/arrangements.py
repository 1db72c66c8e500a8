"""Repayment arrangements the policy allows at an account's stage, with full schedules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debt.account import Account
from debt.money import Money
from debt.policy import Policy


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


def quotes(account: Account, policy: Policy, today: date) -> list[Quote]:
    raise NotImplementedError


def quote(account: Account, policy: Policy, today: date, key: str) -> Quote | None:
    raise NotImplementedError
