"""Every catalog under locales/ translates every message of the template, placeholders intact,
and the template holds exactly the messages the code marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import available_locales, locales_dir, placeholders, po_path, read_catalog, translation_problems

ROOT = Path(__file__).resolve().parent.parent
# The same keywords as the README's `pybabel extract -k N_ -k NP_:1,2`.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": (1, 2)}
LOCALES = available_locales()


def template():
    with (locales_dir() / "messages.pot").open("rb") as fh:
        return read_po(fh)


def problems_of(locale: str) -> list[str]:
    catalog = read_catalog(po_path(locale), locale)
    found = []
    for source in template():
        if not source.id:
            continue
        key = source.id[0] if source.pluralizable else source.id
        message = catalog.get(source.id)
        if message is None:
            found.append(f"{locale}: missing: {key!r}")
            continue
        found += [
            f"{locale}: {problem}: {key!r}" for problem in translation_problems(message, catalog.num_plurals)
        ]
    return found


def test_there_is_an_english_catalog():
    assert "en" in LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_translates_every_message(locale):
    problems = problems_of(locale)
    assert not problems, "\n".join(problems)


def test_template_matches_the_code():
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        in_code.add(message if isinstance(message, str) else tuple(message))
    in_template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template() if m.id}
    stale = sorted(map(str, in_template - in_code))
    fresh = sorted(map(str, in_code - in_template))
    assert not fresh and not stale, (
        "locales/messages.pot is out of date: run the commands at the top of babel.cfg.\n"
        f"in the code, not the template: {fresh}\nin the template, not the code: {stale}"
    )


def test_the_checker_sees_renamed_fields_gaps_and_guesses():
    # The checker itself: each kind of broken entry must be caught.
    assert placeholders("Pay {amount} by {due:%x}") == {"amount", "due"}
    assert translation_problems(Message("Pay {amount}", "Payez {montant}"), 2) == [
        "translation: placeholders ['montant'] differ from the source's"
    ]
    assert translation_problems(Message("Hi", "", flags=["fuzzy"]), 2) == [
        "fuzzy",
        "translation untranslated",
    ]
    plural = Message(("{n} day", "{n} days"), ("{n} день", "{n} дня", ""))
    assert translation_problems(plural, 3) == ["plural form 2 untranslated"]
    assert translation_problems(plural, 2) == ["has 3 plural forms, the language needs 2"]
    # Russian uses its "one" form for 21 too, so it may need the count the English singular omits.
    assert translation_problems(Message(("a day", "{n} days"), ("{n} день", "{n} дня", "{n} дней")), 3) == []
