"""deploy/compose.postgresql.yml and deploy/Caddyfile.postgresql hold together, checked without
Docker: the services' commands are ones `debtdesk` accepts, every variable given to debtdesk is a
setting it reads, both instances use the one PostgreSQL database the postgres service makes, and
Caddy balances the webhook and the bank API over exactly those instances, on the port they serve
and the health path they answer."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from fastapi import FastAPI

from bot.bank_api import build_api_app
from bot.cli import build_parser
from bot.config import KEYS, load_config
from bot.events_api import events_router
from bot.health import PATH as HEALTH_PATH
from bot.webhook import PATH as WEBHOOK_PATH
from store.db import is_postgresql

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
COMPOSE = DEPLOY / "compose.postgresql.yml"
CADDYFILE = DEPLOY / "Caddyfile.postgresql"
SHELL = {"POSTGRES_PASSWORD": "Zx9-url_safe", "DEBTDESK_DOMAIN": "bot.example.com"}
APP_SETTINGS = {f"DEBTDESK_{key.upper()}" for key in KEYS} | {
    "DEBTDESK_HEALTH_PORT", "DEBTDESK_HEALTH_HOST", "DEBTDESK_LOCALES"}
_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")


def interpolated(value):
    """A compose value with ${NAME}, ${NAME:-default} and ${NAME:?message} filled from SHELL."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: SHELL.get(m.group(1), ""), value)
    if isinstance(value, list):
        return [interpolated(v) for v in value]
    if isinstance(value, dict):
        return {k: interpolated(v) for k, v in value.items()}
    return value


def compose() -> dict:
    text = COMPOSE.read_text("utf-8")
    assert "\t" not in text, "YAML forbids tabs for indentation"
    return interpolated(yaml.safe_load(text))  # safe_load follows the `<<: *anchor` merges


def debtdesk_services(services: dict) -> dict[str, dict]:
    return {name: s for name, s in services.items() if s.get("image") == "debtdesk:latest"}


def instances(services: dict) -> dict[str, dict]:
    """The long-running debtdesk services (the others run once and exit)."""
    ours = debtdesk_services(services)
    return {name: s for name, s in ours.items() if s.get("restart") == "unless-stopped"}


def test_the_variables_compose_reads_from_the_shell_are_the_two_the_header_names():
    text = COMPOSE.read_text("utf-8")
    used = {m.group(1) for m in _VARIABLE.finditer(text)}
    assert used == set(SHELL)
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    assert all(name in header for name in used)
    # The password is never written down, and compose stops wherever it is missing.
    forms = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text)
    assert len(forms) == 2 and all(form.startswith(":?") for form in forms)


def test_every_debtdesk_service_runs_a_command_debtdesk_accepts_with_only_settings_it_reads():
    services = compose()["services"]
    ours = debtdesk_services(services)
    assert set(ours) == {"migrate", "debtdesk-1", "debtdesk-2", "set-webhook"}
    parser = build_parser()
    for name, service in ours.items():
        args = parser.parse_args(service["command"])  # exits (fails the test) on a bad command line
        assert args.command in ("migrate", "serve"), name
        assert set(service["environment"]) <= APP_SETTINGS, name
        assert service["env_file"] == "env" and service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / "env.example").exists()  # what env is copied from


def test_both_instances_and_the_migration_share_the_postgres_services_database(tmp_path):
    services = compose()["services"]
    postgres = services["postgres"]["environment"]
    ours = debtdesk_services(services)
    urls = {service["environment"]["DEBTDESK_DB"] for service in ours.values()}
    assert len(urls) == 1
    (url,) = urls
    parts = urlsplit(url)
    assert is_postgresql(url) and parts.hostname == "postgres" and parts.port == 5432
    assert (parts.username, parts.password, parts.path) == (
        postgres["POSTGRES_USER"], SHELL["POSTGRES_PASSWORD"], "/" + postgres["POSTGRES_DB"])
    config = load_config(None, env={"DEBTDESK_DB": url, "DEBTDESK_SECRET": "x" * 32})
    assert config.db_path == url  # the setting the app reads, as given
    for name in instances(services):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "ports" not in services["postgres"]  # only the compose network reaches the database
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_the_instances_serve_on_the_port_their_health_check_asks():
    services = compose()["services"]
    served = instances(services)
    assert set(served) == {"debtdesk-1", "debtdesk-2"}
    for name, service in served.items():
        args = build_parser().parse_args(service["command"])
        assert (args.command, args.listen, args.set_webhook) == ("serve", "0.0.0.0", None), name
        assert service["expose"] == [str(args.port)]
        probe = ["CMD", "python", "-m", "bot.health", "--port", str(args.port)]
        assert service["healthcheck"]["test"] == probe
        assert "ports" not in service  # reached through Caddy only
    hook = build_parser().parse_args(services["set-webhook"]["command"])
    assert hook.set_webhook == f"https://{SHELL['DEBTDESK_DOMAIN']}{WEBHOOK_PATH}"


def caddy_site() -> str:
    text = CADDYFILE.read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_caddy_balances_the_webhook_and_the_bank_api_over_exactly_the_instances():
    services = compose()["services"]
    caddy = services["caddy"]
    assert "./Caddyfile.postgresql:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert set(caddy["depends_on"]) == set(instances(services))
    site = caddy_site()
    assert site.lstrip().startswith("{$DEBTDESK_DOMAIN} {")
    (upstreams,) = re.findall(r"^\s*reverse_proxy ([^{\n]+)\{", site, re.MULTILINE)
    expected = {f"{name}:{build_parser().parse_args(service['command']).port}"
                for name, service in instances(services).items()}
    assert set(upstreams.split()) == expected
    block = site[site.index("reverse_proxy"):]
    block = block[:block.index("}")]
    settings = dict(line.split(None, 1) for line in block.splitlines()[1:] if line.strip())
    assert settings["health_uri"] == HEALTH_PATH and settings["health_status"] == "200"
    assert settings["lb_policy"] == "round_robin" and "lb_try_duration" in settings
    # The matcher the proxy serves: Telegram's webhook and the bank API, and nothing else.
    (paths,) = re.findall(r"^\s*@debtdesk path (.+)$", site, re.MULTILINE)
    assert set(paths.split()) == {WEBHOOK_PATH, "/api/*"}
    assert "handle @debtdesk {" in site and re.search(r"handle \{\s*respond 404\s*\}", site)


def test_every_path_of_the_bank_api_and_the_event_feed_is_one_caddy_forwards(tmp_path):
    (paths,) = re.findall(r"^\s*@debtdesk path (.+)$", caddy_site(), re.MULTILINE)
    prefixes = [p[:-1] for p in paths.split() if p.endswith("*")]
    env = {"DEBTDESK_DB": str(tmp_path / "never-opened.db"), "DEBTDESK_SECRET": "x" * 32}
    api = list(build_api_app(load_config(None, env=env)).openapi()["paths"])
    feed_app = FastAPI()
    feed_app.include_router(events_router(None))
    feed = list(feed_app.openapi()["paths"])
    assert api and feed
    assert all(any(path.startswith(prefix) for prefix in prefixes) for path in api + feed), api + feed
