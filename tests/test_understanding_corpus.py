"""The labelled corpus (tests/data/understanding_corpus.tsv): typed messages in all seven
languages with the intent and slots a person meant. Understanding must get at least 95% of the
intents and 98% of the slots right in every language; the accuracy per language is printed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from flows.languages import SUPPORTED_LOCALES
from flows.understanding import understand

CORPUS = Path(__file__).parent / "data" / "understanding_corpus.tsv"
TODAY = date(2026, 12, 2)  # a Wednesday: "Friday" is the 4th, "next Friday" the 11th
MIN_INTENT, MIN_SLOTS, MIN_MESSAGES = 0.95, 0.98, 60


def _slots(cell: str) -> dict[str, str]:
    return dict(pair.strip().split("=", 1) for pair in cell.split(",") if pair.strip())


def load() -> list[tuple[str, str, str, str | None, dict[str, str]]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        locale, currency, text, intent, slots = (cell.strip() for cell in line.split("|"))
        rows.append((locale, currency, text, intent or None, _slots(slots)))
    return rows


def as_written(understood) -> dict[str, str]:
    """The slots as the corpus writes them: dates in ISO, amounts plain, unclear ones as ?."""
    found = {}
    for name, value in understood.slots.items():
        found[name] = value.isoformat() if isinstance(value, date) else (
            format(value, "f") if isinstance(value, Decimal) else str(value))
    found.update({name: "?" for name in understood.unclear})
    return found


def score() -> dict[str, dict[str, list]]:
    results: dict[str, dict[str, list]] = defaultdict(lambda: {"intent": [], "slots": [], "misses": []})
    for locale, currency, text, intent, slots in load():
        got = understand(text, locale, TODAY, currency)
        found = as_written(got) if got.intent == intent else {}
        results[locale]["intent"].append(got.intent == intent)
        for name in set(slots) | set(found):
            results[locale]["slots"].append(slots.get(name) == found.get(name))
        if got.intent != intent or found != slots:
            results[locale]["misses"].append((text, intent, slots, got.intent, as_written(got)))
    return results


def test_the_corpus_is_understood_in_every_language(capsys):
    results = score()
    assert set(results) == set(SUPPORTED_LOCALES)
    lines, failing = [], []
    for locale in SUPPORTED_LOCALES:
        intents, slots = results[locale]["intent"], results[locale]["slots"]
        intent_rate, slot_rate = sum(intents) / len(intents), sum(slots) / len(slots)
        lines.append(f"{locale:8} {len(intents):3} messages  intent {intent_rate:6.1%}  "
                     f"slots {slot_rate:6.1%} ({len(slots)})")
        if len(intents) < MIN_MESSAGES or intent_rate < MIN_INTENT or slot_rate < MIN_SLOTS:
            failing.append((locale, results[locale]["misses"]))
    with capsys.disabled():
        print("\nunderstanding, per language:\n" + "\n".join(lines))
    assert not failing, failing


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_intent_is_in_the_corpus_of_every_language(locale):
    intents = {intent for loc, _, _, intent, _ in load() if loc == locale}
    assert intents >= {"balance", "next", "plans", "promise", "pay", "hardship", "dispute", "callback",
                       "stop", "resume", "person", "language", "thanks", "greeting", "goodbye", None}
