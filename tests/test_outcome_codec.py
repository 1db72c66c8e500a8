"""A step's replies kept as JSON until sent (flows/outcome_codec.py): read back equal, every kind
of value a reply holds included; anything else refused, never guessed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from debt.money import Money
from flows import outcome_codec
from flows.types import NP_, Button, Invoice, Outcome, Reply, Text


def test_an_outcome_with_every_kind_of_value_reads_back_equal():
    amount = Money(Decimal("25.50"), "GBP")
    invoice = Invoice(Text("Payment"), Text("Pay {amount}", {"amount": amount}), amount, "sig.1")
    outcome = Outcome(
        (
            Reply((Text("Promise {amount} by {date}", {"amount": amount, "date": date(2026, 3, 6)}),
                   NP_("{n} day", "{n} days", 3, {"n": 3}),
                   Text("{inner} and {rate}", {"inner": Text("Hello."), "rate": Decimal("0.05")})),
                  ((Button(Text("Yes"), "yes:1"), Button(Text("Pay"), "", "https://bank.example/pay?x=1")),),
                  ask_contact=True),
            Reply((), remove_keyboard=True,
                  invoice=invoice),
        ),
        "zh_Hans", commands_locale="zh_Hans", notices=2)
    back = outcome_codec.loads(outcome_codec.dumps(outcome))
    assert back.replies == outcome.replies
    assert (back.locale, back.commands_locale, back.notices) == ("zh_Hans", "zh_Hans", 0)
    assert "你" not in outcome_codec.dumps(outcome)  # msgids only: the text is rendered when sent


def test_a_value_no_reply_should_hold_is_refused():
    with pytest.raises(TypeError, match="datetime"):
        outcome_codec.dumps(Outcome((Reply((Text("{at}", {"at": datetime(2026, 3, 6, 9)}),)),), "en"))
