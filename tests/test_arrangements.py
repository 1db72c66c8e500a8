"""Which plans a person is offered at each stage, and what each plan costs, by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from debt.account import Account
from debt.arrangements import KEY_PATTERN, quote, quotes
from debt.money import Money
from debt.policy import load_policy

TODAY = date(2026, 11, 29)
INSTALMENTS = ["inst6", "inst12", "inst24", "inst36", "inst60"]


def account(currency: str, dpd: int, balance: str = "5000", overdue: str = "600") -> Account:
    return Account("A-1", currency, "card", Decimal(balance), Decimal("200"), Decimal(overdue),
                   TODAY - timedelta(days=dpd))


def keys(found) -> list[str]:
    return [q.key for q in found]


def test_offers_follow_the_stage_in_policy_order():
    cn, us = load_policy("cn"), load_policy("us")
    assert keys(quotes(account("CNY", 45), cn, TODAY)) == ["cure", "full", *INSTALMENTS]  # M2
    assert keys(quotes(account("CNY", 100), cn, TODAY)) == ["cure", "full", *INSTALMENTS, "settlement"]  # M4
    assert keys(quotes(account("USD", 30), us, TODAY)) == ["cure", "full"]  # M1: US instalments from M2
    assert keys(quotes(account("USD", 120), us, TODAY)) == ["cure", "full", *INSTALMENTS]  # M4
    assert keys(quotes(account("USD", 121), us, TODAY)) == ["cure", "full", *INSTALMENTS, "settlement"]


def test_nothing_is_offered_when_current_or_nothing_is_owed():
    cn = load_policy("cn")
    assert quotes(account("CNY", 0), cn, TODAY) == []  # M0: every offer is for overdue stages
    assert quotes(account("CNY", 45, balance="0", overdue="0"), cn, TODAY) == []


def test_cn_twelve_month_plan_by_hand():
    q = quote(account("CNY", 45), load_policy("cn"), TODAY, "inst12")
    # fees 5000 x 0.006 x 12 = 360; total 5360; 5360 / 12 = 446.666.. -> 446.66 x 11 = 4913.26,
    # the last payment takes the rest: 5360 - 4913.26 = 446.74
    assert (q.kind, q.months) == ("instalments", 12)
    assert (q.fees, q.total) == (Money("360", "CNY"), Money("5360", "CNY"))
    assert q.amount_now == Money("446.66", "CNY")
    assert [i.amount for i in q.schedule] == [Money("446.66", "CNY")] * 11 + [Money("446.74", "CNY")]
    # first payment one week out (cn promise horizon 14 > 7): 12-06, then the 6th of each month
    assert [i.due for i in q.schedule[:3]] == [date(2026, 12, 6), date(2027, 1, 6), date(2027, 2, 6)]
    assert q.schedule[-1].due == date(2027, 11, 6) and q.schedule[-1].number == 12
    assert not q.needs_approval and q.discount == Money("0", "CNY")


def test_lump_sums_by_hand():
    us = load_policy("us")
    found = {q.key: q for q in quotes(account("USD", 130), us, TODAY)}
    cure, full, settle = found["cure"], found["full"], found["settlement"]
    assert (cure.total, cure.amount_now, cure.months) == (Money("600", "USD"), Money("600", "USD"), 0)
    # the balance on its due date, 12-06: interest on it 5000 x 0.000822 x 7 = 28.77 included
    assert (full.total, full.interest) == (Money("5028.77", "USD"), Money("28.77", "USD"))
    # 5000 x (1 - 0.4) = 3000, a discount of 2000, for the bank to approve
    assert (settle.total, settle.discount) == (Money("3000", "USD"), Money("2000", "USD"))
    assert settle.needs_approval
    for q in (cure, full, settle):
        assert len(q.schedule) == 1
        assert (q.schedule[0].due, q.schedule[0].amount) == (date(2026, 12, 6), q.total)


def test_first_payment_never_beyond_the_promise_horizon():
    uk = load_policy("uk")
    short = replace(uk, promise=replace(uk.promise, max_days_ahead=3))
    q = quote(account("GBP", 45), short, TODAY, "inst6")
    assert q.schedule[0].due == date(2026, 12, 2)  # 11-29 + min(7, 3)


def test_schedule_keeps_the_month_end():
    # first due 2027-01-24 + 7 = 01-31; February has 28 days, the others keep the 31st / 30th
    q = quote(account("GBP", 45), load_policy("uk"), date(2027, 1, 24), "inst6")
    assert [i.due for i in q.schedule] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
        date(2027, 4, 30), date(2027, 5, 31), date(2027, 6, 30),
    ]


def test_yen_plan_has_whole_yen_payments():
    # 10001 / 6 = 1666.83 -> 1666 x 5 = 8330, last 10001 - 8330 = 1671
    q = quote(account("JPY", 45, balance="10001"), load_policy("uk"), TODAY, "inst6")
    assert [i.amount.amount for i in q.schedule] == [Decimal(1666)] * 5 + [Decimal(1671)]


def test_a_plan_too_small_to_split_is_not_offered():
    # 0.05 cannot make six payments of at least 0.01; one-off payments still can
    found = quotes(account("GBP", 45, balance="0.05", overdue="0.05"), load_policy("uk"), TODAY)
    assert keys(found) == ["cure", "full"]


def test_quote_by_key():
    cn = load_policy("cn")
    assert quote(account("CNY", 45), cn, TODAY, "settlement") is None  # M2: no settlement yet
    assert quote(account("CNY", 45), cn, TODAY, "inst7") is None
    # paid in full a week out (12-06): cn interest on the arrears 600 x 0.0005 x 7 = 2.10
    assert quote(account("CNY", 45), cn, TODAY, "full").total == Money("5002.10", "CNY")


def test_keys_fit_callback_data():
    for preset, currency in (("cn", "CNY"), ("us", "USD"), ("uk", "GBP")):
        for q in quotes(account(currency, 200), load_policy(preset), TODAY):
            assert KEY_PATTERN.fullmatch(q.key), q.key


def test_no_instalment_plan_has_a_payment_of_nothing_on_a_tiny_balance():
    """Found by hypothesis: ¥0.31 over 36 months split the balance into ¥0.00 shares (the plan fee
    made the total look big enough). A term is offered only when each payment is at least ¥0.01."""
    tiny = Account("A-1", "CNY", "card", Decimal("0.31"), Decimal("0.00"), Decimal("0.01"),
                   date(2026, 11, 28))
    plans = quotes(tiny, load_policy("cn"), date(2026, 11, 29))
    assert [q.key for q in plans if q.kind == "instalments"] == ["inst6", "inst12", "inst24"]
    assert all(i.amount.amount > 0 for q in plans for i in q.schedule)
