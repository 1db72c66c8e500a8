"""Issue 10, items 7-9 (money half): figures that understate the cost, US retention, ISO 4217
minor units. Every number below is worked by hand in the comment beside it."""

from __future__ import annotations

import gettext
from dataclasses import replace
from datetime import date
from decimal import Decimal

from accounts_kit import account_row

from debt.account import Account
from debt.arrangements import quote
from debt.money import Money
from debt.policy import load_policy
from debt.timeline import timeline

D = date


def card(currency: str, balance: str, overdue: str, since: date | None, minimum: str = "100") -> Account:
    return Account("A-1", currency, "card", Decimal(balance), Decimal(minimum),
                   Decimal(overdue if since else "0"), since)


# --- item 7: figures that understate the cost ----------------------------------------------------

def test_us_interest_accrues_on_the_balance_that_bears_it():
    # $3,000 balance, $600 of it overdue, 29.99% APR (daily 0.000822):
    # 3000 x 0.000822 = 2.466 -> $2.47 a day, not 600 x 0.000822 = $0.49
    line = timeline(card("USD", "3000", "600", D(2026, 1, 15)), load_policy("us"), D(2026, 3, 1))
    assert line.interest_per_day == Money("2.47", "USD")
    assert line.interest_base == Money("3000", "USD")


def test_cn_keeps_interest_on_the_arrears_as_its_rule_says():
    # cn charges 0.05% a day on the arrears only: 600 x 0.0005 = 0.30
    line = timeline(card("CNY", "3000", "600", D(2026, 1, 15)), load_policy("cn"), D(2026, 3, 1))
    assert line.interest_per_day == Money("0.30", "CNY")
    assert line.interest_base == Money("600", "CNY")


def test_compounding_monthly_charges_interest_on_interest_and_none_does_not():
    from debt.timeline import accrued_interest  # new: the compounding key was read and never used

    cn = load_policy("cn")  # compounding = "monthly", 0.0005 a day
    base = Money("1000", "CNY")
    # 01-10 -> 02-10: 1000 x 0.0005 x 31 = 15.50, the base becomes 1015.50
    # 02-10 -> 03-10: 1015.50 x 0.0005 x 28 = 14.217, the base becomes 1029.717
    # 03-10 -> 04-10: 1029.717 x 0.0005 x 31 = 15.9606135; in all 45.6776135 -> 45.68
    assert accrued_interest(base, cn.interest, D(2026, 1, 10), D(2026, 4, 10)) == Money("45.68", "CNY")
    simple = replace(cn.interest, compounding="none")
    # 1000 x 0.0005 x 90 days = 45.00
    assert accrued_interest(base, simple, D(2026, 1, 10), D(2026, 4, 10)) == Money("45.00", "CNY")


def test_plan_totals_include_interest_and_say_it_keeps_accruing():
    # US workout, 6 months on $3,000 (M2): $500 of balance a month, plus the interest since the
    # payment before on what is left (0.000822 a day). First payment a week out, 12-06.
    #   11-29 -> 12-06  7 days on 3000: 17.262 -> 17.26
    #   12-06 -> 01-06 31 days on 2500: 63.705 -> 63.71
    #   01-06 -> 02-06 31 days on 2000: 50.964 -> 50.96
    #   02-06 -> 03-06 28 days on 1500: 34.524 -> 34.52
    #   03-06 -> 04-06 31 days on 1000: 25.482 -> 25.48
    #   04-06 -> 05-06 30 days on  500: 12.33
    # interest 204.26, total 3204.26 (not "3000.00, no fees")
    q = quote(card("USD", "3000", "600", D(2026, 10, 15)), load_policy("us"), D(2026, 11, 29), "inst6")
    assert q is not None and q.interest_accrues
    assert [i.amount for i in q.schedule] == [Money(a, "USD") for a in
                                              ("517.26", "563.71", "550.96", "534.52", "525.48", "512.33")]
    assert (q.interest, q.total) == (Money("204.26", "USD"), Money("3204.26", "USD"))
    assert sum((i.amount for i in q.schedule), Money.zero("USD")) == q.total


def test_a_plan_whose_interest_is_frozen_says_so_and_adds_none():
    # cn personalised instalments: the 0.6% monthly fee replaces interest; 5000 x 0.006 x 12 = 360
    q = quote(card("CNY", "5000", "600", D(2026, 10, 15)), load_policy("cn"), D(2026, 11, 29), "inst12")
    assert q is not None and not q.interest_accrues
    assert (q.interest, q.fees, q.total) == (Money("0", "CNY"), Money("360", "CNY"), Money("5360", "CNY"))


def test_pay_by_date_lands_before_the_next_credit_report():
    # US, overdue since 01-15, seen 03-01 (45 days late). Reported 60 days late on 01-15 + 60 =
    # 03-16; the next fee and M3 come on 03-17. Pay by 03-15, not 03-16, the day it is reported.
    line = timeline(card("USD", "3000", "600", D(2026, 1, 15)), load_policy("us"), D(2026, 3, 1))
    assert (line.credit_report.next_step, line.credit_report.next_step_on) == ("reported_60", D(2026, 3, 16))
    assert line.cure_by == D(2026, 3, 15)


# --- item 8: US retention -----------------------------------------------------------------------

def test_us_cured_30_day_late_is_kept_7_years_from_its_own_date():
    # overdue since 01-15, 45 days late on 03-01: reported 30 days late on 02-14, nothing worse
    # yet. Cleared today, that late payment stays 7 years from its own date: 2033-02-14, not
    # from 01-15 + 180 days (2033-07-14), which belongs to collections and charge-offs.
    line = timeline(card("USD", "3000", "600", D(2026, 1, 15)), load_policy("us"), D(2026, 3, 1))
    report = line.credit_report
    assert report.kept_until == D(2033, 2, 14)


def test_us_charge_off_keeps_the_180_day_addition():
    # overdue since 2026-01-01, 200 days late on 07-20: charged off at 180 days (06-30); kept
    # 7 years from 01-01 + 180 days = 06-30, so until 2033-06-30
    line = timeline(card("USD", "3000", "600", D(2026, 1, 1)), load_policy("us"), D(2026, 7, 20))
    report = line.credit_report
    assert report.status == "charged_off" and report.kept_until == D(2033, 6, 30)


# --- item 9: ISO 4217 minor units ---------------------------------------------------------------

def test_idr_has_two_minor_units_as_iso_4217_says():
    # CLDR gives IDR 0 digits (cash); ISO 4217 gives 2: Rp 1,500.50 stays 1,500.50
    assert Money("1500.50", "IDR").amount == Decimal("1500.50")
    assert Money("1500.505", "IDR").amount == Decimal("1500.51")
    assert Money("100.5", "JPY").amount == Decimal("101")  # yen still has none


def test_an_idr_portfolio_row_with_sen_is_accepted():
    row = account_row(
        "cn-plain", account_ref="ID-1", customer_name="Budi", phone="+6281234567890", locale="id-ID",
        timezone="Asia/Jakarta", currency="IDR", credit_limit="10000000", balance="1500000.50",
        minimum_due="150000.25", overdue_amount="0", oldest_due_date="",
    )
    assert row.account.balance == Decimal("1500000.50")


def test_an_idr_amount_is_shown_with_its_two_decimals():
    from bot.render import format_param

    shown = format_param(Money("1500.50", "IDR"), "id", gettext.NullTranslations())
    assert "1.500,50" in shown  # babel alone writes Rp1.500 (or rounds to 1.501)

