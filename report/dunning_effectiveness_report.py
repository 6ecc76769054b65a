"""How well dunning works: what the reminders recovered.

``dunning.effectiveness.report``: one row per sent reminder (letter), with the
amount it claimed and what was paid on its invoices within 7, 14 and 30 days
of its date. "Paid within N days" sums, per letter line, the reconciliations
(``account.partial.reconcile``, company currency) of the claimed receivable
item whose ``max_date`` lies between the letter's date and N days after it
(both included), capped at what the line claimed (its ``amount_residual``, the
snapshot taken when the letter was made). A reconciliation's ``max_date`` is
the date of the later of its two items, i.e. the payment's (or credit note's)
date: a payment dated before the letter but matched later does not count.
"""

from odoo import fields, models
from odoo.tools import SQL

PAID_WINDOWS = (7, 14, 30)


class DunningEffectivenessReport(models.Model):
    _name = "dunning.effectiveness.report"
    _description = "Dunning Effectiveness"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"

    letter_id = fields.Many2one("dunning.letter", string="Reminder", readonly=True)
    name = fields.Char(string="Number", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("dunning.level", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    responsible_id = fields.Many2one("res.users", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    date = fields.Date(string="Reminder Date", readonly=True)
    collection = fields.Boolean(string="Handed Over to Collection", readonly=True)

    letter_count = fields.Integer(string="Reminders Sent", readonly=True)
    amount_dunned = fields.Monetary(readonly=True)
    amount_paid_7 = fields.Monetary(string="Paid within 7 Days", readonly=True)
    amount_paid_14 = fields.Monetary(string="Paid within 14 Days", readonly=True)
    amount_paid_30 = fields.Monetary(string="Paid within 30 Days", readonly=True)
    recovery_rate = fields.Float(
        string="Recovery Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Paid within 30 days / amount dunned, in percent (of the sums, when "
        "grouped).",
    )
    collection_customer_count = fields.Integer(
        string="Customers to Collection",
        readonly=True,
        help="Distinct customers who got a reminder of a level that hands over to "
        "collection.",
    )

    _depends = {
        "dunning.letter": [
            "name",
            "partner_id",
            "level_id",
            "company_id",
            "currency_id",
            "responsible_id",
            "date",
            "state",
            "amount_total",
        ],
        "dunning.letter.line": [
            "letter_id",
            "move_id",
            "move_line_id",
            "amount_residual",
        ],
        "dunning.level": ["collection"],
        "account.partial.reconcile": ["amount", "debit_move_id", "max_date"],
        "account.move.line": ["move_id", "account_id", "parent_state"],
        "account.account": ["account_type"],
        "res.partner": ["country_id"],
    }

    @property
    def _table_query(self):
        paid_line = SQL(", ").join(
            SQL(
                "LEAST(line.amount_residual, COALESCE(SUM(part.amount) FILTER "
                "(WHERE part.max_date <= letter.date + %s), 0)) AS %s",
                days,
                SQL.identifier(f"paid_{days}"),
            )
            for days in PAID_WINDOWS
        )
        paid_sum = SQL(", ").join(
            SQL(
                "SUM(%s) AS %s",
                SQL.identifier(f"paid_{days}"),
                SQL.identifier(f"paid_{days}"),
            )
            for days in PAID_WINDOWS
        )
        paid_cols = SQL(", ").join(
            SQL(
                "COALESCE(paid.%s, 0) AS %s",
                SQL.identifier(f"paid_{days}"),
                SQL.identifier(f"amount_paid_{days}"),
            )
            for days in PAID_WINDOWS
        )
        return SQL(
            """
            SELECT letter.id AS id,
                   letter.id AS letter_id,
                   letter.name AS name,
                   letter.partner_id AS partner_id,
                   letter.level_id AS level_id,
                   letter.company_id AS company_id,
                   letter.currency_id AS currency_id,
                   letter.responsible_id AS responsible_id,
                   partner.country_id AS country_id,
                   letter.date AS date,
                   COALESCE(level.collection, FALSE) AS collection,
                   1 AS letter_count,
                   letter.amount_total AS amount_dunned,
                   %(paid_cols)s,
                   CASE WHEN letter.amount_total != 0
                        THEN COALESCE(paid.paid_30, 0) / letter.amount_total * 100
                        ELSE 0 END AS recovery_rate,
                   CASE WHEN level.collection THEN 1 ELSE 0 END
                       AS collection_customer_count
              FROM dunning_letter letter
              JOIN dunning_level level ON level.id = letter.level_id
              JOIN res_partner partner ON partner.id = letter.partner_id
         LEFT JOIN (
                   SELECT per_line.letter_id, %(paid_sum)s
                     FROM (
                          SELECT line.letter_id, %(paid_line)s
                            FROM dunning_letter_line line
                            JOIN dunning_letter letter ON letter.id = line.letter_id
                            JOIN account_move_line item
                                 ON item.id = line.move_line_id
                                 OR (line.move_line_id IS NULL
                                     AND item.move_id = line.move_id)
                            JOIN account_account account ON account.id = item.account_id
                       LEFT JOIN account_partial_reconcile part
                                 ON part.debit_move_id = item.id
                                AND part.max_date >= letter.date
                                AND part.max_date <= letter.date + %(max_days)s
                           WHERE letter.state = 'sent'
                             AND letter.company_id = ANY(%(company_ids)s)
                             AND account.account_type = 'asset_receivable'
                             AND item.parent_state = 'posted'
                        GROUP BY line.id, line.letter_id, line.amount_residual
                          ) per_line
                 GROUP BY per_line.letter_id
                   ) paid ON paid.letter_id = letter.id
             WHERE letter.state = 'sent'
               AND letter.company_id = ANY(%(company_ids)s)
            """,
            paid_cols=paid_cols,
            paid_sum=paid_sum,
            paid_line=paid_line,
            max_days=max(PAID_WINDOWS),
            company_ids=self.env.companies.ids,
        )

    def _read_group_select(self, aggregate_spec, query):
        """Ratios of sums, not sums or averages of ratios, and distinct
        customers handed over to collection."""
        if aggregate_spec == "recovery_rate:avg":
            return SQL(
                "COALESCE(SUM(%(paid)s) / NULLIF(SUM(%(dunned)s), 0) * 100, 0)",
                paid=self._field_to_sql(self._table, "amount_paid_30", query),
                dunned=self._field_to_sql(self._table, "amount_dunned", query),
            )
        if aggregate_spec == "collection_customer_count:sum":
            return SQL(
                "COUNT(DISTINCT CASE WHEN %(collection)s THEN %(partner)s END)",
                collection=self._field_to_sql(self._table, "collection", query),
                partner=self._field_to_sql(self._table, "partner_id", query),
            )
        return super()._read_group_select(aggregate_spec, query)
