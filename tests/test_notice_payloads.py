"""Issue 12 item 4: the outbox payload is a typed record per notice kind, with one JSON form,
and rows written before the records existed read back the same."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.notice_text import render_notice
from debt.money import Money
from store import notice_payloads as np
from store.outbox import enqueue
from store.outbox_drain import Notice, get_notice

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def cny(text: str) -> Money:
    return Money(Decimal(text), "CNY")


ACCOUNT = {"account_ref": "CN-1", "stage": "M2", "dpd": 33, "today": date(2026, 3, 1),
           "balance": cny("5000.00"), "overdue": cny("800.00")}
EVERY_KIND = [
    np.PromiseNotice(**ACCOUNT, promise_id=7, due=date(2026, 3, 10), amount=cny("1500.00")),
    np.ArrangementNotice(**ACCOUNT, arrangement_id=3, plan="inst12", plan_kind="instalments", months=12,
                         status="pending_approval", amount_now=cny("100.00"), total=cny("1200.00"),
                         fees=cny("0.00"), discount=cny("0"),
                         schedule=(np.Instalment(number=1, due=date(2026, 3, 15), amount=cny("100.00")),)),
    np.DisputeNotice(**ACCOUNT, case_id=4, reason="not_mine", detail="2026-03-01 is not my date"),
    np.HardshipNotice(**ACCOUNT, case_id=5, reason="job_loss"),
    np.CallbackNotice(**ACCOUNT, case_id=6, window="evening", phone="+8613800000000", locale="zh_Hans"),
    np.LockNotice(account_ref="CN-1", chat_id=42, scope="chat", until=NOW, stage="M2", dpd=33),
    np.KeptNotice(account_ref="CN-1", stage="M2", promise_id=7, source="chat", status="kept",
                  amount=cny("1500.00"), paid=cny("1500.00"), due=date(2026, 3, 10)),
    np.BrokenNotice(account_ref="CN-1", stage="", promise_id=8, source="plan", status="partial",
                    amount=cny("100.00"), paid=cny("40.00"), due=date(2026, 3, 15)),
    np.ApprovedNotice(account_ref="CN-1", arrangement_id=3, plan="settlement", total=cny("900.00"),
                      amount_now=cny("900.00"), first_due=date(2026, 3, 20)),
    np.DeclinedNotice(account_ref="CN-1", arrangement_id=3, plan="inst6", total=cny("900.00"),
                      amount_now=cny("150.00"), first_due=date(2026, 3, 20), note="over the limit"),
    np.CaseClosedNotice(account_ref="CN-1", case_id=4, case_kind="dispute", outcome="upheld"),
    np.OptOutNotice(**ACCOUNT),
    np.OptInNotice(**ACCOUNT),
    np.PaymentNotice(account_ref="CN-1", stage="M2", payment_id="tg:charge-1", source="telegram",
                     amount=cny("500.00"), balance=cny("4500.00")),
    np.ReversalNotice(account_ref="CN-1", payment_id="PAY-1", amount=cny("500.00"), balance=cny("5000.00")),
]


def test_every_notice_kind_has_a_record_and_the_examples_cover_them_all():
    assert {payload.KIND for payload in EVERY_KIND} == set(np.KINDS)


@pytest.mark.parametrize("payload", EVERY_KIND, ids=lambda p: p.KIND)
def test_a_notice_payload_reads_back_as_the_record_it_was_written_from(payload):
    again = np.from_json(payload.KIND, payload.to_json())
    assert again == payload and type(again) is type(payload)


async def test_the_outbox_keeps_each_kind_typed_through_the_database(store):
    async with store.unit() as db:
        ids = [await enqueue(db, payload, NOW) for payload in EVERY_KIND]
    async with store.read() as db:
        notices = [await get_notice(db, notice_id) for notice_id in ids]
    assert [n.payload for n in notices] == EVERY_KIND
    assert [n.kind for n in notices] == [p.KIND for p in EVERY_KIND]


def test_a_dispute_detail_that_looks_like_a_date_stays_the_debtors_words():
    [dispute] = [p for p in EVERY_KIND if p.KIND == "dispute"]
    notice = Notice(1, "dispute", "CN-1", dispute, NOW, None, 0, None, None)
    text = render_notice(notice, "en", translator("en"))
    assert "Details: 2026-03-01 is not my date." in text


def test_a_call_back_for_a_chosen_day_tells_the_collectors_that_day_in_their_language():
    [soonest] = [p for p in EVERY_KIND if p.KIND == "callback"]
    chosen = replace(soonest, day=date(2026, 3, 2))
    assert np.from_json("callback", chosen.to_json()) == chosen

    def said(payload: np.CallbackNotice, locale: str) -> str:
        return render_notice(Notice(6, "callback", "CN-1", payload, NOW, None, 0, None, None), locale,
                             translator(locale))

    assert "asks for a call on +8613800000000: In the evening." in said(soonest, "en")
    assert "asks for a call on +8613800000000 on Mar 2, 2026: In the evening." in said(chosen, "en")
    assert "позвонить 2 мар. 2026" in said(chosen, "ru") and "2026年3月2日" in said(chosen, "zh_Hans")


# Payloads exactly as the code before typed records wrote them (json.dumps of a dict, sorted keys).
OLD_KEPT = ('{"account_ref": "CN-1", "amount": "500.00", "currency": "CNY", "due": "2026-03-05", '
            '"kind": "kept", "paid": "500.00", "promise_id": 1, "source": "chat", "stage": "M2", '
            '"status": "kept"}')
OLD_ARRANGEMENT = (
    '{"account_ref": "CN-1", "amount_now": "100.00", "arrangement_id": 3, "balance": "5000.00", '
    '"currency": "CNY", "discount": "0.00", "dpd": 33, "fees": "0.00", "kind": "arrangement", "months": 12, '
    '"overdue": "800.00", "plan": "inst12", "plan_kind": "instalments", "schedule": [{"amount": "100.00", '
    '"due": "2026-03-15", "number": 1}], "stage": "M2", "status": "active", "today": "2026-03-01", '
    '"total": "1200.00"}'
)
OLD_LOCK = '{"chat_id": 42, "kind": "lock", "scope": "account", "until": "2026-03-01T09:15:00+00:00"}'


def test_an_old_outbox_payload_reads_as_its_typed_record():
    kept = np.from_json("kept", OLD_KEPT, "CN-1")
    assert kept == np.KeptNotice(account_ref="CN-1", stage="M2", promise_id=1, source="chat", status="kept",
                                 amount=cny("500.00"), paid=cny("500.00"), due=date(2026, 3, 5))
    arrangement = np.from_json("arrangement", OLD_ARRANGEMENT, "CN-1")
    assert isinstance(arrangement, np.ArrangementNotice)
    assert arrangement.total == cny("1200.00") and arrangement.today == date(2026, 3, 1)
    assert arrangement.schedule == (np.Instalment(number=1, due=date(2026, 3, 15), amount=cny("100.00")),)
    lock = np.from_json("lock", OLD_LOCK, None)
    assert lock == np.LockNotice(chat_id=42, scope="account", until=datetime(2026, 3, 1, 9, 15, tzinfo=UTC))
    for text in (OLD_KEPT, OLD_ARRANGEMENT, OLD_LOCK):  # and writes the same JSON again
        kind = json.loads(text)["kind"]
        assert np.from_json(kind, text).to_json() == text


async def test_an_old_outbox_row_is_delivered_as_before(store):
    async with store.unit() as db:
        async with db.execute(
            "INSERT INTO outbox (kind, account_ref, payload, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            ("kept", "CN-1", OLD_KEPT, NOW.isoformat(), NOW.isoformat()),
        ) as cur:
            (notice_id,) = await cur.fetchone()
    async with store.read() as db:
        notice = await get_notice(db, notice_id)
    text = render_notice(notice, "en", translator("en"))
    said = "Promise kept: account CN-1 paid CN¥500.00 against CN¥500.00 due Mar 5, 2026."
    assert text == f"{said}\n#{notice_id}"


def test_a_damaged_payload_reads_as_an_empty_record_of_its_kind():
    assert np.from_json("kept", "not json", "CN-1") == np.KeptNotice(account_ref="CN-1")
    damaged = '{"amount": "lots", "due": "soon"}'
    assert np.from_json("kept", damaged, "CN-1") == np.KeptNotice(account_ref="CN-1")
    assert np.from_json("audit", "{}", "CN-1") == np.UnknownNotice(kind="audit", account_ref="CN-1")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_the_notices_labels_live_in_one_neutral_module():
    assert "flows.support" not in _imports(ROOT / "bot" / "notice_text.py")
    assert "flows.notice_labels" in _imports(ROOT / "bot" / "notice_text.py")
    assert "flows.notice_labels" in _imports(ROOT / "flows" / "support.py")
