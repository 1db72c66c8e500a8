"""Helpers for outbox payloads: self-contained, amounts as strings with the currency."""

from __future__ import annotations

from typing import Any

from debt.money import Money
from flows.context import Ctx


def stage_name(ctx: Ctx) -> str:
    return ctx.policy.stage_for(ctx.account.days_past_due(ctx.today)).name


def money_fields(**amounts: Money) -> dict[str, Any]:
    """{"total": "1234.50", ..., "currency": "GBP"}: Decimal strings and one currency key."""
    fields: dict[str, Any] = {name: str(value.amount) for name, value in amounts.items()}
    currencies = {value.currency for value in amounts.values()}
    if currencies:
        fields["currency"] = currencies.pop()
    return fields


def account_fields(ctx: Ctx) -> dict[str, Any]:
    """What every account notice carries: the reference, stage, days late and the key amounts."""
    account = ctx.account
    return {
        "account_ref": ctx.ref,
        "stage": stage_name(ctx),
        "dpd": account.days_past_due(ctx.today),
        "today": ctx.today.isoformat(),
        **money_fields(balance=ctx.money(account.balance), overdue=ctx.money(account.overdue_amount)),
    }
