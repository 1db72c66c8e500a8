"""What the store promises on either engine, with two openings of one database standing for two
debtdesk instances (two processes, or the bank API beside the bot): writes never interleave into
a wrong balance, and the engine's own SQL (placeholders, rows by name) reads the same."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from accounts_kit import account_row
from db_kit import database

from debt.portfolio import PaymentRow
from store.accounts import get_account, upsert_accounts
from store.db import Store, shown
from store.payments import record_payments

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def test_two_instances_paying_one_account_at_once_lose_no_payment(tmp_path):
    target = database(tmp_path, "shared.db")
    first, second = await Store.open(target), await Store.open(target)
    try:
        async with first.unit() as db:
            await upsert_accounts(db, [account_row("cn", balance="5000.00")], NOW)

        async def pay(store: Store, n: int) -> None:
            row = PaymentRow(f"P-{n}", "A-1", Decimal("1.00"), "CNY", "2026-03-01")
            async with store.unit() as db:
                await record_payments(db, [row], NOW)

        # Each unit reads the balance and writes it less 1.00: interleaved, two would write the same.
        await asyncio.gather(*(pay(first if n % 2 else second, n) for n in range(60)))
        async with second.read() as db:
            account = (await get_account(db, "A-1")).account
        assert account.balance == Decimal("4940.00")
    finally:
        await first.close()
        await second.close()


async def test_named_and_positional_placeholders_and_rows_by_name(store):
    async with store.unit() as db:
        await db.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                         (NOW.isoformat(), "cli", "100% done", "{'a': 'b?'}"))
        async with db.execute("SELECT action, detail FROM audit WHERE actor = :who AND action LIKE '%done'",
                              {"who": "cli"}) as cur:
            row = await cur.fetchone()
    assert (row["action"], row[1]) == ("100% done", "{'a': 'b?'}")


def test_a_database_url_is_named_without_its_password():
    assert shown("postgresql://debtdesk:s3cret@db.bank:5432/debtdesk") == "postgresql://debtdesk:***@db.bank:5432/debtdesk"
    assert shown("/var/lib/debtdesk/debtdesk.db") == "/var/lib/debtdesk/debtdesk.db"
