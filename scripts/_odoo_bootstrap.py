"""Get Odoo 19 when it is missing, so that the README's two commands work on a
fresh machine.

``ensure_odoo()`` is called first thing by scripts/run_tests.py, scripts/demo.py
and scripts/i18n_update.py. When ``ODOO_SRC`` is set or the running Python
imports a working Odoo 19, it does nothing. Otherwise it:

1. installs the Debian packages the run needs (``apt-get``, as root) or names them;
2. shallow-clones Odoo's 19.0 branch (``ODOO_GIT_URL``, ``ODOO_GIT_REF``) into a
   cache folder outside the repository (``DUNNING_CACHE_DIR``, default
   ``~/.cache/dunning_followup``), as ``odoo-19.0/``;
3. makes a virtual environment there (``venv-py3.X/``) with Odoo's
   ``requirements.txt``, choosing the pins that install on the running Python;
4. installs that Odoo into it (editable);
5. runs the calling script again with the environment's interpreter.

Every step is skipped when it is already done (a stamp file per step), so the
second run starts in seconds. When a step cannot be done (offline, no git) it says
so in a banner and returns: the caller goes on without Odoo (the engine tests
still run).

Environment variables: ``ODOO_GIT_URL`` (default Odoo's GitHub repository; a
local mirror works, e.g. ``file:///srv/odoo.git``), ``ODOO_GIT_REF`` (a branch,
tag or commit; default ``19.0``), ``DUNNING_CACHE_DIR``, ``DUNNING_BOOTSTRAP=0``
(never fetch anything), ``DUNNING_VENV_SYSTEM_SITE_PACKAGES=1`` (the environment
sees the system's packages: nothing to download when they are there).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ODOO_SERIES = "19.0"
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"
# Set in the environment of the re-run script: never bootstrap twice in a row.
REEXEC_FLAG = "DUNNING_BOOTSTRAPPED"
# The oldest Python whose pins in Odoo's requirements.txt have wheels for current
# platforms: on 3.11 the 3.11 pins (cryptography 3.4, lxml 4.9, psycopg2 2.9.5...)
# need compilers and old headers, while the 3.12 pins install cleanly.
MIN_PINS_PYTHON = (3, 12)

# Debian packages: what Odoo and the tests run (PostgreSQL server, the PDF
# renderer and its fonts, the PDF/QR readers of the tests, the tours' browser),
# and what pip needs to build psycopg2 and python-ldap from source.
DEBIAN_RUN_PACKAGES = [
    "postgresql",
    "wkhtmltopdf",
    "fonts-dejavu-core",
    # Odoo's default layout font, installed: letters print it as real text.
    "fonts-lato",
    "poppler-utils",
    "zbar-tools",
    "chromium",
]
DEBIAN_BUILD_PACKAGES = ["git", "gcc", "libpq-dev", "libldap2-dev", "libsasl2-dev"]
# Debian's own Python needs its venv module and headers as separate packages.
DEBIAN_PYTHON_PACKAGES = ["python3-venv", "python3-dev"]
# Python packages the scripts use besides Odoo's requirements.
EXTRA_PYTHON_PACKAGES = ["pytest", "websocket-client"]

_FILTER_REQUIREMENTS = r"""
import sys
try:
    from packaging.requirements import Requirement
except ImportError:  # a fresh environment: pip vendors packaging
    from pip._vendor.packaging.requirements import Requirement
source, python_version = sys.argv[1], sys.argv[2]
env = {"python_version": python_version, "python_full_version": python_version + ".0"}
for raw in open(source, encoding="utf-8"):
    line = raw.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        continue
    req = Requirement(line)
    if req.marker is None or req.marker.evaluate(env):
        req.marker = None
        print(req)
"""


def _say(msg: str) -> None:
    print(f"[setup] {msg}", flush=True)


def _loud(lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "!" * width)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !")
    print("!" * width + "\n", flush=True)


class BootstrapError(RuntimeError):
    """A step could not be done; the message says which and why."""


def cache_dir() -> Path:
    if os.environ.get("DUNNING_CACHE_DIR"):
        return Path(os.environ["DUNNING_CACHE_DIR"]).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser().resolve() / "dunning_followup"


def odoo_src_dir() -> Path:
    return cache_dir() / f"odoo-{ODOO_SERIES}"


def venv_dir() -> Path:
    return cache_dir() / "venv-py{}.{}".format(*sys.version_info[:2])


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(cmd: list, what: str, **kwargs) -> None:
    """Run a step's command with its output on the console (progress bars)."""
    _say("$ " + " ".join(str(c) for c in cmd))
    try:
        rc = subprocess.run(
            [str(c) for c in cmd], stdin=subprocess.DEVNULL, **kwargs
        ).returncode
    except OSError as e:
        raise BootstrapError(f"{what}: {e}") from e
    if rc != 0:
        raise BootstrapError(f"{what} failed (exit {rc})")


def _stamp_ok(stamp: Path, value: str) -> bool:
    return stamp.is_file() and stamp.read_text() == value


# ----------------------------------------------------------------- 1. Debian


def missing_debian_packages(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []  # not Debian: nothing we can check or install
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *packages],
        capture_output=True,
        text=True,
    )
    installed = {
        line.split()[0]
        for line in out.stdout.splitlines()
        if len(line.split()) > 1 and line.split()[1].startswith("ii")
    }
    return [p for p in packages if p not in installed]


def ensure_debian_packages(packages: list[str], why: str) -> list[str]:
    """Install the missing ones with apt-get when root; return those still missing."""
    missing = missing_debian_packages(packages)
    if not missing:
        return []
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not is_root or not shutil.which("apt-get"):
        _loud(
            [
                f"MISSING DEBIAN PACKAGES ({why}):",
                "  " + " ".join(missing),
                "Install them as root:",
                "  apt-get install -y --no-install-recommends " + " ".join(missing),
            ]
        )
        return missing
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _say(f"installing Debian packages ({why}): {' '.join(missing)}")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, stdin=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL)
    still = missing_debian_packages(packages)
    if still:
        _loud([f"apt-get could not install: {' '.join(still)} ({why})"])
    return still


# -------------------------------------------------------------- 2. the source


def git_url() -> str:
    return os.environ.get("ODOO_GIT_URL", "").strip() or ODOO_GIT_URL


def git_ref() -> str:
    return os.environ.get("ODOO_GIT_REF", "").strip() or ODOO_SERIES


def _git(*args, cwd: Path, check=True) -> str:
    out = subprocess.run(["git", *args], cwd=str(cwd), capture_output=True, text=True)
    if check and out.returncode != 0:
        raise BootstrapError(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout.strip()


def ensure_source() -> Path:
    """A shallow clone of ``git_ref()`` in the cache; kept while its stamp matches."""
    src = odoo_src_dir()
    stamp = src / ".dunning-source"
    want = json.dumps({"url": git_url(), "ref": git_ref()})
    if _stamp_ok(stamp, want) and (src / "odoo" / "release.py").is_file():
        _say(f"Odoo source: {src} (already there)")
        return src
    if not shutil.which("git"):
        raise BootstrapError("git is not installed")
    partial = src.with_name(src.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    _say(f"cloning Odoo {git_ref()} from {git_url()} into {src} (shallow) ...")
    try:
        # init + fetch instead of clone: the ref may be a commit, not only a branch.
        _git("init", "-q", cwd=partial)
        _git("remote", "add", "origin", git_url(), cwd=partial)
        _run(
            ["git", "fetch", "--depth", "1", "--progress", "origin", git_ref()],
            "fetching Odoo's source",
            cwd=str(partial),
        )
        _git(
            "-c",
            "advice.detachedHead=false",
            "checkout",
            "-q",
            "FETCH_HEAD",
            cwd=partial,
        )
        if not (partial / "odoo" / "release.py").is_file():
            raise BootstrapError(f"{git_url()} {git_ref()} holds no odoo/release.py")
    except BootstrapError:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    shutil.rmtree(src, ignore_errors=True)
    partial.rename(src)
    stamp.write_text(want)
    return src


# ------------------------------------------------------ 3.+4. the environment


def pins_python_version() -> str:
    """The python_version against which requirements.txt's markers are read."""
    return "{}.{}".format(*max(sys.version_info[:2], MIN_PINS_PYTHON))


def ensure_venv(src: Path) -> Path:
    venv = venv_dir()
    py = venv_python(venv)
    system_site = os.environ.get("DUNNING_VENV_SYSTEM_SITE_PACKAGES") == "1"
    if not py.is_file():
        shutil.rmtree(venv, ignore_errors=True)
        _say(f"creating the virtual environment {venv} ...")
        _run(
            [
                sys.executable,
                "-m",
                "venv",
                *(["--system-site-packages"] if system_site else []),
                venv,
            ],
            "creating the virtual environment (Debian: apt-get install python3-venv)",
        )
    else:
        _say(f"virtual environment: {venv} (already there)")

    # Odoo's requirements with the markers read for the chosen Python.
    req_file = venv / "requirements-odoo.txt"
    out = subprocess.run(
        [
            py,
            "-c",
            _FILTER_REQUIREMENTS,
            src / "requirements.txt",
            pins_python_version(),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise BootstrapError(f"reading Odoo's requirements.txt: {out.stderr.strip()}")
    reqs = out.stdout.splitlines()
    # reportlab 4 draws barcodes and QR codes with rl_renderPM, which Odoo's file
    # lists for Windows only (Debian's package bundles it).
    if any(r.lower().startswith("reportlab==4") for r in reqs):
        reqs.append("rl_renderPM")
    reqs += EXTRA_PYTHON_PACKAGES
    text = "\n".join(reqs) + "\n"
    stamp = venv / ".dunning-requirements"
    pins = f"pins for Python {pins_python_version()}"
    want = hashlib.sha256(text.encode()).hexdigest()
    if _stamp_ok(stamp, want):
        _say(f"Odoo's requirements ({pins}): already installed")
    else:
        req_file.write_text(text)
        _say(f"installing Odoo's requirements ({pins}) ...")
        _run(
            [py, "-m", "pip", "install", "--progress-bar", "on", "-r", req_file],
            "pip install of Odoo's requirements",
        )
        stamp.write_text(want)

    stamp = venv / ".dunning-odoo"
    want = str(src)
    if _stamp_ok(stamp, want) and _venv_odoo(py) == str(src / "odoo"):
        _say("Odoo installed in the environment: already done")
    else:
        _say(f"installing Odoo from {src} into the environment (editable) ...")
        have_setuptools = (
            subprocess.run(
                [py, "-c", "import setuptools"], capture_output=True
            ).returncode
            == 0
        )
        _run(
            [
                py,
                "-m",
                "pip",
                "install",
                "--no-deps",
                *(["--no-build-isolation"] if have_setuptools else []),
                "-e",
                src,
            ],
            "pip install of Odoo",
        )
        if _venv_odoo(py) != str(src / "odoo"):
            raise BootstrapError(f"{py} does not import the Odoo of {src}")
        stamp.write_text(want)
    return py


def _venv_odoo(py: Path) -> str:
    """The folder of the ``odoo`` package that ``py`` imports ("" if none)."""
    out = subprocess.run(
        [py, "-c", "import os, odoo.release as r; print(os.path.dirname(r.__file__))"],
        capture_output=True,
        text=True,
        cwd=str(cache_dir()),
    )
    return out.stdout.strip() if out.returncode == 0 else ""


# ------------------------------------------------------------------- entry


def _odoo_usable() -> bool:
    """Does the running Python import a working Odoo of our series?"""
    probe = (
        "import odoo.release as r, odoo.service.server, odoo.cli.command\n"
        "print(r.serie)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tempfile.gettempdir(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip().endswith(ODOO_SERIES)


# Why the last ensure_odoo() did not get Odoo ("" when it did not try or did).
FAILURE = ""


def ensure_odoo() -> None:
    """Make Odoo 19 available, re-running the calling script with the cached
    environment's interpreter when needed; return when it cannot be had."""
    global FAILURE
    if os.environ.get("ODOO_SRC", "").strip():
        return
    if os.environ.get(REEXEC_FLAG) == "1" or _odoo_usable():
        return
    if os.environ.get("DUNNING_BOOTSTRAP", "1") == "0":
        return
    _say(f"no Odoo {ODOO_SERIES} here: getting it (cache: {cache_dir()})")
    debian_python = os.path.realpath(sys.executable).startswith("/usr/bin/")
    ensure_debian_packages(
        DEBIAN_RUN_PACKAGES
        + DEBIAN_BUILD_PACKAGES
        + (DEBIAN_PYTHON_PACKAGES if debian_python else []),
        "to build and run Odoo's tests",
    )
    try:
        src = ensure_source()
        py = ensure_venv(src)
    except BootstrapError as e:
        FAILURE = str(e)
        _loud(
            [
                f"COULD NOT GET ODOO {ODOO_SERIES}: {e}",
                "No network, or no git? The Odoo parts do not run.",
                "Set ODOO_GIT_URL to a reachable mirror, or ODOO_SRC to a checkout,",
                "and run the command again.",
            ]
        )
        return
    env = dict(os.environ, **{REEXEC_FLAG: "1"})
    script = os.path.abspath(sys.argv[0])
    _say(f"running {Path(script).name} again with {py}")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(str(py), [str(py), script, *sys.argv[1:]], env)
