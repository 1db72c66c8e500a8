"""Links as the bank's operator meets them (issue 11 item 10): no link to someone else's bot,
and the file of tokens and phones readable by the operator alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from db_kit import rows

from bot.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(settings) -> Path:
    """conftest's settings, with the test portfolio imported."""
    assert main(["import", "accounts", str(DATA / "portfolio.csv")]) == 0
    return settings


def test_links_without_a_bot_username_refuses_and_issues_nothing(settings, capsys, tmp_path):
    capsys.readouterr()
    out = tmp_path / "links.csv"
    assert main(["links"]) == 2
    assert main(["links", "--out", str(out)]) == 2
    said = capsys.readouterr()
    assert "t.me/" not in said.out
    assert "--bot-username" in said.err and "DEBTDESK_BOT_USERNAME" in said.err
    assert not out.exists()
    assert rows(settings, "SELECT COUNT(*) FROM link_tokens") == [(0,)]


def test_links_use_the_configured_username(settings, capsys, monkeypatch):
    monkeypatch.setenv("DEBTDESK_BOT_USERNAME", "examplebank_help_bot")
    capsys.readouterr()
    assert main(["links"]) == 0
    assert "https://t.me/examplebank_help_bot?start=" in capsys.readouterr().out


def test_links_out_file_is_created_mode_0600(settings, tmp_path):
    old = os.umask(0o022)  # the usual umask, which would leave the file readable by everyone
    try:
        fresh, existing = tmp_path / "links.csv", tmp_path / "old-links.csv"
        existing.write_text("left from last month\n")
        existing.chmod(0o644)
        for path in (fresh, existing):
            assert main(["links", "--bot-username", "examplebank_help_bot", "--out", str(path)]) == 0
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
            assert "examplebank_help_bot?start=" in path.read_text()
    finally:
        os.umask(old)
