"""Issue 16: fees, interest and penalties together never pass the policy's share of the principal,
in the timeline and in every quote. Worked by hand: Brazil's cards 100% (Law 14.690/2023),
Russia's consumer loans up to a year 130% (353-FZ art. 5 part 24)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts_kit import account_row

from debt.arrangements import quotes
from debt.money import Money
from debt.policy import load_policy
from debt.timeline import timeline

RU, BR = load_policy("ru"), load_policy("br")
TODAY = date(2026, 3, 5)  # 32 days past due: the accounts are overdue since 2026-02-01


def brl(text: str) -> Money:
    return Money(Decimal(text), "BRL")


def rub(text: str) -> Money:
    return Money(Decimal(text), "RUB")


def test_a_br_card_at_the_cap_is_charged_nothing_more():
    # principal 2000 - 20 - 980 = 1000; the charges (1000) are 100% of it
    card = account_row("br", balance="2000.00", fees_charged="20", interest_charged="980").account
    line = timeline(card, BR, TODAY)
    assert line.charge_cap == brl("1000") and line.charge_cap_reached
    assert line.next_fee is None
    assert not line.interest_per_day
    offers = {q.key: q for q in quotes(card, BR, TODAY)}
    assert offers["full"].total == brl("2000.00") and not offers["full"].interest
    assert all(q.total <= brl("2000.00") for q in offers.values())


def test_a_br_card_near_the_cap_is_charged_only_up_to_it():
    # principal 1990 - 20 - 970 = 1000: 10.00 of room
    card = account_row("br", balance="1990.00", fees_charged="20", interest_charged="970").account
    line = timeline(card, BR, TODAY)
    assert not line.charge_cap_reached
    assert line.next_fee.amount == brl("6.00")  # the 2% fine on the 300.00 minimum fits in the room
    assert line.interest_per_day == brl("4.98")  # 1990 x 0.25% = 4.975
    full = next(q for q in quotes(card, BR, TODAY) if q.key == "full")
    # 7 days of interest would be 34.83; only 10.00 is left under the cap
    assert full.interest == brl("10.00") and full.total == brl("2000.00")


def test_a_ru_short_loan_at_130_percent_is_charged_nothing_more():
    # principal 23000 - 1000 - 12000 = 10000; the charges (13000) are 130% of it
    loan = account_row("ru", balance="23000.00", fees_charged="1000", interest_charged="12000").account
    line = timeline(loan, RU, TODAY)
    assert line.charge_cap == rub("13000") and line.charge_cap_reached
    assert line.next_fee is None and not line.interest_per_day
    for offer in quotes(loan, RU, TODAY):
        assert not offer.interest and not offer.fees
        assert offer.total <= rub("23000.00")


def test_a_ru_loan_plan_stops_its_interest_at_the_cap():
    # principal 22900 - 1000 - 11900 = 10000: 100.00 of room
    loan = account_row("ru", balance="22900.00", fees_charged="1000", interest_charged="11900").account
    assert timeline(loan, RU, TODAY).next_fee.amount == rub("100.00")  # 1.64% of 10000 is 164.00
    plan = next(q for q in quotes(loan, RU, TODAY) if q.key == "inst3")
    assert plan.interest == rub("100.00")
    assert plan.total == rub("23000.00")
    assert sum((i.amount for i in plan.schedule), rub("0")) == plan.total


def test_the_cap_applies_only_to_the_products_the_policy_names():
    card = account_row("ru", product="card", balance="23000.00", fees_charged="1000",
                       interest_charged="12000").account
    line = timeline(card, RU, TODAY)
    assert line.charge_cap is None and not line.charge_cap_reached
    assert line.interest_per_day == rub("18.84")  # 23000 x 0.0819%, no cap on a card in ru


def test_old_policies_have_no_charge_cap():
    card = account_row("gb").account
    line = timeline(card, load_policy("uk"), TODAY)
    assert line.charge_cap is None and not line.charge_cap_reached
