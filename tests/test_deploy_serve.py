"""The `serve` deployment without containers: a systemd drop-in over the hardened unit."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from bot.cli import build_parser

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_systemd_drop_in_runs_serve_on_loopback_keeping_the_units_hardening():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEPLOY / "debtdesk.service.d" / "serve.conf")
    text = (DEPLOY / "debtdesk.service.d" / "serve.conf").read_text("utf-8")
    # An empty ExecStart= first clears the unit's `debtdesk run`; then `serve` replaces it.
    assert "ExecStart=\nExecStart=/opt/debtdesk/venv/bin/debtdesk serve" in text
    assert set(unit["Service"]) == {"ExecStart"}  # nothing of the hardening is loosened
    argv = shlex.split(text.rsplit("ExecStart=", 1)[1].splitlines()[0])
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.listen, args.port) == ("serve", "127.0.0.1", 8443)
    assert "serve.conf" in (DEPLOY / "debtdesk.service").read_text("utf-8")  # the unit points to it
