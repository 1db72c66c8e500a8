"""The collectors' call order."""

from __future__ import annotations

from decimal import Decimal

from debt.money import Money
from debt.policy import load_policy
from debt.queue import priority


def test_priority_by_hand_with_the_preset_weights():
    weights = load_policy("cn").queue_weights  # stage 10, per 1000 overdue 1, broken 50, per day 0.5
    # M3 (index 3) x 10 = 30; 2500 / 1000 x 1 = 2.5; 1 broken x 50 = 50; 4 days x 0.5 = 2 -> 84.5
    assert priority(3, Money("2500", "CNY"), 1, 4, weights) == Decimal("84.5")


def test_deeper_more_overdue_and_more_broken_come_first():
    w = load_policy("us").queue_weights
    base = priority(2, Money("1000", "USD"), 0, 3, w)
    assert priority(3, Money("1000", "USD"), 0, 3, w) > base
    assert priority(2, Money("5000", "USD"), 0, 3, w) > base
    assert priority(2, Money("1000", "USD"), 1, 3, w) > base
    assert priority(2, Money("1000", "USD"), 0, 9, w) > base


def test_missing_weights_count_for_nothing():
    assert priority(5, Money("900", "GBP"), 2, 10, {"stage": Decimal(1)}) == Decimal(5)
