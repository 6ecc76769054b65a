"""Shared helpers for scripts/run_tests.py and scripts/demo.py.

Finds Odoo (``ODOO_SRC`` or an importable ``odoo``) and PostgreSQL at run time,
runs a throwaway PostgreSQL cluster owned by a non-root user, and runs Odoo in a
subprocess whose log goes both to the console and to a file.

Nothing here holds a path of a particular machine: PostgreSQL's binaries come from
``PG_BINDIR``, ``pg_config --bindir``, Debian's ``/usr/lib/postgresql/<v>/bin`` or
``PATH``; Odoo from ``ODOO_SRC`` or the Python that runs these scripts.
Generated state lives in a temporary directory or under the repo's ``.run/``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = REPO_ROOT / ".run"
MODULE = "dunning_followup"
DB_USER = "odoo"  # Odoo refuses to connect as 'postgres'
PROG = Path(sys.argv[0]).name or "scripts"


def say(msg: str = "") -> None:
    print(f"[{PROG}] {msg}" if msg else "", flush=True)


def banner(lines: list[str], char: str = "#") -> None:
    width = max(len(line) for line in lines) + 4
    print("", flush=True)
    print(char * width)
    for line in lines:
        print(f"{char} {line.ljust(width - 4)} {char}")
    print(char * width, flush=True)
    print("", flush=True)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def install_signal_handlers() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so that ``finally`` blocks clean up."""

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):
            pass


# --------------------------------------------------------------------------- Odoo


@dataclass
class OdooInfo:
    pkg_dir: Path  # the ``odoo`` package directory
    version: str
    src_dir: Path | None  # ODOO_SRC, when used
    addons_paths: list[Path] = field(default_factory=list)
    env: dict = field(default_factory=dict)  # environment for Odoo subprocesses
    broken: str = ""  # import error of Odoo's server code (missing requirements)

    def cmd(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "odoo", *args]


def _subprocess_env(extra_pythonpath: str | None = None) -> dict:
    env = dict(os.environ)
    # Never let a developer's PG*/ODOO_RC settings leak into our throwaway setup.
    for key in list(env):
        if key.startswith("PG") or key == "ODOO_RC":
            del env[key]
    if extra_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (extra_pythonpath, env.get("PYTHONPATH")) if p
        )
    env["PYTHONUNBUFFERED"] = "1"
    return env


NOT_FOUND_HELP = [
    "ODOO NOT FOUND — only the engine tests ran",
    "",
    "To run the addon's Odoo tests, get Odoo 19 Community:",
    "  git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git",
    "  cd odoo && pip install -r requirements.txt && pip install -e .",
    "or, without installing it, point ODOO_SRC at that checkout",
    "(the folder holding odoo/ and addons/):",
    "  ODOO_SRC=/path/to/odoo python3 scripts/run_tests.py",
    "PostgreSQL's server binaries (initdb, pg_ctl) are needed as well;",
    "on Debian/Ubuntu they are installed automatically when missing.",
]


def find_odoo() -> tuple[OdooInfo | None, str]:
    """Return (OdooInfo, "") or (None, reason)."""
    src = os.environ.get("ODOO_SRC", "").strip()
    src_dir = None
    if src:
        src_dir = Path(src).expanduser().resolve()
        if not (src_dir / "odoo" / "release.py").is_file():
            return None, f"ODOO_SRC={src!r} does not hold odoo/release.py"
    env = _subprocess_env(str(src_dir) if src_dir else None)
    probe = (
        "import json, os, odoo.release as r\n"
        "info = {'pkg': os.path.dirname(os.path.abspath(r.__file__)),\n"
        "        'version': r.version, 'broken': ''}\n"
        "try:\n"
        "    import odoo.service.server, odoo.cli.command\n"
        "except Exception as e:\n"
        "    info['broken'] = '%s: %s' % (type(e).__name__, e)\n"
        "print('ODOO_PROBE ' + json.dumps(info))\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tempfile.gettempdir(),
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"probing Odoo failed: {e}"
    line = next(
        (ln for ln in out.stdout.splitlines() if ln.startswith("ODOO_PROBE ")), None
    )
    if line is None:
        err = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"'import odoo.release' failed with {sys.executable}: {err}"
    info = json.loads(line[len("ODOO_PROBE ") :])
    pkg = Path(info["pkg"])
    addons = []
    for cand in (pkg.parent / "addons", pkg / "addons"):
        if cand.is_dir() and any(
            (d / "__manifest__.py").is_file() for d in cand.iterdir()
        ):
            addons.append(cand)
    return OdooInfo(
        pkg_dir=pkg,
        version=info["version"],
        src_dir=src_dir,
        addons_paths=addons,
        env=env,
        broken=info["broken"],
    ), ""


def addon_link_dir(base: Path) -> Path:
    """A directory holding a symlink ``dunning_followup`` -> repo root (whatever the
    repo folder is called), to put on Odoo's addons path."""
    d = base / "addons"
    d.mkdir(parents=True, exist_ok=True)
    link = d / MODULE
    if link.is_symlink() or link.exists():
        if link.is_symlink() and Path(os.readlink(link)) == REPO_ROOT:
            return d
        link.unlink()
    link.symlink_to(REPO_ROOT, target_is_directory=True)
    return d


def addon_copy_dir(base: Path) -> Path:
    """A directory holding a copy of the addon without the repository's dot
    folders (``.run`` holds the benchmark's OCA addons and databases' files,
    whose strings Odoo's translation export would take as the addon's)."""
    d = base / "addons"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    shutil.copytree(
        REPO_ROOT, d / MODULE, ignore=shutil.ignore_patterns(".*", "__pycache__")
    )
    return d


def write_odoo_conf(base: Path) -> Path:
    """An (almost) empty config file, so that no ~/.odoorc is read."""
    conf = base / "odoo.conf"
    conf.write_text("[options]\n")
    return conf


def odoo_common_args(
    odoo: OdooInfo, cluster: PgCluster, base: Path, data_dir: Path, copy=False
) -> list[str]:
    """``copy``: the addon copied without its dot folders, instead of linked."""
    addons = [(addon_copy_dir if copy else addon_link_dir)(base), *odoo.addons_paths]
    return [
        "-c",
        str(write_odoo_conf(base)),
        f"--addons-path={','.join(str(p) for p in addons)}",
        "--db_host",
        "127.0.0.1",
        "--db_port",
        str(cluster.port),
        "--db_user",
        DB_USER,
        "--data-dir",
        str(data_dir),
    ]


@dataclass
class OdooRun:
    rc: int
    result: tuple[int, int, int] | None = None  # failed, errors, tests
    skipped: int = 0
    error_lines: list[str] = field(default_factory=list)
    module_failures: list[str] = field(default_factory=list)
    interrupted: bool = False


RESULT_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests "
    r"when loading database"
)
SKIP_RE = re.compile(r"^\S+ \S+ \d+ INFO \S+ \S+: skipped ")
LEVEL_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
MODULE_FAIL_RE = re.compile(r"Module \S+: \d+ failures, \d+ errors of \d+ tests")


def run_logged(
    cmd: list[str],
    env: dict,
    logfile: Path,
    cwd: Path | None = None,
    stdin_text: str | None = None,
    on_line=None,
    echo=True,
    quiet=False,
) -> OdooRun:
    """Run ``cmd`` with stdout+stderr streamed to the console and to ``logfile``;
    parse Odoo's log lines on the way. ``echo``: True (every line), False, or a
    predicate choosing the lines shown on the console (the file gets all of them);
    ``quiet``: do not print the log file's path and the command.
    Ctrl-C reaches the child too (same process group); we then wait for it."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    run = OdooRun(rc=0)
    if not quiet:
        say(f"log: {logfile}")
        say("$ " + " ".join(shlex.quote(c) for c in cmd))
    with open(logfile, "ab") as log:
        log.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=str(cwd) if cwd else None,
            stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            if stdin_text is not None:
                try:
                    proc.stdin.write(stdin_text.encode())
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
            for raw in proc.stdout:
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if echo is True or (callable(echo) and echo(line)):
                    sys.stdout.write(line + "\n")
                    sys.stdout.flush()
                m = RESULT_RE.search(line)
                if m:
                    run.result = tuple(int(x) for x in m.groups())
                if SKIP_RE.search(line):
                    run.skipped += 1
                if LEVEL_RE.search(line):
                    run.error_lines.append(line)
                if MODULE_FAIL_RE.search(line):
                    run.module_failures.append(line)
                if on_line:
                    on_line(line)
            run.rc = proc.wait()
        except KeyboardInterrupt:
            run.interrupted = True
            say("interrupted: waiting for Odoo to stop ...")
            try:
                run.rc = proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                proc.kill()
                run.rc = proc.wait()
            raise
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return run


# --------------------------------------------------------------------- PostgreSQL


def _pg_version_key(path: str) -> tuple:
    m = re.search(r"/(\d+(?:\.\d+)?)/bin$", path)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)


def find_pg_bindir() -> Path | None:
    cands: list[str] = []
    if os.environ.get("PG_BINDIR"):
        cands.append(os.environ["PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=30
            )
            if out.returncode == 0:
                cands.append(out.stdout.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
    cands += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=_pg_version_key, reverse=True
    )
    initdb = shutil.which("initdb")
    if initdb:
        cands.append(str(Path(initdb).resolve().parent))
    for c in cands:
        p = Path(c)
        if all(
            (p / exe).is_file() and os.access(p / exe, os.X_OK)
            for exe in ("initdb", "pg_ctl", "postgres")
        ):
            return p
    return None


def ensure_postgres() -> Path:
    bindir = find_pg_bindir()
    if bindir:
        return bindir
    if not shutil.which("apt-get"):
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found and "
            "apt-get is unavailable: install PostgreSQL or set PG_BINDIR"
        )
    prefix = []
    if not is_root():
        if not shutil.which("sudo"):
            raise RuntimeError("PostgreSQL not found; installing it needs root or sudo")
        prefix = ["sudo", "-E"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say("PostgreSQL not found: installing Debian's 'postgresql' package ...")
    install = prefix + [
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "postgresql",
    ]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(prefix + ["apt-get", "update"], env=env)
        if subprocess.run(install, env=env).returncode != 0:
            raise RuntimeError("apt-get install postgresql failed")
    bindir = find_pg_bindir()
    if not bindir:
        raise RuntimeError(
            "PostgreSQL was installed but initdb/pg_ctl/postgres are still not found"
        )
    return bindir


# Debian packages the Odoo tests use: the PDF renderer, the browser of the tours,
# and the tools that read the PDF's text and decode its QR codes.
TEST_TOOLS = {
    "wkhtmltopdf": "wkhtmltopdf",
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    "pdfimages": "poppler-utils",
    "zbarimg": "zbar-tools",
}


def ensure_test_tools() -> list[str]:
    """Install the Debian packages of missing test tools; return those still missing."""
    missing = sorted({pkg for exe, pkg in TEST_TOOLS.items() if not shutil.which(exe)})
    if missing and shutil.which("apt-get") and (is_root() or shutil.which("sudo")):
        prefix = [] if is_root() else ["sudo", "-E"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        say(f"installing Debian packages for the Odoo tests: {' '.join(missing)} ...")
        install = prefix + [
            "apt-get",
            "install",
            "-y",
            "--no-install-recommends",
            *missing,
        ]
        if subprocess.run(install, env=env).returncode != 0:
            subprocess.run(prefix + ["apt-get", "update"], env=env)
            subprocess.run(install, env=env)
    return sorted({pkg for exe, pkg in TEST_TOOLS.items() if not shutil.which(exe)})


def _run_user() -> str | None:
    """As root, PostgreSQL must run as another user: 'postgres', else 'nobody'."""
    if not is_root():
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError(
        "running as root but neither a 'postgres' nor a 'nobody' user exists"
    )


def _user_can_enter(user: str | None, path: Path) -> bool:
    if user is None:
        return True
    return (
        subprocess.run(
            ["runuser", "-u", user, "--", "test", "-w", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        == 0
    )


class PgCluster:
    """A throwaway PostgreSQL cluster in ``base`` (pgdata, socket, log, state.json).

    Listens on 127.0.0.1:<port> and on a unix socket in ``base``; its superuser is
    ``odoo`` with trust authentication."""

    def __init__(self, base: Path, bindir: Path):
        self.base = base
        self.bindir = bindir
        self.pgdata = base / "pgdata"
        self.logfile = base / "postgresql.log"
        self.state_file = base / "state.json"
        self.user = _run_user()
        self.port = 0
        self.sockdir = base / "sock"
        self._own_sockdir = False

    # -- helpers
    def _as_pg(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def _pg(self, exe: str) -> str:
        return str(self.bindir / exe)

    def _chown(self, path: Path) -> None:
        if self.user:
            import pwd

            pw = pwd.getpwnam(self.user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _save(self) -> None:
        self.state_file.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "sockdir": str(self.sockdir),
                    "bindir": str(self.bindir),
                }
            )
        )

    # -- lifecycle
    @classmethod
    def load(cls, base: Path, bindir: Path) -> PgCluster | None:
        state = base / "state.json"
        if not (base / "pgdata" / "PG_VERSION").is_file() or not state.is_file():
            return None
        c = cls(base, bindir)
        data = json.loads(state.read_text())
        c.port = int(data["port"])
        c.sockdir = Path(data["sockdir"])
        return c

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o755)
        if len(str(self.sockdir)) > 90:  # unix socket paths are limited to ~107 bytes
            self.sockdir = Path(tempfile.mkdtemp(prefix="dunning-pgsock-"))
            self._own_sockdir = True
        for d in (self.pgdata, self.sockdir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700 if d == self.pgdata else 0o755)
            self._chown(d)
        self.logfile.touch()
        self._chown(self.logfile)
        if self.user and not _user_can_enter(self.user, self.pgdata):
            raise RuntimeError(
                f"user {self.user!r} cannot write {self.pgdata} "
                "(a parent folder is not searchable by it)"
            )
        say(f"initdb {self.pgdata}" + (f" (as user {self.user})" if self.user else ""))
        out = subprocess.run(
            self._as_pg(
                [
                    self._pg("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    DB_USER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            ),
            cwd=str(self.base),
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{out.stdout}\n{out.stderr}")

    def is_running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        out = subprocess.run(
            self._as_pg([self._pg("pg_ctl"), "-D", str(self.pgdata), "status"]),
            cwd=str(self.base),
            capture_output=True,
            text=True,
        )
        return out.returncode == 0

    def start(self, port: int | None = None) -> None:
        tries = 1 if port else 3
        for attempt in range(tries):
            self.port = port or free_port()
            opts = (
                f"-p {self.port} -k {shlex.quote(str(self.sockdir))} "
                "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=200"
            )
            with open(self.base / "pg_ctl.out", "wb") as out:
                # own session: Ctrl-C in the terminal must not reach the postmaster
                rc = subprocess.run(
                    self._as_pg(
                        [
                            self._pg("pg_ctl"),
                            "-D",
                            str(self.pgdata),
                            "-l",
                            str(self.logfile),
                            "-w",
                            "-t",
                            "120",
                            "-o",
                            opts,
                            "start",
                        ]
                    ),
                    cwd=str(self.base),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                ).returncode
            if rc == 0:
                self._save()
                say(
                    f"PostgreSQL {self.bindir.parent.name} running on "
                    f"127.0.0.1:{self.port} (socket dir {self.sockdir}), "
                    f"superuser {DB_USER!r}"
                )
                return
            tail = self.logfile.read_text(errors="replace")[-2000:]
            say(f"pg_ctl start failed (attempt {attempt + 1}):\n{tail}")
        raise RuntimeError("could not start PostgreSQL")

    def stop(self) -> None:
        if not self.pgdata.exists():
            return
        for mode in ("fast", "immediate"):
            out = subprocess.run(
                self._as_pg(
                    [
                        self._pg("pg_ctl"),
                        "-D",
                        str(self.pgdata),
                        "-m",
                        mode,
                        "-w",
                        "-t",
                        "60",
                        "stop",
                    ]
                ),
                cwd=str(self.base),
                capture_output=True,
                text=True,
            )
            if out.returncode == 0 or not self.is_running():
                return
        say(f"warning: could not stop PostgreSQL in {self.pgdata}")

    def stop_command(self) -> str:
        return " ".join(
            shlex.quote(c)
            for c in self._as_pg([self._pg("pg_ctl"), "-D", str(self.pgdata), "stop"])
        )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
        if self._own_sockdir:
            shutil.rmtree(self.sockdir, ignore_errors=True)

    def psql(self, sql: str, db: str = "postgres") -> str:
        psql = self.bindir / "psql"
        cmd = [
            str(psql) if psql.exists() else (shutil.which("psql") or "psql"),
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            DB_USER,
            "-d",
            db,
            "-c",
            sql,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, env=_subprocess_env())
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {sql}\n{out.stderr}")
        return out.stdout.strip()

    def db_exists(self, db: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def new_temp_base(prefix: str) -> Path:
    base = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(base, 0o755)
    return base
