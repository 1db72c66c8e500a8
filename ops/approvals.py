"""A person at the bank decides an arrangement awaiting approval (a settlement, usually): from
`debtdesk approvals` (bot/cli_approvals.py) or any other door.

Approving makes it the active arrangement: its promises are written then, the dates moved on by
the days the decision took (debt.approval). Declining records the bank's reason for staff. Either
way the collectors get a notice, and the debtor is told in their language inside contact hours
(ops/decision_messages.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from debt.approval import approved_schedule
from debt.local_time import bank_today
from debt.policy import Policy
from store import audit, outbox
from store.arrangement_decisions import ArrangementRow, approve, awaiting_approval, decline, get_arrangement
from store.db import Store
from store.notice_payloads import ApprovedNotice, DeclinedNotice

MAX_REASON = 500


class ApprovalError(Exception):
    """The arrangement cannot be decided: one line for the operator. code: unknown | decided |
    no_reason, so that another door (the collectors' chat) can say it in its own language."""

    def __init__(self, message: str, code: str, status: str = "") -> None:
        super().__init__(message)
        self.code, self.status = code, status


async def _pending(db: Any, arrangement_id: int) -> ArrangementRow:
    row = await get_arrangement(db, arrangement_id)
    if row is None:
        raise ApprovalError(f"there is no arrangement {arrangement_id}", "unknown")
    if row.status != "pending_approval":
        raise ApprovalError(f"arrangement {arrangement_id} is {row.status}, not awaiting approval", "decided",
                            row.status)
    return row


async def pending_arrangements(store: Store) -> list[ArrangementRow]:
    """What awaits the bank's decision, oldest first."""
    async with store.read() as db:
        return await awaiting_approval(db)


def _payload(row: ArrangementRow, schedule: list) -> dict[str, Any]:
    """The fields of a store.notice_payloads.DecisionNotice: the plan and its first payment."""
    first_due, first = schedule[0] if schedule else (None, None)
    return {"account_ref": row.account_ref, "arrangement_id": row.id, "plan": row.quote_key,
            "total": row.total, "amount_now": first, "first_due": first_due}


async def approve_arrangement(
    store: Store, policy: Policy, arrangement_id: int, now: datetime, actor: str = "cli"
) -> ArrangementRow:
    """Approve it; returns the arrangement as it now stands (the schedule as approved)."""
    async with store.unit() as db:
        row = await _pending(db, arrangement_id)
        asked_on = bank_today(policy, row.created_at)
        schedule = approved_schedule(row.schedule, asked_on, bank_today(policy, now))
        await approve(db, row, schedule, now)
        await outbox.enqueue(db, ApprovedNotice(**_payload(row, schedule)), now)
        detail = {"arrangement_id": row.id}
        await audit.append(db, actor, "arrangement_approved", row.account_ref, now, detail)
        return await get_arrangement(db, arrangement_id)


async def decline_arrangement(
    store: Store, arrangement_id: int, reason: str, now: datetime, actor: str = "cli"
) -> ArrangementRow:
    """Decline it with the bank's reason (shown to staff, never to the debtor)."""
    note = " ".join(reason.split())[:MAX_REASON]
    if not note:
        raise ApprovalError("give the reason for declining with --reason TEXT", "no_reason")
    async with store.unit() as db:
        row = await _pending(db, arrangement_id)
        await decline(db, arrangement_id, note, now)
        await outbox.enqueue(db, DeclinedNotice(**_payload(row, list(row.schedule)), note=note), now)
        detail = {"arrangement_id": row.id}  # the reason stays out: free text may hold personal data
        await audit.append(db, actor, "arrangement_declined", row.account_ref, now, detail)
        return await get_arrangement(db, arrangement_id)
