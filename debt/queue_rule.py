"""The collectors' work queue: who is in it and why, and which account a person should call first.

Left out: an account with a pending promise (until its due date plus grace), an open dispute, an
open hardship review or an open call-back request, or an arrangement awaiting the bank's
approval: someone already answered, or a person at the bank owes them an answer. A broken
promise puts the account at the top; the order inside each band is `priority`, higher first.
This is the one statement of the rule: store.queue_sql computes the same in SQL for speed, and
tests/test_ops_queue.py holds the two equal on varied accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from debt import matching
from debt.money import Money
from debt.policy import Policy

LEFT_OUT = ("dispute", "hardship", "callback", "pending_promise", "awaiting_approval", "refused_contact")


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


@dataclass(frozen=True)
class QueueFacts:
    account_ref: str
    currency: str
    overdue: Decimal
    oldest_due_date: date | None
    status: str
    open_cases: frozenset[str]  # dispute | hardship | callback
    promises: tuple[tuple[str, date], ...]  # (status, due date), newest due first
    last_seen: datetime | None
    awaiting_approval: bool = False  # an arrangement awaits the bank's approval
    refused_contact: bool = False  # the debtor refused contact (store.contact_log.refuse_contact)


@dataclass(frozen=True)
class Entry:
    account_ref: str
    reason: str  # broken_promise | overdue
    priority: Decimal
    stage: str
    dpd: int
    overdue: Decimal
    currency: str
    broken_in_row: int
    days_since_contact: int

    def sort_key(self) -> tuple[int, Decimal]:
        """Higher first: a broken promise above everything else, then the priority."""
        return (int(self.reason == "broken_promise"), self.priority)


def left_out_reason(facts: QueueFacts, as_of: date, grace_days: int) -> str | None:
    if facts.status == "disputed" or "dispute" in facts.open_cases:
        return "dispute"
    if facts.refused_contact:  # nobody calls: the law lets the debtor refuse contact (230-FZ art. 8)
        return "refused_contact"
    for kind in ("hardship", "callback"):
        if kind in facts.open_cases:
            return kind
    cutoff = as_of - timedelta(days=grace_days)
    if any(status == "pending" and due >= cutoff for status, due in facts.promises):
        return "pending_promise"
    if facts.awaiting_approval:
        return "awaiting_approval"
    return None


def statuses_as_of(facts: QueueFacts, as_of: date, grace_days: int) -> list[str]:
    """Promise statuses newest first, a pending one past grace counted as broken (the sweep may
    not have run yet; the queue must not wait for it)."""
    cutoff = as_of - timedelta(days=grace_days)
    return ["broken" if status == "pending" and due < cutoff else status for status, due in facts.promises]


def classify(facts: QueueFacts, policy: Policy, as_of: date) -> Entry | str | None:
    """The queue entry, or the reason it is left out (a str), or None when nothing is owed."""
    grace = policy.promise.grace_days
    reason = left_out_reason(facts, as_of, grace)
    if reason is not None:
        return reason
    broken = matching.broken_in_row(statuses_as_of(facts, as_of, grace))
    if facts.overdue <= 0 and not broken:
        return None
    dpd = max(0, (as_of - facts.oldest_due_date).days) if facts.oldest_due_date and facts.overdue > 0 else 0
    stage = policy.stage_for(dpd)
    since = (as_of - facts.last_seen.date()).days if facts.last_seen else dpd
    score = priority(policy.stage_index(stage.name), Money(facts.overdue, facts.currency), broken,
                           since, policy.queue_weights)
    return Entry(facts.account_ref, "broken_promise" if broken else "overdue", score, stage.name, dpd,
                 facts.overdue, facts.currency, broken, max(since, 0))
