"""`debtdesk serve` as a real process, from outside with a real HTTP client: Telegram's webhook
(its secret, its limits, an update answered only once handled), /healthz and /metrics."""

from __future__ import annotations

import asyncio
import json

import pytest
from db_kit import database
from fault_kit import COLLECTORS, leaks, secrets_of, seeded
from serve_kit import WEBHOOK_SECRET, ServeProcess, serve_environment

from bot.webhook import MAX_BODY_BYTES

CHAT = 7301


@pytest.fixture
async def served(api, tmp_path):
    """A running `debtdesk serve` over a database with one account; (process, person, token)."""
    db_path = database(tmp_path, "bot.db")
    [(person, token)] = await seeded(db_path, 1)
    process = ServeProcess(api, serve_environment(api, db_path), tmp_path / "serve.stderr")
    await process.start()
    yield process, person, token
    try:
        assert await process.terminate() == 0, process.stderr()[-2000:]
        err = process.stderr()
        assert "Traceback" not in err
        assert leaks(err, secrets_of([person]) + [token, api.token, WEBHOOK_SECRET]) == []
    finally:
        await process.close()


async def test_webhook_update_with_its_secret_is_answered_after_the_bot_replied(api, served):
    process, person, token = served
    said = await process.say(CHAT, api.push_command(CHAT, "start", token))
    assert "First, let us confirm it is you" in said[0].text  # sent before the 200 came back
    said = await process.say(CHAT, api.push_text(CHAT, person["date_of_birth"]))
    assert "You are confirmed" in said[0].text


async def test_webhook_refuses_a_missing_or_wrong_secret_and_handles_nothing(api, served):
    process, _, token = served
    update = api.push_command(CHAT, "start", token)
    missing = await process.post(update, secret=None)
    assert missing.status_code == 401
    wrong = await process.post(update, secret=WEBHOOK_SECRET[:-1] + "X")
    assert wrong.status_code == 403
    longer = await process.post(update, secret=WEBHOOK_SECRET + "X")
    assert longer.status_code == 403
    assert api.to(CHAT) == []
    assert (await process.post(update)).status_code == 200  # the same update, signed: handled
    assert api.to(CHAT)


async def test_webhook_refuses_a_body_over_1_mib_with_413(api, served):
    process, _, token = served
    update = api.push_command(CHAT, "start", token)
    padded = {**update, "padding": "x" * MAX_BODY_BYTES}
    assert (await process.post(padded)).status_code == 413
    # Without a Content-Length the body is read only up to the limit, and refused the same.
    async def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    streamed = await process.client.post("/telegram", content=chunks(),
                                         headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert streamed.status_code == 413
    assert api.to(CHAT) == []
    assert (await process.post(update)).status_code == 200  # a server still up and answering


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}',
                                  b'{"update_id": "12"}', b""])
async def test_webhook_refuses_what_is_not_an_update_with_400(api, served, body):
    process, _, _ = served
    assert (await process.post(body)).status_code == 400
    assert api.to(CHAT) == []


async def test_an_update_the_bot_cannot_read_is_answered_200_and_dropped(api, served):
    process, _, token = served
    broken = {"update_id": 990001, "message": {"message_id": "not a number", "chat": "nowhere"}}
    answer = await process.post(broken)
    assert answer.status_code == 200  # else Telegram would post it again for a day
    said = await process.say(CHAT, api.push_command(CHAT, "start", token))
    assert "First, let us confirm it is you" in said[0].text
    assert "990001" in process.stderr()  # logged by id, without its content


async def test_healthz_answers_200_while_serving(served):
    process, _, _ = served
    answer = await process.client.get("/healthz")
    assert (answer.status_code, answer.text) == (200, "ok\n")


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_updates_flows_refusals_api_errors_notices_and_locks(api, served):
    process, person, token = served
    before = await process.metrics()
    assert value(before, "debtdesk_updates_total", kind="message") == 0
    await process.say(CHAT, api.push_command(CHAT, "start", token))
    await process.post(api.push_command(CHAT, "start", token), secret="wrong")
    await process.post(b"{not json")
    # Five wrong dates of birth lock the chat: the collectors get a notice of the lock.
    for day in range(1, 6):
        await process.say(CHAT, api.push_text(CHAT, f"1950-01-0{day}"))
    await api.wait_for_messages(COLLECTORS, 1, timeout=30)  # the lock's notice, drained
    async with asyncio.timeout(30):  # marked sent once Telegram took it
        while value(await process.metrics(), "debtdesk_outbox_backlog"):
            await asyncio.sleep(0.1)
    api.failures["sendMessage"] = [(400, "Bad Request: message text is empty")]
    await process.say(CHAT, api.push_text(CHAT, "hello"))  # its reply refused by the Bot API
    samples = await process.metrics()
    assert value(samples, "debtdesk_updates_total", kind="message") == 7
    assert value(samples, "debtdesk_flow_seconds_count", event="command") == 1
    assert value(samples, "debtdesk_flow_seconds_count", event="text") == 6
    assert value(samples, "debtdesk_update_seconds_count") == 7
    assert value(samples, "debtdesk_webhook_rejected_total", reason="secret") == 1
    assert value(samples, "debtdesk_webhook_rejected_total", reason="bad_json") == 1
    assert value(samples, "debtdesk_bot_api_errors_total", method="sendMessage", error="BadRequest") == 1
    assert value(samples, "debtdesk_verification_locks_total") == 1
    assert value(samples, "debtdesk_notices_queued_total", kind="lock") == 1
    assert value(samples, "debtdesk_notices_delivered_total") == 1
    assert value(samples, "debtdesk_outbox_backlog") == 0
    # Labels carry codes only: no chat id, reference, token or anything typed.
    text = (await process.client.get("/metrics")).text
    assert str(CHAT) not in text and person["account_ref"] not in text
    assert leaks(text, secrets_of([person]) + [token, json.dumps(token)]) == []
