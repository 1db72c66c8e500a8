"""What the debtor has already set in motion, said at the top of /next: an open dispute (and
what it pauses and what it does not), promises waiting to be kept, a plan and its next payment.

/next must never say "a fee is charged" beside "collection is paused" without saying how the
two fit together, nor forget a promise the debtor made yesterday.
"""

from __future__ import annotations

from flows.context import Ctx
from flows.types import N_, Text
from store import cases
from store.arrangement_rows import open_arrangement
from store.promise_rows import promises_for


async def disputed(ctx: Ctx) -> bool:
    """A dispute from any channel: the bank's file, or one recorded in the chat."""
    return ctx.account.status == "disputed" or await cases.has_open(ctx.db, ctx.ref, "dispute")


def dispute_parts() -> list[Text]:
    return [
        Text(N_("Your dispute is open. Until the bank has answered it, collection on this account is "
                "paused: no reminders and no requests to pay.")),
        Text(N_("The dispute does not change the account's terms: unless the bank corrects the account, "
                "the dates and amounts below still apply, and paying before them avoids them.")),
    ]


async def commitment_parts(ctx: Ctx) -> list[Text]:
    """The plan and the promises still pending, nearest first."""
    parts: list[Text] = []
    pending = await promises_for(ctx.db, ctx.ref, "pending")
    plan = await open_arrangement(ctx.db, ctx.ref)
    if plan is not None and plan[2] == "pending_approval":
        parts.append(Text(N_("Your repayment plan is waiting for the bank's approval. Nothing is due under "
                             "it until the bank confirms it.")))
    elif plan is not None:
        upcoming = [p for p in pending if p.arrangement_id == plan[0]]
        if upcoming:
            parts.append(Text(N_("Your repayment plan is active. Its next payment: {amount} by {date}."),
                              {"amount": upcoming[0].amount, "date": upcoming[0].due_date}))
    for promise in pending:
        if promise.source == "chat":  # a plan's instalments are said above, with the plan
            parts.append(Text(N_("You promised to pay {amount} by {date}."),
                              {"amount": promise.amount, "date": promise.due_date}))
    return parts
