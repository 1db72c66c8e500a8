"""Every log line written while the bot works, at DEBUG, holds no name, date of birth, ID
digits, phone number or token of the test portfolio.

The journeys touch what could leak: verification with right and wrong answers, deep links,
shared contacts, a send Telegram refuses, notices to the collectors, an import with bad rows,
links, the sweep, and `debtdesk run` as a process logging at DEBUG (PTB's loggers included).
Two views are scanned: what the product's log handler wrote (after its masking), and every
record as raised, before any masking. httpx and httpcore are capped at WARNING by
setup_logging on purpose (their request lines carry the bot token) and tornado is the fake
Telegram's own server, so neither is the bot's log.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from contextlib import redirect_stderr
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from accounts_kit import account_dict, person
from db_kit import database
from e2e_harness import BotUnderTest, texts
from fakeapi import FakeBotAPI
from fault_kit import COLLECTORS, BotProcess, environment, leaks, secrets_of, seeded
from flows_kit import SECRET

from bot.logging_setup import setup_logging
from debt.money import Money
from debt.policy import load_policy
from debt.portfolio import ACCOUNT_COLUMNS
from ops.importer import import_accounts
from ops.links import write_links
from ops.sweeper import sweep
from store.db import Store
from store.promise_rows import insert_promise

CHAT, OTHER = 7301, 7302
PEOPLE = [person(i) for i in range(3)]
NOT_THE_BOTS = ("tornado",)  # the fake Telegram's web server logs its own requests
# The bot's code under DEBUG: the wrapper only turns the level up, as a bank debugging would.
DEBUG_RUN = (
    "import logging, sys\n"
    "import bot.logging_setup as s\n"
    "real = s.setup_logging\n"
    "s.setup_logging = lambda format='text', level=logging.INFO: real(format, logging.DEBUG)\n"
    "from bot.cli import main\n"
    "sys.exit(main(['run']))\n"
)


class Records(logging.Handler):
    """Every record as raised, formatted without any filter: what a careless handler would write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(NOT_THE_BOTS):
            self.lines.append(self.format(record))


@pytest.fixture
def captured():
    """The product's logging at DEBUG for the test: (what its handler wrote, every raw record).

    The handler writes to whatever sys.stderr is; pytest swaps it between phases, so the test
    body redirects it into `written` itself."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    muted = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "apscheduler")}
    written, raw = io.StringIO(), Records()
    setup_logging("text", logging.DEBUG)
    root.addHandler(raw)
    try:
        yield written, raw
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)
        for name, old in muted.items():
            logging.getLogger(name).setLevel(old)


def _portfolio_with_bad_rows(path) -> None:
    rows = [account_dict("gb", PEOPLE[2], account_ref="UK-L001"),
            account_dict("gb", PEOPLE[2], account_ref="UK-L002", date_of_birth="1985-13-45"),
            account_dict("gb", PEOPLE[2], account_ref="UK-L003", phone="+44 12"),
            account_dict("gb", PEOPLE[2], account_ref="UK-L004", national_id_last4="12x4")]
    lines = [",".join(ACCOUNT_COLUMNS)] + [",".join(r[c] for c in ACCOUNT_COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _bank_side(tmp_path) -> list[str]:
    """Import (with bad rows), links and a sweep that breaks a promise; the links' tokens."""
    store = await Store.open(database(tmp_path, "bank.db"))
    try:
        now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        portfolio = tmp_path / "portfolio.csv"
        _portfolio_with_bad_rows(portfolio)
        report = await import_accounts(store, SECRET, str(portfolio), now, progress=False)
        assert (report.changed, report.rejected) == (1, 3)
        out = io.StringIO()
        assert await write_links(store, SECRET, out, now, username="debtdesk_bot", expires_days=7) == 1
        async with store.unit() as db:
            await insert_promise(db, "UK-L001", Money(Decimal("40"), "GBP"), date(2026, 2, 1), "chat",
                                 now - timedelta(days=40))
        swept = await sweep(store, load_policy("uk"), date(2026, 3, 1), lambda: now)
        assert swept.broken == 1
        return [line.rsplit("start=", 1)[-1] for line in out.getvalue().splitlines()[1:]]
    finally:
        await store.close()


async def test_journeys_in_process_log_nothing_personal(tmp_path, captured):
    written, raw = captured
    bot = BotUnderTest(tmp_path)
    bot.env = {"DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}
    with redirect_stderr(written):
        token, links = await _journeys(bot, tmp_path)
    assert any("#" in m.text for m in bot.api.to(COLLECTORS)), "no notice reached the collectors"
    secrets = secrets_of(PEOPLE) + [token, *links, bot.api.token]
    lines = [line for line in written.getvalue().splitlines()
             if not line.split(" ", 4)[3].startswith(NOT_THE_BOTS)]
    # The refused send is logged (type and place only): proof that the capture sees the bot's lines.
    assert any("handler failed: BadRequest" in line for line in lines), lines
    assert leaks("\n".join(lines), secrets) == []
    found = {line: leaks(line, secrets) for line in raw.lines}
    assert {line: hit for line, hit in found.items() if hit} == {}


async def _journeys(bot: BotUnderTest, tmp_path) -> tuple[str, list[str]]:
    await bot.start()
    try:
        first, second = PEOPLE[0], PEOPLE[1]
        for p in (first, second):
            await bot.seed_account(**p)
        token = await bot.link(second["account_ref"])
        # Wrong answers (someone else's date of birth, ID digits), then the right one.
        await bot.command(CHAT, "start")
        await bot.text(CHAT, first["account_ref"])
        await bot.text(CHAT, second["date_of_birth"])
        await bot.text(CHAT, second["national_id_last4"])
        said = await bot.text(CHAT, first["date_of_birth"])
        assert "You are confirmed" in texts(said)
        # A promise, so a notice goes to the collectors; Telegram refuses one send on the way.
        await bot.command(CHAT, "promise")
        dates = await bot.text(CHAT, "60")
        asked = await bot.press(CHAT, [d for _, d in dates[0].buttons if "date:" in d][2])
        bot.api.failures["sendMessage"] = [(400, "Bad Request: chat not found")]
        await bot.press(CHAT, asked[0].data_for("Yes, I promise"))
        # A deep link, someone else's contact, a wrong own number, then the right one.
        await bot.command(OTHER, "start", token)
        await bot.contact(OTHER, first["phone"].lstrip("+"), owner=CHAT)
        await bot.contact(OTHER, "447700900123", owner=OTHER)
        said = await bot.contact(OTHER, second["phone"].lstrip("+"), owner=OTHER)
        assert "You are confirmed" in texts(said)
        said = await bot.command(OTHER, "start", token)  # used twice
        await bot.command(OTHER, "callback")
        await asyncio.sleep(0.2)
        return token, await _bank_side(tmp_path)
    finally:
        await bot.stop()


async def test_debtdesk_run_at_debug_logs_nothing_personal(tmp_path):
    api = await FakeBotAPI().start()
    db_path = database(tmp_path, "bot.db")
    (first, token), (second, _) = await seeded(db_path, 2)
    env = environment(api, db_path, DEBTDESK_LOG_FORMAT="json")
    bot = BotProcess(api, env, tmp_path / "bot.stderr", argv=(sys.executable, "-c", DEBUG_RUN))
    await bot.start()
    try:
        api.push_command(CHAT, "start", token)
        await api.wait_for_messages(CHAT, 2, timeout=15)
        api.push_text(CHAT, second["date_of_birth"])
        await api.wait_for_messages(CHAT, 2, timeout=15)
        api.push_contact(CHAT, first["phone"].lstrip("+"), contact_user_id=CHAT)
        said = await api.wait_for_messages(CHAT, 1, timeout=15)
        assert "You are confirmed" in said[0].text
        api.push_command(CHAT, "balance")
        await api.wait_for_messages(CHAT, 1, timeout=15)
    finally:
        assert await bot.terminate() == 0
        await api.stop()
    err = bot.stderr()
    assert '"level": "DEBUG"' in err, "the process did not log at DEBUG"
    assert leaks(err, secrets_of([first, second]) + [token, api.token]) == []
