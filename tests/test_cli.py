"""The `debtdesk` command as an operator meets it: help, settings errors, import exit codes, backup."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from db_kit import database, exists, newer, sqlite_only

from bot.cli import main

DATA = Path(__file__).parent / "data"
COMMANDS = ("import", "links", "show", "export", "report", "sweep", "backup", "run", "demo")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_help_lists_every_command_with_a_description():
    result = _run("--help")
    assert result.returncode == 0
    listed = {line.split()[0]: line for line in result.stdout.splitlines()
              if line.startswith("    ") and line.split()[0] in COMMANDS}
    assert set(listed) == set(COMMANDS)
    assert all(len(line.split()) > 2 for line in listed.values())  # a name and words about it


def test_a_bad_policy_is_one_line_without_a_traceback(tmp_path, secret):
    result = _run("report", DEBTDESK_SECRET=secret.decode(), DEBTDESK_DB=database(tmp_path, "x.db"),
                  DEBTDESK_POLICY=str(tmp_path / "missing.toml"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("debtdesk: DEBTDESK_POLICY: ")
    assert "Traceback" not in result.stderr


def test_every_command_but_the_demo_needs_the_secret(settings, monkeypatch, capsys):
    monkeypatch.delenv("DEBTDESK_SECRET")
    assert main(["report"]) == 2
    assert capsys.readouterr().err == (
        "debtdesk: DEBTDESK_SECRET is not set: every command but the demo needs it\n")
    assert not exists(settings)  # refused before touching the database


def test_import_exits_1_naming_bad_rows_and_a_second_import_changes_nothing(settings, capsys):
    assert main(["import", "accounts", str(DATA / "portfolio_broken.csv")]) == 1
    out, err = capsys.readouterr()
    assert out == "accounts: 7 rows read, 2 changed, 0 unchanged, 5 rejected\n"
    assert err.splitlines()[0] == "line 3: date_of_birth: not a date YYYY-MM-DD"
    assert len(err.splitlines()) == 5
    assert main(["import", "accounts", str(DATA / "portfolio.csv")]) == 0
    assert main(["import", "accounts", str(DATA / "portfolio.csv")]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == "accounts: 5 rows read, 0 changed, 5 unchanged, 0 rejected"


def test_a_missing_file_is_one_line_and_exit_1(settings, capsys, tmp_path):
    assert main(["import", "payments", str(tmp_path / "nope.csv")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'nope.csv'}: No such file or directory\n"


def test_a_database_from_a_newer_debtdesk_is_refused(settings, capsys):
    newer(settings, 999)
    assert main(["show", "CN-0001"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("debtdesk: the database has schema version 999") and err.count("\n") == 1


@sqlite_only  # PostgreSQL is backed up with pg_dump (README)
def test_backup_copies_the_database_and_never_overwrites(settings, capsys, tmp_path):
    main(["import", "accounts", str(DATA / "portfolio.csv")])
    target = tmp_path / "backup.db"
    assert main(["backup", str(target)]) == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 5
    capsys.readouterr()
    assert main(["backup", str(target)]) == 2
    assert "exists" in capsys.readouterr().err


def test_links_promises_and_report_run_on_the_data_there_is(settings, capsys, tmp_path):
    main(["import", "accounts", str(DATA / "portfolio.csv")])
    links = tmp_path / "links.csv"
    assert main(["links", "--bot-username", "debtdesk_demo_bot", "--out", str(links)]) == 0
    lines = links.read_text().splitlines()
    assert lines[0] == "account_ref,phone,link" and len(lines) == 3  # the two open overdue accounts
    capsys.readouterr()
    assert main(["export", "promises", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["report", "--format", "json"]) == 0  # up to the end of today: the links just issued
    report = json.loads(capsys.readouterr().out)
    assert (report["links_issued"], report["chats_verified"]) == (2, 0)


def test_json_logs_carry_time_level_logger_message_and_no_phone_number(capsys):
    import logging

    from bot.logging_setup import setup_logging

    setup_logging("json")
    try:
        logging.getLogger("debtdesk.test").warning("reminder for %s failed", "+86 138 1234 5678")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        setup_logging("text")
    assert set(line) == {"time", "level", "logger", "message"}
    assert (line["level"], line["logger"]) == ("WARNING", "debtdesk.test")
    assert line["message"] == "reminder for *** failed"


def test_a_file_that_is_not_a_database_is_one_line_and_the_process_ends(tmp_path, secret):
    bad = tmp_path / "not.db"
    bad.write_text("these are not the pages of an SQLite database, " * 100)
    result = _run("show", "CN-0001", DEBTDESK_SECRET=secret.decode(), DEBTDESK_DB=str(bad))
    assert result.returncode == 2
    assert result.stderr == f"debtdesk: database {bad}: file is not a database\n"


def test_output_piped_into_a_reader_that_leaves_early_ends_without_a_traceback(tmp_path):
    """`debtdesk demo | head -3`: the reader closes the pipe, and nobody sees a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    command = f"printf '/quit\\n' | {sys.executable} -m bot demo | head -3"
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert "This is the debtdesk demo" in done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
