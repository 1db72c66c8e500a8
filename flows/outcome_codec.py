"""An Outcome as JSON text and back: a step's replies are stored with its update id, in the same
transaction, so that an instance that dies after the commit but before sending them does not
lose them (the update, delivered again, finds them and sends them; store/updates.py).

Only the types a reply holds are written (Text parameters are Money, date, int, Decimal, str or
Text: flows/types.py); anything else is refused with TypeError rather than guessed, and reading
never runs code (no pickle).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from debt.money import Money
from flows.types import Button, Invoice, Outcome, Reply, Text

_TAG = "$"


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {_TAG: "decimal", "v": str(value)}
    if isinstance(value, Money):
        return {_TAG: "money", "v": str(value.amount), "c": value.currency}
    if isinstance(value, date):  # a datetime is a date too: never in a reply, so refused below
        if type(value) is date:
            return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, Text):
        return {_TAG: "text", "m": value.msgid, "p": {k: _value(v) for k, v in value.params.items()},
                "pl": value.plural, "n": value.n}
    raise TypeError(f"a reply cannot keep a {type(value).__name__}")


def _read(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    tag = value[_TAG]
    if tag == "decimal":
        return Decimal(value["v"])
    if tag == "money":
        return Money(Decimal(value["v"]), value["c"])
    if tag == "date":
        return date.fromisoformat(value["v"])
    if tag == "text":
        return Text(value["m"], {k: _read(v) for k, v in value["p"].items()}, value["pl"], value["n"])
    raise ValueError(f"unknown stored value {tag!r}")


def _reply(reply: Reply) -> dict:
    invoice = reply.invoice
    return {
        "parts": [_value(part) for part in reply.parts],
        "buttons": [[[_value(b.label), b.data, b.url] for b in row] for row in reply.buttons],
        "contact": reply.ask_contact, "remove": reply.remove_keyboard,
        "invoice": None if invoice is None else [_value(invoice.title), _value(invoice.description),
                                                 _value(invoice.amount), invoice.payload],
    }


def _reply_from(data: dict) -> Reply:
    invoice = data["invoice"]
    return Reply(
        tuple(_read(part) for part in data["parts"]),
        tuple(tuple(Button(_read(label), key, url) for label, key, url in row) for row in data["buttons"]),
        data["contact"], data["remove"],
        None if invoice is None else Invoice(*(_read(item) for item in invoice[:3]), invoice[3]),
    )


def dumps(outcome: Outcome) -> str:
    """The outcome's replies, language and command menu as JSON (its notices are not kept: they
    are in the outbox already)."""
    return json.dumps({"replies": [_reply(r) for r in outcome.replies], "locale": outcome.locale,
                       "commands": outcome.commands_locale}, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Outcome:
    data = json.loads(text)
    return Outcome(tuple(_reply_from(r) for r in data["replies"]), data["locale"], data["commands"])
