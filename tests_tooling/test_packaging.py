"""The addon packaged as OCA packages addons: a wheel made by whool that installs
into odoo/addons, declares its dependencies, and ships no development files."""

from __future__ import annotations

import email.parser
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
from conftest import REPO_ROOT, run

ADDON = "odoo/addons/dunning_followup/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of the working tree, built offline with the installed whool (as
    pip does for ``pip install .``, less the isolated build environment)."""
    out_dir = tmp_path_factory.mktemp("wheel")
    out = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "--wheel-dir",
            out_dir,
            REPO_ROOT,
        ],
        timeout=600,
    )
    assert out.returncode == 0, (
        f"Building the wheel should work:\n{out.stdout}\n{out.stderr}"
    )
    wheels = list(out_dir.glob("*.whl"))
    assert len(wheels) == 1, f"One wheel expected, got {wheels}"
    return wheels[0]


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(meta).decode())


def test_the_wheel_is_named_after_the_addon_and_its_version(wheel):
    meta = _metadata(wheel)
    assert meta["Name"] == "odoo-addon-dunning_followup", (
        f"The distribution should be odoo-addon-dunning_followup, not {meta['Name']!r}."
    )
    manifest = (REPO_ROOT / "__manifest__.py").read_text()
    version = meta["Version"]
    assert version.startswith("19.0.") and version.split(".post")[0][:10] in manifest, (
        f"The wheel's version {version} should come from the manifest's."
    )
    assert wheel.name.startswith("odoo_addon_dunning_followup-19.0."), wheel.name


def test_the_wheel_installs_the_addon_into_odoo_addons(wheel):
    names = _names(wheel)
    for path in (
        "__manifest__.py",
        "__init__.py",
        "models/__init__.py",
        "dunning_followup/levels.py",
        "i18n/dunning_followup.pot",
        "security/ir.model.access.csv",
        "tests/__init__.py",
    ):
        assert ADDON + path in names, f"The wheel should hold {ADDON}{path}."
    outside = [n for n in names if not n.startswith(ADDON) and ".dist-info/" not in n]
    assert not outside, f"Everything should install under {ADDON}, not {outside}"


def test_the_wheel_declares_odoo_and_the_python_dependencies(wheel):
    requires = _metadata(wheel).get_all("Requires-Dist")
    names = {
        r.split(";")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
        for r in requires
    }
    assert {"odoo", "num2words", "qrcode"} <= names, (
        f"The wheel should require Odoo, num2words and qrcode, not only {requires}."
    )
    odoo = next(r for r in requires if r.lower().startswith("odoo"))
    assert "19.0" in odoo, f"The Odoo requirement should be the 19.0 series: {odoo}"


def test_no_development_file_is_shipped(wheel):
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    excluded = config["tool"]["whool_exclude"]["exclude"]
    for folder in (".ci/", "scripts/", "tests_tooling/"):
        assert folder in excluded, f"pyproject.toml should exclude {folder}"
    names = _names(wheel)
    shipped = [
        n
        for n in names
        if n.startswith(ADDON)
        and n[len(ADDON) :].startswith(
            (
                "scripts/",
                ".ci/",
                "tests_tooling/",
                ".benchmarks/",
                "docker-compose",
                ".pre-commit",
                ".pylintrc",
                ".ruff",
                "BENCHMARK",
                "prettier",
                "pyproject",
            )
        )
    ]
    assert not shipped, f"Development files should stay out of the wheel: {shipped}"
    with zipfile.ZipFile(wheel) as zf:
        record = zf.read(next(n for n in names if n.endswith("RECORD"))).decode()
    listed = {line.split(",")[0] for line in record.splitlines() if line}
    assert listed == set(names), (
        "The wheel's RECORD should list exactly its files: "
        f"{sorted(listed ^ set(names))[:5]} differ."
    )


def test_pip_installs_the_wheel_as_an_odoo_addon(wheel, tmp_path):
    target = tmp_path / "site"
    out = run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            target,
            wheel,
        ]
    )
    assert out.returncode == 0, out.stderr
    manifest = target / "odoo" / "addons" / "dunning_followup" / "__manifest__.py"
    assert manifest.is_file(), (
        "pip should put the addon in odoo/addons/dunning_followup."
    )
    assert not (target / "odoo" / "addons" / "dunning_followup" / "scripts").exists()
