#!/usr/bin/env python3
"""Load time of the collections dashboard on the benchmark ledger.

    python3 scripts/benchmark_dashboard.py --sizes 50000
    python3 scripts/benchmark_dashboard.py --sizes 50000 --ledger benchmark [--reuse]

The ledger: N open customer invoices over every aging bucket, N/5 customers.

* ``--ledger clone`` (default, minutes): a throwaway database with the addon;
  200 invoices posted with the ORM, then copied with SQL (moves and their journal
  items, each copy on the next customers) until N exist.
* ``--ledger benchmark`` (hours at 50,000 on a shared machine): the ``bench_<N>``
  databases of scripts/benchmark.py, built by its ledger builder (every invoice
  created and posted with the ORM), or reused with ``--reuse``.

The dunning run then runs once as the scheduled action does (states,
priorities, letters waiting for approval, automatic ones queued for sending),
and a fresh ``odoo shell`` process measures what the dashboard's client action
asks the server for when it opens:
``env['dunning.dashboard'].get_dashboard_data()`` (every figure, the aging chart,
the 12-month DSO trend and the top 10 customers). Prints
``size=N dashboard_seconds=S queries=Q`` per size, the median of 5 calls (after
one warm-up call); the target is under 1 s at 50,000 invoices.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _odoo_env as E  # noqa: E402
import benchmark as B  # noqa: E402

TARGET_SECONDS_50K = 1.0
CLONE_DB = "dunning_dashboard_bench"
CLONE_BUILD = r"""
import json, random, time
from datetime import timedelta
from odoo import Command, fields
N = int(PARAMS["size"])
PER_CUSTOMER = 5
TEMPLATE_INVOICES = 200
rng = random.Random(19)
env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                       mail_notrack=True))
company = env.company
today = fields.Date.context_today(env.user)
journal = env["account.journal"].search(
    [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
t0 = time.perf_counter()
# The template: 200 customer invoices posted with the ORM, every aging bucket.
partners = env["res.partner"].create([
    {"name": f"Bench Customer {i:05d}", "is_company": True,
     "email": f"c{i}@example.com"}
    for i in range(N // PER_CUSTOMER)
])
template = env["account.move"]
for i in range(TEMPLATE_INVOICES):
    due = today - timedelta(days=rng.choice([-20, 5, 20, 45, 75, 105, 150, 300]))
    template |= env["account.move"].create({
        "move_type": "out_invoice", "partner_id": partners[i].id,
        "journal_id": journal.id, "invoice_date": due - timedelta(days=30),
        "date": due - timedelta(days=30), "invoice_date_due": due,
        "invoice_payment_term_id": False,
        "invoice_line_ids": [Command.create({
            "name": "Service", "quantity": 1, "tax_ids": [Command.clear()],
            "price_unit": rng.choice([120, 480, 950, 2300, 7400])})],
    })
template.action_post()
env.flush_all()
cr = env.cr
# Clone the template with SQL until N invoices exist, each copy on the next
# customers (5 invoices per customer), numbered apart.
cr.execute("SELECT column_name FROM information_schema.columns "
           "WHERE table_name = 'account_move' AND column_name NOT IN ('id', 'name', "
           "'partner_id', 'commercial_partner_id', 'sequence_number')")
move_cols = [r[0] for r in cr.fetchall()]
cr.execute("SELECT column_name FROM information_schema.columns "
           "WHERE table_name = 'account_move_line' AND column_name NOT IN "
           "('id', 'move_id', 'partner_id')")
line_cols = [r[0] for r in cr.fetchall()]
ids = template.ids
partner_ids = partners.ids
copies = N // TEMPLATE_INVOICES - 1
for k in range(1, copies + 1):
    mapping = []
    for j, move_id in enumerate(ids):
        index = (k * TEMPLATE_INVOICES + j) // PER_CUSTOMER % len(partner_ids)
        partner_id = partner_ids[index]
        mapping.append((move_id, partner_id))
    cr.execute(
        "INSERT INTO account_move (name, partner_id, commercial_partner_id, "
        "sequence_number, %s) SELECT m.name || '-' || %%s, v.partner_id, "
        "v.partner_id, m.sequence_number + %%s * 100000, %s FROM account_move m "
        "JOIN (VALUES %s) v(move_id, partner_id) ON v.move_id = m.id "
        "ORDER BY m.id RETURNING id" % (
            ", ".join(move_cols), ", ".join("m." + c for c in move_cols),
            ", ".join(["(%s, %s)"] * len(mapping))),
        [k, k] + [x for pair in mapping for x in pair])
    new_ids = [r[0] for r in cr.fetchall()]
    pairs = [(old, new, partner) for (old, partner), new in zip(mapping, new_ids)]
    cr.execute(
        "INSERT INTO account_move_line (move_id, partner_id, %s) "
        "SELECT v.new_id, v.partner_id, %s FROM account_move_line l "
        "JOIN (VALUES %s) v(old_id, new_id, partner_id) ON v.old_id = l.move_id" % (
            ", ".join(line_cols), ", ".join("l." + c for c in line_cols),
            ", ".join(["(%s, %s, %s)"] * len(pairs))),
        [x for triple in pairs for x in triple])
cr.execute("ANALYZE")
env.invalidate_all()
cr.execute("SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'")
invoices = cr.fetchone()[0]
t1 = time.perf_counter()
# The scheduled action: states, priorities and letters; the automatic ones
# are queued for the sending scheduled action (not run here).
env["dunning.letter"]._cron_run_dunning()
t2 = time.perf_counter()
cr.commit()
print("BENCH_BUILD " + json.dumps({"invoices": invoices, "customers": len(partners),
      "build_seconds": round(t1 - t0, 1), "run_seconds": round(t2 - t1, 1),
      "letters": env["dunning.letter"].search_count([])}))
"""

MEASURE = r"""
import json, statistics, time
import odoo.sql_db as sql_db
Letter = env["dunning.letter"]
if not Letter.search_count([]):
    Letter._cron_run_dunning()
    env.cr.commit()
Dashboard = env["dunning.dashboard"]
Dashboard.get_dashboard_data()  # warm-up: registry caches, first queries
times, queries = [], []
for _i in range(5):
    env.invalidate_all()
    q0 = sql_db.sql_counter
    t0 = time.perf_counter()
    data = Dashboard.get_dashboard_data()
    times.append(time.perf_counter() - t0)
    queries.append(sql_db.sql_counter - q0)
print("BENCH_RESULT " + json.dumps({
    "seconds": round(statistics.median(times), 3),
    "min_seconds": round(min(times), 3),
    "queries": queries[-1],
    "letters": Letter.search_count([]),
    "open_cases": data["counts"]["open_cases"],
}))
"""


def report(size: int, result: dict) -> None:
    print(
        f"size={size} dashboard_seconds={result['seconds']} "
        f"(min {result['min_seconds']}) queries={result['queries']} "
        f"letters={result['letters']}",
        flush=True,
    )
    if size >= 50000:
        verdict = "met" if result["seconds"] < TARGET_SECONDS_50K else "MISSED"
        print(f"target dashboard < {TARGET_SECONDS_50K} s at 50k: {verdict}")


def _shell(odoo, common, base, script: str, params: dict, log: Path):
    text = f"PARAMS = {json.dumps(params)!r}\nimport json as _json\n"
    text += "PARAMS = _json.loads(PARAMS)\n" + script
    run = E.run_logged(
        odoo.cmd("shell", *common, "-d", CLONE_DB, "--log-level", "warn"),
        odoo.env,
        log,
        cwd=base,
        stdin_text=text,
        echo=False,
    )
    found = {}
    for line in log.read_text(errors="replace").splitlines():
        for tag in ("BENCH_RESULT ", "BENCH_BUILD "):
            if line.startswith(tag):
                found = json.loads(line[len(tag) :])
    return run, found


def measure_on_cloned_ledger(odoo, args) -> int:
    base = E.new_temp_base("dunning-dashboard-")
    cluster = E.PgCluster(base / "pg", E.ensure_postgres())
    logs = E.RUN_DIR / "logs"
    failed = False
    try:
        cluster.init()
        cluster.start()
        common = E.odoo_common_args(odoo, cluster, base, base / "odoo-data")
        common += ["--no-http", "--workers", "0", "--max-cron-threads", "0"]
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            log = logs / f"dashboard-{size}-install.log"
            run = E.run_logged(
                odoo.cmd(
                    "server",
                    *common,
                    "-d",
                    CLONE_DB,
                    "-i",
                    E.MODULE,
                    "--stop-after-init",
                    "--log-level",
                    "warn",
                ),
                odoo.env,
                log,
                cwd=base,
                echo=False,
            )
            if run.rc != 0:
                E.say(f"installing {E.MODULE} failed; see {log}")
                return 1
            log = logs / f"dashboard-{size}-build.log"
            run, built = _shell(odoo, common, base, CLONE_BUILD, {"size": size}, log)
            if run.rc != 0 or not built:
                E.say(f"building the ledger failed; see {log}")
                return 1
            E.say(f"[{size}] ledger: {json.dumps(built)}")
            log = logs / f"dashboard-{size}-measure.log"
            run, result = _shell(odoo, common, base, MEASURE, {}, log)
            if run.rc != 0 or not result:
                E.say(f"measuring failed; see {log}")
                failed = True
            else:
                report(size, result)
            cluster.psql(f'DROP DATABASE "{CLONE_DB}" WITH (FORCE)')
    finally:
        cluster.destroy()
        shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50000")
    ap.add_argument("--ledger", choices=("clone", "benchmark"), default="clone")
    ap.add_argument(
        "--reuse", action="store_true", help="reuse the bench_<N> databases"
    )
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument("--source", default="worktree")
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--no-taskset", action="store_true")
    args = ap.parse_args()
    args.overlay = []
    E.install_signal_handlers()
    odoo, why = E.find_odoo()
    if odoo is None or odoo.broken:
        E.say(f"Odoo 19 not found ({why or odoo.broken})")
        return 2
    if args.ledger == "clone":
        return measure_on_cloned_ledger(odoo, args)
    B.ensure_oca_addon()  # the shared ledger builder also configures OCA's addon
    B.BENCH.mkdir(parents=True, exist_ok=True)
    B.LOG_DIR.mkdir(parents=True, exist_ok=True)
    cluster = E.PgCluster.load(B.BENCH / "pg", E.ensure_postgres())
    if cluster is None:
        cluster = E.PgCluster(B.BENCH / "pg", E.ensure_postgres())
        cluster.init()
    started = not cluster.is_running()
    if started:
        cluster.start(
            cluster.port if cluster.port and E.port_is_free(cluster.port) else None
        )
    failed = False
    try:
        addon = B.snapshot_addon(args.source)
        bench = B.Bench(args, odoo, cluster, addon)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            bench.build(size)
            db = bench.work_copy(size)
            script = B.BENCH / "dashboard_measure.py"
            script.write_text(MEASURE)
            run, result = bench.shell(
                db, script, {}, B.LOG_DIR / f"{size}-dashboard.log", pin=True
            )
            bench.drop_db(db)
            if run.rc != 0 or not result:
                log = B.LOG_DIR / f"{size}-dashboard.log"
                E.say(f"[{size}] measuring failed; see {log}")
                failed = True
                continue
            report(size, result)
            (B.BENCH / f"dashboard-{size}.json").write_text(json.dumps(result))
    finally:
        if started:
            cluster.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
