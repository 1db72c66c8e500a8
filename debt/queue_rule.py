"""The collectors' work queue: which account a person should call first."""

from __future__ import annotations

from decimal import Decimal

from debt.money import Money


def priority(
    stage_index: int,
    overdue: Money,
    broken_in_row: int,
    days_since_contact: int,
    weights: dict[str, Decimal],
) -> Decimal:
    """A higher number is called first.

    A weighted sum of how deep the account is (stage index, 0 = current), how much is overdue
    (per 1000 of the currency's main unit), promises broken in a row and days since the last
    contact, with the policy's queue_weights (keys in debt.policy.QUEUE_WEIGHTS; a missing key
    weighs nothing). Exact Decimal arithmetic rounded to 0.0001: the same facts, the same order.
    """

    def weight(key: str) -> Decimal:
        return weights.get(key, Decimal(0))

    score = (
        weight("stage") * stage_index
        + weight("overdue_per_1000") * max(overdue.amount, Decimal(0)) / 1000
        + weight("broken_promise") * broken_in_row
        + weight("days_since_contact") * max(days_since_contact, 0)
    )
    return score.quantize(Decimal("0.0001"))
