"""Whether a promise to pay is accepted, and the one reason given when it is not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from debt.account import Account
from debt.money import Money
from debt.policy import load_policy
from debt.promises import amount_choices, check_promise, promise_dates

TODAY = date(2026, 11, 29)


def account(balance="5000", minimum="200", overdue="600", currency="CNY") -> Account:
    return Account("A-1", currency, "card", Decimal(balance), Decimal(minimum), Decimal(overdue),
                   TODAY - timedelta(days=45) if Decimal(overdue) > 0 else None)


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


def check(acc, amount, due=TODAY, broken=0, preset="cn"):
    return check_promise(acc, load_policy(preset), TODAY, amount, due, broken)


def test_a_fair_promise_is_accepted():
    assert check(account(), cny("600"), TODAY + timedelta(days=14)) is None  # cn horizon: 14 days
    assert check(account(), cny("100"), TODAY) is None  # cn minimum: max(100, 10% x 600 = 60) = 100


@pytest.mark.parametrize(
    "acc,amount,due,broken,reason,limit",
    [
        (account(), cny("600"), TODAY, 2, "too_many_broken", 2),  # cn max_broken = 2
        (account("0", "0", "0"), cny("10"), TODAY, 0, "nothing_owed", None),
        (account(), cny("600"), TODAY - timedelta(days=1), 0, "in_past", TODAY),
        (account(), cny("600"), TODAY + timedelta(days=15), 0, "too_far", date(2026, 12, 13)),  # 11-29 + 14
        (account(), cny("5000.01"), TODAY, 0, "too_much", cny("5000")),
        (account(), cny("99.99"), TODAY, 0, "too_small", cny("100")),  # max(100, 60) = 100
        (account(overdue="2000"), cny("150"), TODAY, 0, "too_small", cny("200")),  # 10% x 2000 = 200
        (account(balance="50", overdue="50"), cny("49.99"), TODAY, 0, "too_small", cny("50")),  # capped
        (account(), cny("0"), TODAY, 0, "too_small", cny("100")),
        (account(), cny("-5"), TODAY, 0, "too_small", cny("100")),
    ],
)
def test_refusals(acc, amount, due, broken, reason, limit):
    refusal = check(acc, amount, due, broken)
    assert (refusal.reason, refusal.limit) == (reason, limit)


def test_the_first_failing_reason_wins():
    # too many broken beats everything; a past date beats a too large amount
    late_and_big = (cny("9999"), TODAY - timedelta(days=3))
    assert check(account(), *late_and_big, broken=5).reason == "too_many_broken"
    assert check(account(), *late_and_big).reason == "in_past"
    assert check(account(), cny("9999"), TODAY + timedelta(days=30)).reason == "too_far"


def test_the_whole_balance_is_always_a_valid_promise():
    # balance 30 is under cn's floor of 100, yet paying all of it is accepted
    assert check(account(balance="30", minimum="30", overdue="30"), cny("30")) is None


def test_promise_dates_run_from_today_to_the_horizon():
    dates = promise_dates(load_policy("us"), TODAY)  # 14 days ahead -> 15 dates
    assert (len(dates), dates[0], dates[-1]) == (15, TODAY, date(2026, 12, 13))


def test_amount_buttons_leave_out_zero_and_duplicates():
    all_three = [("overdue", cny("600")), ("minimum", cny("200")), ("full", cny("5000"))]
    assert amount_choices(account()) == all_three
    # overdue equals the minimum: one button; nothing overdue: no overdue button
    assert amount_choices(account(overdue="200")) == [("overdue", cny("200")), ("full", cny("5000"))]
    assert amount_choices(account(minimum="0", overdue="0")) == [("full", cny("5000"))]
    assert amount_choices(account("0", "0", "0")) == []
