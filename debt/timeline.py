"""Where an account stands on a date and what happens next: fees, stages, the credit record."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from debt.account import Account
from debt.charge_cap import cap_limit, capped, room
from debt.memo import per_terms_policy_and_day
from debt.money import Money, round_minor
from debt.policy import CreditReportRule, InterestRule, Policy, Stage

PAID_RECORD_DAYS = 7  # retention_from due_date: a paid record goes within 5 working days


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
    """The credit-bureau view of the current delinquency, if nothing more is paid.

    status (the renderer translates each):
      not_reported        nothing is overdue and no cleared lateness is on the file
      cleared             nothing is overdue now; a lateness reported before stays until kept_until
                          (arrears_ended says when it was cleared)
      will_be_reported    overdue, but not reported yet (first report on will_be_reported_on)
      reported            reported late since reported_since
      default_registered  a default is on the file (UK)
      charged_off         the account is reported charged off (US)
    next_step (the next worse event after the first report, on next_step_on; None if none):
      reported_<dpd>      reported <dpd> days late, one per policy step after the first report;
                          with the presets: reported_60, reported_90, reported_120, reported_150
      default_registered  a default will be registered
      charged_off         the account will be charged off
    kept_years is always the policy's retention, for "a record stays N years" sentences.
    """

    status: str
    reported_since: date | None  # first reported on (already happened)
    will_be_reported_on: date | None  # first report still to come, if nothing is paid
    next_step_on: date | None  # the next worse report (US 30-day steps; UK default; charge-off)
    next_step: str | None  # what that step is: reported_60 ... | default_registered | charged_off
    kept_until: date | None  # how long the record stays if the arrears were cleared today
    kept_years: int
    arrears_ended: date | None = None  # cleared: the day the reported arrears were paid


@dataclass(frozen=True)
class ClearedArrears:
    """A delinquency that has ended: overdue since `since`, cleared on `ended` (store keeps them)."""

    since: date
    ended: date


@dataclass(frozen=True)
class Timeline:
    as_of: date
    dpd: int
    stage: Stage
    next_fee: FeeEvent | None
    next_stage: StageChange | None
    credit_report: CreditReport
    cure_amount: Money  # pay this ...
    cure_by: date | None  # ... by this date, the day before the next fee, stage or credit report
    interest_per_day: Money  # on interest_base, at the policy's rate
    interest_base: Money  # what bears interest: the balance or the arrears, as the policy says
    charge_cap: Money | None = None  # the most fees, interest and penalties may come to (debt.charge_cap)
    charge_cap_reached: bool = False  # nothing more is charged: the debtor is told so


@per_terms_policy_and_day
def timeline(account: Account, policy: Policy, today: date,
             cleared: ClearedArrears | None = None) -> Timeline:
    """Where the account stands today and what happens next if nothing is paid (remembered:
    the same terms, policy, day and cleared record give the same timeline).

    `cleared` is the last delinquency that ended, if any: its record may still be on the file.
    """
    dpd = account.days_past_due(today)
    fee = next_fee(account, policy, today)
    stage_change = next_stage(account, policy, today)
    report = credit_report(account, policy, today, cleared)
    deadlines = [event.on for event in (fee, stage_change) if event is not None]
    # the pay-by date falls before the next report too, never on the day it is made
    deadlines += [day for day in (report.will_be_reported_on, report.next_step_on) if day is not None]
    overdue = Money(max(account.overdue_amount, Decimal(0)), account.currency)
    base = interest_base(account, policy)
    left = room(account, policy)
    return Timeline(
        as_of=today,
        dpd=dpd,
        stage=policy.stage_for(dpd),
        next_fee=fee,
        next_stage=stage_change,
        credit_report=report,
        cure_amount=overdue,
        cure_by=max(min(deadlines) - timedelta(days=1), today) if deadlines and overdue else None,
        interest_per_day=capped(Money(base.amount * policy.interest.daily_rate, account.currency), left),
        interest_base=base,
        charge_cap=cap_limit(account, policy),
        charge_cap_reached=left is not None and not left,
    )


def interest_base(account: Account, policy: Policy) -> Money:
    """The amount interest accrues on: the whole balance, or only the arrears (policy interest.base)."""
    amount = account.balance if policy.interest.base == "balance" else account.overdue_amount
    return Money(max(amount, Decimal(0)), account.currency)


def accrued_interest(base: Money, rule: InterestRule, start: date, end: date) -> Money:
    """The interest `base` earns from `start` to `end` if nothing is paid.

    compounding "none": simple, base x daily rate x days. "monthly": at each month's end (the
    start's day of the month) the month's interest joins the base and bears interest after.
    Rounded once, at the end, so no period's rounding is paid twice.
    """
    running, total, day, month = base.amount, Decimal(0), start, 1
    while day < end:
        until = min(add_months(start, month), end)
        interest = running * rule.daily_rate * (until - day).days
        total += interest
        if rule.compounding == "monthly":
            running += interest
        day, month = until, month + 1
    return Money(total, base.currency)


def add_years(day: date, years: int) -> date:
    """The same day `years` later; Feb 29 becomes Feb 28 in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's last day (Jan 31 -> Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def overdue_since(account: Account) -> date | None:
    """The oldest unpaid due date, or None when nothing is owed past a due date."""
    if account.oldest_due_date is None or account.overdue_amount <= 0:
        return None
    return account.oldest_due_date


def fee_amount(account: Account, policy: Policy, cycle: int) -> Money:
    """The fee for the missed due date number `cycle` (0 = the first) of this delinquency.

    Only this delinquency is known, so a fixed fee is a repeat when the previous missed cycle
    (one cycle earlier) lies inside the policy's repeat window. A percentage is rounded down,
    so a fee never passes the contractual rate.
    """
    rule, currency = policy.fee, account.currency
    minimum = max(account.minimum_due, Decimal(0))
    if rule.kind == "percent_of_minimum":
        amount = round_minor(rule.rate * minimum, currency, ROUND_DOWN)
    else:
        amount = rule.repeat if cycle >= 1 and rule.repeat_window_cycles >= 1 else rule.first
        if rule.cap_at_minimum_due:
            amount = min(amount, minimum)
    if rule.most is not None:  # a ceiling on any one fee (Indonesia: Rp100,000)
        amount = min(amount, rule.most)
    return Money(max(amount, Decimal(0)), currency)


def next_fee(account: Account, policy: Policy, today: date) -> FeeEvent | None:
    """The next fee charged after today: the day after each missed due date (DPD 1, 31, 61 ...).

    None when nothing is overdue or the fee would be zero (e.g. a capped fee on a zero minimum,
    or the charges at the policy's cap); cut to the room left under that cap.
    """
    since = overdue_since(account)
    if since is None:
        return None
    cycle_days = policy.fee.cycle_days
    days = (today - since).days  # the fee for cycle k falls on DPD k*cycle_days + 1
    cycle = 0 if days < 1 else (days - 1) // cycle_days + 1
    amount = capped(fee_amount(account, policy, cycle), room(account, policy))
    if not amount:
        return None
    return FeeEvent(since + timedelta(days=cycle * cycle_days + 1), amount)


def next_stage(account: Account, policy: Policy, today: date) -> StageChange | None:
    """The day the DPD reaches the next stage's first day; None at the last stage or when current."""
    since = overdue_since(account)
    if since is None:
        return None
    index = policy.stage_index(policy.stage_for(account.days_past_due(today)).name)
    if index + 1 >= len(policy.stages):
        return None
    stage = policy.stages[index + 1]
    return StageChange(since + timedelta(days=stage.min_dpd), stage)


def report_events(rule: CreditReportRule) -> Iterator[tuple[int, str]]:
    """The bureau events of one delinquency as (dpd, name), in order.

    The first report (`reported_<first_report_dpd>`), then one `reported_<dpd>` every step_days,
    until the first final event (`default_registered` at default_dpd, `charged_off` at
    charge_off_dpd) replaces the steps; a later final event still follows. Endless when the
    policy has steps and no final event; callers stop early.
    """
    finals = sorted(
        (dpd, name)
        for dpd, name in ((rule.default_dpd, "default_registered"), (rule.charge_off_dpd, "charged_off"))
        if dpd is not None
    )
    stop = finals[0][0] if finals else None
    dpd = rule.first_report_dpd
    while stop is None or dpd < stop:
        yield dpd, f"reported_{dpd}"
        if rule.step_days <= 0:
            break
        dpd += rule.step_days
    yield from finals


Event = tuple[int, str]  # (dpd, name)


def _events_at(rule: CreditReportRule, dpd: int) -> tuple[int | None, Event | None, Event | None]:
    """(first report dpd, the worst event that already happened, the next worse one) at `dpd`."""
    first: int | None = None
    passed: Event | None = None
    for event_dpd, name in report_events(rule):
        if first is None:
            first = event_dpd
        if event_dpd <= dpd:
            passed = (event_dpd, name)
        elif name != f"reported_{rule.first_report_dpd}" or passed is not None:
            return first, passed, (event_dpd, name)
    return first, passed, None


def credit_report(account: Account, policy: Policy, today: date,
                  cleared: ClearedArrears | None = None) -> CreditReport:
    rule = policy.credit_report
    since = overdue_since(account)
    if since is None:
        return _cleared_report(rule, cleared, today)
    dpd = account.days_past_due(today)
    first, passed, upcoming = _events_at(rule, dpd)
    first_on = None if first is None else since + timedelta(days=first)
    if passed is None:
        status, reported_since, will_be = "will_be_reported", None, first_on
    else:
        status = "reported" if passed[1].startswith("reported_") else passed[1]
        reported_since, will_be = first_on, None
    return CreditReport(
        status=status,
        reported_since=reported_since,
        will_be_reported_on=will_be,
        next_step_on=None if upcoming is None else since + timedelta(days=upcoming[0]),
        next_step=None if upcoming is None else upcoming[1],
        kept_until=None if passed is None else _kept_until(rule, since, passed, today),
        kept_years=rule.retention_years,
    )


def _cleared_report(rule: CreditReportRule, cleared: ClearedArrears | None, today: date) -> CreditReport:
    """Nothing overdue: the last cleared delinquency's record while the policy keeps it, else nothing."""
    nothing = CreditReport("not_reported", None, None, None, None, None, rule.retention_years)
    if cleared is None:
        return nothing
    first, passed, _ = _events_at(rule, (cleared.ended - cleared.since).days)
    if first is None or passed is None:
        return nothing  # cleared before anything was reported
    kept_until = _kept_until(rule, cleared.since, passed, cleared.ended)
    if kept_until <= today:
        return nothing
    return CreditReport("cleared", cleared.since + timedelta(days=first), None, None, None, kept_until,
                        rule.retention_years, arrears_ended=cleared.ended)


def _kept_until(rule: CreditReportRule, since: date, worst: tuple[int, str], cleared_on: date) -> date:
    """When the record goes if the arrears are cleared on `cleared_on`; `worst` is the worst
    event reported by then, as (dpd, name).

    cure: N years from the day the overdue ends. first_delinquency_plus_180: a charge-off (or a
    collection) is kept N years from the first missed due date + 180 days, and paying does not
    move it; a late payment that never came to that is kept N years from its own report date
    (the latest one). default_date: N years from the default (registered or, before it, the
    arrears markers' first report date). due_date (Brazil, CDC art. 43 §1 and the STJ): at most N
    years from the first missed due date, and taken off once paid (within 5 working days: a
    week, PAID_RECORD_DAYS, unless a holiday falls in it).
    """
    years = rule.retention_years
    if rule.retention_from == "due_date":
        return min(add_years(since, years), cleared_on + timedelta(days=PAID_RECORD_DAYS))
    if rule.retention_from == "cure":
        return add_years(cleared_on, years)
    if rule.retention_from == "first_delinquency_plus_180":
        if worst[1] == "charged_off":
            return add_years(since + timedelta(days=180), years)
        return add_years(since + timedelta(days=worst[0]), years)
    if worst[1] == "default_registered" and rule.default_dpd is not None:
        return add_years(since + timedelta(days=rule.default_dpd), years)
    return add_years(since + timedelta(days=rule.first_report_dpd), years)
