"""A bank's collection policy, read from TOML and checked before anything uses it.

Every number the rules use lives here, never in code: banks differ and rules change.
Presets ship in debt/presets/<name>.toml; a bank points DEBTDESK_POLICY at its own file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from debt.account import PRODUCTS
from debt.conduct import ChargeCap, DayHours, Lender, parse_charge_cap, parse_hours, parse_lender
from debt.money import MoneyError, check_currency
from debt.pay_signing import LINK_FIELDS
from debt.policy_reader import PolicyError, _Reader

PRESETS = ("cn", "us", "uk", "ru", "id", "br")
ARRANGEMENT_KINDS = ("cure", "full", "instalments", "settlement")
FEE_KINDS = ("percent_of_minimum", "fixed")
RETENTION_FROM = ("cure", "first_delinquency_plus_180", "default_date", "due_date")
INTEREST_BASES = ("balance", "overdue")
COMPOUNDING = ("monthly", "none")
PLAN_INTEREST = ("accrues", "frozen")
FACTORS = ("dob", "id_last4")
PAYMENT_METHODS = ("bank_transfer", "app", "branch", "card")
QUEUE_WEIGHTS = ("stage", "overdue_per_1000", "broken_promise", "days_since_contact")
DISCLOSURES = ("attempt_to_collect",)  # statements the law requires; flows.disclosure words them


@dataclass(frozen=True)
class Stage:
    name: str
    min_dpd: int
    max_dpd: int | None  # None: open-ended, the last stage

    def contains(self, dpd: int) -> bool:
        return dpd >= self.min_dpd and (self.max_dpd is None or dpd <= self.max_dpd)


@dataclass(frozen=True)
class FeeRule:
    """A fee each time a due date passes unpaid: at DPD 1, then every `cycle_days`."""

    kind: str  # percent_of_minimum | fixed
    cycle_days: int
    rate: Decimal  # percent_of_minimum: share of the unpaid minimum
    first: Decimal  # fixed: the first late fee
    repeat: Decimal  # fixed: a repeat within repeat_window_cycles
    repeat_window_cycles: int
    cap_at_minimum_due: bool
    most: Decimal | None = None  # [fee] max: no one fee above it, whatever its kind; None: no ceiling


@dataclass(frozen=True)
class InterestRule:
    daily_rate: Decimal  # on `base`
    compounding: str  # monthly: unpaid interest joins the base each month | none: simple interest
    base: str  # balance: the whole outstanding bears it (a US card) | overdue: only the arrears (cn)


@dataclass(frozen=True)
class CreditReportRule:
    first_report_dpd: int  # the DPD at which the lateness is first reported
    step_days: int  # later reports at this step (0: no steps)
    retention_years: int
    retention_from: str  # cure | first_delinquency_plus_180 | default_date | due_date
    charge_off_dpd: int | None
    default_dpd: int | None  # UK: a default registered at this DPD


@dataclass(frozen=True)
class ArrangementOffer:
    kind: str  # cure | full | instalments | settlement
    stages: tuple[str, ...]  # the stages it is offered in; empty: every overdue stage
    months: tuple[int, ...] = ()
    monthly_fee_rate: Decimal = Decimal(0)
    max_discount: Decimal = Decimal(0)
    needs_approval: bool = False
    interest: str = "accrues"  # instalments: accrues on what is left | frozen while the plan is kept


@dataclass(frozen=True)
class PromiseRule:
    max_days_ahead: int
    min_amount: Decimal
    min_share_of_overdue: Decimal  # a promise must cover at least this share of the overdue
    grace_days: int
    max_broken: int  # this many broken promises in a row end self-service promises


@dataclass(frozen=True)
class ContactRule:
    start: time
    end: time
    weekly_cap: int
    reminder_time: time
    default_timezone: str
    # debt.conduct: hours by kind of day (None: start-end every day) and the day and month caps
    hours: DayHours | None = None
    daily_cap: int | None = None
    monthly_cap: int | None = None

    def caps(self) -> tuple[tuple[int, int], ...]:
        """(cap, days) for each cap the policy sets: unprompted messages in any span of `days`."""
        found = ((self.daily_cap, 1), (self.weekly_cap, 7), (self.monthly_cap, 31))
        return tuple((cap, days) for cap, days in found if cap is not None)


@dataclass(frozen=True)
class VerificationRule:
    factor: str  # dob | id_last4
    alternative: str | None
    max_chat_failures: int  # per chat within window_hours, then that chat is locked for lock_hours
    max_account_failures: int  # per account within window_hours, then new chats wait (account_delay)
    window_hours: int
    lock_hours: int
    binding_idle_days: int
    account_delay_minutes: int
    account_max_delay_minutes: int

    def account_delay(self, failures: int) -> timedelta:
        """How long a chat that has not proved itself for an account waits after that account's
        latest failure: nothing below max_account_failures, then account_delay_minutes, doubling
        with each further failure up to account_max_delay_minutes. A growing delay, not a lock,
        so that a stranger with a letter cannot shut the debtor out for a day."""
        over = failures - self.max_account_failures
        if over < 0:
            return timedelta(0)
        minutes = self.account_delay_minutes * 2 ** min(over, 20)
        return timedelta(minutes=min(minutes, self.account_max_delay_minutes))


@dataclass(frozen=True)
class CaseRule:
    callback_expiry_days: int  # a call-back request still open after this many days expires


@dataclass(frozen=True)
class PaymentInfo:
    payee: str
    bank: str
    account_number: str
    methods: tuple[str, ...]
    phone: str  # the bank's collections line, for "talk to a person"
    hours: str  # when that line answers, e.g. "09:00-18:00"
    # The bank's hosted checkout page, with {reference} {amount} {currency} {expires} {signature}
    # (debt/pay_signing.py); empty: no link. How long an invoice or a link stays good.
    checkout_url: str = ""
    offer_minutes: int = 30


@dataclass(frozen=True)
class Policy:
    name: str
    currency: str
    country: str
    stages: tuple[Stage, ...]
    fee: FeeRule
    interest: InterestRule
    credit_report: CreditReportRule
    arrangements: tuple[ArrangementOffer, ...]
    promise: PromiseRule
    contact: ContactRule
    verification: VerificationRule
    payment: PaymentInfo
    forbearance: tuple[str, ...]  # option keys offered on hardship
    debt_advice: str  # where free debt advice is found; empty if none
    queue_weights: dict[str, Decimal]
    update_keep_days: int  # [updates] keep_days: how long answered update ids are remembered
    cases: CaseRule = CaseRule(callback_expiry_days=3)
    # A statement required in every unprompted message and after verification (US: "This is an
    # attempt to collect a debt..."); None where the law asks for none.
    disclosure: str | None = None
    lender: Lender | None = None  # named in every unprompted message
    charge_cap: ChargeCap | None = None
    # a regulator's delinquency classes (Indonesia's collectibility 1-5), shown beside the stage
    classes: tuple[Stage, ...] = ()

    def class_for(self, dpd: int) -> str | None:
        return next((c.name for c in self.classes if c.contains(dpd)), None)

    def stage_for(self, dpd: int) -> Stage:
        for stage in self.stages:
            if stage.contains(dpd):
                return stage
        raise ValueError(f"no stage holds {dpd} days past due")  # validation makes this unreachable

    def stage_index(self, name: str) -> int:
        return [s.name for s in self.stages].index(name)


def _stages(r: _Reader, key: str = "stages") -> tuple[Stage, ...]:
    rows = r.get(key, list)
    stages, expected = [], 0
    for i, row in enumerate(rows):
        s = _Reader(r.source, row, f"{key}[{i}].")
        stage = Stage(s.get("name", str), s.count("min_dpd"), s.count("max_dpd", None))
        if stage.name in {s.name for s in stages}:
            raise s.fail("name", f"stage {stage.name!r} is named twice")
        if stage.min_dpd != expected:
            raise s.fail("min_dpd", f"must be {expected}, right after the stage before")
        last = i == len(rows) - 1
        if (stage.max_dpd is None) != last:
            raise s.fail("max_dpd", "only the last stage is open-ended (no max_dpd)")
        if stage.max_dpd is not None:
            if stage.max_dpd < stage.min_dpd:
                raise s.fail("max_dpd", "must not be below min_dpd")
            expected = stage.max_dpd + 1
        stages.append(stage)
    if not stages:
        raise r.fail(key, "at least one stage is needed")
    return tuple(stages)


def _arrangements(r: _Reader, stage_names: set[str]) -> tuple[ArrangementOffer, ...]:
    offers = []
    for i, row in enumerate(r.get("arrangements", list)):
        a = _Reader(r.source, row, f"arrangements[{i}].")
        stages = tuple(a.get("stages", list, []))
        for name in stages:
            if name not in stage_names:
                raise a.fail("stages", f"unknown stage {name!r}")
        months = tuple(a.get("months", list, []))
        if any(isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 120 for m in months):
            raise a.fail("months", "must be whole numbers from 1 to 120")
        kind = a.choice("kind", ARRANGEMENT_KINDS)
        if kind == "instalments" and not months:
            raise a.fail("months", "an instalment offer needs at least one term")
        offers.append(
            ArrangementOffer(
                kind=kind,
                stages=stages,
                months=months,
                monthly_fee_rate=a.decimal("monthly_fee_rate", "0", Decimal("0.1")),
                max_discount=a.decimal("max_discount", "0", Decimal("0.9")),
                needs_approval=a.get("needs_approval", bool, False),
                interest=a.choice("interest", PLAN_INTEREST, "accrues"),
            )
        )
    return tuple(offers)


def _cases(c: _Reader) -> CaseRule:
    return CaseRule(callback_expiry_days=c.count("callback_expiry_days", 3, low=1))


def parse_policy(data: dict[str, Any], source: str) -> Policy:
    r = _Reader(source, data)
    stages = _stages(r)
    fee, interest, report = r.sub("fee"), r.sub("interest"), r.sub("credit_report")
    promise, contact = r.sub("promise"), r.sub("contact")
    verify, pay = r.sub("verification"), r.sub("payment")
    try:
        currency = check_currency(r.get("currency", str))
    except MoneyError as exc:
        raise r.fail("currency", str(exc)) from None
    methods = tuple(pay.get("methods", list))
    for m in methods:
        if m not in PAYMENT_METHODS:
            raise pay.fail("methods", f"unknown method {m!r}; known: {', '.join(PAYMENT_METHODS)}")
    weights = r.table.get("queue_weights", {})
    qw = _Reader(source, weights, "queue_weights.")
    for key in weights:
        if key not in QUEUE_WEIGHTS:
            raise qw.fail(key, f"unknown weight; known: {', '.join(QUEUE_WEIGHTS)}")
    policy = Policy(
        name=r.get("name", str),
        currency=currency,
        country=r.get("country", str),
        stages=stages,
        fee=FeeRule(
            kind=fee.choice("kind", FEE_KINDS),
            cycle_days=fee.count("cycle_days", 30, low=1),
            rate=fee.decimal("rate", "0", Decimal(1)),
            first=fee.decimal("first", "0"),
            repeat=fee.decimal("repeat", "0"),
            repeat_window_cycles=fee.count("repeat_window_cycles", 0),
            cap_at_minimum_due=fee.get("cap_at_minimum_due", bool, False),
            most=fee.decimal("max", None) if "max" in fee.table else None,
        ),
        interest=InterestRule(
            daily_rate=interest.decimal("daily_rate", high=Decimal("0.01")),
            compounding=interest.choice("compounding", COMPOUNDING, "none"),
            base=interest.choice("base", INTEREST_BASES, "balance"),
        ),
        credit_report=CreditReportRule(
            first_report_dpd=report.count("first_report_dpd", low=1),
            step_days=report.count("step_days", 0),
            retention_years=report.count("retention_years", low=1),
            retention_from=report.choice("retention_from", RETENTION_FROM),
            charge_off_dpd=report.count("charge_off_dpd", None, low=1),
            default_dpd=report.count("default_dpd", None, low=1),
        ),
        arrangements=_arrangements(r, {s.name for s in stages}),
        promise=PromiseRule(
            max_days_ahead=promise.count("max_days_ahead", low=1),
            min_amount=promise.decimal("min_amount", "0"),
            min_share_of_overdue=promise.decimal("min_share_of_overdue", "0", Decimal(1)),
            grace_days=promise.count("grace_days", 0),
            max_broken=promise.count("max_broken", 2, low=1),
        ),
        contact=_contact(contact, r.get("country", str)),
        verification=VerificationRule(
            factor=verify.choice("factor", FACTORS, "dob"),
            alternative=verify.choice("alternative", FACTORS, None),
            max_chat_failures=verify.count("max_chat_failures", 5, low=1),
            max_account_failures=verify.count("max_account_failures", 10, low=1),
            window_hours=verify.count("window_hours", 24, low=1),
            lock_hours=verify.count("lock_hours", 24, low=1),
            binding_idle_days=verify.count("binding_idle_days", 30, low=1),
            account_delay_minutes=verify.count("account_delay_minutes", 15, low=1),
            account_max_delay_minutes=verify.count("account_max_delay_minutes", 480, low=1),
        ),
        payment=PaymentInfo(
            payee=pay.get("payee", str),
            bank=pay.get("bank", str),
            account_number=pay.get("account_number", str),
            methods=methods,
            phone=pay.get("phone", str),
            hours=pay.get("hours", str, ""),
            checkout_url=_checkout_url(pay),
            offer_minutes=pay.count("offer_minutes", 30, low=1),
        ),
        forbearance=tuple(r.get("forbearance", list, [])),
        debt_advice=r.get("debt_advice", str, ""),
        queue_weights={k: qw.decimal(k) for k in weights},
        cases=_cases(_Reader(source, r.get("cases", dict, {}), "cases.")),
        disclosure=r.choice("disclosure", DISCLOSURES, None),
        update_keep_days=_update_keep_days(r),
        lender=parse_lender(r),
        charge_cap=parse_charge_cap(r, PRODUCTS),
        classes=_stages(r, "classes") if "classes" in r.table else (),
    )
    if policy.contact.start >= policy.contact.end:
        raise contact.fail("end", "must be after start")
    zone = policy.contact.default_timezone
    if not _known_zone(zone):  # contact hours and "today" count in it: a typo must not move them to UTC
        raise contact.fail("default_timezone", f"{zone!r} is not an IANA time zone")
    return policy


def _contact(contact: _Reader, country: str) -> ContactRule:
    """start/end may be left out when [contact.hours] is given: the working day's window."""
    hours = parse_hours(contact, country)
    working = hours.working_day if hours else None
    start = contact.clock("start") if "start" in contact.table or working is None else working.start
    end = contact.clock("end") if "end" in contact.table or working is None else working.end
    return ContactRule(
        start=start,
        end=end,
        weekly_cap=contact.count("weekly_cap", low=0),
        reminder_time=contact.clock("reminder_time"),
        default_timezone=contact.get("default_timezone", str),
        hours=hours,
        daily_cap=contact.count("daily_cap", None, low=0),
        monthly_cap=contact.count("monthly_cap", None, low=0),
    )
def _checkout_url(pay: _Reader) -> str:
    """[payment] checkout_url: an https URL naming every signed value, or nothing."""
    url = pay.get("checkout_url", str, "")
    if not url:
        return ""
    if not url.startswith("https://"):
        raise pay.fail("checkout_url", "must be an https:// URL")
    try:
        url.format(**{name: "x" for name in LINK_FIELDS})
    except (KeyError, IndexError, ValueError) as exc:
        raise pay.fail("checkout_url", f"unknown or broken placeholder ({exc}); use "
                       + ", ".join("{" + n + "}" for n in LINK_FIELDS)) from None
    missing = [n for n in LINK_FIELDS if "{" + n + "}" not in url]
    if missing:
        raise pay.fail("checkout_url", "must name " + ", ".join("{" + n + "}" for n in missing))
    return url


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def _update_keep_days(r: _Reader) -> int:
    """Telegram may reuse update ids after a week without updates: an id kept longer could make
    the bot ignore a new update as one it has already answered."""
    table = r.table.get("updates", {})
    if not isinstance(table, dict):
        raise r.fail("updates", "must be a table")
    updates = _Reader(r.source, table, "updates.")
    days = updates.count("keep_days", 2, low=1)
    if days > 6:
        raise updates.fail("keep_days", "must be at most 6: Telegram may reuse update ids after a week")
    return days


def load_policy(name_or_path: str) -> Policy:
    """A preset by name (cn, us, uk, ru, id, br) or a TOML file by path."""
    if name_or_path in PRESETS:
        text = resources.files("debt.presets").joinpath(f"{name_or_path}.toml").read_text("utf-8")
        source = f"preset {name_or_path}"
    else:
        path = Path(name_or_path)
        source = str(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            reason = exc.strerror or "cannot be read"
            raise PolicyError(source, "(file)", f"{reason}; a policy is a preset ({', '.join(PRESETS)}) "
                              "or the path of a TOML file like deploy/policy.example.toml") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, "(syntax)", str(exc)) from None
    return parse_policy(data, source)
