"""The Docker alternative: docker-compose.yml runs the official odoo:19 and
postgres images with this repository as the addon and its demo data."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import REPO_ROOT, run

COMPOSE = REPO_ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _interpolated(value: str) -> str:
    return value.replace("$$", "$")  # compose's escape of a literal "$"


def test_the_odoo_service_runs_the_official_odoo_19_image_on_port_8069(compose):
    odoo = compose["services"]["odoo"]
    assert odoo["image"] in ("odoo:19", "odoo:19.0"), (
        f"The odoo service should use the official odoo:19 image, not {odoo['image']}."
    )
    assert any(str(p).split(":")[-1] == "8069" for p in odoo["ports"]), (
        "Odoo's port 8069 should be published."
    )


def test_the_database_service_is_postgres_with_the_credentials_odoo_uses(compose):
    db_name = next(
        n for n, s in compose["services"].items() if s["image"].startswith("postgres")
    )
    db = compose["services"][db_name]
    odoo = compose["services"]["odoo"]
    assert odoo["environment"]["HOST"] == db_name, (
        "Odoo should reach the database service."
    )
    assert odoo["environment"]["USER"] == db["environment"]["POSTGRES_USER"]
    assert odoo["environment"]["PASSWORD"] == db["environment"]["POSTGRES_PASSWORD"]
    assert db_name in odoo["depends_on"], "Odoo should start after the database."


def test_the_repository_is_mounted_as_the_dunning_followup_addon(compose):
    volumes = compose["services"]["odoo"]["volumes"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in volumes}
    assert mounts.get(".") == "/mnt/extra-addons/dunning_followup", (
        "The repository should be the addon dunning_followup in /mnt/extra-addons: "
        f"{volumes}"
    )
    for named in (v.split(":")[0] for v in volumes if not v.startswith((".", "/"))):
        assert named in compose["volumes"], (
            f"The named volume {named} should be declared."
        )


def test_the_first_start_installs_the_addon_with_demo_data(compose):
    command = [_interpolated(str(c)) for c in compose["services"]["odoo"]["command"]]
    assert command[0] == "--", (
        "The entrypoint should receive Odoo's options after '--'."
    )
    assert "--init=dunning_followup" in command or (
        "-i" in command and command[command.index("-i") + 1] == "dunning_followup"
    ), f"The addon should be installed: {command}"
    assert "--with-demo" in command, "The demo data should be loaded."
    assert "--db-filter=^dunning_demo$" in command


def test_docker_compose_accepts_the_file_where_docker_is_installed():
    if shutil.which("docker") and run(["docker", "compose", "version"]).returncode == 0:
        compose = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        compose = ["docker-compose"]
    else:
        pytest.skip(
            "Docker Compose is not installed here; the YAML checks above still ran"
        )
    out = run([*compose, "-f", COMPOSE, "config", "--quiet"])
    assert out.returncode == 0, out.stderr
