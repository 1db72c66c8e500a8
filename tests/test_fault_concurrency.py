"""Many things at once: a burst of updates from one chat, and the bot serving while the bank's
`debtdesk import` and `debtdesk sweep` write to the same database file."""

from __future__ import annotations

import asyncio
import csv
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from accounts_kit import account_dict
from db_kit import database
from e2e_harness import texts
from fakeapi import FakeBotAPI
from fault_kit import DEBTDESK, BotProcess, environment, integrity, leaks, query, secrets_of, seeded

from debt.money import Money
from debt.portfolio import ACCOUNT_COLUMNS
from store.db import Store
from store.promise_rows import insert_promise

CHAT = 8801
SORRY = "Sorry, something went wrong"


async def test_a_burst_from_one_chat_is_answered_in_order_one_update_at_a_time(bot):
    ref = await bot.seed_account()
    burst = [bot.api.push_command(CHAT, "start"), bot.api.push_text(CHAT, ref),
             bot.api.push_text(CHAT, "12 April 1985"), bot.api.push_command(CHAT, "promise"),
             bot.api.push_text(CHAT, "57"), bot.api.push_text(CHAT, "2026-03-05")]  # fmt: skip
    said = []
    for update in burst:  # all six were pushed before the bot took the first
        said += await bot.deliver(update, CHAT)
    read = [m.text for m in said]
    steps = ["Please type the account reference", "Please type your date of birth", "You are confirmed",
             "How much will you pay?", "By which date will you pay £57.00?",
             "You promise to pay £57.00 by Mar 5, 2026. Is that right?"]
    where = [next(i for i, text in enumerate(read) if step in text) for step in steps]
    assert where == sorted(where), texts(said)  # each answer after the one before it
    assert SORRY not in texts(said)
    # Ten presses of the same confirmation at once: one promise, the rest told the button is old.
    confirm = said[-1].data_for("Yes, I promise")
    presses = [bot.api.push_button(CHAT, confirm) for _ in range(10)]
    answers = [texts(await bot.deliver(update, CHAT)) for update in presses]
    assert "Your promise to pay £57.00 by Mar 5, 2026 is recorded" in answers[0]
    assert all("That button belongs to an older message" in a for a in answers[1:]), answers
    async with bot.store.read() as db:
        async with db.execute("SELECT amount, due_date FROM promises") as cur:
            assert [tuple(r) for r in await cur.fetchall()] == [("57.00", "2026-03-05")]


def _portfolio(path, n: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=ACCOUNT_COLUMNS)
        writer.writeheader()
        for i in range(n):
            writer.writerow(account_dict("gb", account_ref=f"UK-B{i:05d}", customer_name=f"Bulk Person {i}",
                                         phone=f"+44791112{i:04d}", balance=f"{1000 + i}.00"))


async def _overdue_promises(db_path: str, refs: list[str]) -> None:
    """Promises due long ago: the sweep has something to break and notices to queue."""
    store = await Store.open(db_path)
    try:
        now = datetime.now(UTC)
        async with store.unit() as db:
            for ref in refs:
                due, made = now.date() - timedelta(days=20), now - timedelta(days=21)
                await insert_promise(db, ref, Money(Decimal("20"), "GBP"), due, "chat", made)
    finally:
        await store.close()


async def _cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        DEBTDESK, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode, out.decode(), err.decode()


async def test_the_bot_keeps_answering_while_import_and_sweep_write_the_same_file(tmp_path):
    api = await FakeBotAPI().start()
    db_path = database(tmp_path, "bot.db")
    people = await seeded(db_path, 2)
    await _overdue_promises(db_path, [p["account_ref"] for p, _ in people])
    portfolio = tmp_path / "portfolio.csv"
    _portfolio(portfolio, 6000)  # two import batches: two write transactions
    env = environment(api, db_path)
    bot = BotProcess(api, env, tmp_path / "bot.stderr")
    await bot.start()
    try:
        (person, token) = people[0]
        api.push_command(CHAT, "start", token)
        await api.wait_for_messages(CHAT, 2, timeout=15)
        api.push_text(CHAT, person["date_of_birth"])
        assert "You are confirmed" in (await api.wait_for_messages(CHAT, 2, timeout=15))[0].text

        async def debtor() -> list[float]:
            """Asks for the balance again and again while the others write; how long each took."""
            waits = []
            while not done.is_set() or len(waits) < 5:
                asked = time.monotonic()
                api.push_command(CHAT, "balance")
                (answer,) = await api.wait_for_messages(CHAT, 1, timeout=30)
                assert "£" in answer.text and SORRY not in answer.text, answer.text
                waits.append(time.monotonic() - asked)
            return waits

        async def sweeps() -> list[tuple[int, str, str]]:
            later = (date.today() + timedelta(days=1)).isoformat()
            # A day ahead on purpose (each sweep then writes): a future date needs --force.
            return [await _cli(env, "sweep", "--as-of", later, "--force") for _ in range(3)]

        done = asyncio.Event()
        asking = asyncio.create_task(debtor())
        importing = _cli(env, "import", "accounts", str(portfolio), "--no-progress")
        imported, swept = await asyncio.gather(importing, sweeps())
        done.set()
        waits = await asking
    finally:
        assert await bot.terminate() == 0
        await api.stop()

    code, out, err = imported
    assert code == 0, err
    assert "6000 rows read, 6000 changed" in out
    for code, out, err in swept:
        assert code == 0 and "sweep as of" in err + out, err
    assert query(db_path, "SELECT count(*) FROM accounts")[0][0] == 6002
    assert query(db_path, "SELECT count(*) FROM promises WHERE status = 'broken'")[0][0] == 2
    everything = bot.stderr() + err + "".join(e for _, _, e in swept)
    assert "locked" not in everything and "Traceback" not in everything, everything[-3000:]
    assert leaks(everything, secrets_of([p for p, _ in people]) + [t for _, t in people] + [api.token]) == []
    assert max(waits) < 10, waits  # slower while a batch commits, never stuck
    assert integrity(db_path) == "ok"
