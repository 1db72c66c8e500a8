"""Fail the image build on a catalog the bot could not use: `python check_catalogs.py [LOCALES]`.

The bot compiles every .po in memory when it starts (bot.i18n), so nothing is compiled ahead of
time; this runs the same compilation at build time (bot.catalog_check, which `debtdesk check`
runs too) and exits 1, naming the catalog and message, on any problem. Without an argument it
checks the catalogs the installed package finds (DEBTDESK_LOCALES, else its own); it refuses a
folder without the English catalog: a wrong DEBTDESK_LOCALES must not pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.catalog_check import check_all
from bot.i18n import locales_dir


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else locales_dir()
    locales, problems = check_all(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{len(locales)} catalogs compile: {', '.join(locales)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
