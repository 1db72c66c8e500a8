"""Hand-worked timelines for each preset at typical days past due.

Every account: balance 5000, minimum due 200, overdue 600, seen on TODAY = 2026-11-29 with
oldest_due = TODAY - dpd:
  dpd 0 -> 2026-11-29   dpd 1 -> 11-28   dpd 30 -> 10-30   dpd 31 -> 10-29
  dpd 45 -> 10-15       dpd 60 -> 09-30  dpd 90 -> 08-31   dpd 181 -> 06-01
Fees fall on DPD 1, 31, 61 ... (the day after each missed due date, cycles of 30 days); the
next stage starts on oldest_due + its min_dpd; cure_by is the day before the earlier of both.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from debt.account import Account
from debt.money import Money
from debt.policy import load_policy
from debt.timeline import add_months, add_years, timeline

TODAY = date(2026, 11, 29)
CURRENCY = {"cn": "CNY", "us": "USD", "uk": "GBP"}


def account(preset: str, dpd: int | None, minimum: str = "200", overdue: str = "600") -> Account:
    due = None if dpd is None else TODAY - timedelta(days=dpd)
    return Account("A-1", CURRENCY[preset], "card", Decimal("5000"), Decimal(minimum),
                   Decimal(overdue if due else "0"), due)


def money(preset: str, amount: str) -> Money:
    return Money(Decimal(amount), CURRENCY[preset])


D = date  # short for the tables below

# (dpd, stage, next fee date, fee, next stage date, next stage, cure_by)
CN_FEES = [
    (0, "M0", D(2026, 11, 30), "10", D(2026, 11, 30), "M1", D(2026, 11, 29)),  # fee 5% x 200 = 10
    (1, "M1", D(2026, 12, 29), "10", D(2026, 12, 29), "M2", D(2026, 12, 28)),  # 11-28 + 31
    (30, "M1", D(2026, 11, 30), "10", D(2026, 11, 30), "M2", D(2026, 11, 29)),  # 10-30 + 31
    (31, "M2", D(2026, 12, 29), "10", D(2026, 12, 29), "M3", D(2026, 12, 28)),  # 10-29 + 61
    (45, "M2", D(2026, 12, 15), "10", D(2026, 12, 15), "M3", D(2026, 12, 14)),  # 10-15 + 61
    (90, "M3", D(2026, 11, 30), "10", D(2026, 11, 30), "M4", D(2026, 11, 29)),  # 08-31 + 91
    (181, "M7+", D(2026, 12, 29), "10", None, None, D(2026, 12, 28)),  # 06-01 + 211; last stage
]
# US: $32 for the first missed cycle, $43 for every later one (a repeat within 6 cycles).
# cure_by also falls before the next credit report (30, 60, 90 ... days late), never on it.
US_FEES = [
    (0, "M0", D(2026, 11, 30), "32", D(2026, 11, 30), "M1", D(2026, 11, 29)),  # first cycle
    (1, "M1", D(2026, 12, 29), "43", D(2026, 12, 29), "M2", D(2026, 12, 27)),  # reported 30 late 12-28
    (30, "M1", D(2026, 11, 30), "43", D(2026, 11, 30), "M2", D(2026, 11, 29)),
    (31, "M2", D(2026, 12, 29), "43", D(2026, 12, 29), "M3", D(2026, 12, 27)),  # reported 60 late 12-28
    (45, "M2", D(2026, 12, 15), "43", D(2026, 12, 15), "M3", D(2026, 12, 13)),  # reported 60 late 12-14
    (90, "M3", D(2026, 11, 30), "43", D(2026, 11, 30), "M4", D(2026, 11, 29)),
    (181, "M7+", D(2026, 12, 29), "43", None, None, D(2026, 12, 28)),
]
# UK: GBP 12 every missed cycle (repeat = first).
UK_FEES = [(row[:3] + ("12",) + row[4:]) for row in US_FEES]


@pytest.mark.parametrize(
    "preset,row",
    [("cn", r) for r in CN_FEES] + [("us", r) for r in US_FEES] + [("uk", r) for r in UK_FEES],
)
def test_stage_fee_next_stage_and_cure(preset, row):
    dpd, stage, fee_on, fee, stage_on, next_name, cure_by = row
    t = timeline(account(preset, dpd), load_policy(preset), TODAY)
    assert (t.dpd, t.stage.name) == (dpd, stage)
    assert t.next_fee is not None and (t.next_fee.on, t.next_fee.amount) == (fee_on, money(preset, fee))
    if next_name is None:
        assert t.next_stage is None
    else:
        assert (t.next_stage.on, t.next_stage.stage.name) == (stage_on, next_name)
    assert t.cure_by == cure_by
    assert t.cure_amount == money(preset, "600")


# (dpd, status, reported_since, will_be_reported_on, next_step_on, next_step, kept_until)
CN_REPORT = [
    # reported from DPD 1 (oldest + 1); kept 5 years from the day the overdue ends (today)
    (0, "will_be_reported", None, D(2026, 11, 30), None, None, None),
    (1, "reported", D(2026, 11, 29), None, None, None, D(2031, 11, 29)),
    (30, "reported", D(2026, 10, 31), None, None, None, D(2031, 11, 29)),
    (31, "reported", D(2026, 10, 30), None, None, None, D(2031, 11, 29)),
    (45, "reported", D(2026, 10, 16), None, None, None, D(2031, 11, 29)),
    (90, "reported", D(2026, 9, 1), None, None, None, D(2031, 11, 29)),
    (181, "reported", D(2026, 6, 2), None, None, None, D(2031, 11, 29)),
]
US_REPORT = [
    # first report at oldest + 30, steps every 30 days, charged off at 180. A late payment is
    # kept 7 years from its own report date (the latest); only a charge-off is kept 7 years
    # from oldest + 180 days, whatever is paid.
    (0, "will_be_reported", None, D(2026, 12, 29), D(2027, 1, 28), "reported_60", None),  # 11-29 + 30, + 60
    (1, "will_be_reported", None, D(2026, 12, 28), D(2027, 1, 27), "reported_60", None),
    (30, "reported", D(2026, 11, 29), None, D(2026, 12, 29), "reported_60", D(2033, 11, 29)),  # 30 late today
    (31, "reported", D(2026, 11, 28), None, D(2026, 12, 28), "reported_60", D(2033, 11, 28)),
    (45, "reported", D(2026, 11, 14), None, D(2026, 12, 14), "reported_60", D(2033, 11, 14)),
    # 08-31 + 120 = 12-29; reported 90 days late today (08-31 + 90 = 11-29)
    (90, "reported", D(2026, 9, 30), None, D(2026, 12, 29), "reported_120", D(2033, 11, 29)),
    # 06-01 + 180 = 11-28: charged off yesterday, nothing worse follows; kept from 11-28 + 7 years
    (181, "charged_off", D(2026, 7, 1), None, None, None, D(2033, 11, 28)),
]
UK_REPORT = [
    # first report at oldest + 30, steps of 30, a default at 90 kept 6 years from its date;
    # before the default the arrears markers are kept 6 years from their first report.
    (0, "will_be_reported", None, D(2026, 12, 29), D(2027, 1, 28), "reported_60", None),
    (30, "reported", D(2026, 11, 29), None, D(2026, 12, 29), "reported_60", D(2032, 11, 29)),
    (45, "reported", D(2026, 11, 14), None, D(2026, 12, 14), "reported_60", D(2032, 11, 14)),
    (60, "reported", D(2026, 10, 30), None, D(2026, 12, 29), "default_registered", D(2032, 10, 30)),
    (90, "default_registered", D(2026, 9, 30), None, None, None, D(2032, 11, 29)),  # 08-31 + 90 = today
    (181, "default_registered", D(2026, 7, 1), None, None, None, D(2032, 8, 30)),  # 06-01 + 90 = 08-30
]


@pytest.mark.parametrize(
    "preset,row",
    [("cn", r) for r in CN_REPORT] + [("us", r) for r in US_REPORT] + [("uk", r) for r in UK_REPORT],
)
def test_credit_report(preset, row):
    dpd, status, since, will_be, step_on, step, kept = row
    report = timeline(account(preset, dpd), load_policy(preset), TODAY).credit_report
    assert (report.status, report.reported_since, report.will_be_reported_on) == (status, since, will_be)
    assert (report.next_step_on, report.next_step, report.kept_until) == (step_on, step, kept)
    assert report.kept_years == {"cn": 5, "us": 7, "uk": 6}[preset]


def test_us_charge_off_is_the_step_after_150_days():
    # oldest = 2026-07-02 (150 days ago); charge-off at + 180 = 2026-12-29
    report = timeline(account("us", 150), load_policy("us"), TODAY).credit_report
    assert (report.next_step, report.next_step_on) == ("charged_off", D(2026, 12, 29))


@pytest.mark.parametrize("preset", ["cn", "us", "uk"])
def test_nothing_overdue_means_no_fee_no_stage_change_no_report(preset):
    t = timeline(account(preset, None), load_policy(preset), TODAY)
    assert (t.dpd, t.stage.name, t.next_fee, t.next_stage, t.cure_by) == (0, "M0", None, None, None)
    assert t.credit_report.status == "not_reported" and t.credit_report.kept_until is None
    assert t.cure_amount == money(preset, "0")
    # a card's balance bears interest even when nothing is late (us, uk); cn charges it on arrears
    # only: 5000 x 0.000822 = 4.11; 5000 x 0.000682 = 3.41
    assert t.interest_per_day == money(preset, {"cn": "0", "us": "4.11", "uk": "3.41"}[preset])


def test_interest_per_day_on_the_base_the_policy_names():
    # cn on the arrears: 600 x 0.0005 = 0.30; us on the balance 5000 x 0.000822 = 4.11;
    # uk on the balance 5000 x 0.000682 = 3.41
    for preset, expected in (("cn", "0.30"), ("us", "4.11"), ("uk", "3.41")):
        t = timeline(account(preset, 45), load_policy(preset), TODAY)
        assert t.interest_per_day == money(preset, expected)


def test_fixed_fee_is_capped_at_the_minimum_due():
    # US first fee $32 but the minimum due is $20.50 -> $20.50
    t = timeline(account("us", 0, minimum="20.50"), load_policy("us"), TODAY)
    assert t.next_fee.amount == money("us", "20.50")


def test_a_zero_fee_is_no_fee_and_the_stage_sets_cure_by():
    # cn fee 5% of a zero minimum: no fee event; cure_by = next stage M3 (10-15 + 61 = 12-15) - 1
    # (cn reports from day 1, so no later report step comes first)
    t = timeline(account("cn", 45, minimum="0"), load_policy("cn"), TODAY)
    assert t.next_fee is None and t.cure_by == D(2026, 12, 14)


def test_percent_fee_rounds_down_to_cents():
    # cn 5% x 123.50 = 6.175 -> 6.17: rounded down, never above the contractual 5%
    t = timeline(account("cn", 10, minimum="123.50"), load_policy("cn"), TODAY)
    assert t.next_fee.amount == money("cn", "6.17")


def test_a_record_cured_on_feb_29_is_kept_until_feb_28():
    # cn: cured on 2028-02-29, kept 5 years -> 2033-02-28 (2033 has no Feb 29)
    leap = D(2028, 2, 29)
    acc = Account("A-1", "CNY", "card", Decimal(100), Decimal(10), Decimal(10), leap - timedelta(days=5))
    assert timeline(acc, load_policy("cn"), leap).credit_report.kept_until == D(2033, 2, 28)


def test_date_helpers_clamp_to_real_days():
    assert add_years(D(2028, 2, 29), 1) == D(2029, 2, 28)
    assert add_years(D(2028, 2, 29), 4) == D(2032, 2, 29)
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 1, 31), 13) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_the_indonesian_late_fee_stops_at_rp100000():
    # id: 1% of the unpaid minimum, never above Rp100,000 (Bank Indonesia): a minimum of
    # Rp25,000,000 would give Rp250,000; Rp4,000,000 gives Rp40,000, under the ceiling
    def fee(minimum: str) -> Money:
        acc = Account("A-1", "IDR", "card", Decimal("90000000"), Decimal(minimum), Decimal(minimum),
                      TODAY - timedelta(days=10))
        return timeline(acc, load_policy("id"), TODAY).next_fee.amount

    assert fee("25000000") == Money(Decimal("100000"), "IDR")
    assert fee("4000000") == Money(Decimal("40000"), "IDR")


def test_a_fee_ceiling_in_a_policy_file_holds_for_fixed_fees_too(tmp_path):
    from importlib import resources

    preset = resources.files("debt.presets").joinpath("us.toml").read_text("utf-8")
    path = tmp_path / "policy.toml"
    path.write_text(preset.replace("[fee]\n", '[fee]\nmax = "25"\n', 1), "utf-8")
    t = timeline(account("us", 0, minimum="300"), load_policy(str(path)), TODAY)
    assert t.next_fee.amount == money("us", "25.00")  # the $32 first fee, held to the ceiling
