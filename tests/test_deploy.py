"""The deploy/ files work, checked without a Docker engine or systemd.

The Dockerfile is read instruction by instruction and every step is carried out here in a
fresh virtual environment standing in for the image: its COPY lines fill a directory tree laid
out like the image's, `pip install .` installs that copy (not this checkout), the catalog
check it runs at build time runs, and its ENTRYPOINT and HEALTHCHECK commands run from the
installed package. A step this file does not know how to carry out fails the test, so a new
Dockerfile line cannot slip in unexercised.
"""

from __future__ import annotations

import asyncio
import configparser
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import site
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from db_kit import database
from fakeapi import FakeBotAPI

from bot.config import KEYS, load_config
from bot.health import start_health_server
from bot.webhook import PATH as WEBHOOK_PATH
from debt.policy import load_policy
from store.db import Store

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SECRET_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE", re.IGNORECASE)


# --- reading the Dockerfile -----------------------------------------------------------------

def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; comments dropped, continuation lines joined."""
    steps, pending = [], ""
    for raw in (DEPLOY / "Dockerfile").read_text("utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        text = pending + line
        pending = ""
        word, _, rest = text.partition(" ")
        steps.append((word.upper(), rest.strip()))
    return steps


def env_pairs(arguments: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(arguments))


def all_of(kind: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == kind]


def test_dockerfile_runs_as_a_non_root_user_with_a_healthcheck_and_no_baked_secrets():
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = all_of("USER")
    assert users and users[-1] not in ("root", "0", "0:0")
    # The last USER comes after the last RUN: nothing runs as root once the image is built.
    last_user = max(i for i, (word, _) in enumerate(steps) if word == "USER")
    assert all(i < last_user for i, (word, _) in enumerate(steps) if word == "RUN")
    (check,) = all_of("HEALTHCHECK")
    assert "CMD" in check and "--interval" in check
    for word, rest in steps:
        if word == "ENV":
            assert not [k for k in env_pairs(rest) if SECRET_WORDS.search(k)], rest
        assert word != "ARG" or not SECRET_WORDS.search(rest), rest
        if word in ("COPY", "ADD"):
            sources = shlex.split(rest)[:-1]
            assert not [s for s in sources if re.search(r"(^|/)\.?env$|\.db$|\.git", s)], rest
            assert word == "COPY", "ADD can fetch URLs and unpack archives; COPY says what it does"
    assert json.loads(all_of("ENTRYPOINT")[0]) == ["debtdesk"]
    assert json.loads(all_of("CMD")[0]) == ["run"]


def test_the_database_is_on_the_volume():
    env = {k: v for rest in all_of("ENV") for k, v in env_pairs(rest).items()}
    (volume,) = [json.loads(v) for v in all_of("VOLUME")]
    assert any(env["DEBTDESK_DB"].startswith(v.rstrip("/") + "/") for v in volume)
    assert "DEBTDESK_LOCALES" not in env, "the installed package carries its catalogs"


# --- building the image without Docker -----------------------------------------------------

@dataclass
class Image:
    """The image being built: a directory tree standing in for /, and a venv for its Python."""

    root: Path
    venv: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    user: str = ""
    users: set[str] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)  # HEALTHCHECK, ENTRYPOINT, CMD, VOLUME ...

    def path(self, container_path: str) -> Path:
        absolute = container_path if container_path.startswith("/") else f"{self.workdir}/{container_path}"
        return self.root / absolute.lstrip("/")

    def host_env(self) -> dict[str, str]:
        """The image's ENV with container paths moved into the stand-in tree."""
        env = {k: str(self.path(v)) if v.startswith("/") else v for k, v in self.env.items()}
        return {**os.environ, **env, "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def run(self, argv: list[str], **extra_env: str) -> subprocess.CompletedProcess:
        """A command as the container would run it: the image's env, the workdir as cwd."""
        program = self.venv / "bin" / argv[0]
        argv = [str(program) if program.exists() else argv[0]] + [
            str(self.path(a)) if a.startswith("/") else a for a in argv[1:]
        ]
        return subprocess.run(argv, cwd=self.path(self.workdir), env={**self.host_env(), **extra_env},
                              capture_output=True, text=True, timeout=120)


def _copy(image: Image, arguments: str) -> None:
    """Docker's COPY: a directory's contents go into dest; files go into dest/ or become dest."""
    *sources, dest = shlex.split(arguments)
    target = image.path(dest)
    for source in sources:
        origin = ROOT / source
        assert origin.exists(), f"COPY {source}: not in the repository"
        if origin.is_dir():
            shutil.copytree(origin, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif dest.endswith("/") or len(sources) > 1:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / origin.name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)


def _pip_install(image: Image) -> None:
    """`pip install .` of the copied tree into the venv. The dependencies are this test run's
    own (the venv sees their site-packages through a .pth file, which does not pull in an
    editable install of this checkout), so only debtdesk itself is installed: --no-deps."""
    command = [sys.executable, "-m", "pip", "--python", str(image.venv / "bin" / "python"), "install",
               "--quiet", "--no-deps", "--disable-pip-version-check"]
    if _can_build_offline():
        command += ["--no-build-isolation", "--no-index"]
    done = subprocess.run([*command, str(image.path(image.workdir))], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


def _can_build_offline() -> bool:
    """setuptools builds wheels by itself from 70.1; before that it needs the wheel package.
    Without either, pip fetches the build backend from the registry, as `docker build` would."""
    return any(importlib.util.find_spec(name) for name in ("wheel", "setuptools.command.bdist_wheel")
               if importlib.util.find_spec(name.split(".")[0]))


def _run_step(image: Image, command: str) -> None:
    if command.startswith("groupadd ") or " useradd " in command:
        image.users |= set(re.findall(r"useradd .*?(\S+)$", command))
        assert "--shell /usr/sbin/nologin" in command and "--system" in command
    elif command.startswith("pip install . "):
        _pip_install(image)
    elif command.startswith("python "):
        done = image.run(shlex.split(command))
        assert done.returncode == 0, f"RUN {command}\n{done.stdout}{done.stderr}"
    elif command.startswith("mkdir -p "):
        directory = shlex.split(command)[2]
        image.path(directory).mkdir(parents=True, exist_ok=True)
        assert f"chown {image.user or 'debtdesk'}:" in command, "the volume must belong to the bot's user"
    else:
        raise AssertionError(f"RUN {command}: this test does not know how to carry out this step")


def _from(image: Image, base: str) -> None:
    """The base image's Python is this interpreter, in a fresh venv that sees only the
    dependencies (their site-packages, through a .pth file; not an editable debtdesk)."""
    version = re.fullmatch(r"python:(\d+\.\d+)-slim", base).group(1)
    assert version == f"{sys.version_info.major}.{sys.version_info.minor}", "the image's Python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(image.venv)], check=True)
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(subprocess.check_output([image.venv / "bin" / "python", "-c", where], text=True).strip())
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "test-deps.pth").write_text("\n".join(deps) + "\n")


def build(tmp: Path) -> Image:
    image = Image(root=tmp / "image", venv=tmp / "image-venv")
    image.root.mkdir()
    for word, rest in dockerfile():
        if word == "FROM":
            _from(image, rest)
        elif word == "ENV":
            image.env.update(env_pairs(rest))
        elif word == "WORKDIR":
            image.workdir = rest
            image.path(rest).mkdir(parents=True, exist_ok=True)
        elif word == "COPY":
            _copy(image, rest)
        elif word == "RUN":
            _run_step(image, rest)
        elif word == "USER":
            image.user = rest
        elif word in ("VOLUME", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD"):
            image.meta[word] = rest  # what the container runs: exercised by the tests below
        else:
            raise AssertionError(f"{word} {rest}: this test does not know how to carry out this step")
    assert image.user in image.users, "USER names the user the image created"
    return image


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Image:
    return build(tmp_path_factory.mktemp("docker"))


def test_the_image_runs_the_installed_copy_not_this_checkout(image):
    done = image.run(["python", "-c", "import bot, debt.presets; print(bot.__file__)"])
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(image.venv), done.stdout
    done = image.run(["python", "-c", "from bot.i18n import locales_dir; print(locales_dir())"])
    assert Path(done.stdout.strip()).is_relative_to(image.venv), done.stdout  # the wheel's catalogs


def test_entrypoint_answers(image):
    entrypoint = json.loads(image.meta["ENTRYPOINT"])
    done = image.run([*entrypoint, "--help"])
    assert done.returncode == 0, done.stderr
    assert "run" in done.stdout and "backup" in done.stdout and "import" in done.stdout


def test_the_build_fails_on_a_broken_catalog(image, tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "en" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    # A translator renames a placeholder: the bot would raise KeyError showing this message.
    broken = re.sub(r'msgstr "([^"]*)\{(\w+)\}', r'msgstr "\1{\2_renamed}', text, count=1)
    assert broken != text
    po.write_text(broken, "utf-8")
    check = shlex.split(next(r for r in all_of("RUN") if "check_catalogs" in r))
    done = image.run(check, DEBTDESK_LOCALES=str(locales))
    assert done.returncode == 1 and "placeholders" in done.stderr and "_renamed" in done.stderr
    done = image.run(check, DEBTDESK_LOCALES=str(tmp_path / "nowhere"))
    assert done.returncode == 1 and "DEBTDESK_LOCALES" in done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_default_command_serves_telegram_is_healthy_and_stops_on_sigterm(image):
    """ENTRYPOINT + CMD (`debtdesk run`) from the installed copy, against the stand-in Bot API:
    it answers a debtor, the HEALTHCHECK command finds it healthy, its log lines are JSON, and
    it exits 0 on the SIGTERM `docker stop` sends."""
    api = await FakeBotAPI().start()
    argv = [str(image.venv / "bin" / json.loads(image.meta["ENTRYPOINT"])[0]), *json.loads(image.meta["CMD"])]
    port = str(free_port())
    env = {**image.host_env(), "DEBTDESK_BOT_TOKEN": api.token, "DEBTDESK_BOT_API_URL": api.base_url,
           "DEBTDESK_SECRET": "deploy-test-secret-0123456789", "DEBTDESK_HEALTH_PORT": port}
    bot = await asyncio.create_subprocess_exec(*argv, cwd=image.path(image.workdir), env=env,
                                               stderr=asyncio.subprocess.PIPE)
    try:
        api.push_command(4242, "start")
        said = await api.wait_for_messages(4242, 1, timeout=30)
        assert "account reference" in said[0].text
        probe = json.loads(image.meta["HEALTHCHECK"].split(" CMD ", 1)[1])
        healthy = await asyncio.to_thread(image.run, probe, DEBTDESK_HEALTH_PORT=port)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(bot.communicate(), 30)
        await api.stop()
    assert bot.returncode == 0, err.decode()
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert api.token not in err.decode()


async def test_healthcheck_command_reports_the_database(image, tmp_path):
    command = json.loads(image.meta["HEALTHCHECK"].split(" CMD ", 1)[1])
    store = await Store.open(database(tmp_path, "health.db"))
    server = await start_health_server(store, "127.0.0.1", 0)
    port = str(server.sockets[0].getsockname()[1])

    async def check() -> subprocess.CompletedProcess:
        return await asyncio.to_thread(image.run, command, DEBTDESK_HEALTH_PORT=port)

    try:
        healthy = await check()
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        await store.close()  # the database stops answering
        sick = await check()
        assert sick.returncode == 1 and "503" in sick.stdout
    finally:
        server.close()
        await server.wait_closed()
    gone = await check()
    assert gone.returncode == 1 and "no answer" in gone.stdout


# --- the other deploy files -------------------------------------------------------------------

def test_example_policy_loads_and_is_the_uk_preset_explained():
    policy = load_policy(str(DEPLOY / "policy.example.toml"))
    assert replace(policy, name="uk") == load_policy("uk")
    text = (DEPLOY / "policy.example.toml").read_text("utf-8")
    tables = tomllib.loads(text)
    for table in ("fee", "interest", "credit_report", "promise", "contact", "verification", "payment"):
        for key in tables[table]:
            assert re.search(rf"#[^\n]*\n(#[^\n]*\n)*{key} =|{key}[^\n]*\n", text), key


def _uncommented(text: str) -> str:
    """The example with every `# key = value` line switched on."""
    return re.sub(r"^# (\w+ = )", r"\1", text, flags=re.MULTILINE)


def test_example_config_documents_every_setting_and_loads(tmp_path):
    text = (DEPLOY / "debtdesk.example.toml").read_text("utf-8")
    for key in KEYS:
        assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), f"{key} is not in the example"
    plain = tmp_path / "plain.toml"
    plain.write_text(text, "utf-8")
    config = load_config(str(plain), env={})
    assert config.policy.name == "uk" and config.log_format == "json" and config.secret is None
    full = tmp_path / "full.toml"
    full.write_text(_uncommented(text), "utf-8")
    config = load_config(str(full), env={})
    assert config.collectors_chat < 0 and config.require_secret() and config.bot_token


def test_env_example_names_only_real_settings_and_holds_no_secret_values():
    names = {}
    for line in (DEPLOY / "env.example").read_text("utf-8").splitlines():
        match = re.match(r"^#? ?(DEBTDESK_\w+)=(.*)$", line)
        if match:
            names[match.group(1)] = match.group(2)
    known = {f"DEBTDESK_{k.upper()}" for k in KEYS} | {"DEBTDESK_HEALTH_PORT", "DEBTDESK_LOCALES"}
    assert set(names) <= known, set(names) - known
    assert {f"DEBTDESK_{k.upper()}" for k in KEYS} - {"DEBTDESK_DB"} <= set(names)
    assert all(not names[n] for n in names if SECRET_WORDS.search(n)), "a secret value in env.example"


def test_systemd_unit_is_hardened_and_restarts():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(DEPLOY / "debtdesk.service")
    service = unit["Service"]
    assert service["User"] == "debtdesk" and service["EnvironmentFile"] == "/etc/debtdesk/env"
    assert service["ExecStart"].endswith("debtdesk run")
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes" and service["PrivateTmp"] == "yes"
    text = (DEPLOY / "debtdesk.service").read_text("utf-8")
    db = re.search(r"^Environment=DEBTDESK_DB=(\S+)$", text, re.MULTILINE).group(1)
    assert str(Path(db).parent) in service["ReadWritePaths"].split()
    assert not re.search(r"^Environment=DEBTDESK_LOCALES=", text, re.MULTILINE)  # the package has them
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in unit["Unit"]["After"]


def test_compose_names_the_volume_and_a_webhook_profile_behind_caddy():
    text = (DEPLOY / "compose.yaml").read_text("utf-8")
    assert "\t" not in text, "YAML forbids tabs for indentation"
    assert re.search(r"^volumes:\n(  \S.*\n)*  debtdesk-data:", text, re.MULTILINE)
    assert text.count("debtdesk-data:/data") == 1  # in the anchor every bot service shares
    assert re.search(r"dockerfile: deploy/Dockerfile", text)
    assert re.search(r'profiles: \["polling"\]', text) and text.count('profiles: ["webhook"]') == 3
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in text
    # The webhook profile runs `debtdesk serve` on the port Caddy forwards to, checks its health
    # there, and registers the webhook once with `serve --set-webhook`.
    assert 'command: ["serve", "--listen", "0.0.0.0", "--port", "8443"]' in text
    assert '"python", "-m", "bot.health", "--port", "8443"' in text
    caddy = (DEPLOY / "Caddyfile").read_text("utf-8")
    assert "{$DEBTDESK_DOMAIN}" in caddy and "reverse_proxy bot-webhook:8443" in caddy
    path = re.search(r'"--set-webhook", "https://\$\{DEBTDESK_DOMAIN:-\}(/\w+)"', text).group(1)
    assert path == WEBHOOK_PATH  # the path `debtdesk serve` answers Telegram on
    assert f"handle {path} {{" in caddy  # Caddy forwards exactly that path


async def test_health_endpoint_answers_only_its_one_question(tmp_path):
    store = await Store.open(database(tmp_path, "health.db"))
    server = await start_health_server(store, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def ask(request: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        return answer

    try:
        ok = await ask(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert ok.startswith(b"HTTP/1.1 200 OK\r\n") and ok.endswith(b"\r\n\r\nok\n")
        assert (await ask(b"GET / HTTP/1.1\r\n\r\n")).startswith(b"HTTP/1.1 404 ")
        assert (await ask(b"POST /healthz HTTP/1.1\r\n\r\n")).startswith(b"HTTP/1.1 405 ")
        assert (await ask(b"hello\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
        head = await ask(b"HEAD /healthz HTTP/1.1\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ") and head.endswith(b"\r\n\r\n")
    finally:
        server.close()
        await server.wait_closed()
        await store.close()
