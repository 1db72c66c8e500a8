"""Whether the catalogs can be used: the build-time check (deploy/check_catalogs.py) and
`debtdesk check` run the same compilation the bot runs when it starts (bot.i18n).

A catalog fails when it does not parse, holds fuzzy or untranslated entries, has a translation
whose {placeholders} differ from the source (a KeyError when the message is shown), or names a
locale babel does not know; a folder without the English catalog fails as a whole.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import PoFileError

from bot.i18n import (
    SOURCE_LOCALE,
    available_locales,
    babel_locale,
    compile_catalog,
    po_path,
    read_catalog,
    translation_problems,
)


def check(locale: str, root: Path) -> list[str]:
    """Every problem of one locale's catalog, one line each, naming the file and the message."""
    path = po_path(locale, root)
    try:
        Locale.parse(babel_locale(locale))
    except (ValueError, UnknownLocaleError):
        return [f"{path}: babel does not know the locale {locale!r}"]
    try:
        catalog = read_catalog(path, locale)
        compile_catalog(catalog)
    except (PoFileError, ValueError, OSError) as exc:
        return [f"{path}: cannot be compiled: {exc}"]
    found = []
    for message in catalog:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            problems = translation_problems(message, catalog.num_plurals)
            found += [f"{path}: {key[:60]!r}: {p}" for p in problems]
    return found


def check_all(root: Path) -> tuple[list[str], list[str]]:
    """(the locales found, every problem) for a catalogs folder."""
    locales = available_locales(root)
    if SOURCE_LOCALE not in locales:
        missing = f"{root}: no {SOURCE_LOCALE}/LC_MESSAGES/messages.po here (is DEBTDESK_LOCALES right?)"
        return locales, [missing]
    return locales, [p for locale in locales for p in check(locale, root)]
