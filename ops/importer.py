"""Reading the bank's portfolio and payments files (CSV, UTF-8, a header row).

The file is streamed: rows are checked one by one and written in batches of BATCH rows, one
transaction each, so a million-row file needs no more memory than a small one. Every bad row
is reported as `line N: column: reason` and skipped; the good rows are imported. Importing
the same file twice changes nothing the second time.

A big file is checked in chunks by worker processes (ops/import_rows.py) while this process
writes the chunks already checked, in file order; at most AHEAD chunks are in flight. The
workers are spawned, so a script that calls import_accounts or import_payments must keep its
own top-level code under `if __name__ == "__main__":` (the `debtdesk` command does). A worker
exits by itself when this process dies, even by SIGKILL (ops/import_rows.watch_parent).

What a batch does to the rows already held (an older portfolio refused, later payments applied
on top, a payment_id seen with other values refused) is in ops/import_writers.py.
"""

from __future__ import annotations

import asyncio
import csv
import io
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from debt.local_time import bank_today
from debt.policy import Policy
from debt.portfolio import ACCOUNT_COLUMNS, PAYMENT_COLUMNS, missing_columns
from ops.import_rows import Context, RowOutcome, check_chunk, check_packed, pack, unpack, watch_parent
from ops.import_writers import Writer, account_writer, payment_writer
from store import audit
from store.accounts import seen_before, seen_reset
from store.db import Store

BATCH = 5000
# Files this big are checked in worker processes while this one writes; smaller ones inline,
# where starting the workers (~0.5 s) would cost more than it saves.
POOL_MIN_BYTES = 4_000_000
# Checking costs ~50 µs a row, writing ~30: two workers keep this process's writes busy.
WORKERS = 2
AHEAD = 3  # chunks handed to the workers beyond the one being written: bounds the memory in flight
KEEP_ERRORS = 1000  # the report keeps this many messages; on_error hears every one
Rejects = list[tuple[int, str]]


@dataclass
class ImportReport:
    kind: str  # accounts | payments
    read: int = 0  # data rows read
    changed: int = 0  # new or different rows written
    unchanged: int = 0  # good rows identical to what the database already held
    rejected: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: column: reason", the first KEEP_ERRORS
    notes: list[str] = field(default_factory=list)  # rows imported with a remark (a credit), likewise
    fatal: str | None = None  # the file could not be read to the end (or at all)

    @property
    def failed(self) -> bool:
        return bool(self.rejected or self.fatal)



class ProgressDisplay(Protocol):
    """Where the counts go while a file is read (the CLI draws them on a terminal, bot/cli_import.py)."""

    def tick(self, rows: int, share: int) -> None:
        """Every 1000 rows: the rows read so far and the percent of the file's bytes read."""

    def clear(self) -> None:
        """Before a refused row is told, and at the end."""


class Progress:
    """Counts from the file's byte position to a display, if there is one."""

    def __init__(self, raw: io.BufferedReader, display: ProgressDisplay | None) -> None:
        self.raw, self.display = raw, display
        self.total = max(os.fstat(raw.fileno()).st_size, 1)

    def tick(self, rows: int) -> None:
        if self.display is not None and rows % 1000 == 0:
            self.display.tick(rows, min(100, self.raw.tell() * 100 // self.total))

    def clear(self) -> None:
        if self.display is not None:
            self.display.clear()


@dataclass(frozen=True)
class _Spec:
    """What differs between the two files."""

    kind: str
    columns: tuple[str, ...]
    key_column: str  # unique within the file


ACCOUNTS = _Spec("accounts", ACCOUNT_COLUMNS, "account_ref")
PAYMENTS = _Spec("payments", PAYMENT_COLUMNS, "payment_id")


@dataclass
class _Batch:
    """Rows gathered for one write, and the rows refused while they were read."""

    rows: list[tuple[int, str, Any]] = field(default_factory=list)  # (line, key, item)
    keys: dict[str, int] = field(default_factory=dict)  # key -> line, within this batch
    rejects: Rejects = field(default_factory=list)


class _Run:
    """One import: the report, the batch being filled, and where errors go. (Writing a batch in
    a task of its own while the next one is read was measured, 2026-12-02: no quicker on either
    engine, as the checking workers and the database already share the cores.)"""

    def __init__(self, store: Store, spec: _Spec, write: Writer, progress: Progress,
                 on_error: Callable[[str], None] | None) -> None:
        self.store, self.report, self.on_error = store, ImportReport(spec.kind), on_error
        self.key_column, self.write, self.progress = spec.key_column, write, progress
        self.batch = _Batch()

    def reject(self, line: int, message: str) -> None:
        self.batch.rejects.append((line, message))

    def add(self, line: int, key: str, item: Any) -> None:
        keys = self.batch.keys
        if key in keys:
            self.reject(line, f"line {line}: {self.key_column}: duplicate of line {keys[key]}")
            return
        keys[key] = line
        self.batch.rows.append((line, key, item))

    async def take(self, outcomes: list[RowOutcome]) -> None:
        """A checked chunk's rows, in file order; a full batch goes to be written as soon as it fills."""
        for line, key, item in outcomes:
            if key is None:
                self.reject(line, item)
            else:
                self.add(line, key, item)
            if len(self.batch.rows) >= BATCH:
                await self.hand_over()

    async def hand_over(self) -> None:
        """Write the batch in hand; its refused rows are told even if it has no rows."""
        batch, self.batch = self.batch, _Batch()
        await self._flush(batch)

    async def _flush(self, batch: _Batch) -> None:
        rejects, notes = batch.rejects, []
        if batch.rows:
            async with self.store.unit() as db:
                earlier = await seen_before(db, batch.keys)  # keys of this batch seen in an earlier one
                good = []
                for n, key, item in batch.rows:
                    first = earlier.get(key)
                    if first is None:
                        good.append((n, item))
                    else:
                        rejects.append((n, f"line {n}: {self.key_column}: duplicate of line {first}"))
                written = await self.write(db, good)
            rejects += written.refused
            notes = written.notes
            self.report.changed += written.changed
            self.report.unchanged += len(good) - len(written.refused) - written.changed
        self._emit(rejects, notes)

    def _emit(self, rejects: Rejects, notes: Rejects) -> None:
        if rejects or notes:
            self.progress.clear()
        for _, message, error in sorted([(n, m, True) for n, m in rejects]
                                        + [(n, m, False) for n, m in notes]):
            self.report.rejected += error
            kept = self.report.errors if error else self.report.notes
            if len(kept) < KEEP_ERRORS:
                kept.append(message)
            if self.on_error:
                self.on_error(message)


class _Checker:
    """Hands chunks of rows to check_chunk, inline or in worker processes; answers come in order."""

    def __init__(self, context: Context, pool: ProcessPoolExecutor | None) -> None:
        self.context, self.pool = context, pool

    def submit(self, rows: list[tuple[int, list[str]]]) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        if self.pool is None:
            done = loop.create_future()
            done.set_result(check_chunk(self.context, rows))
            return done
        return loop.run_in_executor(self.pool, check_packed, self.context, pack(rows))

    async def answer(self, submitted: asyncio.Future) -> list[RowOutcome]:
        result = await submitted
        return result if self.pool is None else unpack(result)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@asynccontextmanager
async def _checker(context: Context, size: int) -> AsyncIterator[_Checker]:
    if size < POOL_MIN_BYTES or _cpus() < 2:
        yield _Checker(context, None)
        return
    # spawn, not fork: this process has threads (aiosqlite's), and a forked child could inherit
    # a lock one of them held.
    # a worker outlives a SIGKILLed parent unless it watches for that itself
    pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=watch_parent, initargs=(os.getpid(),))
    try:
        yield _Checker(context, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


async def _import(
    store: Store, path: str, spec: _Spec, context: Context, write: Writer,
    progress: ProgressDisplay | None, on_error: Callable[[str], None] | None,
) -> ImportReport:
    async with store.pinned() as one:  # PostgreSQL: the keys seen stay on one connection
        return await _import_on(one, path, spec, context, write, progress, on_error)


async def _import_on(
    store: Store, path: str, spec: _Spec, context: Context, write: Writer,
    progress: ProgressDisplay | None, on_error: Callable[[str], None] | None,
) -> ImportReport:
    try:
        raw = open(path, "rb")  # closed below; its byte position drives the progress bar
    except OSError as exc:
        report = ImportReport(spec.kind, fatal=f"{path}: {exc.strerror or 'cannot be read'}")
    else:
        with raw:
            bar = Progress(raw, progress or None)  # progress=False: none, as None
            run = _Run(store, spec, write, bar, on_error)
            await _read(run, raw, spec, context)
            bar.clear()
            report = run.report
    if report.fatal and on_error:
        on_error(report.fatal)
    return report


async def _read(run: _Run, raw: io.BufferedReader, spec: _Spec, context: Context) -> None:
    # Bytes that are not UTF-8 become lone surrogates, so the row that holds them is named and
    # skipped instead of the whole file failing somewhere inside an 8 KB decoding chunk.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        run.report.fatal = f"line {reader.line_num}: {exc}; stopped there"
        return
    missing = missing_columns(header, spec.columns)
    if header is None:
        run.report.fatal = "line 1: the file is empty; a header row is needed"
        return
    if missing:
        run.report.fatal = f"line 1: missing column(s): {', '.join(missing)}"
        return
    context = replace(context, fieldnames=tuple(name.strip() for name in header))  # " balance" is balance
    async with run.store.unit() as db:
        await seen_reset(db)
    async with _checker(context, os.fstat(raw.fileno()).st_size) as checker:
        await _check_all(run, reader, checker)
    await run.hand_over()  # the last batch, and the rows refused since the one before


async def _check_all(run: _Run, reader: Any, checker: _Checker) -> None:
    """Read rows in chunks; while workers check the next ones, the checked ones are written."""
    chunk: list[tuple[int, list[str]]] = []
    pending: deque[asyncio.Future] = deque()
    line = 1
    while True:
        try:
            fields: list[str] | str | None = next(reader, None)
        except csv.Error as exc:  # e.g. a field over the limit: that row is refused, the next one read
            fields = f"line {line + 1}: (row): {exc}; the row is skipped"
        if fields is None:
            break
        if not fields:  # a blank line: skipped, but the next row's line number counts it
            line = reader.line_num
            continue
        start, line = line + 1, reader.line_num
        run.report.read += 1
        run.progress.tick(run.report.read)
        chunk.append((start, fields))  # a str is the row's error, kept in file order
        if len(chunk) >= BATCH:
            pending.append(checker.submit(chunk))
            chunk = []
        while len(pending) > AHEAD:
            await run.take(await checker.answer(pending.popleft()))
    if chunk:
        pending.append(checker.submit(chunk))
    while pending:
        await run.take(await checker.answer(pending.popleft()))


async def _audit(store: Store, report: ImportReport, now: datetime) -> None:
    detail = {"read": report.read, "changed": report.changed, "rejected": report.rejected}
    async with store.unit() as db:
        await audit.append(db, "cli", f"import_{report.kind}", None, now, detail)


def account_context(secret: bytes, now: datetime, policy: Policy | None,
                    as_of: date | None = None) -> Context:
    """What checking a portfolio row needs (the file's and the bank API's): the digest key, the
    import's instant and day, the default as-of date and the policy's currency."""
    today = bank_today(policy, now)  # the import's day where the bank is, else in UTC
    currencies = (policy.currency,) if policy else ()
    return Context("accounts", (), secret, now.isoformat(), as_of=(as_of or today).isoformat(),
                   today=today.isoformat(), currencies=currencies)


async def import_accounts(
    store: Store, secret: bytes, path: str, now: datetime, progress: ProgressDisplay | None = None,
    on_error: Callable[[str], None] | None = None, policy: Policy | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import a portfolio file; progress (optional) hears the counts as the file is read.

    as_of: the day the file's figures are as of, for rows without an `as_of` column (default: the
    import's day). With a policy, an account in another currency than the policy's is refused."""
    today = bank_today(policy, now)  # the import's day where the bank is, else in UTC
    if as_of is not None and as_of > today:  # every row would be refused for it: say it once
        report = ImportReport("accounts", fatal=f"as_of: {as_of} is in the future; nothing imported")
        if on_error:
            on_error(report.fatal)
        return report
    context = account_context(secret, now, policy, as_of)
    report = await _import(store, path, ACCOUNTS, context, account_writer(), progress, on_error)
    await _audit(store, report, now)
    return report


async def import_payments(
    store: Store, path: str, now: datetime, progress: ProgressDisplay | None = None,
    on_error: Callable[[str], None] | None = None, policy: Policy | None = None,
) -> ImportReport:
    """Import a payments file; a payment already recorded (same payment_id, same values) is left
    alone, one recorded with other values is refused, one dated after `now` too. on_error hears
    every refused row and every note (a payment above the balance, kept as a credit).

    With a policy, each new payment is also matched to the account's pending promises.
    """
    context = Context("payments", (), now=now.isoformat())
    report = await _import(store, path, PAYMENTS, context, payment_writer(now, policy), progress, on_error)
    await _audit(store, report, now)
    return report
