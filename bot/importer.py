"""Reading the bank's portfolio and payments files (CSV, UTF-8, a header row).

The file is streamed: rows are checked one by one and written in batches of BATCH rows, one
transaction each, so a million-row file needs no more memory than a small one. Every bad row
is reported as `line N: column: reason` and skipped; the good rows are imported. Importing
the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from debt.policy import Policy
from debt.portfolio import (
    ACCOUNT_COLUMNS,
    PAYMENT_COLUMNS,
    RowError,
    missing_columns,
    parse_account_row,
    parse_payment_row,
)
from store import audit
from store.accounts import account_currencies, seen_add, seen_lines, seen_reset, upsert_accounts
from store.db import Store
from store.payments import insert_payments
from store.tokens import store_factor_rows

BATCH = 5000
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
KEEP_ERRORS = 1000  # the report keeps this many messages; on_error hears every one
Rejects = list[tuple[int, str]]
Writer = Callable[[Any, list[tuple[int, Any]]], Awaitable[tuple[int, Rejects]]]


@dataclass
class ImportReport:
    kind: str  # accounts | payments
    read: int = 0  # data rows read
    changed: int = 0  # new or different rows written
    unchanged: int = 0  # good rows identical to what the database already held
    rejected: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: column: reason", the first KEEP_ERRORS
    fatal: str | None = None  # the file could not be read to the end (or at all)

    @property
    def failed(self) -> bool:
        return bool(self.rejected or self.fatal)

    def summary(self) -> str:
        text = (f"{self.kind}: {self.read} rows read, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.rejected} rejected")
        return text + (" (stopped early)" if self.fatal else "")


class Progress:
    """`\\r`-redrawn counts on a terminal; silent otherwise."""

    def __init__(self, kind: str, raw: io.BufferedReader, enabled: bool, stream: TextIO) -> None:
        self.kind, self.raw, self.enabled, self.stream = kind, raw, enabled, stream
        self.total = max(os.fstat(raw.fileno()).st_size, 1)
        self.shown = False

    def tick(self, rows: int) -> None:
        if self.enabled and rows % 1000 == 0:
            share = min(100, self.raw.tell() * 100 // self.total)
            self.stream.write(f"\r{self.kind}: {rows:,} rows read ({share}%)")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
            self.shown = False


@dataclass(frozen=True)
class _Spec:
    """What differs between the two files."""

    kind: str
    columns: tuple[str, ...]
    parse: Callable[[dict], Any]
    key_column: str  # unique within the file
    key: Callable[[Any], str]


ACCOUNTS = _Spec("accounts", ACCOUNT_COLUMNS, parse_account_row, "account_ref", lambda r: r.account_ref)
PAYMENTS = _Spec("payments", PAYMENT_COLUMNS, parse_payment_row, "payment_id", lambda r: r.payment_id)


class _Run:
    """One import: the report, the batch in hand, and where errors go."""

    def __init__(self, store: Store, spec: _Spec, on_error: Callable[[str], None] | None) -> None:
        self.store, self.report, self.on_error = store, ImportReport(spec.kind), on_error
        self.key_column, self._key = spec.key_column, spec.key
        self.batch: list[tuple[int, Any]] = []
        self.rejects: Rejects = []
        self.keys: dict[str, int] = {}  # key -> line, within the batch in hand

    def reject(self, line: int, message: str) -> None:
        self.rejects.append((line, message))

    def add(self, line: int, key: str, item: Any) -> None:
        if key in self.keys:
            self.reject(line, f"line {line}: {self.key_column}: duplicate of line {self.keys[key]}")
            return
        self.keys[key] = line
        self.batch.append((line, item))

    async def flush(self, write: Writer, progress: Progress) -> None:
        if not self.batch:
            self._emit(progress)
            return
        async with self.store.unit() as db:
            earlier = await seen_lines(db, self.keys)  # keys of this batch seen in an earlier one
            good = []
            for n, item in self.batch:
                first = earlier.get(self._key(item))
                if first is None:
                    good.append((n, item))
                else:
                    self.reject(n, f"line {n}: {self.key_column}: duplicate of line {first}")
            await seen_add(db, self.keys.items())
            changed, refused = await write(db, good)
        self.rejects += refused
        self.report.changed += changed
        self.report.unchanged += len(good) - len(refused) - changed
        self._emit(progress)
        self.batch, self.keys = [], {}

    def _emit(self, progress: Progress) -> None:
        if self.rejects:
            progress.clear()
        for _, message in sorted(self.rejects):
            self.report.rejected += 1
            if len(self.report.errors) < KEEP_ERRORS:
                self.report.errors.append(message)
            if self.on_error:
                self.on_error(message)
        self.rejects = []


async def _import(
    store: Store, path: str, spec: _Spec, write: Writer, progress: bool | None,
    on_error: Callable[[str], None] | None,
) -> ImportReport:
    run = _Run(store, spec, on_error)
    try:
        raw = open(path, "rb")  # closed below; its byte position drives the progress bar
    except OSError as exc:
        run.report.fatal = f"{path}: {exc.strerror or 'cannot be read'}"
    else:
        with raw:
            stream = sys.stderr
            bar = Progress(spec.kind, raw, stream.isatty() if progress is None else progress, stream)
            await _read(run, raw, spec, write, bar)
            bar.clear()
    if run.report.fatal and on_error:
        on_error(run.report.fatal)
    return run.report


async def _read(run: _Run, raw: io.BufferedReader, spec: _Spec, write: Writer, bar: Progress) -> None:
    # Bytes that are not UTF-8 become lone surrogates, so the row that holds them is named and
    # skipped instead of the whole file failing somewhere inside an 8 KB decoding chunk.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.DictReader(text)
    line = 1
    try:
        missing = missing_columns(reader.fieldnames, spec.columns)
        if reader.fieldnames is None:
            run.report.fatal = "line 1: the file is empty; a header row is needed"
            return
        if missing:
            run.report.fatal = f"line 1: missing column(s): {', '.join(missing)}"
            return
        reader.fieldnames = [name.strip() for name in reader.fieldnames]  # " balance" is balance
        async with run.store.unit() as db:
            await seen_reset(db)
        for row in reader:
            start, line = line + 1, reader.line_num
            run.report.read += 1
            bar.tick(run.report.read)
            _check(run, start, row, spec.parse)
            if len(run.batch) >= BATCH:
                await run.flush(write, bar)
        await run.flush(write, bar)
    except csv.Error as exc:
        run.report.fatal = f"line {reader.line_num}: {exc}; stopped there"
    if run.report.fatal:  # the rows checked before the damage are as good as any
        await run.flush(write, bar)


def _check(run: _Run, line: int, row: dict, parse: Callable[[dict], Any]) -> None:
    if None in row:  # csv puts the surplus of a too-long row under the key None
        run.reject(line, f"line {line}: (row): more fields than the header has")
        return
    for column, value in row.items():
        if value and _NOT_UTF8.search(value):
            run.reject(line, f"line {line}: {column}: not UTF-8 text")
            return
    try:
        item = parse(row)
    except RowError as exc:
        run.reject(line, f"line {line}: {exc.column}: {exc.reason}")
        return
    run.add(line, run._key(item), item)


def _account_writer(secret: bytes, now: datetime) -> Writer:
    async def write(db: Any, rows: list[tuple[int, Any]]) -> tuple[int, Rejects]:
        items = [item for _, item in rows]
        changed = await upsert_accounts(db, items, now)
        await store_factor_rows(db, secret, items)
        return changed, []
    return write


def _payment_writer(now: datetime, policy: Policy | None) -> Writer:
    async def write(db: Any, rows: list[tuple[int, Any]]) -> tuple[int, Rejects]:
        currencies = await account_currencies(db, (item.account_ref for _, item in rows))
        good, refused = [], []
        for line, item in rows:
            have = currencies.get(item.account_ref)
            if have is None:
                refused.append((line, f"line {line}: account_ref: unknown account {item.account_ref}"))
            elif have != item.currency:
                refused.append((line, f"line {line}: currency: {item.currency} is not the account's {have}"))
            else:
                good.append(item)
        inserted = await insert_payments(db, good, now)
        if policy is not None and inserted:  # same transaction: a payment and the promise it keeps
            from bot.sweeper import apply_new_payments

            await apply_new_payments(db, inserted, policy, now)
        return len(inserted), refused
    return write


async def _audit(store: Store, report: ImportReport, now: datetime) -> None:
    detail = {"read": report.read, "changed": report.changed, "rejected": report.rejected}
    async with store.unit() as db:
        await audit.append(db, "cli", f"import_{report.kind}", None, now, detail)


async def import_accounts(
    store: Store, secret: bytes, path: str, now: datetime, progress: bool | None = None,
    on_error: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import a portfolio file. progress: None draws the bar only when stderr is a terminal."""
    report = await _import(store, path, ACCOUNTS, _account_writer(secret, now), progress, on_error)
    await _audit(store, report, now)
    return report


async def import_payments(
    store: Store, path: str, now: datetime, progress: bool | None = None,
    on_error: Callable[[str], None] | None = None, policy: Policy | None = None,
) -> ImportReport:
    """Import a payments file; a payment already recorded (same payment_id) is left alone.

    With a policy, each new payment is also matched to the account's pending promises.
    """
    report = await _import(store, path, PAYMENTS, _payment_writer(now, policy), progress, on_error)
    await _audit(store, report, now)
    return report
