"""An arrangement approved later than it was asked for: the debtor keeps every day they were given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from debt.money import Money


def approved_schedule(
    schedule: Sequence[tuple[date, Money]], asked_on: date, decided_on: date
) -> list[tuple[date, Money]]:
    """The schedule as it stands on approval: each due date moves on by the days the decision
    took, so that the time to pay the debtor was shown still lies ahead of them. Same amounts."""
    delay = max(decided_on - asked_on, timedelta(0))
    return [(due + delay, amount) for due, amount in schedule]
