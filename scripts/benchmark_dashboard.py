#!/usr/bin/env python3
"""Load time of the collections dashboard on the benchmark ledger.

    python3 scripts/benchmark_dashboard.py --sizes 50000 [--reuse]

Builds (or, with ``--reuse``, reuses) the ``bench_<N>`` databases of
scripts/benchmark.py, with the same ledger builder (N open customer invoices over
every aging bucket, N/5 customers), runs the dunning run once so that customers
have a state and letters exist, then measures in a fresh ``odoo shell`` process
what the dashboard's client action asks the server for when it opens:
``env['dunning.dashboard'].get_dashboard_data()`` (every figure, the aging chart,
the 12-month DSO trend and the top 10 customers). Prints
``size=N dashboard_seconds=S queries=Q`` per size, the median of 5 calls (after
one warm-up call); the target is under 1 s at 50,000 invoices.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _odoo_env as E  # noqa: E402
import benchmark as B  # noqa: E402

TARGET_SECONDS_50K = 1.0

MEASURE = r"""
import json, statistics, time
import odoo.sql_db as sql_db
Letter = env["dunning.letter"]
if not Letter.search_count([]):
    Letter._run_dunning()
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50000")
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
            print(
                f"size={size} dashboard_seconds={result['seconds']} "
                f"(min {result['min_seconds']}) queries={result['queries']} "
                f"letters={result['letters']}",
                flush=True,
            )
            if size >= 50000:
                verdict = "met" if result["seconds"] < TARGET_SECONDS_50K else "MISSED"
                print(f"target dashboard < {TARGET_SECONDS_50K} s at 50k: {verdict}")
            (B.BENCH / f"dashboard-{size}.json").write_text(json.dumps(result))
    finally:
        if started:
            cluster.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
