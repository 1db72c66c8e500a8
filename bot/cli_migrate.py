"""`debtdesk migrate` and `debtdesk migrate-to postgresql://...`: the schema, and moving a SQLite
database into PostgreSQL (the copy and its check are store/engine_copy.py's)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.config import Config
from store.db import Store, is_postgresql
from store.engine_copy import DATABASE_ERRORS, CopyError, TableCheck, compare_databases, copy_database
from store.engine_copy import tables_with_rows as holding_rows
from store.schema_version import stored_version

HEADER = ("table", "rows (SQLite)", "rows (PostgreSQL)", "digest (SQLite)", "digest (PostgreSQL)", "")
SHOWN_DIGITS = 16  # of each SHA-256 digest in the table; the whole digests are compared


class MigrateError(Exception):
    """A refusal: one line, exit status 2."""


def _where(target: str) -> str:
    return "PostgreSQL" if is_postgresql(target) else target  # a URL may carry a password


def _version(target: str) -> int:
    try:
        return stored_version(target)
    except DATABASE_ERRORS as exc:
        raise MigrateError(f"database {_where(target)}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


async def _migrated(target: str) -> None:
    """Open (which migrates; a newer schema raises SchemaTooNew) and close."""
    try:
        store = await Store.open(target)
    except DATABASE_ERRORS as exc:
        raise MigrateError(f"database {_where(target)}: {_first_line(exc)}") from None
    await store.close()


async def run_migrate(config: Config) -> int:
    before = _version(config.db_path)
    await _migrated(config.db_path)
    print(f"schema version {before} before, {_version(config.db_path)} after")
    return 0


async def run_migrate_to(config: Config, url: str, check_only: bool) -> int:
    source = config.db_path
    if not is_postgresql(url):
        raise MigrateError("migrate-to needs the target as a postgresql:// URL")
    if is_postgresql(source):
        raise MigrateError("DEBTDESK_DB is already a PostgreSQL database: migrate-to moves a SQLite file")
    if not Path(source).is_file():
        raise MigrateError(f"database {source} does not exist (DEBTDESK_DB names the SQLite file to move)")
    try:
        if check_only:
            checks = await _compare(source, url)
        else:
            busy = holding_rows(url)
            if busy:
                raise MigrateError(f"the PostgreSQL database is not empty ({', '.join(busy)} hold rows): "
                                   "migrate-to moves into an empty database only")
            await _migrated(source)
            await _migrated(url)
            checks = await asyncio.to_thread(copy_database, source, url)
    except CopyError as exc:
        raise MigrateError(str(exc)) from None
    print_checks(checks, sys.stdout)
    differing = [check.name for check in checks if not check.same]
    if differing:
        print(f"debtdesk: these tables differ: {', '.join(differing)}", file=sys.stderr)
        return 1
    verb = "compared" if check_only else "moved"
    print(f"{verb}: {len(checks)} tables, every row count and digest equal")
    return 0


async def _compare(source: str, url: str) -> list[TableCheck]:
    versions = _version(source), _version(url)
    if versions[0] != versions[1]:
        raise MigrateError(f"the schema versions differ (SQLite {versions[0]}, PostgreSQL {versions[1]}): "
                           "run `debtdesk migrate` on the older one first")
    return await asyncio.to_thread(compare_databases, source, url)


def print_checks(checks: list[TableCheck], out: TextIO) -> None:
    """One line per table: its row count and digest on each side, and whether they are equal."""
    lines = [HEADER] + [
        (c.name, str(c.source_rows), str(c.target_rows), c.source_digest[:SHOWN_DIGITS],
         c.target_digest[:SHOWN_DIGITS], "equal" if c.same else "DIFFERS") for c in checks]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    for line in lines:
        cells = [cell.ljust(w) if i in (0, 3, 4, 5) else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(cells).rstrip(), file=out)
