"""One debtor's journey, step by step, and the accounts and links it needs.

The journey: open the deep link, give the date of birth, ask for the balance and what comes
next, list the plans, pick 12 months and confirm: seven updates, three of them needing data
(the link token, the buttons the bot sent). The echo bot gets the same seven updates, with each
button press sent as a text message instead (a MessageHandler sees no button presses).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from debt.portfolio import parse_account_row
from store.accounts import upsert_accounts
from store.db import Store
from store.tokens import issue_link, store_factor_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fakeapi import FakeBotAPI, Sent  # noqa: E402 - the stand-in Bot API lives with the tests

SECRET = b"bench-secret-0123456789abcdef"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COLLECTORS = -100777
FIRST_CHAT = 900_001
ROW = {
    "customer_name": "Bench Debtor", "date_of_birth": "1985-04-12", "national_id_last4": "1234",
    "phone": "+447400123456", "locale": "en-GB", "timezone": "Europe/London", "currency": "GBP",
    "product": "card", "credit_limit": "5000", "balance": "2400.00", "minimum_due": "150.00",
    "overdue_amount": "300.00", "oldest_due_date": "2026-01-15", "fees_charged": "24.00",
    "interest_charged": "31.20", "last_payment_date": "", "last_payment_amount": "", "status": "open",
}


@dataclass(frozen=True)
class Step:
    kind: str  # command | text | button
    value: str  # the command name, the text, or a fragment of the button's label
    args: Callable[[str], str] | None = None  # command arguments from the journey's link token


STEPS = (
    Step("command", "start", lambda token: token),
    Step("text", "1985-04-12"),
    Step("command", "balance"),
    Step("command", "next"),
    Step("command", "plans"),
    Step("button", "12 months"),
    Step("button", "Confirm this plan"),
)


def clock() -> datetime:
    """The bot's clock in the benchmark: fixed, so every journey meets the same account state."""
    return START


async def seed(db_path: str, journeys: int) -> list[str]:
    """One account per journey, with its factors; returns a fresh deep-link token for each."""
    store = await Store.open(db_path)
    tokens = []
    try:
        rows = [parse_account_row({**ROW, "account_ref": f"J-{n:06d}"}) for n in range(journeys)]
        async with store.unit() as db:
            await upsert_accounts(db, rows, START)
            await store_factor_rows(db, SECRET, rows)
            for row in rows:
                tokens.append(await issue_link(db, SECRET, row.account_ref, START, 30))
    finally:
        await store.close()
    return tokens


def push(api: FakeBotAPI, chat_id: int, step: Step, token: str, seen: list[Sent], echo: bool) -> dict:
    """Put the step's update in the stand-in's queue (or just build it, in process)."""
    if step.kind == "command":
        return api.push_command(chat_id, step.value, step.args(token) if step.args else "")
    if step.kind == "text" or echo:
        return api.push_text(chat_id, step.value)
    with_buttons = [m for m in seen if any(step.value in label for label, _ in m.buttons)]
    if not with_buttons:
        raise RuntimeError(f"chat {chat_id}: no button {step.value!r} in {[m.text[:40] for m in seen]}")
    return api.push_button(chat_id, with_buttons[-1].data_for(step.value))
