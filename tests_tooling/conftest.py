"""Shared helpers of the tooling tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = REPO_ROOT / "scripts"


def clean_env(**extra: str) -> dict:
    """The environment for a script run by a test: none of the set-up variables
    of the surrounding run leak in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ODOO_", "DUNNING_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(extra)
    return env


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd``, output captured as text, and echo it when the test fails."""
    if "stdout" not in kwargs:
        kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    if kwargs.get("stdout") is None and not kwargs.get("capture_output"):
        kwargs["stdout"] = subprocess.PIPE
    return subprocess.run([str(c) for c in cmd], **kwargs)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def plain_python(tmp_path_factory) -> Path:
    """A Python without Odoo (a venv that does not see the system's packages),
    as on a fresh machine."""
    venv = tmp_path_factory.mktemp("plain") / "venv"
    out = run([sys.executable, "-m", "venv", venv])
    assert out.returncode == 0, out.stderr
    return venv / "bin" / "python"
