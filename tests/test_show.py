"""`debtdesk show`: the staff view of one account, from the command line and in-process."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from db_kit import database

from bot.cli import main
from bot.cli_show import as_text
from debt.money import Money
from debt.policy import load_policy
from ops.importer import import_accounts
from ops.staff_view import account_view
from store.cases import open_case
from store.db import Store
from store.promise_rows import insert_promise

DATA = Path(__file__).parent / "data"
AS_OF = "2026-03-01"  # the ladder's due dates are set back from this day
LADDER = {"DPD-000": (0, "M0"), "DPD-001": (1, "M1"), "DPD-030": (30, "M1"), "DPD-031": (31, "M2"),
          "DPD-045": (45, "M2"), "DPD-090": (90, "M3"), "DPD-181": (181, "M7+")}
CURRENCY = {"cn": "CNY", "us": "USD", "uk": "GBP"}
KEYS = {"account_ref", "currency", "balance", "overdue_amount", "minimum_due", "dpd", "stage", "timeline",
        "arrangements", "promises", "flags"}


async def _ladder_db(tmp_path: Path, secret: bytes, now, preset: str) -> str:
    csv_path = tmp_path / f"ladder_{preset}.csv"
    csv_path.write_text((DATA / "dpd_ladder.csv").read_text().replace(",CNY,", f",{CURRENCY[preset]},"))
    db_path = database(tmp_path, f"{preset}.db")
    store = await Store.open(db_path)
    try:
        report = await import_accounts(store, secret, str(csv_path), now, progress=False)
        assert report.changed == len(LADDER) and not report.failed
    finally:
        await store.close()
    return db_path


def _env(secret: bytes, db: str, preset: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return {**env, "DEBTDESK_SECRET": secret.decode(), "DEBTDESK_DB": db, "DEBTDESK_POLICY": preset}


async def _show(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "show", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_the_command_gives_each_days_past_due_its_stage(tmp_path, secret, now):
    env = _env(secret, await _ladder_db(tmp_path, secret, now, "cn"), "cn")
    results = await asyncio.gather(
        *(_show(env, ref, "--as-of", AS_OF, "--format", "json") for ref in LADDER))
    for ref, (code, out, err) in zip(LADDER, results, strict=True):
        assert (code, err) == (0, ""), (ref, err)
        view = json.loads(out)
        assert KEYS <= set(view)
        assert (view["account_ref"], view["dpd"], view["stage"]) == (ref, *LADDER[ref])
        assert view["balance"] == "3000.00" and isinstance(view["overdue_amount"], str)


@pytest.mark.parametrize("preset", ["us", "uk"])
async def test_every_preset_stages_the_ladder(tmp_path, secret, now, preset, monkeypatch, capsys):
    db = await _ladder_db(tmp_path, secret, now, preset)
    for key, value in _env(secret, db, preset).items():
        if key.startswith("DEBTDESK_"):
            monkeypatch.setenv(key, value)
    for ref, (dpd, stage) in LADDER.items():
        code = await asyncio.to_thread(main, ["show", ref, "--as-of", AS_OF, "--format", "json"])
        view = json.loads(capsys.readouterr().out)
        assert (code, view["dpd"], view["stage"], view["currency"]) == (0, dpd, stage, CURRENCY[preset])


async def test_an_unknown_reference_is_one_line_and_exit_2(tmp_path, secret, now):
    env = _env(secret, await _ladder_db(tmp_path, secret, now, "cn"), "cn")
    code, out, err = await _show(env, "NO-SUCH-REF")
    assert (code, out, err) == (2, "", "debtdesk: unknown account NO-SUCH-REF\n")


async def test_the_view_carries_promises_cases_offers_and_flags(store, secret, now):
    await import_accounts(store, secret, str(DATA / "dpd_ladder.csv"), now, progress=False)
    async with store.unit() as db:
        await insert_promise(db, "DPD-045", Money(Decimal("300"), "CNY"), date(2026, 3, 5), "chat", now)
        await open_case(db, "DPD-045", "hardship", "job_loss", "", now)
    policy = load_policy("cn")
    view = await account_view(store, policy, "DPD-045", date.fromisoformat(AS_OF))
    assert view["promises"] == [
        {"id": 1, "amount": "300.00", "due_date": "2026-03-05", "status": "pending", "source": "chat"}]
    assert view["flags"] == ["hardship_review", "promise_pending"]
    assert view["cases"][0]["kind"] == "hardship"
    assert {q["key"] for q in view["arrangements"]} >= {"cure", "full"}
    cure = next(q for q in view["arrangements"] if q["key"] == "cure")
    assert cure["total"] == "600.00"
    assert view["timeline"]["next_stage"] == {"on": "2026-03-17", "stage": "M3"}  # 61 days after 2026-01-15
    page = as_text(view)
    assert "45 / M2" in page and "300.00 by 2026-03-05 (pending)" in page
    assert await account_view(store, policy, "NOPE", date.fromisoformat(AS_OF)) is None
