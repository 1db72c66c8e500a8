"""`debtdesk refuse-contact REF [--withdraw]`: staff record the debtor's refusal of contact
(issue 16; Russia's 230-FZ art. 8), and `show` and the queue export follow it."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main

DATA = Path(__file__).parent / "data"


def test_refusing_and_withdrawing_contact_from_the_command_line(settings, capsys):
    assert main(["import", "accounts", str(DATA / "portfolio.csv")]) == 0
    capsys.readouterr()
    assert main(["refuse-contact", "CN-0003"]) == 0
    assert "CN-0003 recorded: nothing unprompted is sent" in capsys.readouterr().err
    assert main(["refuse-contact", "CN-0003"]) == 0
    assert "(already so)" in capsys.readouterr().err
    assert main(["show", "CN-0003"]) == 0
    page = capsys.readouterr().out
    assert "refused contact (nothing unprompted is sent)" in page and "contact refused on" in page
    assert main(["export", "queue"]) == 0
    assert "CN-0003" not in capsys.readouterr().out
    assert main(["refuse-contact", "CN-0003", "--withdraw"]) == 0
    assert "CN-0003 withdrawn" in capsys.readouterr().err
    assert main(["export", "queue"]) == 0
    assert "CN-0003" in capsys.readouterr().out


def test_an_unknown_account_is_one_line_and_exit_2(settings, capsys):
    assert main(["refuse-contact", "NO-SUCH"]) == 2
    assert capsys.readouterr().err == "debtdesk: unknown account NO-SUCH\n"
