"""Dates and amounts read from typed words, relative to the debtor's local today: each language's
own forms, and every reading that could go two ways reported as unclear instead of guessed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from flows.understanding import understand

WEDNESDAY = date(2026, 12, 2)
FRIDAY = date(2026, 12, 4)


def slots(text: str, locale: str = "en", currency: str = "GBP", today: date = WEDNESDAY):
    got = understand(text, locale, today, currency)
    return got.intent, dict(got.slots), set(got.unclear)


@pytest.mark.parametrize("text, locale, due", [
    ("I'll pay 50 on Friday", "en", FRIDAY),
    ("I'll pay 50 this Friday", "en", FRIDAY),
    ("I'll pay 50 next Friday", "en", date(2026, 12, 11)),
    ("I'll pay 50 tomorrow", "en", date(2026, 12, 3)),
    ("I'll pay 50 on the 1st", "en", date(2027, 1, 1)),  # the 1st has passed this month: the next one
    ("I'll pay 50 on 5 January", "en", date(2027, 1, 5)),  # January has passed this year: the next one
    ("我下下周一还50", "zh_Hans", date(2026, 12, 14)),
    ("pagaré 50 el 20/1", "es", date(2027, 1, 20)),
    ("заплачу 50 через неделю", "ru", date(2026, 12, 9)),
    ("vou pagar 50 no fim do mês", "pt_BR", date(2026, 12, 31)),
    ("saya bayar 50 hari Kamis", "id", date(2026, 12, 3)),
])
def test_days_in_each_languages_words(text, locale, due):
    intent, found, unclear = slots(text, locale)
    assert intent == "promise" and found["date"] == due and not unclear


@pytest.mark.parametrize("text", [
    "I'll pay 50 on 03/04",  # 3 April or 4 March
    "I'll pay 50 on Wednesday",  # today is a Wednesday: today, or in a week?
    "I'll pay 50 on 31/02",  # no calendar has it
])
def test_a_day_that_reads_two_ways_or_none_is_unclear(text):
    intent, found, unclear = slots(text)
    assert intent == "promise" and "date" not in found and unclear == {"date"}


@pytest.mark.parametrize("text, locale, currency, amount", [
    ("I'll pay 1,500.50 tomorrow", "en", "GBP", Decimal("1500.50")),
    ("pagaré 1.500,50 mañana", "es", "EUR", Decimal("1500.50")),
    ("оплачу 1 500,50 завтра", "ru", "RUB", Decimal("1500.50")),
    ("saya bayar Rp 150.000 besok", "id", "IDR", Decimal("150000")),
    ("saya bayar 1,5 juta besok", "id", "IDR", Decimal("1500000")),
    ("明天还两千五", "zh_Hans", "CNY", Decimal("2500")),
    ("明天还¥500", "zh_Hans", "CNY", Decimal("500")),
    ("vou pagar R$ 300 amanhã", "pt_BR", "BRL", Decimal("300")),
])
def test_amounts_in_each_languages_forms(text, locale, currency, amount):
    intent, found, unclear = slots(text, locale, currency)
    assert intent == "promise" and found["amount"] == amount and not unclear


@pytest.mark.parametrize("text, locale, currency", [
    ("I'll pay 1.500 tomorrow", "en", "GBP"),  # one and a half, or fifteen hundred?
    ("I'll pay 500 or 600 tomorrow", "en", "GBP"),  # two amounts
    ("明天还¥500", "zh_Hant", "TWD"),  # another currency than the account's
    ("I'll pay 10.555 tomorrow", "en", "GBP"),  # more decimals than pence
])
def test_an_amount_that_reads_two_ways_is_unclear(text, locale, currency):
    intent, found, unclear = slots(text, locale, currency)
    assert intent == "promise" and "amount" not in found and unclear == {"amount"}


def test_understanding_is_the_same_every_time_and_says_how_sure_it_is():
    first = understand("I can pay 500 on Friday", "en", WEDNESDAY, "GBP")
    assert first == understand("I can pay 500 on Friday", "en", WEDNESDAY, "GBP")
    assert first.confidence == 1.0
    assert understand("I can pay 500 on 03/04", "en", WEDNESDAY, "GBP").confidence < 1.0
    assert understand("500 on Friday", "en", WEDNESDAY, "GBP").confidence < 1.0  # inferred, not said
    assert understand("banana", "en", WEDNESDAY, "GBP").intent is None


def test_a_sentence_in_another_language_than_the_chats_is_understood():
    assert understand("¿cuánto debo?", "en", WEDNESDAY, "GBP").intent == "balance"
    assert understand("how much do I owe", "zh_Hans", WEDNESDAY, "CNY").intent == "balance"


def test_before_verification_only_what_verification_needs_is_read():
    got = understand("I can pay 500 on Friday", "en", WEDNESDAY, verified=False)
    assert (got.intent, dict(got.slots)) == ("verify", {"after": "promise"})
    assert understand("English please", "es", WEDNESDAY, verified=False).slots == {"language": "en"}
    assert understand("talk to a person", "en", WEDNESDAY, verified=False).intent == "person"
