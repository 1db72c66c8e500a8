"""Invariants of the debt rules over many generated accounts (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from debt.account import Account
from debt.arrangements import quotes
from debt.matching import PaymentIn, PromiseState, apply_payments, sweep
from debt.money import Money, quantum
from debt.policy import load_policy
from debt.promises import check_promise
from debt.timeline import fee_amount, timeline

POLICIES = {name: load_policy(name) for name in ("cn", "us", "uk")}
BASE = date(2026, 11, 29)
SETTINGS = settings(max_examples=200, deadline=None)

policies = st.sampled_from(sorted(POLICIES)).map(POLICIES.__getitem__)
currencies = st.sampled_from(["CNY", "USD", "GBP", "JPY"])
days = st.integers(-800, 800).map(lambda n: BASE + timedelta(days=n))


def amounts(currency: str, high: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Whole minor units of the currency, from nothing to `high` of them."""
    return st.integers(0, high).map(lambda n: Decimal(n) * quantum(currency))


@st.composite
def accounts(draw) -> tuple[Account, date]:
    currency = draw(currencies)
    balance = draw(amounts(currency))
    overdue = draw(st.integers(0, 10**9).map(lambda n: balance * n / 10**9).map(
        lambda a: a.quantize(quantum(currency))))
    minimum = draw(amounts(currency, 10**7))
    today = draw(days)
    dpd = draw(st.integers(0, 1000))
    oldest = today - timedelta(days=dpd) if overdue > 0 else None
    return Account("A-1", currency, "card", balance, minimum, overdue, oldest), today


def in_minor_units(m: Money) -> bool:
    return m.amount == m.amount.quantize(quantum(m.currency))


@SETTINGS
@given(policies, accounts())
def test_every_plan_sums_exactly_and_no_payment_is_zero(policy, drawn):
    account, today = drawn
    for q in quotes(account, policy, today):
        total = sum((i.amount for i in q.schedule), Money.zero(account.currency))
        assert total == q.total
        assert all(i.amount.amount > 0 for i in q.schedule)
        assert q.amount_now == q.schedule[0].amount
        assert [i.number for i in q.schedule] == list(range(1, len(q.schedule) + 1))
        assert all(a.due < b.due for a, b in zip(q.schedule, q.schedule[1:], strict=False))
        assert all(in_minor_units(m) for m in (q.total, q.fees, q.discount, *(i.amount for i in q.schedule)))


@SETTINGS
@given(policies, st.integers(0, 5000), st.integers(0, 5000))
def test_the_stage_never_goes_down_as_days_pass(policy, a, b):
    low, high = sorted((a, b))
    assert policy.stage_index(policy.stage_for(low).name) <= policy.stage_index(policy.stage_for(high).name)


@SETTINGS
@given(policies, accounts(), st.integers(0, 60))
def test_fees_never_pass_the_policy_caps(policy, drawn, cycle):
    account, _ = drawn
    fee, rule = fee_amount(account, policy, cycle), policy.fee
    assert fee.amount >= 0 and in_minor_units(fee)
    if rule.kind == "percent_of_minimum":
        assert fee.amount <= rule.rate * account.minimum_due
    else:
        assert fee.amount <= max(rule.first, rule.repeat)
        if rule.cap_at_minimum_due:
            assert fee.amount <= account.minimum_due


@SETTINGS
@given(policies, accounts())
def test_timeline_amounts_and_dates_hold_together(policy, drawn):
    account, today = drawn
    t = timeline(account, policy, today)
    assert all(in_minor_units(m) for m in (t.cure_amount, t.interest_per_day))
    for event in (t.next_fee, t.next_stage):
        assert event is None or event.on > today
    if t.cure_by is not None:
        assert t.cure_by >= today  # the next fee or stage is always after today
    if t.next_fee is not None:
        assert t.next_fee.amount.amount > 0 and in_minor_units(t.next_fee.amount)


@SETTINGS
@given(policies, accounts(), st.integers(-10**7, 10**7), st.integers(-30, 60), st.integers(0, 5))
def test_a_promise_is_never_in_the_past_or_above_the_balance(policy, drawn, minor, ahead, broken):
    account, today = drawn
    amount = Money(Decimal(minor) * quantum(account.currency), account.currency)
    due = today + timedelta(days=ahead)
    if check_promise(account, policy, today, amount, due, broken) is None:
        assert today <= due <= today + timedelta(days=policy.promise.max_days_ahead)
        assert Decimal(0) < amount.amount <= account.balance
        assert broken < policy.promise.max_broken


def _gbp(n: int) -> Money:
    return Money(Decimal(n) / 100, "GBP")


promise_states = st.builds(
    PromiseState,
    id=st.integers(0, 10**6),
    amount=st.integers(1, 10**6).map(_gbp),
    due=days,
    paid=st.just(_gbp(0)),
    status=st.sampled_from(["pending", "pending", "kept", "broken", "cancelled"]),
)
payments_in = st.builds(PaymentIn, payment_id=st.integers(0, 10**6), amount=st.integers(1, 10**6).map(_gbp),
                        paid_on=days)


@SETTINGS
@given(st.lists(promise_states, max_size=5), st.lists(payments_in, max_size=5), st.integers(0, 5))
def test_matching_never_invents_money(promises, payments, grace):
    after = apply_payments(promises, payments, grace)
    matched = sum((a.paid.amount - b.paid.amount for a, b in zip(after, promises, strict=True)), Decimal(0))
    assert 0 <= matched <= sum((p.amount.amount for p in payments), Decimal(0))
    for old, new in zip(promises, after, strict=True):
        if old.status != "pending":
            assert new == old
        else:
            assert new.paid <= new.amount and (new.status == "kept") == (new.paid >= new.amount)
    swept = sweep(after, BASE + timedelta(days=1000), grace)  # every grace is over by then
    assert all(p.status != "pending" for p in swept)
