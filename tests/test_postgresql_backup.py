"""The README's backup and restore on PostgreSQL, run as written (section "Several instances on
PostgreSQL"): pg_dump of the database, createdb and pg_restore into a new one, and the bot then
answers from the restored copy as from the original, and writes on with new ids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from db_kit import POSTGRESQL, RUN, rows

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SECRET = "test-secret-0123456789abcdef"


def readme_backup_commands() -> list[str]:
    section = (ROOT / "README.md").read_text("utf-8").split("## Several instances on PostgreSQL\n")[1]
    backups = section.split("**Backups.**", 1)[1]
    block = backups.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def on_server(name: str) -> str:
    """POSTGRESQL's server, database `name`."""
    parts = urlsplit(POSTGRESQL)
    return urlunsplit(parts._replace(path="/" + name, query=""))


def admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRESQL, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def databases():
    """A source database of the test's own, and the name the restore will create; both dropped after."""
    source, restored = f"{RUN}backup_source", f"{RUN}backup_restored"
    for name in (source, restored):
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{source}"')
    yield on_server(source), restored
    for name in (source, restored):
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def debtdesk(*args: str, db: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120,
                          env={**clean, "DEBTDESK_SECRET": SECRET, "DEBTDESK_DB": db})


def test_the_readmes_pg_dump_and_pg_restore_bring_back_a_database_the_bot_answers_from(databases, tmp_path):
    source, restored = databases
    lite = str(tmp_path / "before.db")  # loaded on SQLite and moved, as an existing bank would
    assert debtdesk("import", "accounts", str(DATA / "portfolio.csv"), db=lite).returncode == 0
    issued = debtdesk("links", "--bot-username", "debtdesk_demo_bot", db=lite)
    assert issued.returncode == 0, issued.stderr
    moved = debtdesk("migrate-to", source, db=lite)
    assert moved.returncode == 0, moved.stderr
    commands = readme_backup_commands()
    assert [c.split()[0] for c in commands] == ["pg_dump", "createdb", "pg_restore"]
    server = urlsplit(POSTGRESQL)
    script = "\n".join(commands)
    host = server.netloc.split("@")[-1]
    script = (script.replace("USER:PASSWORD@", f"{server.username}@").replace("HOST:5432", host)
              .replace("--host=HOST", f"--host={server.hostname} --port={server.port or 5432}")
              .replace("--username=USER", f"--username={server.username}")
              .replace("debtdesk_restored", restored))
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DEBTDESK_DB": source})
    assert done.returncode == 0, done.stderr
    copy = on_server(restored)
    for ref in ("CN-0001", "CN-0002"):
        shown = [debtdesk("show", ref, "--as-of", "2026-03-01", db=db) for db in (source, copy)]
        assert shown[1].returncode == 0 and shown[1].stdout == shown[0].stdout
    query = "SELECT * FROM links_issued ORDER BY id"
    assert rows(copy, query) == rows(source, query)
    # Writing on in the restored copy: new ids follow the ones restored.
    (last,) = rows(copy, "SELECT MAX(id) FROM links_issued")[0]
    again = debtdesk("links", "--bot-username", "debtdesk_demo_bot", "--account", "CN-0001", db=copy)
    assert again.returncode == 0, again.stderr
    assert rows(copy, "SELECT MAX(id) FROM links_issued") == [(last + 1,)]
