"""Issue 16: over random policies and clocks, no unprompted message is ever sent outside its
day's window or past any cap, the next allowed time is one at which a message may go, and
charges never pass the policy's cap, in the timeline or in any quote."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from accounts_kit import account_row
from hypothesis import given, settings
from hypothesis import strategies as st

from debt.arrangements import quotes
from debt.conduct import ChargeCap, DayHours, Window
from debt.contact_rules import inside_hours, may_contact, next_allowed
from debt.local_time import debtor_zone
from debt.money import Money
from debt.policy import load_policy
from debt.timeline import timeline

BASE = load_policy("ru")
ZONES = ("Europe/Moscow", "Asia/Jakarta", "America/Sao_Paulo", "Asia/Vladivostok", "Europe/London")


@st.composite
def windows(draw) -> Window | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None  # closed that day
    start = draw(st.integers(0, 22))
    end = draw(st.integers(start + 1, 23))
    return Window(time(start, draw(st.sampled_from((0, 30)))), time(end, 59))


@st.composite
def contacts(draw):
    hours = DayHours(
        working_day=draw(windows()), weekend=draw(windows()), holiday=draw(windows()),
        by_weekday=draw(st.dictionaries(st.integers(0, 6), windows(), max_size=2)),
        weekend_days=frozenset(draw(st.sets(st.integers(0, 6), max_size=3))),
        country=draw(st.sampled_from(("RU", "ID", "BR"))),
    )
    return replace(BASE.contact, hours=hours, daily_cap=draw(st.none() | st.integers(0, 3)),
                   weekly_cap=draw(st.integers(0, 6)), monthly_cap=draw(st.none() | st.integers(0, 12)))


@settings(max_examples=60, deadline=None)
@given(contact=contacts(), zone_name=st.sampled_from(ZONES),
       start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1)),
       steps=st.lists(st.integers(1, 60 * 20), min_size=5, max_size=80))
def test_no_message_goes_outside_its_window_or_past_a_cap(contact, zone_name, start, steps):
    zone = debtor_zone(zone_name, "UTC")
    now, sent = start.replace(tzinfo=UTC), []
    for minutes in steps:  # a sender that tries again and again, at random moments
        now += timedelta(minutes=minutes)
        if may_contact(now, zone, contact, False, sent):
            sent.append(now)
    for i, at in enumerate(sent):
        assert inside_hours(at.astimezone(zone), contact)
        for cap, days in contact.caps():
            assert sum(1 for t in sent[: i + 1] if t > at - timedelta(days=days)) <= cap
    after = next_allowed(now, zone, contact, sent)
    if after is not None:
        assert after >= now and may_contact(after, zone, contact, False, sent)
        before = after - timedelta(minutes=1)
        assert before < now or not may_contact(before, zone, contact, False, sent)


@settings(max_examples=60, deadline=None)
@given(preset=st.sampled_from(("ru", "br")), share=st.sampled_from(("0.5", "1", "1.3", "2")),
       principal=st.integers(100, 100_000), used=st.integers(0, 100), days=st.integers(0, 400))
def test_charges_never_pass_the_cap(preset, share, principal, used, days):
    policy = replace(load_policy(preset), charge_cap=ChargeCap(Decimal(share), ()))
    cap = Decimal(principal) * Decimal(share)
    charged = (cap * used / 100).quantize(Decimal("0.01"))  # some of the cap already used
    fees = (charged / 3).quantize(Decimal("0.01"))
    balance = Decimal(principal) + charged
    fifth = (balance / 5).quantize(Decimal("0.01"))
    account = account_row(preset, balance=str(balance), fees_charged=str(fees),
                          interest_charged=str(charged - fees), minimum_due=str(fifth),
                          overdue_amount=str(fifth), oldest_due_date="2026-01-01").account
    today = date(2026, 1, 1) + timedelta(days=days)
    room = Money(cap - charged, account.currency).max(Money.zero(account.currency))
    line = timeline(account, policy, today)
    assert line.interest_per_day <= room
    assert line.next_fee is None or line.next_fee.amount <= room
    assert line.charge_cap_reached == (not room)
    for offer in quotes(account, policy, today):
        assert offer.fees + offer.interest <= room
        principal_and_charges = offer.total - offer.fees - offer.interest + offer.discount
        assert principal_and_charges == Money(balance, account.currency) or offer.kind == "cure"
