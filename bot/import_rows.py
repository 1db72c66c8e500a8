"""Checking a chunk of the bank's file: pure and picklable, so the importer can run it in a worker.

A chunk is a list of (line, fields) as csv.reader gave them. The answer has one outcome per row,
in order: (line, key, item) for a good row, (line, None, "line N: column: reason") for a bad one.
For the portfolio, item is already what the database takes (the `accounts` values and the three
keyed factor digests), so the work that costs per row (parsing, phone checks, hashing) happens
here and the importer's own process only writes.
"""

from __future__ import annotations

import marshal
import pickle
import re
from dataclasses import dataclass
from typing import Any

from debt.portfolio import RowError, parse_account_row, parse_payment_row
from store.accounts import account_params
from store.tokens import factor_digests

_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # undecodable bytes, as errors="surrogateescape" keeps them
Outcome = tuple[int, str | None, Any]


@dataclass(frozen=True)
class Context:
    """What a worker needs besides the rows: which file, its header, and for accounts the digest key
    and the time stamped on every written row."""

    kind: str  # accounts | payments
    fieldnames: tuple[str, ...]
    secret: bytes = b""
    updated_at: str = ""


def _account(context: Context, row: dict[str, str]) -> tuple[str, Any]:
    parsed = parse_account_row(row)
    return parsed.account_ref, (account_params(parsed, context.updated_at),
                                factor_digests(context.secret, parsed))


def _payment(context: Context, row: dict[str, str]) -> tuple[str, Any]:
    parsed = parse_payment_row(row)
    return parsed.payment_id, parsed


_PREPARE = {"accounts": _account, "payments": _payment}


def _not_utf8(row: dict[str, str]) -> str | None:
    """The first column holding bytes that were not UTF-8, or None (one search for the usual row)."""
    if not _NOT_UTF8.search("".join(row.values())):
        return None
    return next(column for column, value in row.items() if _NOT_UTF8.search(value))


def check_chunk(context: Context, rows: list[tuple[int, list[str]]]) -> list[Outcome]:
    """Each row's outcome, in order: (line, key, item) or (line, None, error message)."""
    prepare, names = _PREPARE[context.kind], context.fieldnames
    outcomes: list[Outcome] = []
    for line, fields in rows:
        if len(fields) > len(names):
            outcomes.append((line, None, f"line {line}: (row): more fields than the header has"))
            continue
        row = dict(zip(names, fields, strict=False))  # a short row lacks its last columns, like DictReader
        column = _not_utf8(row)
        if column is not None:
            outcomes.append((line, None, f"line {line}: {column}: not UTF-8 text"))
            continue
        try:
            key, item = prepare(context, row)
        except RowError as exc:
            outcomes.append((line, None, f"line {line}: {exc.column}: {exc.reason}"))
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
