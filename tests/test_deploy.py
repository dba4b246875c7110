"""The deployment as shipped: compose.yaml and the Dockerfile hold together with the CLI.

Everywhere: compose.yaml parses and starts PostgreSQL (healthy first), migrates once, then two replicas on
their own host ports, each given the time a graceful stop takes; every command it or the Dockerfile runs is
a `qabot` command. Where a Docker daemon answers: the image builds and runs `qabot --help` and
`qabot config check`, and Docker Compose accepts the file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from bot.cli import cli
from bot.server import STOP_SECONDS

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
IMAGE = "qabot:test"
REPLICA_COMMANDS = (["qabot", "run"], ["qabot", "scheduler"])


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def replicas(services: dict[str, dict]) -> dict[str, dict]:
    return {name: service for name, service in services.items() if service.get("command") in REPLICA_COMMANDS}


def with_defaults(value: str) -> str:
    """`${NAME:-default}` as Compose reads it when NAME is not set."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def dockerfile_command() -> list[str]:
    (line,) = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def seconds(duration: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(s|m)", duration).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_postgres_is_healthy_before_the_schema_is_migrated_once(services):
    postgres, migrate = services["postgres"], services["migrate"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert migrate["command"] == ["qabot", "db", "upgrade"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no"  # one shot: it exits when the schema is at head


def test_two_replicas_start_after_the_migration_on_their_own_ports(services):
    started = replicas(services)
    assert len(started) == 2, list(services)
    host_ports = [int(port.split(":")[0]) for service in started.values() for port in service.get("ports", [])]
    assert len(host_ports) == len(set(host_ports)) >= 1, host_ports
    for name, service in started.items():
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}, name
        assert seconds(service["stop_grace_period"]) >= STOP_SECONDS + 5, name
        container_ports = {int(port.split(":")[1]) for port in service.get("ports", [])}
        assert container_ports <= {int(service["environment"]["PORT"])}, name
        probe = " ".join(service["healthcheck"]["test"])  # the replica's own readiness, on its own PORT
        assert f"http://127.0.0.1:{service['environment']['PORT']}/readyz" in probe, name


def test_every_bot_service_reads_dotenv_and_uses_the_compose_postgres(services):
    postgres = services["postgres"]["environment"]
    for name in ["migrate", *replicas(services)]:
        service = services[name]
        assert service["env_file"] == ".env", name
        url = make_url(with_defaults(service["environment"]["DATABASE_URL"]))
        assert url.drivername == "postgresql+psycopg" and url.host == "postgres" and url.port == 5432, name
        assert (url.username, url.password, url.database) == (
            postgres["POSTGRES_USER"], with_defaults(postgres["POSTGRES_PASSWORD"]), postgres["POSTGRES_DB"]), name


def test_every_command_compose_and_the_image_run_is_a_qabot_command(services):
    commands = [dockerfile_command(), *(service["command"] for service in services.values() if "command" in service)]
    for program, *arguments in commands:
        assert program == "qabot", commands
        result = CliRunner().invoke(cli, [*arguments, "--help"])
        assert result.exit_code == 0, (arguments, result.output)


# ---------------------------------------------------------------- with a Docker daemon

def docker_unavailable_reason() -> str | None:
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        said = (info.stderr.strip().splitlines() or ["no output"])[-1]
        return f"no Docker daemon answers `docker info` ({said})"
    return None


@pytest.fixture(scope="module")
def docker() -> None:
    reason = docker_unavailable_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def image(docker) -> str:
    subprocess.run(["docker", "build", "--tag", IMAGE, str(ROOT)], check=True, timeout=1800)
    return IMAGE


def run_in(image: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", "run", "--rm", image, *command], capture_output=True, text=True, timeout=300)


def test_the_image_runs_qabot(image):
    helped = run_in(image, "qabot", "--help")
    assert helped.returncode == 0 and "run" in helped.stdout and "scheduler" in helped.stdout, helped
    checked = run_in(image, "qabot", "config", "check")
    assert checked.returncode == 0 and "Config OK" in checked.stdout, checked


def test_docker_compose_accepts_the_file(tmp_path):
    """`docker compose config` reads and checks the file without a daemon; it needs the .env it names."""
    if shutil.which("docker") is None or subprocess.run(["docker", "compose", "version"],
                                                        capture_output=True).returncode != 0:
        pytest.skip("the Docker Compose plugin is not installed (`docker compose version` fails)")
    shutil.copy(COMPOSE, tmp_path / "compose.yaml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    checked = subprocess.run(["docker", "compose", "--file", str(tmp_path / "compose.yaml"), "config", "--quiet"],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
