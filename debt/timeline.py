"""Where an account stands on a date and what happens next: fees, stages, the credit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debt.account import Account
from debt.money import Money
from debt.policy import Policy, Stage


@dataclass(frozen=True)
class FeeEvent:
    on: date
    amount: Money


@dataclass(frozen=True)
class StageChange:
    on: date
    stage: Stage


@dataclass(frozen=True)
class CreditReport:
    """The credit-bureau view. status: not_reported | will_be_reported | reported |
    default_registered | charged_off."""

    status: str
    reported_since: date | None  # first reported on (already happened)
    will_be_reported_on: date | None  # first report still to come, if nothing is paid
    next_step_on: date | None  # the next worse report (US 30-day steps; UK default; charge-off)
    next_step: str | None  # what that step is: reported_60 ... | default_registered | charged_off
    kept_until: date | None  # how long the record stays if the arrears were cleared today
    kept_years: int


@dataclass(frozen=True)
class Timeline:
    as_of: date
    dpd: int
    stage: Stage
    next_fee: FeeEvent | None
    next_stage: StageChange | None
    credit_report: CreditReport
    cure_amount: Money  # pay this ...
    cure_by: date | None  # ... by this date to avoid the next fee and stage
    interest_per_day: Money  # on the arrears, at the policy's rate


def timeline(account: Account, policy: Policy, today: date) -> Timeline:
    raise NotImplementedError
