#!/usr/bin/env python3
"""Demo of dunning_followup: a database with demo data, a dunning run, and a server.

1. Starts its own PostgreSQL cluster (a throwaway one; with --keep a kept one under
   .run/demo/, reused by the next --keep run).
2. Creates the database ``dunning_demo`` with demo data:
   ``-i dunning_followup --with-demo`` (it is dropped and created anew each time,
   unless --reuse-db finds it already there).
3. Starts an Odoo server on that database (http://127.0.0.1:8069, --port), so that
   the letters' PDFs are rendered with their styles (wkhtmltopdf fetches them from
   the server).
4. Runs ``env['dunning.letter']._run_dunning()`` through ``odoo shell`` while the
   server is up, prints the customers' dunning states and the letters created,
   writes the letters' PDFs to .run/demo-letters/, and commits.
5. Unless --no-serve: keeps serving, login admin / admin, until Ctrl-C, which stops
   Odoo and (without --keep) the cluster.

The console shows the steps and the results; Odoo's log goes to .run/logs/demo-*.log
(--verbose shows it on the console too).
``python3 scripts/demo.py --stop`` stops and deletes the kept cluster.
When no Odoo 19 is importable, Odoo is fetched first (see scripts/_odoo_bootstrap.py).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _odoo_bootstrap as B  # noqa: E402
import _odoo_env as E  # noqa: E402

DB = "dunning_demo"
KEEP_BASE = E.RUN_DIR / "demo"
LOG_DIR = E.RUN_DIR / "logs"
LETTERS_DIR = E.RUN_DIR / "demo-letters"

# Run inside `odoo shell -d dunning_demo` (stdin is exec'd with `env` defined).
SHELL_SCRIPT = r"""
def _table(title, headers, rows, right=()):
    print()
    print(title)
    if not rows:
        print("  (none)")
        return
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]

    def fmt(values):
        return "  " + " | ".join(
            (v.rjust(w) if i in right else v.ljust(w))
            for i, (v, w) in enumerate(zip(values, widths)))

    print(fmt(headers))
    print("  " + "-+-".join("-" * w for w in widths))
    for r in cells:
        print(fmt(r))


def _money(amount, currency):
    return "%s %s" % (format(amount or 0.0, ",.2f"), currency.name or "")


def _date(value):
    return value.isoformat() if value else "-"


# wkhtmltopdf fetches the letters' styles from the server the demo started.
env["ir.config_parameter"].sudo().set_param("report.url", SERVER_URL)
env["ir.config_parameter"].sudo().set_param("web.base.url", SERVER_URL)
env.cr.commit()

Letter = env["dunning.letter"]
before = set(Letter.search([]).ids)
print("Running env['dunning.letter']._run_dunning() ...")
created = Letter._run_dunning()
if not (hasattr(created, "_name") and created._name == "dunning.letter"):
    created = Letter.search([("id", "not in", sorted(before))])

companies = env["res.company"].search([])
sections = []
for company in companies:
    partners = env["res.partner"].with_company(company).search(
        [("dunning_status", "not in", [False, "no_action"])])
    if partners:
        sections.append((company, partners.sorted(lambda p: -p.dunning_overdue_amount)))
if not sections:
    sections.append((env.company, env["res.partner"]))
shown = 0
for company, partners in sections:
    rows = [
        (p.name, p.dunning_status, p.dunning_level_id.name or "-",
         _money(p.dunning_overdue_amount, p.dunning_currency_id),
         _date(p.dunning_next_date))
        for p in partners
    ]
    title = "Customers to follow up"
    if len(companies) > 1:
        title += " - %s" % company.name
    headers = ["Customer", "Status", "Level", "Overdue", "Next action"]
    _table(title, headers, rows, right=(3,))
    shown += len(rows)

rows = [
    (l.name, l.partner_id.display_name, l.level_id.name or "-", l.state,
     _money(l.amount_total, l.currency_id), len(l.line_ids))
    for l in created.sorted(lambda l: (l.partner_id.display_name or "", l.id))
]
_table("Letters created by this run: %d" % len(created),
       ["Letter", "Customer", "Level", "State", "Total", "Lines"], rows, right=(4, 5))

env.cr.commit()
print()
print("Committed: %d customer(s) to follow up, %d letter(s) created."
      % (shown, len(created)))

import os
pdfs = env["ir.attachment"].search(
    [("res_model", "=", "dunning.letter"), ("res_id", "in", created.ids),
     ("mimetype", "=", "application/pdf")], order="res_id, id")
os.makedirs(LETTERS_DIR, exist_ok=True)
for old in os.listdir(LETTERS_DIR):
    if old.endswith(".pdf"):
        os.unlink(os.path.join(LETTERS_DIR, old))
for attachment in pdfs:
    letter = Letter.browse(attachment.res_id)
    name = "%s - %s" % (letter.name, attachment.name)
    path = os.path.join(LETTERS_DIR, name.replace("/", "_"))
    with open(path, "wb") as f:
        f.write(attachment.raw)
if pdfs:
    print("The %d PDF(s) attached to the reminders are in %s"
          % (len(pdfs), LETTERS_DIR))
"""


def _step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def _verbose_echo(args):
    """The console shows Odoo's log only with --verbose; the log file always has it."""
    return True if args.verbose else False


def start_server(
    odoo, common: list[str], port: int, base: Path, log: Path
) -> subprocess.Popen:
    """Odoo serving the demo database in the background, its log in ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = odoo.cmd(
        "server",
        *common,
        "-d",
        DB,
        f"--db-filter=^{DB}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--log-level",
        "info",
        "--logfile",
        str(log),
    )
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
    return subprocess.Popen(
        cmd,
        env=odoo.env,
        cwd=str(base),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),
    )


def wait_for_http(proc: subprocess.Popen, port: int, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get_cluster(args, bindir: Path) -> tuple[E.PgCluster, Path]:
    """The cluster and the folder holding the rest of the demo's state."""
    if args.keep:
        cluster = E.PgCluster.load(KEEP_BASE / "pg", bindir)
        if cluster is not None:
            if cluster.is_running():
                E.say(f"reusing the kept PostgreSQL on 127.0.0.1:{cluster.port}")
            else:
                cluster.start(cluster.port if E.port_is_free(cluster.port) else None)
            return cluster, KEEP_BASE
        shutil.rmtree(KEEP_BASE / "pg", ignore_errors=True)
        KEEP_BASE.mkdir(parents=True, exist_ok=True)
        cluster = E.PgCluster(KEEP_BASE / "pg", bindir)
        cluster.init()
        cluster.start()
        return cluster, KEEP_BASE
    kept = E.PgCluster.load(KEEP_BASE / "pg", bindir)
    if kept is not None and kept.is_running():
        E.say(
            f"note: a kept demo cluster is running on 127.0.0.1:{kept.port} "
            "(not used without --keep; stop it with: python3 scripts/demo.py --stop)"
        )
    base = E.new_temp_base("dunning-demo-")
    cluster = E.PgCluster(base / "pg", bindir)
    cluster.init()
    cluster.start()
    return cluster, base


def stop_kept() -> int:
    bindir = E.find_pg_bindir()
    cluster = E.PgCluster.load(KEEP_BASE / "pg", bindir) if bindir else None
    if cluster is None:
        E.say("no kept demo cluster")
    else:
        cluster.destroy()
        E.say("kept demo cluster stopped and deleted")
    shutil.rmtree(KEEP_BASE, ignore_errors=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--no-serve",
        action="store_true",
        help="exit after the dunning run (no server left running)",
    )
    ap.add_argument(
        "--port",
        type=int,
        default=8069,
        help="HTTP port of the demo server (default 8069)",
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the PostgreSQL cluster running in .run/demo/ and reuse it next time",
    )
    ap.add_argument(
        "--reuse-db",
        action="store_true",
        help=f"with --keep: keep an existing {DB} database instead of creating it anew",
    )
    ap.add_argument(
        "--stop",
        action="store_true",
        help="stop and delete the kept cluster, then exit",
    )
    ap.add_argument(
        "--verbose", action="store_true", help="show the whole Odoo log on the console"
    )
    args = ap.parse_args()
    E.install_signal_handlers()
    if args.stop:
        return stop_kept()

    B.ensure_odoo()
    odoo, why = E.find_odoo()
    if odoo is None or odoo.broken:
        E.banner(["ODOO NOT FOUND — the demo needs Odoo 19", *E.NOT_FOUND_HELP[1:]])
        E.say(f"(why: {B.FAILURE or why or odoo.broken})")
        return 2
    port = E.free_port() if args.no_serve else args.port
    if not E.port_is_free(port):
        E.say(f"port {port} is busy: choose another one with --port, or use --no-serve")
        return 2
    url = f"http://127.0.0.1:{port}"
    logs = LOG_DIR.relative_to(E.REPO_ROOT)
    E.say(f"Odoo {odoo.version} at {odoo.pkg_dir}; logs in {logs}/")

    cluster = base = server = None
    try:
        _step("PostgreSQL")
        cluster, base = get_cluster(args, E.ensure_postgres())
        data_dir = base / "odoo-data"
        common = E.odoo_common_args(odoo, cluster, base, data_dir)

        if args.reuse_db and cluster.db_exists(DB):
            _step(f"Database {DB}: reusing the existing one")
        else:
            if cluster.db_exists(DB):
                cluster.psql(f'DROP DATABASE "{DB}" WITH (FORCE)')
            shutil.rmtree(data_dir / "filestore" / DB, ignore_errors=True)
            _step(f"Database {DB} with the addon and its demo data (about a minute)")
            log = LOG_DIR / "demo-install.log"
            log.unlink(missing_ok=True)
            started = time.monotonic()
            run = E.run_logged(
                odoo.cmd(
                    "server",
                    *common,
                    "-d",
                    DB,
                    "-i",
                    # Odoo's test-mode payment provider: the reminders'
                    # self-service page offers online payment in the demo
                    f"{E.MODULE},payment_demo",
                    "--with-demo",
                    "--stop-after-init",
                    "--no-http",
                    "--workers",
                    "0",
                    "--max-cron-threads",
                    "0",
                    "--log-level",
                    "info",
                ),
                odoo.env,
                log,
                cwd=base,
                echo=_verbose_echo(args),
                quiet=True,
            )
            if run.rc != 0:
                E.say(f"installing {E.MODULE} failed (exit {run.rc}); see {log}")
                for line in run.error_lines[:5]:
                    print("    " + line[:300])
                return 1
            print(f"    done in {time.monotonic() - started:.0f} s")

        _step(f"Odoo server on {url}")
        server_log = LOG_DIR / "demo-server.log"
        server_log.unlink(missing_ok=True)
        server = start_server(odoo, common, port, base, server_log)
        if not wait_for_http(server, port):
            E.say(f"the Odoo server did not start; see {server_log}")
            return 1
        print("    up")

        _step("The dunning run (the scheduled action), the server renders the letters")
        log = LOG_DIR / "demo-run.log"
        log.unlink(missing_ok=True)
        script = (
            f"SERVER_URL = {url!r}\nLETTERS_DIR = {str(LETTERS_DIR)!r}\n" + SHELL_SCRIPT
        )
        run = E.run_logged(
            odoo.cmd(
                "shell",
                *common,
                "-d",
                DB,
                "--no-http",
                "--workers",
                "0",
                "--max-cron-threads",
                "0",
                "--log-level",
                "warn",
                "--logfile",
                str(log),
            ),
            odoo.env,
            log.with_suffix(".out"),
            cwd=base,
            stdin_text=script,
            quiet=True,
        )
        if run.rc != 0:
            E.say(f"the dunning run failed (exit {run.rc}); see {log}")
            return 1
        if args.no_serve:
            return 0

        E.banner(
            [
                f"Odoo is serving database {DB}:",
                f"  {url}/odoo",
                "  login: admin   password: admin",
                "Press Ctrl-C to stop"
                + (
                    " (the cluster keeps running: --keep)."
                    if args.keep
                    else " Odoo and its PostgreSQL."
                ),
                f"Server log: {server_log.relative_to(E.REPO_ROOT)}",
            ],
            char="*",
        )
        rc = server.wait()
        return 0 if rc in (0, -2, -15, 130) else 1
    except KeyboardInterrupt:
        E.say("stopped")
        return 0
    except RuntimeError as e:
        E.say(f"error: {e}")
        return 1
    finally:
        stop_server(server)
        if cluster is not None:
            if args.keep:
                E.say(
                    f"PostgreSQL kept running on 127.0.0.1:{cluster.port} "
                    f"(user {E.DB_USER}, database {DB}); "
                    "stop it with: python3 scripts/demo.py --stop"
                )
            else:
                cluster.destroy()
                if base is not None and base != KEEP_BASE:
                    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
