"""Seed data for the collectors'-loop tests, written through the store modules that own each table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from accounts_kit import account_row

from debt.money import Money
from debt.portfolio import PaymentRow
from store.accounts import upsert_accounts
from store.cases import open_case
from store.chats import Chat, save_chat
from store.db import Store
from store.outbox_drain import Notice, get_notice
from store.payments import insert_payments
from store.promise_rows import insert_promise

SEEDED = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


async def add_account(store: Store, ref: str, **changes: str) -> None:
    """accounts_kit's CNY card under ref, with changes."""
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("cn", account_ref=ref, **changes)], SEEDED)


async def bind_chat(store: Store, chat_id: int, ref: str, *, opted_out: bool = False,
                    locale: str | None = "en", last_seen: datetime = SEEDED):
    chat = Chat(chat_id, ref, verified_at=SEEDED, last_seen_at=last_seen, locale=locale, state="menu",
                opted_out=opted_out)
    async with store.unit() as db:
        await save_chat(db, chat, SEEDED)


async def add_promise(store: Store, ref: str, amount: str, due: date, created: datetime = SEEDED) -> int:
    async with store.unit() as db:
        return await insert_promise(db, ref, Money(Decimal(amount), "CNY"), due, "chat", created)


async def add_case(store: Store, ref: str, kind: str, status: str = "open") -> None:
    async with store.unit() as db:
        case_id = await open_case(db, ref, kind, "other", "", SEEDED)
        if status != "open":  # no store function closes a case yet; tests mimic the bank's answer
            await db.execute("UPDATE cases SET status = ? WHERE id = ?", (status, case_id))


async def add_payments(store: Store, *payments: tuple[str, str, str, str]) -> list[str]:
    """(payment_id, account_ref, amount, paid_at) rows, as the importer records them."""
    rows = [PaymentRow(pid, ref, Decimal(amount), "CNY", paid_at) for pid, ref, amount, paid_at in payments]
    async with store.unit() as db:
        return await insert_payments(db, rows, SEEDED)


async def promise_row(store: Store, promise_id: int):
    async with store.read() as db:
        async with db.execute("SELECT * FROM promises WHERE id = ?", (promise_id,)) as cur:
            return await cur.fetchone()


async def outbox_rows(store: Store, kind: str | None = None) -> list[Notice]:
    """The notices (of one kind), oldest first, as the notifier reads them."""
    async with store.read() as db:
        sql = "SELECT id FROM outbox" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
        async with db.execute(sql, (kind,) if kind else ()) as cur:
            ids = [row[0] for row in await cur.fetchall()]
        return [await get_notice(db, notice_id) for notice_id in ids]
