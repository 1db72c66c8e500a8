"""Events out, end to end through the real bot (issue 13, item 5): a scripted journey (a stranger
locked out, a debtor who verifies, promises, asks for a call, reports hardship, disputes in words
that name her, opts out and in, and a case the bank closes from the command line) reaches a
local receiver as signed events, each signature checked here with hmac alone; no event names the
debtor; the collectors' chat hears of the same events."""

from __future__ import annotations

import asyncio
import io

import pytest
from accounts_kit import GB_CARD as ROW
from e2e_harness import BotUnderTest, texts, with_buttons
from event_receiver import SECRET, Receiver
from flows_kit import rows

from bot.cli_cases import run_cases

DEBTOR, STRANGER = 801, 802
COLLECTORS = -100780
EXPECTED = [
    "verification.locked", "promise.made", "callback.requested", "hardship.reported", "dispute.opened",
    "contact.opted_out", "contact.opted_in", "case.closed",
]


@pytest.fixture
async def receiver():
    started = await Receiver().start()
    yield started
    await started.stop()


@pytest.fixture
def bot_env(receiver):
    """The receiver's URL and secret, and the collectors' chat, before the bot starts."""
    return {"DEBTDESK_EVENTS_URL": receiver.url, "DEBTDESK_EVENTS_SECRET": SECRET,
            "DEBTDESK_EVENTS_BACKOFF": "0.05", "DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}


async def journey(bot: BotUnderTest, ref: str) -> None:
    await bot.command(STRANGER, "start")
    await bot.text(STRANGER, ref)
    for _ in range(5):
        said = await bot.text(STRANGER, "1 January 1970")
    assert "confirming who you are is paused" in texts(said)

    await bot.command(DEBTOR, "start", await bot.link(ref))
    assert "You are confirmed" in texts(await bot.text(DEBTOR, "12 April 1985"))
    amounts = with_buttons(await bot.command(DEBTOR, "promise"))
    dates = with_buttons(await bot.press(DEBTOR, amounts.data_for("The overdue amount")))
    confirm = with_buttons(await bot.text(DEBTOR, "2026-03-10"))
    assert "£300.00" in dates.text
    await bot.press(DEBTOR, confirm.data_for("Yes, I promise"))
    windows = with_buttons(await bot.command(DEBTOR, "callback"))
    await bot.press(DEBTOR, windows.data_for("In the morning"))
    reasons = with_buttons(await bot.command(DEBTOR, "hardship"))
    await bot.press(DEBTOR, reasons.data_for("I lost my job"))
    reasons = with_buttons(await bot.command(DEBTOR, "dispute"))
    await bot.press(DEBTOR, reasons.data_for("This debt is not mine"))
    said = await bot.text(DEBTOR, f"I am {ROW['customer_name']}, born {ROW['date_of_birth']}, {ROW['phone']}")
    assert "Your dispute is recorded" in texts(said)
    await bot.command(DEBTOR, "stop")
    await bot.command(DEBTOR, "resume")
    # The bank closes the dispute from the command line: another connection, as another process.
    [dispute] = await rows(bot.store, "SELECT id FROM cases WHERE kind = 'dispute'")
    assert await run_cases(bot.config, "close", dispute["id"], "rejected", out=io.StringIO()) == 0


async def test_every_event_of_a_journey_reaches_the_receiver_signed(bot, receiver):
    ref = await bot.seed_account()
    await journey(bot, ref)
    got = await receiver.wait_for(len(EXPECTED))
    assert [one.event["type"] for one in got] == EXPECTED
    for one in got:
        assert one.signature_ok(), one.event["type"]
        assert one.headers["webhook-id"] == one.event["id"]
    # The debtor's name, birth date and phone never leave in an event, not even inside her words.
    for one in got:
        for personal in (ROW["customer_name"], ROW["date_of_birth"], ROW["phone"], ROW["phone"][1:],
                         "April 1985", "1 January 1970", str(STRANGER)):
            assert personal not in one.body.decode(), (personal, one.event["type"])
    promise = got[1].event["data"]
    assert promise["account_ref"] == ref and promise["stage"] == "M2"
    assert promise["amount"] == "300.00" and promise["currency"] == "GBP" and promise["due"] == "2026-03-10"
    assert got[0].event["data"]["account_ref"] == ref  # a real reference guessed at is named
    assert got[-1].event["data"] == {"account_ref": ref, "case_id": 3, "case_kind": "dispute",
                                     "outcome": "rejected"}
    # The collectors' chat is one more subscriber of the same events: each of them, by its id (the
    # case closed by the command line waits for the notifier's clock, which this test holds still).
    await bot.app.bot_data["notifier"].drain()
    notices = await bot.api.wait_for_messages(COLLECTORS, len(EXPECTED) - 1)
    assert [m.text.rsplit("#", 1)[1] for m in notices] == [one.event["id"][4:] for one in got[:-1]]
    assert "Opted out: account UK-0001 (M2)" in "\n".join(m.text for m in notices)


async def test_events_written_while_the_bot_is_down_go_out_after_it_starts(bot, receiver):
    ref = await bot.seed_account()
    await journey(bot, ref)
    await receiver.wait_for(len(EXPECTED))
    for _ in range(100):  # the last delivery recorded, or it would rightly go again after the restart
        if len(await rows(bot.store, "SELECT 1 FROM event_deliveries WHERE state = 'delivered'")) == 8:
            break
        await asyncio.sleep(0.05)
    await bot.stop(api_too=False)
    assert await run_cases(bot.config, "close", 1, "done", out=io.StringIO()) == 0  # the call-back
    await bot.start()
    got = await receiver.wait_for(len(EXPECTED) + 1)
    assert got[-1].event["type"] == "case.closed" and got[-1].event["data"]["case_kind"] == "callback"
    assert got[-1].signature_ok()
    assert len({one.event["id"] for one in got}) == len(got)
