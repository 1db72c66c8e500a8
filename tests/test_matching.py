"""Payments matched to promises: kept, partly kept, broken."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from debt.matching import PaymentIn, PromiseState, apply_payments, broken_in_row, sweep
from debt.money import Money

GRACE = 3


def gbp(amount: str) -> Money:
    return Money(Decimal(amount), "GBP")


def promise(pid, amount, due, paid="0", status="pending") -> PromiseState:
    return PromiseState(pid, gbp(amount), due, gbp(paid), status)


def pay(pid, amount, on) -> PaymentIn:
    return PaymentIn(pid, gbp(amount), on)


def test_a_payment_within_grace_keeps_the_promise():
    # due 12-10, grace 3: a payment on 12-13 still counts
    [p] = apply_payments([promise(1, "100", date(2026, 12, 10))], [pay("x", "100", date(2026, 12, 13))], 3)
    assert (p.status, p.paid) == ("kept", gbp("100"))


def test_money_goes_to_the_oldest_promise_first_and_the_rest_flows_on():
    promises = [promise(2, "100", date(2026, 12, 20)), promise(1, "100", date(2026, 12, 5))]
    later, older = apply_payments(promises, [pay("x", "150", date(2026, 12, 4))], GRACE)
    assert (older.status, older.paid) == ("kept", gbp("100"))
    assert (later.status, later.paid) == ("pending", gbp("50"))  # input order is kept


def test_several_payments_add_up_in_date_order():
    payments = [pay("b", "40", date(2026, 12, 9)), pay("a", "60", date(2026, 12, 1))]
    [p] = apply_payments([promise(1, "100", date(2026, 12, 10), paid="0")], payments, GRACE)
    assert p.status == "kept"


def test_a_payment_after_grace_does_not_keep_that_promise_but_the_next():
    promises = [promise(1, "100", date(2026, 12, 1)), promise(2, "50", date(2026, 12, 20))]
    first, second = apply_payments(promises, [pay("x", "100", date(2026, 12, 5))], GRACE)  # 12-01 + 3 < 12-05
    assert (first.status, first.paid) == ("pending", gbp("0"))
    assert (second.status, second.paid) == ("kept", gbp("50"))


def test_settled_promises_are_left_alone():
    done = [
        promise(1, "100", date(2026, 12, 1), status="broken"),
        promise(2, "80", date(2026, 12, 2), status="cancelled"),
    ]
    assert apply_payments(done, [pay("x", "500", date(2026, 12, 1))], GRACE) == done


def test_sweep_after_grace():
    promises = [
        promise(1, "100", date(2026, 12, 10)),  # nothing paid
        promise(2, "100", date(2026, 12, 10), paid="30"),  # part paid
        promise(3, "100", date(2026, 12, 11)),  # grace ends 12-14: not yet
        promise(4, "100", date(2026, 12, 1), paid="100", status="kept"),
    ]
    swept = sweep(promises, date(2026, 12, 14), GRACE)  # 12-10 + 3 = 12-13 < 12-14
    assert [p.status for p in swept] == ["broken", "partial", "pending", "kept"]
    assert [p.status for p in sweep(promises, date(2026, 12, 13), GRACE)][:2] == ["pending", "pending"]


def test_broken_in_row_counts_from_the_newest():
    assert broken_in_row(["broken", "broken", "kept", "broken"]) == 2
    assert broken_in_row(["pending", "broken", "cancelled", "broken"]) == 2
    assert broken_in_row(["partial", "broken"]) == 0
    assert broken_in_row(["kept", "broken", "broken"]) == 0
    assert broken_in_row([]) == 0
