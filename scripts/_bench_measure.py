# ruff: noqa: F821 - run by scripts/benchmark.py through `odoo shell`, which defines `env`;
# benchmark.py prepends `PARAMS = {...}`.
"""Measure one benchmark task in this (fresh) process and print ``BENCH_RESULT {json}``.

PARAMS: ``task`` (ours_run, ours_rerun, ours_send, ours_send_queue,
ours_send_one_by_one, ours_send_queue_job, ours_aging, ours_worklist, oca_run),
``commit`` (keep what the task did), ``run_commits`` (ours_run commits after each
batch, as the scheduled action does), ``send_count``, ``workers``
(ours_send_queue_job: the worker processes that take the jobs), ``profile`` (a
path prefix: write a cProfile of each measured call to ``<prefix>-<figure>.prof``),
``query_stats`` (print the most frequent queries of each measured call).

Each figure is measured around the call only (the registry is loaded and the
environment ready before): wall time, CPU time of this process, SQL queries (Odoo's
global query counter, every cursor), time spent in SQL as seen from Python, and the
process's peak RSS (``ru_maxrss``) before and after.
"""

import gc
import json
import re
import resource
import threading
import time

import odoo.sql_db as sql_db
from odoo import fields
from odoo.tools.safe_eval import safe_eval

TASK = PARAMS["task"]
company = env.company
today = fields.Date.context_today(env.user)
result = {"task": TASK}


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu(usage):
    return usage.ru_utime + usage.ru_stime


def measure(label, fn):
    """Run fn() once and record its figures under ``label``; return its result."""
    gc.collect()
    thread = threading.current_thread()
    thread.query_time = 0.0
    thread.query_count = 0
    rss_before = rss_mb()
    q0 = sql_db.sql_counter
    c0 = time.process_time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    query_stats = {}
    if PARAMS.get("query_stats"):

        def hook(cr, query, params, start, delay):
            text = query.decode() if isinstance(query, bytes) else str(query)
            key = re.sub(r"\s+", " ", text)[:160]
            n, t = query_stats.get(key, (0, 0.0))
            query_stats[key] = (n + 1, t + delay)

        thread.query_hooks = (hook,)
    profiler = None
    if PARAMS.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    value = fn()
    env.flush_all()
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{PARAMS['profile']}-{label}.prof")
    wall = time.perf_counter() - t0
    if query_stats:
        thread.query_hooks = ()
        top = sorted(query_stats.items(), key=lambda kv: -kv[1][0])[:40]
        print(f"[measure] {label}: top queries by count")
        for text, (n, t) in top:
            print(f"[measure]   {n:7d} {t:8.3f}s  {text}")
    figures = {
        "seconds": round(wall, 3),
        "cpu_seconds": round(time.process_time() - c0, 3),
        # wkhtmltopdf and any other child process, finished during the call
        "children_cpu_seconds": round(
            _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children0), 3
        ),
        "queries": sql_db.sql_counter - q0,
        "sql_seconds": round(thread.query_time, 3),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(rss_mb(), 1),
    }
    result[label] = figures
    print(f"[measure] {label}: {json.dumps(figures)}", flush=True)
    return value


def serve_report_assets():
    """Serve HTTP from this process, as an Odoo server does, so that
    wkhtmltopdf gets the report's styles and fonts (``report.url``)."""
    import socket

    import odoo
    from odoo.service.server import ThreadedServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    odoo.tools.config["http_interface"] = "127.0.0.1"
    odoo.tools.config["http_port"] = port
    ThreadedServer(odoo.http.root).http_spawn()
    env["ir.config_parameter"].sudo().set_param(
        "report.url", f"http://127.0.0.1:{port}"
    )
    env.cr.commit()
    result["report_url"] = f"http://127.0.0.1:{port}"


def count(sql, params=None):
    env.cr.execute(sql, params or {})
    return env.cr.fetchone()[0]


def status_counts():
    env.cr.execute(
        "SELECT dunning_status ->> %s, count(*) FROM res_partner "
        "WHERE dunning_status ? %s GROUP BY 1 ORDER BY 1",
        [str(company.id), str(company.id)],
    )
    return dict(env.cr.fetchall())


Letter = env["dunning.letter"]

if TASK in ("ours_run", "ours_rerun"):
    if TASK == "ours_run":
        # Review mode: no level sends by itself, so the figure is the state recompute
        # and the letter creation only (sending is measured by ours_send).
        env["dunning.level"].with_context(active_test=False).search([]).write(
            {"auto_send": False}
        )
        env.cr.commit()
    letters_before = Letter.search_count([])
    env.invalidate_all()
    # As the scheduled action runs it (--run-commits): a commit after each
    # batch of customers, which also empties the ORM cache.
    Run = Letter.with_context(dunning_commit_progress=bool(PARAMS.get("run_commits")))
    created = measure("run", lambda: Run._run_dunning())
    result["run_commits"] = bool(PARAMS.get("run_commits"))
    result["letters_created"] = len(created)
    result["letter_lines_created"] = count(
        "SELECT count(*) FROM dunning_letter_line WHERE letter_id = ANY(%s)",
        [created.ids],
    )
    result["letters_total"] = Letter.search_count([])
    result["letters_before"] = letters_before
    env.cr.execute("SELECT state, count(*) FROM dunning_letter GROUP BY 1 ORDER BY 1")
    result["letter_states"] = dict(env.cr.fetchall())
    result["partner_status"] = status_counts()
    # The stored totals of the letters must match their lines.
    result["letter_total_mismatches"] = count("""
        SELECT count(*) FROM dunning_letter l
          LEFT JOIN (SELECT letter_id, count(*) AS n, sum(amount_residual) AS total,
                            max(days_overdue) AS days
                       FROM dunning_letter_line GROUP BY letter_id) t
                 ON t.letter_id = l.id
         WHERE l.line_count != COALESCE(t.n, 0)
            OR l.amount_total != COALESCE(t.total, 0)
            OR l.max_days_overdue != COALESCE(t.days, 0)""")

elif TASK in ("ours_send", "ours_send_queue", "ours_send_one_by_one"):
    n = int(PARAMS.get("send_count", 100))
    letters = Letter.search(
        [("state", "in", ("to_approve", "draft"))], order="id", limit=n
    )
    # What an automatic level does: the letter is ready to go (no approval step).
    letters.write({"state": "draft", "approved_by_id": env.uid})
    if TASK == "ours_send_queue":
        letters.write({"queued_at": fields.Datetime.now()})
    env.cr.commit()
    env.invalidate_all()
    serve_report_assets()
    mails_before = count("SELECT count(*) FROM mail_mail")
    attachments_before = count("SELECT count(*) FROM ir_attachment")
    pdfs_before = count(
        "SELECT count(*) FROM ir_attachment WHERE mimetype = 'application/pdf'"
    )
    messages_before = count("SELECT count(*) FROM mail_message")
    letters = Letter.browse(letters.ids).with_context(mail_notify_force_send=False)
    if TASK == "ours_send_queue":
        # The scheduled action 'Dunning: send queued reminders' (commits per batch).
        measure(
            "send",
            lambda: Letter.with_context(
                mail_notify_force_send=False
            )._cron_send_queued(),
        )
    elif TASK == "ours_send_one_by_one":
        # One rendering (one wkhtmltopdf process) per reminder: Send on each letter.
        measure("send", lambda: [letter.action_send() for letter in letters])
    else:
        measure("send", lambda: letters.action_send())
    result["pdfs_created"] = (
        count("SELECT count(*) FROM ir_attachment WHERE mimetype = 'application/pdf'")
        - pdfs_before
    )
    result["wkhtmltopdf_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, 1
    )
    result["letters_sent"] = count(
        "SELECT count(*) FROM dunning_letter WHERE id = ANY(%s) AND state = 'sent'",
        [letters.ids],
    )
    result["letters_failed"] = count(
        "SELECT count(*) FROM dunning_letter WHERE id = ANY(%s) AND state = 'failed'",
        [letters.ids],
    )
    result["mails_queued"] = count("SELECT count(*) FROM mail_mail") - mails_before
    result["messages_posted"] = (
        count("SELECT count(*) FROM mail_message") - messages_before
    )
    result["letters_asked"] = len(letters)
    result["attachments_created"] = (
        count("SELECT count(*) FROM ir_attachment") - attachments_before
    )
    result["templates"] = sorted(
        set(
            letters.level_id.mapped(
                lambda level: (
                    (
                        level.mail_template_id
                        or env.ref("dunning_followup.mail_template_dunning_letter")
                    ).name
                )
            )
        )
    )

elif TASK == "ours_send_queue_job":
    # OCA's queue_job installed (benchmark.py installs it in a copy of the
    # database): the send action queues the letters in jobs on 'root.dunning',
    # then WORKERS processes take the jobs as queue_job's runner hands them
    # out, one at a time (SELECT ... FOR UPDATE SKIP LOCKED), each job in its
    # own transaction, until none is left.
    import os

    import odoo.api

    from odoo.addons.queue_job.job import Job

    assert "queue.job" in env, "queue_job is not installed in this database"
    n = int(PARAMS.get("send_count", 1000))
    workers = int(PARAMS.get("workers", 1))
    label = f"send_{workers}w"
    letters = Letter.search(
        [("state", "in", ("to_approve", "draft"))], order="id", limit=n
    )
    letters.write(
        {
            "state": "draft",
            "approved_by_id": env.uid,
            "queued_at": fields.Datetime.now(),
        }
    )
    company.dunning_queue_job = True
    env.cr.commit()
    env.invalidate_all()
    serve_report_assets()
    mails_before = count("SELECT count(*) FROM mail_mail")
    measure(
        f"enqueue_{workers}w",
        lambda: Letter.with_context(mail_notify_force_send=False)._cron_send_queued(),
    )
    env.cr.commit()
    result["jobs_queued"] = count(
        "SELECT count(*) FROM queue_job WHERE channel = 'root.dunning' "
        "AND state = 'pending'"
    )
    registry = env.registry
    env.cr.commit()  # the counts below see what the workers committed

    def work(pipe):
        """One worker process: its own connections (those inherited from the
        parent are kept open and never used), jobs until none is left."""
        inherited = (sql_db._Pool, registry._db)  # noqa: F841 - never closed here
        sql_db._Pool = None
        registry._db = sql_db.db_connect(env.cr.dbname)
        done = failed = 0
        while True:
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT uuid FROM queue_job WHERE channel = 'root.dunning' "
                    "AND state = 'pending' ORDER BY priority, date_created, id "
                    "LIMIT 1 FOR UPDATE SKIP LOCKED"
                )
                row = cr.fetchone()
                if not row:
                    break
                job_env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                job = Job.load(job_env, row[0])
                try:
                    with cr.savepoint():
                        job.set_started()
                        job.store()
                        job.perform()
                        job.set_done()
                        job.store()
                    done += 1
                except Exception as error:  # noqa: BLE001 - counted, the others go on
                    print(f"[worker {os.getpid()}] job {row[0]} failed: {error}")
                    cr.execute(
                        "UPDATE queue_job SET state = 'failed' WHERE uuid = %s",
                        [row[0]],
                    )
                    failed += 1
        os.write(pipe, json.dumps({"done": done, "failed": failed}).encode())

    def run_workers():
        started = []
        for _i in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    os.close(read_end)
                    work(write_end)
                except BaseException as error:  # noqa: BLE001
                    print(f"[worker {os.getpid()}] crashed: {error!r}", flush=True)
                    code = 1
                finally:
                    os._exit(code)
            os.close(write_end)
            started.append((pid, read_end))
        stats = []
        for pid, read_end in started:
            with os.fdopen(read_end) as pipe:
                text = pipe.read()
            _pid, status = os.waitpid(pid, 0)
            stats.append(
                json.loads(text) if text else {"exit_status": status, "done": 0}
            )
        return stats

    stats = measure(label, run_workers)
    env.invalidate_all()
    result["workers"] = workers
    result[f"jobs_done_{workers}w"] = sum(s.get("done", 0) for s in stats)
    result[f"jobs_per_worker_{workers}w"] = [s.get("done", 0) for s in stats]
    result[f"jobs_failed_{workers}w"] = sum(s.get("failed", 0) for s in stats)
    result["letters_asked"] = len(letters)
    result[f"letters_sent_{workers}w"] = count(
        "SELECT count(*) FROM dunning_letter WHERE id = ANY(%s) AND state = 'sent'",
        [letters.ids],
    )
    result[f"mails_queued_{workers}w"] = (
        count("SELECT count(*) FROM mail_mail") - mails_before
    )
    result[f"letters_left_queued_{workers}w"] = count(
        "SELECT count(*) FROM dunning_letter WHERE queued_at IS NOT NULL"
    )

elif TASK == "ours_aging":
    Partner = env["res.partner"].with_company(company)
    partners = Partner.search([("customer_rank", ">", 0), ("is_company", "=", True)])
    result["customers"] = len(partners)
    ids = partners.ids
    env.invalidate_all()
    partners = Partner.browse(ids)
    values = measure("aging", lambda: partners.mapped("dunning_aging_1_30"))
    buckets = ["not_due", "1_30", "31_60", "61_90", "91_120", "120_plus"]
    totals = {b: round(sum(partners.mapped(f"dunning_aging_{b}")), 2) for b in buckets}
    result["aging_totals"] = totals
    result["aging_values"] = len(values)
    # The grand total must equal the open receivable balance of these customers.
    env.cr.execute(
        """
        SELECT COALESCE(sum(l.amount_residual), 0) FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
          JOIN res_partner p ON p.id = l.partner_id
         WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
           AND NOT l.reconciled AND NOT COALESCE(l.no_followup, FALSE)
           AND l.company_id = %s AND p.commercial_partner_id = ANY(%s)""",
        [company.id, ids],
    )
    result["aging_check"] = {
        "sum_of_buckets": round(sum(totals.values()), 2),
        "open_balance": round(env.cr.fetchone()[0], 2),
    }
    if "dunning.aging.report" in env:
        Report = env["dunning.aging.report"]
        # The list of every open item (search_read), and the aging per customer
        # (read_group by customer, as the pivot view does).
        amounts = [
            f"amount_{b}"
            for b in buckets + ["total"]
            if f"amount_{b}" in Report._fields
        ]
        env.invalidate_all()
        rows = measure(
            "aging_report_search_read",
            lambda: Report.search_read(
                [],
                ["partner_id", "move_name", "date_maturity", "days_overdue", *amounts],
            ),
        )
        result["aging_report_rows"] = len(rows)
        aggregates = [f"{name}:sum" for name in amounts] or ["__count"]
        env.invalidate_all()
        # Added up from the items (``dunning_aging_items``: not from the
        # stored aging per customer, where the code has it).
        groups = measure(
            "aging_report_read_group",
            lambda: Report.with_context(dunning_aging_items=True)._read_group(
                [], ["partner_id"], aggregates
            ),
        )
        result["aging_report_groups"] = len(groups)
        if "amount_total" in amounts:
            total = sum(group[amounts.index("amount_total") + 1] for group in groups)
            result["aging_report_check"] = {"sum_of_groups": round(total, 2)}
        if "dunning.aging.snapshot" in env:
            # The aging per customer stored by the scheduled action (then
            # committed, as the scheduled action does), and read from it: as
            # is, and with one customer in a hundred changed since.
            Snapshot = env["dunning.aging.snapshot"]
            measure("aging_refresh", lambda: Snapshot._dunning_refresh(company))
            env.cr.commit()

            def by_customer(groups):
                return {
                    partner.id: [round(value, 2) for value in values]
                    for partner, *values in groups
                }

            live = by_customer(groups)

            def per_customer():
                env.invalidate_all()
                return Report._read_group([], ["partner_id"], aggregates)

            stored = measure("aging_report_read_group_stored", per_customer)
            result["aging_report_stored_same"] = by_customer(stored) == live
            env.invalidate_all()
            page = measure(
                "aging_report_web_read_group",
                lambda: Report.web_read_group([], ["partner_id"], aggregates, limit=80),
            )
            result["aging_report_web_read_group_groups"] = len(page["groups"])
            env.cr.execute(
                """UPDATE account_move_line SET write_date = write_date
                    WHERE partner_id IN (
                          SELECT id FROM res_partner WHERE id % 100 = 0)"""
            )
            result["aging_changed_items"] = env.cr.rowcount
            changed = measure("aging_report_read_group_changed", per_customer)
            result["aging_report_changed_same"] = by_customer(changed) == live
            env.cr.rollback()
    else:
        result["aging_report"] = "dunning.aging.report not in this database"

elif TASK == "ours_worklist":
    # The Dunning menu: its action's domain, default filters and list view, the
    # first page (80 rows) as the web client asks for it, with the total count.
    action = env.ref("dunning_followup.action_dunning_worklist")
    Partner = env["res.partner"].with_company(company)
    domain = list(safe_eval(action.domain or "[]"))
    # The three default filters of one group, OR-ed as the search view does.
    domain += ["|", "|"] + [
        ("dunning_todo", "=", todo) for todo in ("approve", "send", "next_level")
    ]
    view = env.ref("dunning_followup.view_partner_dunning_list")
    arch = Partner.get_views([(view.id, "list")])["views"]["list"]["arch"]
    names = list(dict.fromkeys(re.findall(r'<field name="(\w+)"', arch)))
    spec = {
        name: {"fields": {"display_name": {}}}
        if Partner._fields[name].type == "many2one"
        else {}
        for name in names
        if name in Partner._fields
    }
    env.invalidate_all()
    page = measure(
        "worklist",
        lambda: Partner.with_context(
            **safe_eval(action.context or "{}", {"uid": env.uid})
        ).web_search_read(domain, spec, limit=80, count_limit=10001),
    )
    result["worklist_rows"] = len(page["records"])
    result["worklist_count"] = page["length"]
    result["worklist_fields"] = len(spec)

elif TASK == "oca_run":
    Run = env["credit.control.run"]
    policy = company.credit_policy_id
    assert policy, "the company has no credit control policy (build step)"
    run = Run.create(
        {"date": today, "company_id": company.id, "policy_ids": [(6, 0, policy.ids)]}
    )
    env.cr.commit()
    env.invalidate_all()
    run = Run.browse(run.id)
    measure("run", lambda: run.generate_credit_lines())
    lines = run.line_ids
    result["credit_lines_created"] = len(lines)
    result["credit_lines_by_level"] = {
        str(level): n
        for level, n in env["credit.control.line"]._read_group(
            [("run_id", "=", run.id)], ["level"], ["__count"]
        )
    }
    # One document per customer and level, as our letters: mark the lines ready and
    # group them into communications (what "Run channel action" does before mailing).
    env.invalidate_all()

    def communications():
        run.set_to_ready_lines()
        ready = run.line_ids.filtered(lambda line: line.state == "to_be_sent")
        return env["credit.control.communication"]._generate_comm_from_credit_lines(
            ready
        )

    comms = measure("communications", communications)
    result["communications_created"] = len(comms)

else:
    raise SystemExit(f"unknown task {TASK!r}")

result["final_peak_rss_mb"] = round(rss_mb(), 1)
if PARAMS.get("commit"):
    env.cr.commit()
else:
    env.cr.rollback()
print("BENCH_RESULT " + json.dumps(result, default=str), flush=True)
