#!/usr/bin/env python3
"""Run every test of the dunning_followup addon and print ``N passed, N failed``.

Parts, in this order (``--only PARTS`` picks some):

- engine: the pure-Python engine tests (pytest, ``dunning_followup/tests``);
- lint: ruff with OCA's rules (check and format) and pylint-odoo with OCA's
  checks for 19.0 (``.pylintrc``); each clean linter counts one passed, each
  finding one failed;
- tooling: the tests of the set-up scripts, the packaging and the Docker file
  (pytest, ``tests_tooling/``); their tools come from
  ``tests_tooling/requirements.txt``, installed with pip when missing;
- odoo: the addon's Odoo tests on a throwaway PostgreSQL cluster and database
  (``-i dunning_followup --test-enable --test-tags /dunning_followup``).

When no Odoo 19 is importable and ``ODOO_SRC`` is unset, Odoo is fetched into a
cache and the runner re-runs itself with it (scripts/_odoo_bootstrap.py); when
that is impossible, a banner says so and the other parts still run.

The last line printed is ``N passed, N failed`` (all parts added up); the exit
code is 1 if anything failed, else 0.

Options: --engine-only, --odoo-only, --only PARTS, --keep (leave the PostgreSQL
cluster running and its folder in place), --tags TAGS (Odoo test tags, default
/dunning_followup), --with-demo (install demo data in the test database),
--which-odoo (get Odoo if needed, print the one the tests use, and exit).
The Odoo log goes to the console and to .run/logs/odoo-tests.log.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _odoo_bootstrap as B  # noqa: E402
import _odoo_env as E  # noqa: E402

ENGINE_TESTS = "dunning_followup/tests"
TOOLING_TESTS = "tests_tooling"
TOOLING_REQUIREMENTS = E.REPO_ROOT / TOOLING_TESTS / "requirements.txt"
LINT_REQUIREMENTS = E.REPO_ROOT / ".ci" / "lint-requirements.txt"
PARTS = ("engine", "lint", "tooling", "odoo")
TEST_DB = "dunning_test"


@dataclass
class Part:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    ran: bool = False
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.ran:
            return f"{self.name}: not run" + (
                f" ({'; '.join(self.notes)})" if self.notes else ""
            )
        s = (
            f"{self.name}: {self.passed} passed, {self.failed} failed, "
            f"{self.skipped} skipped"
        )
        return s + (f"  [{'; '.join(self.notes)}]" if self.notes else "")


# ------------------------------------------------------------------ engine tests


def _have_pytest() -> bool:
    return (
        subprocess.run(
            [sys.executable, "-c", "import pytest"], capture_output=True
        ).returncode
        == 0
    )


def _missing_tools() -> list[str]:
    """The requirements of tests_tooling/requirements.txt the running Python lacks."""
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:
        from pip._vendor.packaging.requirements import Requirement
    missing = []
    for line in TOOLING_REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            missing.append(line)
    return missing


def ensure_tools(part: Part) -> bool:
    """Install what the tooling tests and the linters need; False when impossible."""
    if not _have_pytest():
        E.say("pytest is not installed: installing it with pip ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pytest"])
    missing = _missing_tools() if _have_pytest() else ["pytest"]
    if missing:
        E.say(f"installing with pip: {' '.join(missing)} ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing])
        missing = _missing_tools() if _have_pytest() else ["pytest"]
    if not missing:
        return True
    note = f"could not install {', '.join(missing)} with pip"
    E.banner([f"{part.name.upper()} NOT RUN: {note}"], char="!")
    if os.environ.get("CI"):  # in CI a missing tool is a failure, not a skip
        part.ran = True
        part.failed = 1
    part.notes.append(note)
    return False


def run_pytest(name: str, folder: str, tmp: Path, extra: list[str] = ()) -> Part:
    part = Part(name, ran=True)
    E.say("=" * 20 + f" {name} " + "=" * 20)
    if not (E.REPO_ROOT / folder).is_dir():
        part.notes.append(f"no {folder} folder")
        return part
    if not _have_pytest():
        E.say("pytest is not installed: installing it with pip ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pytest"])
        if not _have_pytest():
            part.failed = 1
            part.notes.append("pytest missing and 'pip install pytest' failed")
            return part
    junit = tmp / f"{folder.replace('/', '-')}-junit.xml"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *extra,
        folder,
    ]
    E.say("$ " + " ".join(cmd))
    rc = subprocess.run(cmd, cwd=str(E.REPO_ROOT), stdin=subprocess.DEVNULL).returncode
    if junit.is_file():
        try:
            root = ET.parse(junit).getroot()
            suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
            tests = failures = errors = skipped = 0
            for s in suites:
                tests += int(s.get("tests", 0))
                failures += int(s.get("failures", 0))
                errors += int(s.get("errors", 0))
                skipped += int(s.get("skipped", 0))
            part.failed = failures + errors
            part.skipped = skipped
            part.passed = max(0, tests - failures - errors - skipped)
        except (ET.ParseError, ValueError) as e:
            part.notes.append(f"unreadable junit xml: {e}")
    if rc == 5:  # no tests collected
        part.notes.append("no test collected")
    elif rc != 0 and part.failed == 0:
        part.failed = 1
        part.notes.append(f"pytest exited with {rc}")
    return part


def run_engine(tmp: Path) -> Part:
    return run_pytest("engine tests (pytest)", ENGINE_TESTS, tmp)


def run_tooling(tmp: Path) -> Part:
    part = Part("tooling tests (pytest)")
    if not ensure_tools(part):
        return part
    return run_pytest(part.name, TOOLING_TESTS, tmp, ["-rs"])


# ---------------------------------------------------------------------- linters

FINDING_RE = {
    "ruff check": re.compile(r"^\S+:\d+:\d+: "),
    "ruff format": re.compile(r"^\S+:\d+:\d+: unformatted: "),
    "pylint-odoo": re.compile(r"^\S+:\d+: \[[A-Z]\d+\("),
}


def lint_python(part: Part) -> Path | None:
    """The Python of a virtual environment holding the linters and no Odoo, made
    once in the cache: OCA's pre-commit runs pylint where Odoo is not installed,
    and astroid crashes inferring some of Odoo's classes where it is."""
    venv = B.cache_dir() / "lint-venv-py{}.{}".format(*sys.version_info[:2])
    py = B.venv_python(venv)
    stamp = venv / ".dunning-lint"
    want = LINT_REQUIREMENTS.read_text()
    if stamp.is_file() and stamp.read_text() == want and py.is_file():
        return py
    E.say(f"installing the linters in {venv} ...")
    ok = (
        py.is_file()
        or subprocess.run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    ) and (
        subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "-r", str(LINT_REQUIREMENTS)]
        ).returncode
        == 0
    )
    if ok:
        stamp.write_text(want)
        return py
    note = f"could not install {LINT_REQUIREMENTS.name} with pip"
    E.banner([f"{part.name.upper()} NOT RUN: {note}"], char="!")
    if os.environ.get("CI"):  # in CI a missing tool is a failure, not a skip
        part.ran = True
        part.failed = 1
    part.notes.append(note)
    return None


def run_lint(tmp: Path) -> Part:
    """ruff (OCA's rules, .ruff.toml) and pylint-odoo (.pylintrc: OCA's mandatory
    and optional checks, Odoo 19.0): each clean linter counts one passed, each
    finding one failed."""
    part = Part("lint (ruff, pylint-odoo)")
    E.say("=" * 20 + f" {part.name} " + "=" * 20)
    py = lint_python(part)
    if py is None:
        return part
    part.ran = True
    addon = E.addon_link_dir(tmp) / E.MODULE
    checks = {
        "ruff check": [
            str(py),
            "-m",
            "ruff",
            "check",
            "--no-fix",
            "--output-format=concise",
            ".",
        ],
        "ruff format": [
            str(py),
            "-m",
            "ruff",
            "format",
            "--check",
            "--output-format=concise",
            ".",
        ],
        "pylint-odoo": [
            str(py),
            "-m",
            "pylint",
            f"--rcfile={E.REPO_ROOT / '.pylintrc'}",
            "--output-format=text",
            "--score=n",
            str(addon),
        ],
    }
    for name, cmd in checks.items():
        E.say("$ " + " ".join(cmd))
        out = subprocess.run(
            cmd,
            cwd=str(E.REPO_ROOT),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        findings = [ln for ln in out.stdout.splitlines() if FINDING_RE[name].search(ln)]
        for line in findings:
            print("    " + line.replace(str(addon) + "/", ""))
        if findings:
            part.failed += len(findings)
            part.notes.append(f"{name}: {len(findings)} finding(s)")
        elif out.returncode != 0:
            part.failed += 1
            part.notes.append(f"{name} exited with {out.returncode}")
            print((out.stderr or out.stdout)[-3000:])
        else:
            part.passed += 1
            print(f"    {name}: clean")
    return part


# -------------------------------------------------------------------- Odoo tests


def have_queue_job(odoo) -> bool:
    """Whether OCA's queue_job addon and the openupgradelib it requires are
    importable by the Odoo that runs the tests (pip installs OCA's addons in
    the odoo.addons namespace of site-packages, on Odoo's addons path)."""
    probe = (
        "import importlib.util, sys; sys.exit(any(importlib.util.find_spec(name) "
        "is None for name in ('odoo.addons.queue_job', 'openupgradelib')))"
    )
    return (
        subprocess.run(
            [sys.executable, "-c", probe],
            env=odoo.env,
            capture_output=True,
            cwd=str(E.REPO_ROOT.parent),
        ).returncode
        == 0
    )


def test_modules(module: str, odoo) -> list[str]:
    """The modules installed in the test database."""
    if module != E.MODULE:
        return [module]
    # The SEPA QR module is optional for the addon; the tests of the letter's
    # EPC QR code need it, the DIN 5008 letter test l10n_din5008. The payment
    # recovery tests charge payment_demo's tokens; the Swiss QR-bill tests
    # print l10n_ch's payment part.
    modules = [module, "account_qr_code_sepa", "l10n_din5008", "l10n_ch"]
    modules.append("payment_demo")
    # OCA's queue_job (optional, pip-installed as odoo-addon-queue_job) for
    # the tests of the run and the sending as jobs.
    if have_queue_job(odoo):
        modules.append("queue_job")
    else:
        E.say("queue_job is not installed: its tests will be skipped")
    return modules


def run_odoo_tests(args, tmp: Path) -> Part:
    part = Part(f"Odoo tests ({args.tags})")
    E.say("=" * 20 + f" Odoo tests ({args.tags}) " + "=" * 20)
    odoo, why = E.find_odoo()
    if odoo is None:
        E.banner(E.NOT_FOUND_HELP)
        E.say(f"(why: {why})")
        part.notes.append("Odoo not found")
        return part
    part.ran = True
    E.say(
        f"Odoo {odoo.version} at {odoo.pkg_dir}"
        + (f" (ODOO_SRC={odoo.src_dir})" if odoo.src_dir else "")
    )
    if odoo.broken:
        E.banner(
            [
                "ODOO FOUND BUT NOT USABLE — its Python requirements are missing?",
                odoo.broken,
                "Install them: pip install -r <odoo source>/requirements.txt",
            ]
        )
        part.failed = 1
        part.notes.append("Odoo not importable: " + odoo.broken)
        return part
    if not odoo.addons_paths:
        part.notes.append(
            "warning: no Odoo addons folder found next to the odoo package"
        )

    cluster = None
    try:
        try:
            bindir = E.ensure_postgres()
            cluster = E.PgCluster(tmp / "pg", bindir)
            cluster.init()
            cluster.start()
        except Exception as e:  # noqa: BLE001
            E.say(f"PostgreSQL setup failed: {e}")
            part.failed = 1
            part.notes.append("PostgreSQL setup failed")
            return part

        # Odoo's browser tests (the tours) talk to Chromium through
        # websocket-client, which Odoo's requirements.txt does not list.
        if (
            subprocess.run(
                [sys.executable, "-c", "import websocket"], capture_output=True
            ).returncode
            != 0
        ):
            E.say("websocket-client (for the tours) is missing: pip install ...")
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", "websocket-client"]
            )
        still_missing = E.ensure_test_tools()
        if still_missing:
            E.say(
                f"WARNING: missing Debian packages {', '.join(still_missing)}: "
                "PDF, QR or browser tests will fail or be skipped"
            )
        logfile = E.RUN_DIR / "logs" / "odoo-tests.log"
        if logfile.exists():
            logfile.unlink()
        cmd = odoo.cmd(
            "server",
            *E.odoo_common_args(odoo, cluster, tmp, tmp / "odoo-data"),
            "-d",
            TEST_DB,
            "-i",
            ",".join(test_modules(args.module, odoo)),
            "--test-enable",
            "--test-tags",
            args.tags,
            "--stop-after-init",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(E.free_port()),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "info",
            "--screenshots",
            str(E.RUN_DIR / "test-screenshots"),
            *(["--with-demo"] if args.with_demo else []),
        )
        run = E.run_logged(cmd, odoo.env, logfile, cwd=tmp)
        if run.result is not None:
            failed, errors, tests = run.result
            part.failed = failed + errors
            part.skipped = run.skipped
            part.passed = max(0, tests - failed - errors - run.skipped)
            if tests == 0:
                part.notes.append("WARNING: no Odoo test matched the tags")
        else:
            part.failed = 1
            part.notes.append(
                "Odoo stopped without its test result line (install failure / crash?)"
            )
        if run.rc != 0 and part.failed == 0:
            part.failed = 1
            part.notes.append(f"Odoo exited with {run.rc}")
        if run.error_lines:
            E.say(
                f"Odoo logged {len(run.error_lines)} ERROR/CRITICAL line(s); "
                "the first ones:"
            )
            for line in run.error_lines[:10]:
                print("    " + line[:300])
        part.notes.append(f"log: {logfile.relative_to(E.REPO_ROOT)}")
        return part
    finally:
        if cluster is not None:
            if args.keep:
                E.say(
                    f"--keep: PostgreSQL left running on 127.0.0.1:{cluster.port} "
                    f"(user {E.DB_USER}, db {TEST_DB}), data in {tmp}"
                )
                E.say(f"  stop it: {cluster.stop_command()} && rm -rf {tmp}")
            else:
                cluster.destroy()


# -------------------------------------------------------------------------- main


def which_odoo() -> int:
    odoo, why = E.find_odoo()
    if odoo is None or odoo.broken:
        E.say(f"no usable Odoo: {why or odoo.broken}")
        return 1
    print(f"python: {sys.executable}")
    print(f"odoo: {odoo.version} {odoo.pkg_dir}")
    print("addons: " + ",".join(str(p) for p in odoo.addons_paths))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument(
        "--engine-only",
        action="store_true",
        help="run only the pure-Python engine tests",
    )
    g.add_argument("--odoo-only", action="store_true", help="run only the Odoo tests")
    g.add_argument(
        "--only",
        metavar="PARTS",
        help=f"comma-separated parts to run, among {','.join(PARTS)} (default: all)",
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the PostgreSQL cluster (running) and its folder",
    )
    ap.add_argument(
        "--tags", default=None, help="Odoo --test-tags (default /dunning_followup)"
    )
    ap.add_argument(
        "--with-demo",
        action="store_true",
        help="install demo data in the test database",
    )
    ap.add_argument(
        "--which-odoo",
        action="store_true",
        help="get Odoo if needed, print the Odoo the tests would use, and exit",
    )
    ap.add_argument(
        "--module", default=E.MODULE, help=argparse.SUPPRESS
    )  # for checking the runner itself
    args = ap.parse_args()
    args.tags = args.tags or f"/{args.module}"
    chosen = set(PARTS)
    if args.engine_only:
        chosen = {"engine"}
    elif args.odoo_only:
        chosen = {"odoo"}
    elif args.only:
        chosen = {p.strip() for p in args.only.split(",") if p.strip()}
        if chosen - set(PARTS):
            ap.error(
                f"unknown part(s) {', '.join(sorted(chosen - set(PARTS)))}; "
                f"choose among {', '.join(PARTS)}"
            )
    E.install_signal_handlers()
    if "odoo" in chosen or args.which_odoo:
        B.ensure_odoo()
    if args.which_odoo:
        return which_odoo()

    tmp = E.new_temp_base("dunning-test-")
    parts: list[Part] = []
    runners = {
        "engine": run_engine,
        "lint": run_lint,
        "tooling": run_tooling,
        "odoo": lambda tmp: run_odoo_tests(args, tmp),
    }
    try:
        for name in PARTS:
            if name in chosen:
                parts.append(runners[name](tmp))
    except KeyboardInterrupt:
        E.say("interrupted")
        return 130
    finally:
        if not (args.keep and (tmp / "pg").exists()):
            shutil.rmtree(tmp, ignore_errors=True)

    passed = sum(p.passed for p in parts)
    failed = sum(p.failed for p in parts)
    print("", flush=True)
    print("=" * 30 + " summary " + "=" * 30)
    for p in parts:
        print("  " + p.line())
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
