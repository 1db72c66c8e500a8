"""A payment reversed by the bank (issue 18, item 3): the payments file's or the API's row with the
original payment_id and the negative amount restores the balances, reopens the promise it kept
(pending while grace lasts, broken or partly kept after) and tells the collectors, once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flows_kit import START, Clock, rows, seed

from debt.money import Money
from debt.policy import load_policy
from ops.api_batches import record_payments
from ops.importer import import_payments
from store.promise_rows import insert_promise

POLICY = load_policy("uk")
HEADER = "payment_id,account_ref,amount,currency,paid_at\n"


def payments_file(tmp_path, *lines: str) -> str:
    path = tmp_path / f"payments-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), "utf-8")
    return str(path)


async def account(store, clock) -> tuple[str, int]:
    """The GBP card (2400.00 owed, 300.00 overdue since 15 January) with a promise of 300 by 5 March."""
    ref = await seed(store, clock)
    async with store.unit() as db:
        promise_id = await insert_promise(db, ref, Money(Decimal(300), "GBP"), date(2026, 3, 5), "chat",
                                          clock())
    return ref, promise_id


async def figures(store, ref: str) -> dict:
    [row] = await rows(store, "SELECT balance, overdue_amount, minimum_due, oldest_due_date FROM accounts "
                              "WHERE account_ref = ?", ref)
    return row


async def promise(store, promise_id: int) -> dict:
    [row] = await rows(store, "SELECT status, paid_amount, resolved_at FROM promises WHERE id = ?",
                       promise_id)
    return row


async def notices(store) -> list[str]:
    return [r["kind"] for r in await rows(store, "SELECT kind FROM outbox ORDER BY id")]


async def test_a_reversal_in_the_file_restores_the_balances_and_reopens_the_promise(store, tmp_path):
    clock = Clock(START)
    ref, promise_id = await account(store, clock)
    before = await figures(store, ref)
    clock.advance(days=1)
    paid = await import_payments(store, payments_file(tmp_path, f"PAY-1,{ref},300.00,GBP,2026-03-02"),
                                 clock(), policy=POLICY)
    assert not paid.failed
    assert (await figures(store, ref))["overdue_amount"] == "0.00"
    assert (await promise(store, promise_id))["status"] == "kept"

    report = await import_payments(store, payments_file(tmp_path, f"PAY-1,{ref},-300.00,GBP,2026-03-02"),
                                   clock(), policy=POLICY)
    assert not report.failed and report.changed == 1
    assert await figures(store, ref) == before  # balance, overdue, minimum and the oldest due date back
    reopened = await promise(store, promise_id)
    assert reopened["status"] == "pending" and reopened["paid_amount"] == "0.00"  # its date is still ahead
    assert await notices(store) == ["kept", "reversal"]
    [reversal] = await rows(store, "SELECT payload FROM outbox WHERE kind = 'reversal'")
    assert '"balance": "2400.00"' in reversal["payload"] and '"payment_id": "PAY-1"' in reversal["payload"]

    again = await import_payments(store, payments_file(tmp_path, f"PAY-1,{ref},-300.00,GBP,2026-03-02"),
                                  clock(), policy=POLICY)
    assert not again.failed and again.changed == 0
    assert await notices(store) == ["kept", "reversal"]  # told once
    assert await figures(store, ref) == before


async def test_a_payment_and_its_reversal_in_one_file_leave_the_account_as_it_was(store, tmp_path):
    clock = Clock(START)
    ref, promise_id = await account(store, clock)
    before = await figures(store, ref)
    clock.advance(days=1)
    lines = (f"PAY-1,{ref},300.00,GBP,2026-03-02", f"PAY-2,{ref},50.00,GBP,2026-03-02",
             f"PAY-1,{ref},-300.00,GBP,2026-03-02", f"PAY-1,{ref},-300.00,GBP,2026-03-02",
             f"PAY-2,{ref},-20.00,GBP,2026-03-02")
    report = await import_payments(store, payments_file(tmp_path, *lines), clock(), policy=POLICY)
    assert report.errors == [
        "line 5: payment_id: duplicate of line 4",
        "line 6: amount: a reversal is of the whole payment: -50.00, not -20.00; not reversed"]
    assert (report.read, report.changed) == (5, 3)  # two payments and one reversal
    after = await figures(store, ref)
    assert (before["balance"], after["balance"]) == ("2400.00", "2350.00")  # only PAY-2 stands
    assert (await promise(store, promise_id))["status"] == "pending"  # PAY-1 kept it, then was undone
    assert await notices(store) == ["kept", "reversal"]


async def test_a_reversal_after_grace_breaks_the_promise_with_a_notice(store, tmp_path):
    clock = Clock(START)
    ref, promise_id = await account(store, clock)
    clock.advance(days=1)
    await import_payments(store, payments_file(tmp_path, f"PAY-2,{ref},100.00,GBP,2026-03-01",
                                               f"PAY-3,{ref},200.00,GBP,2026-03-02"), clock(), policy=POLICY)
    assert (await promise(store, promise_id))["status"] == "kept"
    clock.advance(days=3 + POLICY.promise.grace_days + 1)  # past 5 March and its grace
    await import_payments(store, payments_file(tmp_path, f"PAY-3,{ref},-200.00,GBP,2026-03-02"),
                          clock(), policy=POLICY)
    partly = await promise(store, promise_id)
    assert partly["status"] == "partial" and partly["paid_amount"] == "100.00"
    assert partly["resolved_at"] == clock().isoformat()
    assert await notices(store) == ["kept", "broken", "reversal"]
    assert (await figures(store, ref))["balance"] == "2300.00"  # 2400 - 100 - 200 + 200


async def test_a_reversal_by_the_api_does_the_same_and_bad_ones_are_refused(store):
    clock = Clock(START)
    ref, promise_id = await account(store, clock)
    paid = {"payment_id": "API-1", "account_ref": ref, "amount": "300.00", "currency": "GBP",
            "paid_at": "2026-03-01"}
    assert (await record_payments(store, POLICY, [paid], "apikey:crm", clock())).changed == 1
    wrong = [{**paid, "amount": "-100.00"}, {**paid, "payment_id": "NOPE", "amount": "-300.00"}]
    refused = await record_payments(store, POLICY, wrong, "apikey:crm", clock())
    assert refused.changed == 0
    reasons = [p.reason for p in refused.rejected]
    assert any("a reversal is of the whole payment: -300.00" in r for r in reasons)
    assert any("NOPE is not a payment recorded here" in r for r in reasons)
    assert (await figures(store, ref))["balance"] == "2100.00"
    undone = await record_payments(store, POLICY, [{**paid, "amount": "-300.00"}], "apikey:crm",
                                   clock() + timedelta(minutes=1))
    assert undone.changed == 1 and not undone.rejected
    assert (await figures(store, ref))["balance"] == "2400.00"
    assert (await promise(store, promise_id))["status"] == "pending"
    [audit] = await rows(store, "SELECT actor FROM audit WHERE action = 'payment_reversed'")
    assert audit["actor"] == "apikey:crm"
