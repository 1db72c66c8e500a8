"""Issue 14, operations: `debtdesk migrate` on both engines, and `debtdesk migrate-to` moving the
demo's SQLite database into PostgreSQL, checked table by table, after which the bot answers from
PostgreSQL as it did from SQLite. The target is always a PostgreSQL schema of the test's own
(tests/db_kit.py postgresql_database), on a SQLite run too."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from db_kit import database, drop_database, newer, postgresql_database, rows

from bot.cli import main
from store.migrations_files import migrations

SECRET = "test-secret-0123456789abcdef"
AS_OF = "2026-12-02"
LATEST = migrations()[-1][0]


def debtdesk(*args: str, db: str, typed: str | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own (the demo reads its stdin)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=typed, capture_output=True, text=True,
                          env={**clean, "DEBTDESK_SECRET": SECRET, "DEBTDESK_DB": db}, timeout=120)


@dataclass
class Said:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, capsys):
    """`debtdesk ARGS` with DEBTDESK_DB=db, run in this process (as tests/test_cli.py does)."""
    for key in [k for k in os.environ if k.startswith("DEBTDESK_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DEBTDESK_SECRET", SECRET)

    def run(*args: str, db: str) -> Said:
        monkeypatch.setenv("DEBTDESK_DB", db)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Said(code, out, err)

    return run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The uk demo's database after a person signed in (once wrongly), made a promise and switched
    language, with links issued for two accounts: rows in most tables."""
    where = tmp_path_factory.mktemp("demo")
    path = where / "demo.db"
    listing = debtdesk("demo", "--policy", "uk", "--db", str(path), db="", typed="/quit\n").stdout
    english = r"reference (DEMO-\d+), date of birth ([\d-]+), .*language English"
    ref, dob = re.search(english, listing).groups()
    typed = f"{ref}\n1970-01-01\n{ref}\n{dob}\n/promise\n1\n1\n1\n/language\n2\n/quit\n"
    chat = debtdesk("demo", "--policy", "uk", "--db", str(path), db="", typed=typed)
    assert "is recorded" in chat.stdout, chat.stdout
    issued = debtdesk("links", "--bot-username", "debtdesk_demo_bot", "--account", "DEMO-0003",
                      "--account", "DEMO-0004", db=str(path))
    assert issued.returncode == 0, issued.stderr
    return path


@pytest.fixture
def demo(demo_file, tmp_path) -> str:
    """A copy of the demo database of this test's own."""
    shutil.copy(demo_file, tmp_path / "demo.db")
    return str(tmp_path / "demo.db")


@pytest.fixture
def target(tmp_path):
    url = postgresql_database(tmp_path, "migrate-to target")
    yield url
    drop_database(url)


def table_lines(out: str) -> dict[str, list[str]]:
    """migrate-to's table: name -> [rows there, rows here, digest there, digest here, verdict]."""
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["table", "rows"]
    return {cells[0]: cells[1:] for cells in (line.split() for line in lines[1:]) if len(cells) == 6}


def execute(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def sqlite_tables(path: str) -> list[str]:
    return [name for (name,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%'")]


def test_the_demo_database_moves_with_every_count_and_digest_equal(demo, target, cli):
    moved = cli("migrate-to", target, db=demo)
    assert moved.returncode == 0, moved.stderr
    assert moved.stderr == ""
    table = table_lines(moved.stdout)
    assert set(table) == set(sqlite_tables(demo))  # every table, and nothing else
    for name, (here, there, digest_here, digest_there, verdict) in table.items():
        (count,) = rows(demo, f"SELECT COUNT(*) FROM {name}")[0]
        assert (int(here), int(there), verdict) == (count, count, "equal"), name
        assert digest_here == digest_there and re.fullmatch(r"[0-9a-f]{16}", digest_here)
    for busy in ("accounts", "factors", "chats", "verify_attempts", "promises", "outbox", "audit",
                 "link_tokens", "links_issued"):
        assert int(table[busy][0]) > 0, f"the demo left {busy} empty: the move shows nothing there"
    assert moved.stdout.splitlines()[-1] == (
        f"moved: {len(table)} tables, every row count and digest equal")
    # The rows themselves, read back: the same on both sides.
    for name in ("promises", "chats", "audit"):
        query = f"SELECT * FROM {name} ORDER BY 1"
        assert rows(target, query) == rows(demo, query)


def test_the_bot_then_answers_from_postgresql_as_it_did_from_sqlite(demo, target, cli):
    assert cli("migrate-to", target, db=demo).returncode == 0
    promised = rows(demo, "SELECT account_ref FROM promises")[0][0]
    for ref in (promised, "DEMO-0003"):
        from_sqlite = cli("show", ref, "--as-of", AS_OF, db=demo)
        from_postgresql = cli("show", ref, "--as-of", AS_OF, db=target)
        assert from_postgresql.returncode == 0 and from_postgresql.stdout == from_sqlite.stdout
        assert ref in from_postgresql.stdout
    promises = [cli("export", "promises", "--format", "json", db=db).stdout for db in (demo, target)]
    assert promises[0] == promises[1] and f'"account_ref": "{promised}"' in promises[1]
    # New rows on PostgreSQL take ids past the ones moved (each identity restarts above them).
    before = rows(target, "SELECT MAX(id) FROM links_issued")[0][0]
    issued = cli("links", "--bot-username", "debtdesk_demo_bot", "--account", "DEMO-0005", db=target)
    assert issued.returncode == 0, issued.stderr
    assert rows(target, "SELECT MAX(id) FROM links_issued")[0][0] == before + 1


def test_a_database_that_holds_rows_is_refused_and_left_as_it_was(demo, target, cli):
    assert cli("migrate-to", target, db=demo).returncode == 0
    again = cli("migrate-to", target, db=demo)
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr.startswith("debtdesk: the PostgreSQL database is not empty (accounts, ")
    assert again.stderr.endswith("migrate-to moves into an empty database only\n")
    assert again.stderr.count("\n") == 1
    (count,) = rows(demo, "SELECT COUNT(*) FROM accounts")[0]
    assert rows(target, "SELECT COUNT(*) FROM accounts") == [(count,)]  # nothing copied twice


def test_the_check_names_a_table_whose_rows_differ(demo, target, cli):
    assert cli("migrate-to", target, db=demo).returncode == 0
    same = cli("migrate-to", target, "--check", db=demo)
    assert same.returncode == 0 and same.stdout.splitlines()[-1].startswith("compared: ")
    execute(target, "UPDATE accounts SET balance = '0.01' WHERE account_ref = 'DEMO-0003'")
    changed = cli("migrate-to", target, "--check", db=demo)
    assert changed.returncode == 1
    assert changed.stderr == "debtdesk: these tables differ: accounts\n"
    table = table_lines(changed.stdout)
    here, there, digest_here, digest_there, verdict = table["accounts"]
    assert here == there and digest_here != digest_there and verdict == "DIFFERS"
    assert all(line[-1] == "equal" for name, line in table.items() if name != "accounts")


def test_awkward_text_and_keys_move_exactly(tmp_path, target, cli):
    """Tabs, newlines, backslashes, NULL beside an empty string, keys that sort differently
    by bytes than by a language's rules: each row arrives as it was, and the digests agree."""
    path = str(tmp_path / "awkward.db")
    assert cli("migrate", db=path).returncode == 0
    names = ["tab\there", "line\nbreak\r", "back\\slash \\N", "", "Ünïcödé 名字"]
    refs = ["a-1", "B-2", "É-3", "z-4", "Z-5"]
    with sqlite3.connect(path) as conn:
        for ref, name in zip(refs, names, strict=True):
            conn.execute(
                "INSERT INTO accounts (account_ref, customer_name, phone, locale, currency, product, "
                "credit_limit, balance, minimum_due, overdue_amount, oldest_due_date, fees_charged, "
                "interest_charged, status, updated_at) VALUES (?, ?, '+447400000000', 'en', 'GBP', 'card', "
                "'0', '1.00', '0', '0', ?, '0', '0', 'open', '2026-01-01T00:00:00+00:00')",
                (ref, name, None if ref == "B-2" else ""))
    moved = cli("migrate-to", target, db=path)
    assert moved.returncode == 0, moved.stderr
    assert table_lines(moved.stdout)["accounts"][:2] == ["5", "5"]
    query = "SELECT account_ref, customer_name, oldest_due_date FROM accounts ORDER BY account_ref"
    assert sorted(rows(target, query)) == sorted(rows(path, query))


def test_migrate_says_the_schema_version_before_and_after_on_both_engines(tmp_path, target, cli):
    for db in (str(tmp_path / "fresh.db"), target):
        first = cli("migrate", db=db)
        assert (first.returncode, first.stdout) == (0, f"schema version 0 before, {LATEST} after\n")
        again = cli("migrate", db=db)
        assert again.stdout == f"schema version {LATEST} before, {LATEST} after\n"


def test_migrate_refuses_a_database_from_a_newer_debtdesk_on_both_engines(tmp_path, target, cli):
    for db in (database(tmp_path, "newer.db"), target):
        assert cli("migrate", db=db).returncode == 0
        newer(db, 999)
        refused = cli("migrate", db=db)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"debtdesk: the database has schema version 999; this debtdesk knows up to {LATEST}\n")


def test_backup_on_postgresql_points_to_pg_dump(tmp_path, target, cli):
    said = cli("backup", str(tmp_path / "copy.db"), db=target)
    assert said.returncode == 2 and said.stderr.count("\n") == 1
    assert said.stderr.startswith("debtdesk: on PostgreSQL, back up with pg_dump")
    assert not (tmp_path / "copy.db").exists()


def test_migrate_to_refuses_what_it_cannot_move(tmp_path, target, cli):
    missing = cli("migrate-to", target, db=str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "none.db").exists()  # not made by asking
    path = str(tmp_path / "some.db")
    assert cli("migrate", db=path).returncode == 0
    not_a_url = cli("migrate-to", str(tmp_path / "other.db"), db=path)
    assert not_a_url.returncode == 2 and "postgresql:// URL" in not_a_url.stderr
    from_postgresql = cli("migrate-to", target, db=target)
    assert from_postgresql.returncode == 2 and "already a PostgreSQL database" in from_postgresql.stderr
