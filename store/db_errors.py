"""The database errors of either engine, for the doors that turn them into one plain line."""

from __future__ import annotations

import sqlite3

import psycopg

# Anything the database itself refused or could not do (not a file, disk full, connection lost).
DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, psycopg.Error)
# A constraint (or the audit log's append-only trigger) refused a change.
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
