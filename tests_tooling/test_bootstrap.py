"""The set-up path of a fresh machine, for real and without network: the scripts
find no Odoo, clone it from a git repository (a local one made here from the
installed Odoo), build their cached environment, and run again with it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCRIPTS, clean_env, run

# What the local repository holds of the installed Odoo: the odoo package (less
# its translations and test addons), one small addon, and what installs them.
SOURCE_PATHS = [
    "odoo",
    "addons/base_setup",
    "requirements.txt",
    "setup.py",
    "setup.cfg",
    "setup",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "odoo-bin",
]
SOURCE_EXCLUDES = [
    ":(exclude)odoo/addons/test_*",
    ":(exclude)odoo/addons/*/i18n",
    ":(exclude)**/__pycache__",
]


def installed_odoo_source() -> Path:
    """The source tree of the Odoo this test runs with (an editable install)."""
    out = run(
        [sys.executable, "-c", "import os, odoo.release as r; print(r.__file__)"],
        cwd="/",
    )
    if out.returncode != 0:
        pytest.skip("no Odoo installed here to make a local Odoo repository from")
    src = Path(out.stdout.strip()).parent.parent
    if not (src / "requirements.txt").is_file() or not (src / "setup.py").is_file():
        pytest.skip(f"the installed Odoo ({src}) is not a source tree")
    return src


@pytest.fixture(scope="module")
def odoo_repo(tmp_path_factory) -> str:
    """A bare git repository whose branch 19.0 holds a slice of the installed Odoo,
    made without copying it (git reads the files where they are)."""
    src = installed_odoo_source()
    repo = tmp_path_factory.mktemp("mirror") / "odoo.git"
    git = ["git", f"--git-dir={repo}", f"--work-tree={src}"]
    ident = ["-c", "user.name=test", "-c", "user.email=test@example.com"]
    for cmd in (
        ["git", "init", "-q", "--bare", "-b", "19.0", repo],
        [*git, "add", "--", *SOURCE_PATHS, *SOURCE_EXCLUDES],
        [*git, *ident, "commit", "-q", "-m", "Odoo 19.0 (slice)"],
    ):
        out = run(cmd)
        assert out.returncode == 0, f"{cmd} failed: {out.stderr}"
    return f"file://{repo}"


def bootstrap(
    python: Path, cache: Path, url: str, *args: str
) -> subprocess.CompletedProcess:
    env = clean_env(
        ODOO_GIT_URL=url,
        DUNNING_CACHE_DIR=str(cache),
        # pip finds every requirement among the system's packages: no download
        DUNNING_VENV_SYSTEM_SITE_PACKAGES="1",
    )
    return run(
        [python, SCRIPTS / "run_tests.py", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=1800,
    )


@pytest.mark.slow
def test_a_fresh_machine_gets_odoo_from_the_git_url_and_reruns_with_it(
    odoo_repo, plain_python, tmp_path
):
    cache = tmp_path / "cache"
    first = bootstrap(plain_python, cache, odoo_repo, "--which-odoo")
    assert first.returncode == 0, (
        f"The first run should end with a usable Odoo:\n{first.stdout}"
    )
    venv_python = (
        cache / "venv-py{}.{}".format(*sys.version_info[:2]) / "bin" / "python"
    )
    assert f"python: {venv_python}" in first.stdout, (
        "The script should have run again with the cached environment's Python:\n"
        + first.stdout
    )
    assert re.search(
        rf"odoo: 19\.0 {re.escape(str(cache / 'odoo-19.0' / 'odoo'))}$",
        first.stdout,
        re.M,
    ), f"The runner should use the Odoo cloned into the cache:\n{first.stdout}"
    assert str(cache / "odoo-19.0" / "addons") in first.stdout, (
        "The runner should put the clone's addons folder on the addons path."
    )
    assert "pins for Python 3.1" in first.stdout, (
        "The run should say which pins it chose."
    )

    # The environment imports Odoo 19 from the clone, by itself.
    out = run(
        [venv_python, "-c", "import odoo.release as r; print(r.serie, r.__file__)"],
        cwd="/",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [
        "19.0",
        str(cache / "odoo-19.0" / "odoo" / "release.py"),
    ], f"The cached environment should import the cloned Odoo 19, not {out.stdout!r}."

    second = bootstrap(plain_python, cache, odoo_repo, "--which-odoo")
    assert second.returncode == 0, second.stdout
    for done in (
        "Odoo source: ",
        "virtual environment: ",
        "requirements (pins for Python",
        "Odoo installed in the environment: already done",
    ):
        line = next((ln for ln in second.stdout.splitlines() if done in ln), "")
        assert "already" in line, (
            f"The second run should skip the step {done!r}, as done:\n{second.stdout}"
        )
    assert "git fetch" not in second.stdout and "pip install" not in second.stdout, (
        f"The second run should neither fetch nor install anything:\n{second.stdout}"
    )


@pytest.mark.slow
def test_without_a_reachable_odoo_the_run_says_so_and_still_runs_the_engine_tests(
    plain_python, tmp_path
):
    out = bootstrap(
        plain_python,
        tmp_path / "cache",
        f"file://{tmp_path / 'nowhere.git'}",
        "--only",
        "engine,odoo",
    )
    assert "COULD NOT GET ODOO 19.0" in out.stdout, (
        f"The run should say loudly that Odoo could not be fetched:\n{out.stdout}"
    )
    summary = re.search(
        r"engine tests \(pytest\): (\d+) passed, (\d+) failed", out.stdout
    )
    assert summary and int(summary.group(1)) > 0 and summary.group(2) == "0", (
        f"The engine tests should still run and pass:\n{out.stdout}"
    )
    assert (
        out.stdout.rstrip().splitlines()[-1] == f"{summary.group(1)} passed, 0 failed"
    ), "The last line should count the engine tests only."
    assert out.returncode == 0, "Odoo missing is not a failure of the engine tests."
    assert os.listdir(tmp_path / "cache") == [], (
        "A failed clone should leave no half-made source behind."
    )
