"""Issue 11, item 6: the demo run again and again, as a curious person would, through stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")


def demo(tmp_path: Path, *args: str, typed: str = "", **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return subprocess.run(
        [DEBTDESK, "demo", *args], input=typed + "/quit\n", cwd=tmp_path, env={**clean, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def identity(listing: str, language: str = "English") -> dict[str, str]:
    pattern = (r"reference (DEMO-\d+), date of birth ([\d-]+), last 4 ID digits (\d{4}), "
               rf"phone (\+\d+), language {language}")
    ref, dob, last4, phone = re.search(pattern, listing).groups()
    return {"ref": ref, "dob": dob, "last4": last4, "phone": phone}


def test_each_policy_has_its_own_demo_database(tmp_path):
    first = demo(tmp_path)  # the cn preset, in yuan
    assert first.returncode == 0 and (tmp_path / "debtdesk-demo-cn.db").exists()
    us = demo(tmp_path, "--policy", "us")
    who = identity(us.stdout)
    shown = demo(tmp_path, "--policy", "us", typed=f"{who['ref']}\n{who['dob']}\n/balance\n").stdout
    assert "Total outstanding: $" in shown and "¥" not in shown and "CN¥" not in shown
    assert (tmp_path / "debtdesk-demo-us.db").exists()


def test_a_database_seeded_for_another_policy_is_refused_until_reset(tmp_path):
    assert demo(tmp_path, "--db", "mine.db").returncode == 0  # seeded in yuan
    refused = demo(tmp_path, "--policy", "us", "--db", "mine.db")
    assert refused.returncode == 2
    assert "seeded for accounts in CNY, not this policy's USD" in refused.stderr
    assert "--reset" in refused.stderr
    reset = demo(tmp_path, "--policy", "us", "--db", "mine.db", "--reset")
    assert reset.returncode == 0 and "reference DEMO-0001" in reset.stdout


def test_reset_starts_afresh_after_an_earlier_sign_in_which_is_explained_on_start(tmp_path):
    who = identity(demo(tmp_path, "--policy", "uk").stdout)
    signed_in = demo(tmp_path, "--policy", "uk", typed=f"{who['ref']}\n{who['dob']}\n")
    assert "You are confirmed" in signed_in.stdout
    again = demo(tmp_path, "--policy", "uk").stdout
    assert f"you are still signed in as {who['ref']}" in again and "/logout" in again
    assert "debtdesk demo --reset" in again
    fresh = demo(tmp_path, "--policy", "uk", "--reset").stdout
    assert "still signed in" not in fresh and "Please type the account reference" in fresh


def test_a_lockout_from_an_earlier_run_is_explained_on_start(tmp_path):
    who = identity(demo(tmp_path, "--policy", "uk").stdout)
    wrong = "".join(f"1990-01-0{day}\n" for day in range(1, 7))
    locked = demo(tmp_path, "--policy", "uk", typed=f"{who['ref']}\n{wrong}").stdout
    assert "paused" in locked
    later = demo(tmp_path, "--policy", "uk").stdout
    assert "signing in was paused after too many wrong answers" in later and "demo --reset" in later
    assert "paused after" not in demo(tmp_path, "--policy", "uk", "--reset").stdout


def test_the_intro_names_logout_and_a_phone_in_the_policys_country_that_signs_in(tmp_path):
    opening = demo(tmp_path, "--policy", "uk").stdout
    assert "/logout to sign out" in opening
    who = identity(opening)
    assert who["phone"].startswith("+44")  # the UK preset's people have UK numbers
    said = demo(tmp_path, "--policy", "uk", typed=f"{who['ref']}\n/phone {who['phone']}\n").stdout
    assert "for example /phone +44" in said  # the hint's example is from the same country
    assert "You are confirmed" in said


def test_a_demo_without_its_catalogs_warns_as_run_does(tmp_path):
    empty = tmp_path / "no-catalogs"
    empty.mkdir()
    result = demo(tmp_path, DEBTDESK_LOCALES=str(empty))
    assert result.returncode == 0
    assert "no catalogs in" in result.stderr and "DEBTDESK_LOCALES" in result.stderr


def test_the_russian_demo_opens_in_russian_and_a_greeting_is_greeted_not_taken_as_a_reference(tmp_path):
    # The demo's person opens the chat from a Telegram app in the country's language (the
    # Russian preset's people mostly speak Russian); "привет" at the reference step is a greeting.
    shown = demo(tmp_path, "--policy", "ru", typed="привет\n").stdout
    opening, greeted = shown.split("> привет", 1)
    assert "Пожалуйста, введите номер договора" in opening and "Please type" not in opening
    assert "Здравствуйте" in greeted and "Пожалуйста, введите номер договора" in greeted
    assert "дату рождения" not in greeted  # not taken as a reference
    uk = demo(tmp_path, "--policy", "uk").stdout
    assert "Please type the account reference" in uk  # no country language: English, as before
