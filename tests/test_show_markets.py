"""Issue 16: `debtdesk show --format json` at 0/1/30/31/90/181 days past due under ru, id and br:
the stage, Indonesia's class beside it, the charge cap, the credit-report step and the contact
caps, each worked by hand from the preset (the ladder: 3000.00 owed, 600.00 overdue, 300.00
minimum, no charges yet, as of 2026-03-01)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from ops.importer import import_accounts
from store.db import Store

DATA = Path(__file__).parent / "data"
AS_OF = "2026-03-01"
REFS = {0: "DPD-000", 1: "DPD-001", 30: "DPD-030", 31: "DPD-031", 90: "DPD-090", 181: "DPD-181"}
CURRENCY = {"ru": "RUB", "id": "IDR", "br": "BRL"}
PRODUCT = {"ru": "loan", "id": "card", "br": "card"}  # the product each preset's charge cap is for

# dpd: (stage, class, credit report status, next report step)
EXPECTED = {
    "ru": {  # 218-FZ: on file from the first day late, then a step every 30 days
        0: ("M0", None, "not_reported", None), 1: ("M1", None, "reported", "reported_31"),
        30: ("M1", None, "reported", "reported_31"), 31: ("M2", None, "reported", "reported_61"),
        90: ("M3", None, "reported", "reported_91"), 181: ("M7+", None, "reported", "reported_211"),
    },
    "id": {  # SLIK: monthly reports; POJK 40/2019 collectibility
        0: ("M0", "1 Lancar", "not_reported", None),
        1: ("M1", "2 Dalam Perhatian Khusus", "will_be_reported", "reported_60"),
        30: ("M1", "2 Dalam Perhatian Khusus", "reported", "reported_60"),
        31: ("M2", "2 Dalam Perhatian Khusus", "reported", "reported_60"),
        90: ("M3", "2 Dalam Perhatian Khusus", "reported", "reported_120"),
        181: ("M7+", "5 Macet", "reported", "reported_210"),
    },
    "br": {  # CDC art. 43: a negative record at 30 days, no later steps
        0: ("M0", None, "not_reported", None), 1: ("M1", None, "will_be_reported", None),
        30: ("M1", None, "reported", None), 31: ("M2", None, "reported", None),
        90: ("M3", None, "reported", None), 181: ("M7+", None, "reported", None),
    },
}
CAP = {"ru": "3900.00", "id": None, "br": "3000.00"}  # 130% and 100% of the 3000.00 principal
CAPS = {"ru": {"day": 2, "week": 4, "month": 16}, "id": {"day": 1, "week": 3, "month": 10},
        "br": {"day": 1, "week": 3, "month": 10}}


async def _ladder_db(tmp_path: Path, secret: bytes, now, preset: str) -> str:
    csv_path = tmp_path / f"ladder_{preset}.csv"
    text = (DATA / "dpd_ladder.csv").read_text()
    text = text.replace(",CNY,card,", f",{CURRENCY[preset]},{PRODUCT[preset]},")
    csv_path.write_text(text)
    db_path = str(tmp_path / f"{preset}.db")
    store = await Store.open(db_path)
    try:
        report = await import_accounts(store, secret, str(csv_path), now, progress=False)
        assert not report.failed
    finally:
        await store.close()
    return db_path


@pytest.mark.parametrize("preset", ["ru", "id", "br"])
async def test_show_json_across_the_ladder(tmp_path, secret, now, preset, monkeypatch, capsys):
    db = await _ladder_db(tmp_path, secret, now, preset)
    settings = {"DEBTDESK_SECRET": secret.decode(), "DEBTDESK_DB": db, "DEBTDESK_POLICY": preset}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    for dpd, ref in REFS.items():
        code = await asyncio.to_thread(main, ["show", ref, "--as-of", AS_OF, "--format", "json"])
        view = json.loads(capsys.readouterr().out)
        report = view["timeline"]["credit_report"]
        assert code == 0 and view["currency"] == CURRENCY[preset]
        found = (view["stage"], view["class"], report["status"], report["next_step"])
        assert found == EXPECTED[preset][dpd], dpd
        assert view["timeline"]["charge_cap"] == CAP[preset]
        assert view["timeline"]["charge_cap_reached"] is False
        assert view["contact"]["caps"] == CAPS[preset]
        assert view["contact"]["sent"] == {"day": 0, "week": 0, "month": 0}
        assert view["contact"]["allowed_now"] or view["contact"]["next_allowed_at"] is not None
    if preset == "br":  # a paid record goes within a week of payment (the STJ's 5 working days)
        assert report["kept_until"] == "2026-03-08"
