"""Days sales outstanding and overdue ratio over time.

``dunning.dso.report``: one row per company and month, from the company's
first receivable item to the current month: receivables at the month's end
(today for the current month), overdue receivables (due date before that day)
at the same day, sales (customer invoices minus credit notes, taxes included,
as they hit the receivable account) of the 90 days up to it, DSO = receivables
/ sales of the last 90 days x 90, and the overdue ratio = overdue receivables /
receivables. It is computed from daily movements summed cumulatively, without
one pass over the ledger per month.
"""

from odoo import api, fields, models
from odoo.tools import SQL

DSO_WINDOW_DAYS = 90


class DunningDsoReport(models.Model):
    _name = "dunning.dso.report"
    _description = "Days Sales Outstanding and Overdue Ratio"
    _auto = False
    _rec_name = "date"
    _order = "date, company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    date_end = fields.Date(string="Figures as of", readonly=True, aggregator="max")
    receivable_amount = fields.Monetary(string="Receivables", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue Receivables", readonly=True)
    sales_amount = fields.Monetary(string="Sales of the Last 90 Days", readonly=True)
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding: receivables / sales of the last 90 days x 90.",
    )
    overdue_ratio = fields.Float(
        string="Overdue Ratio (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Overdue receivables / receivables, in percent.",
    )

    _depends = {
        "account.move.line": [
            "balance",
            "date",
            "date_maturity",
            "account_id",
            "move_id",
            "company_id",
            "parent_state",
        ],
        "account.partial.reconcile": [
            "amount",
            "debit_move_id",
            "credit_move_id",
            "max_date",
        ],
        "account.move": ["move_type"],
        "account.account": ["account_type"],
    }

    @property
    def _table_query(self):
        return self._dunning_dso_query(
            fields.Date.context_today(self), self.env.companies.ids
        )

    @api.model
    def _dunning_dso_query(self, today, company_ids):
        return SQL(
            """
            WITH receivable AS (
                SELECT line.id, line.company_id, line.date, line.balance,
                       COALESCE(line.date_maturity, line.date) AS date_due,
                       move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                           AS is_sale
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN account_move move ON move.id = line.move_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND line.company_id = ANY(%(company_ids)s)
                   AND line.date <= %(today)s::date
            ),
            movement AS (
                -- (company, day it changes the receivables, day it changes the
                -- overdue, amount)
                SELECT company_id, date AS day,
                       GREATEST(date, date_due + 1) AS overdue_day, balance AS amount
                  FROM receivable
                UNION ALL
                SELECT item.company_id, part.max_date,
                       GREATEST(part.max_date, item.date_due + 1), -part.amount
                  FROM account_partial_reconcile part
                  JOIN receivable item ON item.id = part.debit_move_id
                UNION ALL
                SELECT item.company_id, part.max_date,
                       GREATEST(part.max_date, item.date_due + 1), part.amount
                  FROM account_partial_reconcile part
                  JOIN receivable item ON item.id = part.credit_move_id
            ),
            monthly AS (
                SELECT company_id, date_trunc('month', day)::date AS month,
                       SUM(receivable) AS receivable, SUM(overdue) AS overdue
                  FROM (
                        SELECT company_id, day, amount AS receivable, 0 AS overdue
                          FROM movement WHERE day <= %(today)s::date
                        UNION ALL
                        SELECT company_id, overdue_day, 0, amount
                          FROM movement WHERE overdue_day <= %(today)s::date
                       ) changes
              GROUP BY 1, 2
            ),
            months AS (
                SELECT company_id, month::date AS month,
                       LEAST((month + INTERVAL '1 month' - INTERVAL '1 day')::date,
                             %(today)s::date) AS date_end
                  FROM (SELECT company_id, MIN(month) AS first_month
                          FROM monthly GROUP BY company_id) bounds,
                       generate_series(bounds.first_month,
                                       date_trunc('month', %(today)s::date),
                                       INTERVAL '1 month') AS month
            ),
            sales AS (
                SELECT company_id, date, SUM(balance) AS amount
                  FROM receivable WHERE is_sale GROUP BY company_id, date
            ),
            figures AS (
                SELECT months.company_id, months.month, months.date_end,
                       SUM(COALESCE(monthly.receivable, 0)) OVER running
                           AS receivable_amount,
                       SUM(COALESCE(monthly.overdue, 0)) OVER running AS overdue_amount
                  FROM months
             LEFT JOIN monthly ON monthly.company_id = months.company_id
                              AND monthly.month = months.month
                WINDOW running AS (PARTITION BY months.company_id ORDER BY months.month)
            )
            SELECT (figures.company_id * 100000
                    + EXTRACT(YEAR FROM figures.month) * 12
                    + EXTRACT(MONTH FROM figures.month))::int AS id,
                   figures.company_id,
                   company.currency_id,
                   figures.month AS date,
                   figures.date_end,
                   figures.receivable_amount,
                   figures.overdue_amount,
                   COALESCE(sold.amount, 0) AS sales_amount,
                   CASE WHEN COALESCE(sold.amount, 0) != 0
                        THEN figures.receivable_amount / sold.amount * %(window)s
                        ELSE 0 END AS dso,
                   CASE WHEN figures.receivable_amount != 0
                        THEN figures.overdue_amount / figures.receivable_amount * 100
                        ELSE 0 END AS overdue_ratio
              FROM figures
              JOIN res_company company ON company.id = figures.company_id
         LEFT JOIN LATERAL (
                   SELECT SUM(sales.amount) AS amount
                     FROM sales
                    WHERE sales.company_id = figures.company_id
                      AND sales.date > figures.date_end - %(window)s
                      AND sales.date <= figures.date_end
                   ) sold ON TRUE
            """,
            today=today,
            company_ids=list(company_ids),
            window=DSO_WINDOW_DAYS,
        )

    def _read_group_select(self, aggregate_spec, query):
        """Grouped DSO and overdue ratio are ratios of the sums."""
        if aggregate_spec == "dso:avg":
            return SQL(
                "COALESCE(SUM(%(receivable)s) / NULLIF(SUM(%(sales)s), 0) * "
                "%(window)s, 0)",
                receivable=self._field_to_sql(self._table, "receivable_amount", query),
                sales=self._field_to_sql(self._table, "sales_amount", query),
                window=DSO_WINDOW_DAYS,
            )
        if aggregate_spec == "overdue_ratio:avg":
            return SQL(
                "COALESCE(SUM(%(overdue)s) / NULLIF(SUM(%(receivable)s), 0) * 100, 0)",
                overdue=self._field_to_sql(self._table, "overdue_amount", query),
                receivable=self._field_to_sql(self._table, "receivable_amount", query),
            )
        return super()._read_group_select(aggregate_spec, query)
