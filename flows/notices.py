"""What the flows' notices say about the account (store/notice_payloads.py holds the records)."""

from __future__ import annotations

from typing import Any

from flows.context import Ctx
from store.accounts import AccountRecord


def stage_name(ctx: Ctx) -> str:
    return ctx.policy.stage_for(ctx.account.days_past_due(ctx.today)).name


def account_fields(ctx: Ctx) -> dict[str, Any]:
    """What every account notice carries (store.notice_payloads.AccountNotice's fields): the
    reference, stage, days late and the key amounts."""
    account = ctx.account
    return {
        "account_ref": ctx.ref,
        "stage": stage_name(ctx),
        "dpd": account.days_past_due(ctx.today),
        "today": ctx.today,
        "balance": ctx.money(account.balance),
        "overdue": ctx.money(account.overdue_amount),
    }


def lock_fields(ctx: Ctx, record: AccountRecord) -> dict[str, Any]:
    """A lock on a real account names it for the collectors, so that someone can call the person
    struggling to get in: the reference, stage and days late, never shown to the chat."""
    account = record.account
    dpd = account.days_past_due(ctx.day_in(account.timezone))
    return {"account_ref": account.account_ref, "stage": ctx.policy.stage_for(dpd).name, "dpd": dpd}
