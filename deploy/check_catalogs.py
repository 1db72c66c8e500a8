"""Fail the image build on a catalog the bot could not use: `python check_catalogs.py [LOCALES]`.

The bot compiles every .po in memory when it starts (bot.i18n), so nothing is compiled ahead of
time; this runs the same compilation at build time and exits 1 (naming the catalog and message)
when a catalog does not parse, holds fuzzy or untranslated entries, has a translation whose
{placeholders} differ from the source (a KeyError when the message is shown), or names a locale
babel does not know. It also refuses an empty folder: a wrong DEBTDESK_LOCALES must not pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import PoFileError

from bot.i18n import (
    SOURCE_LOCALE,
    available_locales,
    babel_locale,
    compile_catalog,
    locales_dir,
    po_path,
    read_catalog,
    translation_problems,
)


def check(locale: str, root: Path) -> list[str]:
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


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else locales_dir()
    locales = available_locales(root)
    if SOURCE_LOCALE not in locales:
        print(f"{root}: no {SOURCE_LOCALE}/LC_MESSAGES/messages.po here (is DEBTDESK_LOCALES right?)",
              file=sys.stderr)
        return 1
    problems = [p for locale in locales for p in check(locale, root)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{len(locales)} catalogs compile: {', '.join(locales)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
