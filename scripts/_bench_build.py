# ruff: noqa: F821 - run by scripts/benchmark.py through `odoo shell`, which defines `env`;
# benchmark.py prepends `PARAMS = {...}`.
"""Build the benchmark ledger: N/5 customers and N posted customer invoices.

Customers in several countries; invoices in the company currency, EUR and GBP,
spread over every aging bucket (not due, 1-30, 31-60, 61-90, 91-120, >120 days
overdue), half of them with one sales tax, a few disputed. Created with the ORM in
chunks (``create`` of the moves with their lines, then ``action_post`` of the chunk)
and committed per chunk. Also configures OCA's credit control (a policy with levels
like ours, the company's default policy) so that both addons see the same data.

With ``PARAMS["clone_template"]`` = T (scripts/benchmark.py --clone-above), only
the first T invoices are created and posted with the ORM; the rest are copies of
them made with SQL (each move and its journal items, numbered apart, on the next
customers), so that a 500,000-invoice ledger builds in minutes. The copies are
consistent posted invoices for what the dunning run and the aging read (moves,
receivable lines, residuals, due dates); their tax relations (``tax_ids``) and
analytic data are not copied.

Prints ``BENCH_BUILD {json}`` at the end.
"""

import json
import random
import time
from datetime import timedelta

from odoo import Command, fields

N = int(PARAMS["size"])
CHUNK = int(PARAMS.get("chunk", 500))
# Invoices made with the ORM; the others are SQL copies of them (0: none).
TEMPLATE = int(PARAMS.get("clone_template") or 0)
if TEMPLATE:
    # Whole copies, each on customers whose patterns (bucket, currency) match.
    assert TEMPLATE % 50 == 0 and N % TEMPLATE == 0, "size must be a multiple"
SEED = int(PARAMS.get("seed", 19))
PER_CUSTOMER = 5
N_CUSTOMERS = max(1, N // PER_CUSTOMER)

rng = random.Random(SEED)
env = env(
    context=dict(
        env.context,
        tracking_disable=True,
        mail_create_nolog=True,
        mail_create_nosubscribe=True,
        mail_notrack=True,
    )
)
company = env.company
today = fields.Date.context_today(env.user)
t_start = time.perf_counter()


def log(msg):
    print(f"[build {N}] {msg}", flush=True)


# ---------------------------------------------------------------- currencies
company_currency = company.currency_id
RATES = {"EUR": 0.92, "GBP": 0.79, "USD": 1.09}  # units per 1 company currency
currencies = [company_currency]
for code in [c for c in ("EUR", "GBP", "USD") if c != company_currency.name][:2]:
    cur = (
        env["res.currency"]
        .with_context(active_test=False)
        .search([("name", "=", code)], limit=1)
    )
    cur.active = True
    env["res.currency.rate"].create(
        {
            "currency_id": cur.id,
            "company_id": company.id,
            "rate": RATES[code],
            "name": today - timedelta(days=800),
        }
    )
    currencies.append(cur)
log("currencies: " + ", ".join(c.name for c in currencies))

# ---------------------------------------------------------------- accounting setup
journal = env["account.journal"].search(
    [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
)
income = journal.default_account_id
tax = env["account.tax"].search(
    [
        ("type_tax_use", "=", "sale"),
        ("amount_type", "=", "percent"),
        ("company_id", "=", company.id),
        ("price_include", "=", False),
    ],
    limit=1,
)
receivable = env["account.account"].search(
    [
        ("account_type", "=", "asset_receivable"),
        ("company_ids", "in", company.id),
    ],
    limit=1,
)
assert journal and income and receivable, "no chart of accounts on the company"
log(
    f"journal {journal.code}, income {income.code}, receivable {receivable.code}, "
    f"tax {tax.name or '-'}"
)

# ---------------------------------------------------------------- customers
country_codes = ["US", "BE", "FR", "DE", "GB", "NL", "ES", "IT"]
countries = env["res.country"].search([("code", "in", country_codes)])
by_code = {c.code: c for c in countries}
partner_vals = []
for i in range(N_CUSTOMERS):
    cc = country_codes[i % len(country_codes)]
    partner_vals.append(
        {
            "name": f"Bench Customer {i + 1:06d}",
            "is_company": True,
            "email": f"ar{i + 1}@customer{i + 1}.example.com"
            if i % 20
            else False,  # 5% without e-mail
            "street": f"{i % 200 + 1} Market Street",
            "city": "Springfield",
            "zip": f"{10000 + i % 9000}",
            "country_id": by_code[cc].id if cc in by_code else False,
            "customer_rank": 1,
        }
    )
t0 = time.perf_counter()
partner_ids = []
for start in range(0, len(partner_vals), 2000):
    partner_ids += env["res.partner"].create(partner_vals[start : start + 2000]).ids
    env.cr.commit()
log(f"{len(partner_ids)} customers in {time.perf_counter() - t0:.1f}s")

# ---------------------------------------------------------------- invoices
# (low, high) days overdue of each aging bucket; "not due" = due in 1..29 days.
BUCKETS = [(-29, 0), (1, 30), (31, 60), (61, 90), (91, 120), (121, 300)]


def invoice_vals(k):
    """The k-th invoice: customer k // 5, a bucket rotating with k."""
    p = k // PER_CUSTOMER
    partner_id = partner_ids[p % len(partner_ids)]
    if p % 10 == 9:
        bucket = BUCKETS[0]  # 10% of the customers owe nothing overdue yet
    else:
        bucket = BUCKETS[(k % PER_CUSTOMER + p) % len(BUCKETS)]
    days = rng.randint(*bucket)
    due = today - timedelta(days=days)
    inv_date = due - timedelta(days=30)
    # 60% in company currency, 20% in each foreign currency
    currency = currencies[max(0, p % 5 - 2)]
    line = {
        "name": f"Services {k + 1}",
        "quantity": rng.randint(1, 10),
        "price_unit": round(rng.uniform(20, 2000), 2),
        "account_id": income.id,
        "tax_ids": [Command.set(tax.ids if (tax and p % 2 == 0) else [])],
    }
    return {
        "move_type": "out_invoice",
        "partner_id": partner_id,
        "journal_id": journal.id,
        "invoice_date": inv_date,
        "date": inv_date,
        "invoice_date_due": due,
        "invoice_payment_term_id": False,
        "currency_id": currency.id,
        "invoice_line_ids": [Command.create(line)],
    }


Move = env["account.move"].with_context(default_move_type="out_invoice")
t0 = time.perf_counter()
created = 0
chunk_times = []
ORM_N = TEMPLATE or N
for start in range(0, ORM_N, CHUNK):
    tc = time.perf_counter()
    vals = [invoice_vals(k) for k in range(start, min(ORM_N, start + CHUNK))]
    moves = Move.create(vals)
    moves.action_post()
    env.cr.commit()
    env.invalidate_all()
    created += len(moves)
    chunk_times.append(time.perf_counter() - tc)
    if len(chunk_times) == 1 or created % (CHUNK * 10) == 0 or created == ORM_N:
        rate = created / (time.perf_counter() - t0)
        log(
            f"{created}/{ORM_N} invoices posted ({rate:.0f}/s, "
            f"ETA {(ORM_N - created) / rate:.0f}s)"
        )


def clone_template():
    """Copy the TEMPLATE invoices with SQL until N exist: copy c of invoice j
    goes to the customer of invoice c * TEMPLATE + j (as invoice_vals would)."""
    cr = env.cr
    env.flush_all()

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND NOT column_name = ANY(%s) "
            "ORDER BY ordinal_position",
            [table, skip],
        )
        return [row[0] for row in cr.fetchall()]

    move_cols = columns(
        "account_move",
        ["id", "name", "partner_id", "commercial_partner_id", "sequence_number"],
    )
    line_cols = columns("account_move_line", ["id", "move_id", "partner_id"])
    cr.execute(
        "CREATE TEMP TABLE bench_template AS SELECT id, "
        "row_number() OVER (ORDER BY id) - 1 AS j FROM account_move "
        "WHERE move_type = 'out_invoice' AND state = 'posted'"
    )
    cr.execute(
        "CREATE TEMP TABLE bench_partner AS SELECT id, "
        "row_number() OVER (ORDER BY id) - 1 AS i FROM res_partner "
        "WHERE id = ANY(%s)",
        [partner_ids],
    )
    cr.execute("CREATE INDEX ON bench_partner (i)")
    copies = N // TEMPLATE - 1
    step = max(1, 50000 // TEMPLATE)  # copies per statement: ~50,000 moves
    done = 0
    for first in range(1, copies + 1, step):
        last = min(copies, first + step - 1)
        cr.execute("DROP TABLE IF EXISTS bench_map")
        cr.execute(
            """CREATE TEMP TABLE bench_map AS
               SELECT t.id AS old_id, nextval('account_move_id_seq') AS new_id,
                      c AS copy, p.id AS partner_id
                 FROM bench_template t
                CROSS JOIN generate_series(%(first)s, %(last)s) c
                 JOIN bench_partner p
                   ON p.i = ((c * %(template)s + t.j) / %(per)s) %% %(partners)s""",
            {
                "first": first,
                "last": last,
                "template": TEMPLATE,
                "per": PER_CUSTOMER,
                "partners": len(partner_ids),
            },
        )
        cr.execute(
            "INSERT INTO account_move (id, name, partner_id, commercial_partner_id, "
            "sequence_number, {cols}) SELECT v.new_id, m.name || '-' || v.copy, "
            "v.partner_id, v.partner_id, m.sequence_number + v.copy * 1000000, "
            "{mcols} FROM bench_map v JOIN account_move m ON m.id = v.old_id".format(
                cols=", ".join(move_cols), mcols=", ".join("m." + c for c in move_cols)
            )
        )
        cr.execute(
            "INSERT INTO account_move_line (move_id, partner_id, {cols}) "
            "SELECT v.new_id, v.partner_id, {lcols} FROM bench_map v "
            "JOIN account_move_line l ON l.move_id = v.old_id".format(
                cols=", ".join(line_cols), lcols=", ".join("l." + c for c in line_cols)
            )
        )
        env.cr.commit()
        done += (last - first + 1) * TEMPLATE
        log(f"{TEMPLATE + done}/{N} invoices (SQL copies)")
    cr.execute("ANALYZE")
    env.invalidate_all()


if TEMPLATE and N > TEMPLATE:
    clone_template()
invoice_seconds = time.perf_counter() - t0

# A few disputed invoices (Odoo's own no_followup flag on the receivable line).
env.cr.execute(
    """UPDATE account_move_line l SET no_followup = TRUE
         FROM account_account a
        WHERE a.id = l.account_id AND a.account_type = 'asset_receivable'
          AND l.parent_state = 'posted' AND l.id %% 50 = 0
          AND l.partner_id = ANY(%s)""",
    [partner_ids],
)
disputed = env.cr.rowcount
env.invalidate_all()
env.cr.commit()

# ---------------------------------------------------------------- OCA credit control
# A policy whose levels match our default levels (delays 7/21/45/60 days after the
# due date, one level at a time), on the receivable accounts, as the company default.
oca = None
if "credit.control.policy" in env:
    template = env.ref("account_credit_control.email_template_credit_control_base")
    receivables = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)]
    )
    levels = [
        ("Friendly reminder", 7),
        ("Second reminder", 21),
        ("Final notice", 45),
        ("Hand-over to collection", 60),
    ]
    policy = env["credit.control.policy"].create(
        {
            "name": "Benchmark policy (like dunning_followup's levels)",
            "company_id": company.id,
            "account_ids": [Command.set(receivables.ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": name,
                        "level": i + 1,
                        "computation_mode": "net_days",
                        "delay_days": delay,
                        "email_template_id": template.id,
                        "channel": "email",
                        "custom_text": name,
                        "custom_mail_text": f"<p>{name}</p>",
                    }
                )
                for i, (name, delay) in enumerate(levels)
            ],
        }
    )
    company.write({"credit_policy_id": policy.id})
    oca = {"policy_id": policy.id, "levels": len(levels)}
    env.cr.commit()

# ---------------------------------------------------------------- summary
env.cr.execute("""
    SELECT count(*), count(DISTINCT l.partner_id), count(DISTINCT l.currency_id)
      FROM account_move_line l JOIN account_account a ON a.id = l.account_id
     WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
       AND NOT l.reconciled""")
n_lines, n_partners, n_currencies = env.cr.fetchone()
env.cr.execute(
    """
    SELECT CASE WHEN %(today)s - date_maturity <= 0 THEN 'not_due'
                WHEN %(today)s - date_maturity <= 30 THEN '1_30'
                WHEN %(today)s - date_maturity <= 60 THEN '31_60'
                WHEN %(today)s - date_maturity <= 90 THEN '61_90'
                WHEN %(today)s - date_maturity <= 120 THEN '91_120'
                ELSE '120_plus' END, count(*)
      FROM account_move_line l JOIN account_account a ON a.id = l.account_id
     WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
       AND NOT l.reconciled GROUP BY 1 ORDER BY 1""",
    {"today": today},
)
buckets = dict(env.cr.fetchall())
info = {
    "size": N,
    "customers": len(partner_ids),
    "open_items": n_lines,
    "partners_with_items": n_partners,
    "currencies": [c.name for c in currencies],
    "buckets": buckets,
    "disputed": disputed,
    "orm_invoices": ORM_N,
    "built_on": str(today),
    "invoice_seconds": round(invoice_seconds, 1),
    "invoices_per_second": round(N / invoice_seconds, 1),
    "total_seconds": round(time.perf_counter() - t_start, 1),
    "chunk": CHUNK,
    "oca": oca,
    "addon_hash": PARAMS.get("addon_hash"),
}
env["ir.config_parameter"].set_param("dunning_bench.built", json.dumps(info))
env.cr.commit()
print("BENCH_BUILD " + json.dumps(info), flush=True)
