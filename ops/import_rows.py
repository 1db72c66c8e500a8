"""Checking a chunk of the bank's file: pure and picklable, so the importer can run it in a worker.

A chunk is a list of (line, fields) as csv.reader gave them. The answer has one outcome per row,
in order: (line, key, item) for a good row, (line, None, "line N: column: reason") for a bad one.
For the portfolio, item is already what the database takes (the `accounts` values and the three
keyed factor digests), so the work that costs per row (parsing, phone checks, hashing) happens
here and the importer's own process only writes.
"""

from __future__ import annotations

import marshal
import os
import pickle
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from debt.portfolio import RowError, parse_account_row, parse_payment_row
from store.accounts import account_params
from store.tokens import factor_digests

# undecodable bytes (as errors="surrogateescape" keeps them) and NUL, which no field may hold
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")
_NUL = "\x00"
RowOutcome = tuple[int, str | None, Any]  # (line, key, item), or (line, None, the error message)


@dataclass(frozen=True)
class Context:
    """What a worker needs besides the rows: which file, its header, and for accounts the digest key
    and the time stamped on every written row."""

    kind: str  # accounts | payments
    fieldnames: tuple[str, ...]
    secret: bytes = b""
    updated_at: str = ""
    now: str = ""  # the import's instant (aware ISO): payments later than it are refused
    as_of: str = ""  # accounts: the file's as-of date for rows without an as_of column
    today: str = ""  # accounts: the import's day; no as-of date may be later
    currencies: tuple[str, ...] = ()  # accounts: the policy's currencies (empty: any)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _account(context: Context, row: dict[str, str]) -> tuple[str, Any]:
    parsed = parse_account_row(row, _day(context.as_of), _day(context.today), context.currencies)
    as_of = parsed.as_of.isoformat() if parsed.as_of else ""
    return parsed.account_ref, (account_params(parsed, context.updated_at),
                                factor_digests(context.secret, parsed), as_of)


def _payment(context: Context, row: dict[str, str]) -> tuple[str, Any]:
    """A reversal (a negative amount) shares its payment's payment_id, so it has a key of its own:
    a payment and its reversal may come in one file, and either twice is a duplicate."""
    parsed = parse_payment_row(row, datetime.fromisoformat(context.now) if context.now else None)
    return (parsed.payment_id if parsed.amount >= 0 else f"{parsed.payment_id} (reversal)"), parsed


_PREPARE = {"accounts": _account, "payments": _payment}


def prepare_row(context: Context, row: dict[str, str]) -> tuple[str, Any]:
    """One row, checked and made ready to write: (key, item); RowError names every problem.
    The bank API's batches (ops/api_batches.py) check their items with it, one by one."""
    return _PREPARE[context.kind](context, row)


def not_text(row: dict[str, str]) -> str | None:
    """`column: reason` for the first column holding bytes that were not UTF-8 or a NUL byte, or
    None (one search for the usual row)."""
    if not _NOT_TEXT.search("".join(row.values())):
        return None
    column, value = next((c, v) for c, v in row.items() if _NOT_TEXT.search(v))
    return f"{column}: holds a NUL byte" if _NUL in value else f"{column}: not UTF-8 text"


def check_chunk(context: Context, rows: list[tuple[int, list[str] | str]]) -> list[RowOutcome]:
    """Each row's outcome, in order: (line, key, item) or (line, None, error message)."""
    prepare, names = _PREPARE[context.kind], context.fieldnames
    outcomes: list[RowOutcome] = []
    for line, fields in rows:
        if isinstance(fields, str):  # the reader could not split this row: its message
            outcomes.append((line, None, fields))
            continue
        if len(fields) > len(names):
            outcomes.append((line, None, f"line {line}: (row): more fields than the header has"))
            continue
        row = dict(zip(names, fields, strict=False))  # a short row lacks its last columns, like DictReader
        problem = not_text(row)
        if problem is not None:
            outcomes.append((line, None, f"line {line}: {problem}"))
            continue
        try:
            key, item = prepare(context, row)
        except RowError as exc:  # every problem of the row: "column: reason; column: reason"
            outcomes.append((line, None, f"line {line}: {exc}"))
            continue
        outcomes.append((line, key, item))
    return outcomes


def pack(value: Any) -> bytes:
    """Bytes for the pipe to or from a worker: marshal where it can (strings, numbers, tuples and
    lists: 4x quicker than pickle), pickle for the rest (a payment's Decimal)."""
    try:
        return b"m" + marshal.dumps(value)
    except ValueError:
        return b"p" + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> Any:
    return marshal.loads(data[1:]) if data[:1] == b"m" else pickle.loads(data[1:])


def check_packed(context: Context, rows: bytes) -> bytes:
    """check_chunk for a worker process, packed both ways: the importer's process then unpacks the
    answer when it is ready for it, not in a background thread that would take the GIL from its
    SQLite writes for every row."""
    return pack(check_chunk(context, unpack(rows)))


def watch_parent(parent: int) -> None:
    """A worker's initializer: exit as soon as the importer that started it is gone.

    A SIGKILLed importer closes nothing, and the worker, blocked on a queue whose write end it
    holds itself, would wait for ever. Reparenting changes getppid(), which a thread polls."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
