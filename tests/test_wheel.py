"""A wheel without its catalogs (issue 9, item 2): the built wheel, installed in a fresh venv and
run from another folder, speaks every language and loads its presets and example policy."""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel built from a copy of this checkout (offline, no build
    isolation, as tests/test_deploy.py does); its dependencies are this run's, through a .pth."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", ".hypothesis", ".*_cache", "build", "*.egg-info", "__pycache__", "*.db", "tests",
        "bench"))
    _pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"),
         str(source))
    (wheel,) = (tmp / "dist").glob("debtdesk-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(subprocess.check_output([venv / "bin" / "python", "-c", where], text=True).strip())
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "test-deps.pth").write_text("\n".join(deps) + "\n")
    _pip("--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-deps", "--no-index",
         str(wheel))
    shutil.rmtree(source)  # nothing of the checkout is left to find
    return venv


def _demo(venv: Path, cwd: Path, typed: str, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    done = subprocess.run([str(venv / "bin" / "debtdesk"), "demo", "--db", str(cwd / "demo.db")],
                          input=typed, cwd=cwd, env={**base, **env}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _choose_chinese(venv: Path, cwd: Path, **env: str) -> str:
    """Ask for the language menu, press 简体中文, and return what the bot said after the press."""
    menu = _demo(venv, cwd, "/language\n", **env)
    number = re.search(r"\[(\d+)\] 简体中文", menu).group(1)
    said = _demo(venv, cwd, f"/language\n{number}\n", **env)
    return said.rsplit(f"> {number}\n", 1)[1].rsplit("Goodbye.", 1)[0]


def test_wheel_installed_elsewhere_runs_the_demo_in_chinese(installed, tmp_path):
    where = tmp_path / "elsewhere"  # under /tmp, far from any checkout
    where.mkdir()
    reply = _choose_chinese(installed, where)
    # Without the catalogs it would read "Done. I will write to you in English."
    assert CHINESE.search(reply.replace("简体中文", "")), reply
    assert "I will write" not in reply, reply


def test_debtdesk_locales_still_points_elsewhere_for_the_installed_wheel(installed, tmp_path):
    mine = tmp_path / "mine" / "zh_Hans" / "LC_MESSAGES"
    mine.mkdir(parents=True)
    (installed_po,) = installed.glob("lib/python*/site-packages/bot/locales/zh_Hans/LC_MESSAGES/*.po")
    text = installed_po.read_text("utf-8")
    # The bank's own wording of every Chinese message: a marker in front of each translation.
    (mine / "messages.po").write_text(re.sub(r'^msgstr "(.)', r'msgstr "银行：\1', text, flags=re.M), "utf-8")
    shutil.copytree(installed_po.parents[2] / "en", tmp_path / "mine" / "en")
    reply = _choose_chinese(installed, tmp_path, DEBTDESK_LOCALES=str(tmp_path / "mine"))
    assert "银行：" in reply, reply


def test_wheel_carries_the_presets_and_the_example_policy(installed, tmp_path):
    script = (
        "from importlib.resources import files\n"
        "from debt.policy import PRESETS, load_policy\n"
        "for name in PRESETS: load_policy(name)\n"
        "example = files('bot').joinpath('deploy', 'policy.example.toml')\n"
        "print(load_policy(str(example)).currency)\n"
    )
    done = subprocess.run([str(installed / "bin" / "python"), "-c", script], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "GBP"
