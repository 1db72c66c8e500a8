"""Every catalog under locales/ translates every message of the template, placeholders intact,
and the template holds exactly the messages the code marks."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import available_locales, locales_dir, po_path, read_catalog

ROOT = Path(__file__).resolve().parent.parent
# The same keywords as the README's `pybabel extract -k N_ -k NP_:1,2`.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": (1, 2)}
LOCALES = available_locales()


def template():
    with (locales_dir() / "messages.pot").open("rb") as fh:
        return read_po(fh)


def placeholders(text: str) -> set[str]:
    """The field names of a str.format pattern: "{amount} by {date:%d}" -> {"amount", "date"}."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


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
        if message.fuzzy:
            found.append(f"{locale}: fuzzy: {key!r}")
        found.extend(f"{locale}: {issue}: {key!r}" for issue in _translation_issues(source, message, catalog))
    return found


def _translation_issues(source, message, catalog) -> list[str]:
    if not source.pluralizable:
        if isinstance(message.string, tuple):
            return ["has plural forms but the template has none"]
        if not message.string:
            return ["untranslated"]
        if placeholders(message.string) != placeholders(source.id):
            return ["placeholders differ"]
        return []
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    if len(forms) != catalog.num_plurals:
        return [f"has {len(forms)} plural forms, the language needs {catalog.num_plurals}"]
    issues = []
    allowed = ({*placeholders(source.id[0])}, {*placeholders(source.id[1])})
    for index, form in enumerate(forms):
        if not form:
            issues.append(f"plural form {index} untranslated")
        elif placeholders(form) not in allowed:
            issues.append(f"plural form {index}: placeholders differ")
    return issues


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
        "locales/messages.pot is out of date; re-extract (see README).\n"
        f"in the code, not the template: {fresh}\nin the template, not the code: {stale}"
    )


def test_placeholder_check_sees_a_renamed_field():
    # The checker itself: a translator who renames {amount} must be caught.
    assert placeholders("Pay {amount} by {due:%x}") == {"amount", "due"}
    assert placeholders("Payez {montant}") != placeholders("Pay {amount}")
