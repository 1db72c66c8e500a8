"""/approvals, /approve ID and /decline ID REASON in the collectors' chat: the same use cases as
`debtdesk approvals` (ops/approvals.py), said in the collectors' language. bot/collectors.py
wires them, so they answer in the collectors' chat only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.notice_labels import STATUSES, label
from flows.types import N_, Text
from ops.approvals import ApprovalError, approve_arrangement, decline_arrangement, pending_arrangements
from store.arrangement_decisions import ArrangementRow

if TYPE_CHECKING:
    from bot.collectors import Collectors

MAX_LISTED = 50


def _plan(row: ArrangementRow) -> Text | str:
    return label("plan", row.quote_key) or row.quote_key


def _line(staff: Collectors, row: ArrangementRow) -> str:
    due, first = row.schedule[0] if row.schedule else (None, None)
    if first is None:
        return staff.text(N_("{id}. {account_ref}: {plan}, {total} in all."),
                          id=str(row.id), account_ref=row.account_ref, plan=_plan(row), total=row.total)
    return staff.text(N_("{id}. {account_ref}: {plan}, {total} in all, the first {amount} by {date}; "
                         "asked on {asked}."),
                      id=str(row.id), account_ref=row.account_ref, plan=_plan(row), total=row.total,
                      amount=first, date=due, asked=row.created_at.date())


async def list_approvals(staff: Collectors) -> str:
    rows = await pending_arrangements(staff.store)
    if not rows:
        return staff.text(N_("No plan is awaiting approval."))
    lines = [staff.text(N_("Awaiting approval ({count}): /approve ID or /decline ID REASON."),
                        count=len(rows))]
    lines += [_line(staff, row) for row in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        lines.append(staff.text(N_("… and more: see debtdesk approvals list.")))
    return "\n".join(lines)


def _arrangement_id(args: list[str]) -> int | None:
    return int(args[0]) if args and args[0].isdigit() and len(args[0]) <= 12 else None


def _refused(staff: Collectors, exc: ApprovalError, given: str) -> str:
    """An ApprovalError in the collectors' language, one line."""
    if exc.code == "decided":
        status = Text(STATUSES[exc.status]) if exc.status in STATUSES else exc.status
        return staff.text(N_("Plan {id} is not awaiting approval: it is {status}."), id=given, status=status)
    if exc.code == "no_reason":
        return _decline_usage(staff)
    return staff.text(N_("There is no plan {id}. /approvals lists those awaiting approval."), id=given)


def _decline_usage(staff: Collectors) -> str:
    return staff.text(N_("Use /decline ID REASON, for example /decline 7 income not verified. The reason "
                         "is for staff; the debtor is only told that the bank declined."))


async def approve(staff: Collectors, args: list[str]) -> str:
    arrangement_id = _arrangement_id(args)
    if arrangement_id is None or len(args) != 1:
        return staff.text(N_("Use /approve ID, with an ID from /approvals."))
    try:
        row = await approve_arrangement(staff.store, staff.config.policy, arrangement_id, staff.now(),
                                        actor="collectors")
    except ApprovalError as exc:
        return _refused(staff, exc, args[0])
    due, first = row.schedule[0]  # every plan has a first payment (debt.arrangements)
    return staff.text(N_("Plan {id} (account {account_ref}) is approved; the first payment is {amount} by "
                         "{date}. The debtor will be told."),
                      id=str(row.id), account_ref=row.account_ref, amount=first, date=due)


async def decline(staff: Collectors, args: list[str]) -> str:
    arrangement_id = _arrangement_id(args)
    if arrangement_id is None or len(args) < 2:
        return _decline_usage(staff)
    try:
        row = await decline_arrangement(staff.store, arrangement_id, " ".join(args[1:]), staff.now(),
                                        actor="collectors")
    except ApprovalError as exc:
        return _refused(staff, exc, args[0])
    return staff.text(N_("Plan {id} (account {account_ref}) is declined. The debtor will be told."),
                      id=str(row.id), account_ref=row.account_ref)
