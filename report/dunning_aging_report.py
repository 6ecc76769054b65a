"""Receivables aging as of a chosen date, as a reporting model.

One row per receivable journal item that is still open on the aging date, with
its open amount in the column of its aging bucket. The report is a SQL query
(``_table_query``) built from the context key ``aging_date`` (default: today),
so the standard list, pivot, graph, export and PDF of Odoo all work on it, and
grouping by customer gives the aging per customer.

"Open on D" means: the item's accounting date is on or before D, and its
balance minus the reconciliations (``account.partial.reconcile``) whose
``max_date`` is on or before D is not zero (computed as its residual amount
plus the reconciliations dated after D, so that only the items open today and
those reconciled after D are read). A reconciliation's ``max_date`` is
the date of the later of its two items, the day it could first exist: a
payment dated after D leaves the invoice open as of D, and an item dated after
D does not exist yet. Amounts are in company currency (the partials' ``amount``;
their ``debit_amount_currency``/``credit_amount_currency`` give the open
amount in the item's own currency).
"""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..dunning_followup import DEFAULT_AGING_EDGES
from .dunning_aging_mixin import (
    AGING_AMOUNT_FIELDS,
    AGING_AMOUNTS,
    AGING_CONTEXT,
    AGING_LABELS,
    CUSTOMER_FIELDS,
    aging_date_from_context,
)


def _bucket_selection():
    """Selection values of the aging buckets, in order: Not Due, 1-30, ... Over 120."""
    values = [("not_due", "Not Due")]
    low = 1
    for edge, label in zip(DEFAULT_AGING_EDGES, AGING_LABELS[1:-1], strict=True):
        values.append((label, f"{low}-{edge}"))
        low = edge + 1
    values.append((AGING_LABELS[-1], f"Over {DEFAULT_AGING_EDGES[-1]}"))
    return values


# The aggregates of the report that the aging per customer keeps, and its own
# for them: a row of the report is an open item, one of the customer's.
CUSTOMER_AGGREGATES = {
    "__count": "item_count:sum",
    "days_overdue:max": "days_overdue:max",
    "aging_date:max": "aging_date:max",
    **{f"{fname}:sum": f"{fname}:sum" for fname in AGING_AMOUNTS},
}


def bucket_amounts(alias, aggregate=False):
    """SQL: one column per aging bucket (``amount_not_due``, ...), the amount
    of the rows of ``alias`` (with ``aging_bucket`` and ``amount_total``) in
    that bucket, summed up if ``aggregate``."""
    columns = []
    for label, fname in AGING_AMOUNT_FIELDS.items():
        amount = SQL(
            "CASE WHEN %s = %s THEN %s ELSE 0 END",
            SQL.identifier(alias, "aging_bucket"),
            label,
            SQL.identifier(alias, "amount_total"),
        )
        if aggregate:
            amount = SQL("SUM(%s)", amount)
        columns.append(SQL("%s AS %s", amount, SQL.identifier(fname)))
    return SQL(", ").join(columns)


class DunningAgingReport(models.Model):
    _name = "dunning.aging.report"
    _inherit = ["dunning.aging.mixin"]
    _description = "Receivables Aging"
    _auto = False
    _rec_name = "move_name"
    _order = "date_maturity, id"

    # The item
    move_line_id = fields.Many2one(
        "account.move.line", string="Journal Item", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    move_name = fields.Char(string="Number", readonly=True)
    move_type = fields.Selection(
        selection=lambda self: self.env["account.move"]._fields["move_type"].selection,
        string="Type",
        readonly=True,
    )
    ref = fields.Char(string="Reference", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
    line_currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)

    # The customer, who follows it up and the amounts per bucket come from
    # dunning.aging.mixin. The aging: its values depend on the context's aging
    # date, and the ORM caches them per aging date (a row is the same journal
    # item whatever the date).
    days_overdue = fields.Integer(
        readonly=True,
        depends_context=AGING_CONTEXT,
        aggregator="max",
        help="Days past the due date (0 when not due yet). For a customer: the "
        "days overdue of its oldest open invoice, as the dunning worklist counts "
        "them (payments, credit notes and disputed items left out).",
    )
    days_signed = fields.Integer(
        string="Days after Due Date",
        readonly=True,
        depends_context=AGING_CONTEXT,
        aggregator=None,
        help="Negative while the item is not due yet.",
    )
    due_label = fields.Char(
        string="Due", compute="_compute_due_label", depends_context=AGING_CONTEXT
    )
    no_followup = fields.Boolean(string="Disputed", readonly=True)
    aging_bucket = fields.Selection(
        _bucket_selection(),
        readonly=True,
        depends_context=AGING_CONTEXT,
    )
    amount_original = fields.Monetary(
        string="Original Amount", readonly=True, currency_field="currency_id"
    )
    amount_currency_open = fields.Monetary(
        string="Open Amount in Currency",
        readonly=True,
        depends_context=AGING_CONTEXT,
        currency_field="line_currency_id",
        aggregator=None,
    )

    _depends = {
        "account.move.line": [
            "balance",
            "amount_residual",
            "amount_residual_currency",
            "reconciled",
            "amount_currency",
            "date",
            "date_maturity",
            "partner_id",
            "account_id",
            "journal_id",
            "move_id",
            "company_id",
            "currency_id",
            "parent_state",
            "ref",
        ],
        "account.partial.reconcile": [
            "amount",
            "debit_amount_currency",
            "credit_amount_currency",
            "debit_move_id",
            "credit_move_id",
            "max_date",
        ],
        "account.move": ["name", "move_type"],
        "account.account": ["account_type"],
        "res.partner": [
            "commercial_partner_id",
            "user_id",
            "country_id",
            "dunning_responsible_id",
            "dunning_level_id",
        ],
    }

    @property
    def _table_query(self):
        return self._dunning_aging_query(
            aging_date_from_context(self), self.env.companies.ids
        )

    @api.model
    def _dunning_aging_items_query(
        self, aging_date, company_ids, customer_cond=None, without_customer=True
    ):
        """The receivable items open on ``aging_date`` for ``company_ids``, one
        row per item with its bucket and open amount, before the netting per
        customer: the items with a customer (restricted by the SQL condition
        ``customer_cond`` on ``line``, if given), then, if ``without_customer``,
        those without one. ``item_partner_id`` is the item's own partner (a
        contact), ``partner_id`` its commercial partner."""
        days = SQL("(%s::date - COALESCE(line.date_maturity, line.date))", aging_date)
        whens = [SQL("WHEN %s <= 0 THEN %s", days, AGING_LABELS[0])]
        for edge, label in zip(DEFAULT_AGING_EDGES, AGING_LABELS[1:-1], strict=True):
            whens.append(SQL("WHEN %s <= %s THEN %s", days, edge, label))
        bucket = SQL("CASE %s ELSE %s END", SQL(" ").join(whens), AGING_LABELS[-1])

        def company_dependent(column):
            # Company-dependent columns are JSONB maps {company id: value}.
            return SQL(
                "(commercial.%s ->> line.company_id::text)::int", SQL.identifier(column)
            )

        # The items with a customer, then those without, as the two branches
        # of a UNION ALL: a filter on the customer (partner_id = X, as the
        # customer's Dunning tab opens the aging) then reaches the items through
        # the index on their partner_id. With one LEFT JOIN to the partner and
        # the COALESCE to its commercial partner, PostgreSQL could not carry the
        # filter to the items and read all of them (500,000 items: 0.6 s for one
        # customer, 0.04 s split).
        with_customer = SQL(
            """JOIN res_partner partner ON partner.id = line.partner_id
               JOIN res_partner commercial
                    ON commercial.id
                       = COALESCE(partner.commercial_partner_id, partner.id)"""
        )
        item_query = """
                SELECT line.id AS id,
                       line.id AS move_line_id,
                       line.move_id AS move_id,
                       move.name AS move_name,
                       move.move_type AS move_type,
                       line.ref AS ref,
                       line.account_id AS account_id,
                       line.journal_id AS journal_id,
                       line.company_id AS company_id,
                       company.currency_id AS currency_id,
                       line.currency_id AS line_currency_id,
                       line.date AS date,
                       COALESCE(line.date_maturity, line.date) AS date_maturity,
                       commercial.id AS partner_id,
                       commercial.user_id AS user_id,
                       responsible.id AS dunning_responsible_id,
                       level.id AS dunning_level_id,
                       commercial.country_id AS country_id,
                       %(aging_date)s::date AS aging_date,
                       GREATEST(%(days)s, 0) AS days_overdue,
                       %(days)s AS days_signed,
                       COALESCE(line.no_followup, FALSE) AS no_followup,
                       %(bucket)s AS aging_bucket,
                       line.balance AS amount_original,
                       line.amount_residual_currency
                           + COALESCE(later_debit.amount_currency, 0)
                           - COALESCE(later_credit.amount_currency, 0)
                           AS amount_currency_open,
                       line.amount_residual + COALESCE(later_debit.amount, 0)
                           - COALESCE(later_credit.amount, 0) AS amount_total,
                       line.partner_id AS item_partner_id
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
             -- LEFT joins on required columns (the same rows): PostgreSQL
             -- drops them from queries that read none of their columns, such
             -- as the aging per customer.
             LEFT JOIN account_move move ON move.id = line.move_id
             LEFT JOIN res_company company ON company.id = line.company_id
             %(partner_join)s
             LEFT JOIN res_users responsible
                       ON responsible.id = %(responsible)s
             LEFT JOIN dunning_level level ON level.id = %(level)s
             -- What the reconciliations after the aging date took off the
             -- item: the residual today plus those is the amount open then.
             LEFT JOIN (
                       SELECT part.debit_move_id AS line_id,
                              SUM(part.amount) AS amount,
                              SUM(part.debit_amount_currency) AS amount_currency
                         FROM account_partial_reconcile part
                        WHERE part.max_date > %(aging_date)s::date
                        GROUP BY part.debit_move_id
                   ) later_debit ON later_debit.line_id = line.id
             LEFT JOIN (
                       SELECT part.credit_move_id AS line_id,
                              SUM(part.amount) AS amount,
                              SUM(part.credit_amount_currency) AS amount_currency
                         FROM account_partial_reconcile part
                        WHERE part.max_date > %(aging_date)s::date
                        GROUP BY part.credit_move_id
                   ) later_credit ON later_credit.line_id = line.id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   %(partner_cond)s
                   AND line.date <= %(aging_date)s::date
                   AND line.company_id = ANY(%(company_ids)s)
                   -- Open today, or reconciled after the aging date.
                   AND (
                       line.reconciled IS NOT TRUE
                       OR later_debit.line_id IS NOT NULL
                       OR later_credit.line_id IS NOT NULL
                   )
"""
        params = {
            "aging_date": aging_date,
            "days": days,
            "bucket": bucket,
            "responsible": company_dependent("dunning_responsible_id"),
            "level": company_dependent("dunning_level_id"),
            "company_ids": list(company_ids),
        }
        branches = [
            SQL(
                item_query,
                partner_join=with_customer,
                partner_cond=SQL("AND %s", customer_cond) if customer_cond else SQL(""),
                **params,
            )
        ]
        if without_customer:
            branches.append(
                SQL(
                    item_query,
                    partner_join=SQL("LEFT JOIN res_partner commercial ON FALSE"),
                    partner_cond=SQL("AND line.partner_id IS NULL"),
                    **params,
                )
            )
        return SQL(" UNION ALL ").join(branches)

    @api.model
    def _dunning_aging_per_partner_query(self, items):
        """The aging per (company, item partner) of the rows of ``items`` (see
        ``_dunning_aging_items_query``): first item id, open items, days
        overdue of the oldest open invoice (payments, credit notes and
        disputed items left out, as the worklist counts them), the amount per
        bucket and in all. What the stored aging keeps, and what the aging
        per customer adds up."""
        return SQL(
            """SELECT item.company_id AS company_id,
                      item.item_partner_id AS partner_id,
                      MIN(item.id) AS first_line_id,
                      COUNT(*) FILTER (WHERE item.amount_total != 0) AS item_count,
                      MAX(CASE WHEN item.amount_total > 0 AND NOT item.no_followup
                               THEN item.days_overdue END) AS days_overdue,
                      %(buckets)s,
                      SUM(item.amount_total) AS amount_total
                 FROM (%(items)s) item
                GROUP BY item.company_id, item.item_partner_id""",
            buckets=bucket_amounts("item", aggregate=True),
            items=items,
        )

    @api.model
    def _dunning_aging_query(self, aging_date, company_ids):
        """The rows of the aging as of ``aging_date`` for ``company_ids``."""
        return SQL(
            """
            SELECT base.*, %(amounts)s
              FROM (
            SELECT item.*,
                   -- Customer first: the window's sort then also serves the
                   -- aging per customer (GROUP BY partner_id), which would
                   -- otherwise sort all the items again.
                   SUM(item.amount_total) OVER (
                       PARTITION BY item.partner_id, item.company_id
                   ) AS partner_open_total
              FROM (
                %(items)s
                   ) item
              ) base
             -- Customers whose open items net to zero owe nothing: left out.
             WHERE base.amount_total != 0 AND base.partner_open_total != 0
            """,
            amounts=bucket_amounts("base"),
            items=self._dunning_aging_items_query(aging_date, company_ids),
        )

    @api.depends("days_signed")
    def _compute_due_label(self):
        for row in self:
            if row.days_signed > 0:
                row.due_label = self.env._("%s days overdue", row.days_signed)
            elif row.days_signed < 0:
                row.due_label = self.env._("due in %s days", -row.days_signed)
            else:
                row.due_label = self.env._("due today")

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Grouped by customer (or by what belongs to the customer: its
        salesperson, country, company, ...) and filtered on the customer only,
        the report is the aging per customer: read it from
        ``dunning.aging.customer.report``, which keeps it per customer,
        instead of adding up every open item (at 500,000 items, seconds)."""
        delegated = self._dunning_customer_read_group_args(
            domain, groupby, aggregates, having, order
        )
        if delegated is None:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        aggregates, order = delegated
        return self.env["dunning.aging.customer.report"]._read_group(
            domain, groupby, aggregates, offset=offset, limit=limit, order=order
        )

    @api.model
    def _formatted_read_group_with_length(
        self, domain, groupby, aggregates, offset=0, limit=None, order=None
    ):
        """The web client's grouped list: a page of groups and how many groups
        there are. Served by the aging per customer, the groups are counted
        in SQL (the web client reads every group after the page to count
        them: 100,000 customers at 500,000 items), and the customers changed
        since the stored aging are found once for both queries."""
        if (
            self._dunning_customer_read_group_args(
                domain, groupby, aggregates, (), order
            )
            is None
        ):
            return super()._formatted_read_group_with_length(
                domain, groupby, aggregates, offset, limit, order
            )
        Customer = self.env["dunning.aging.customer.report"]
        report = self.with_context(**Customer._dunning_snapshot_state_context())
        groups = report.formatted_read_group(
            domain, groupby, aggregates, offset=offset, limit=limit, order=order
        )
        if limit and len(groups) == limit:
            length = report.env[Customer._name]._dunning_count_groups(domain, groupby)
        else:
            length = len(groups) + offset if groups else 0
        return groups, length

    @api.model
    def _dunning_customer_read_group_args(
        self, domain, groupby, aggregates, having, order
    ):
        """(aggregates, order) of the same read_group on the aging per
        customer, or None when it cannot answer it (a group or filter on the
        items, an aggregate it does not keep)."""
        keeps = CUSTOMER_AGGREGATES
        if having or self.env.context.get("dunning_aging_items"):
            return None
        if any(spec not in CUSTOMER_FIELDS for spec in groupby):
            return None
        if any(spec not in keeps for spec in aggregates):
            return None
        for condition in Domain(domain).iter_conditions():
            if condition.field_expr.split(".", 1)[0] not in CUSTOMER_FIELDS:
                return None
        terms = []
        for term in (order or "").split(","):
            if not term.strip():
                continue
            spec, *direction = term.split()
            if spec in keeps:
                spec = keeps[spec]
            elif spec not in groupby:
                return None
            terms.append(" ".join([spec, *direction]))
        return [keeps[spec] for spec in aggregates], ", ".join(terms) or None

    def _read_group_select(self, aggregate_spec, query):
        """A customer's days overdue are those of its oldest open invoice, as
        the worklist counts them: payments, credit notes and disputed items
        do not make a customer later."""
        if aggregate_spec == "days_overdue:max":
            return SQL(
                "COALESCE(MAX(CASE WHEN %(amount)s > 0 AND NOT %(disputed)s "
                "THEN %(days)s END), 0)",
                amount=self._field_to_sql(self._table, "amount_total", query),
                disputed=self._field_to_sql(self._table, "no_followup", query),
                days=self._field_to_sql(self._table, "days_overdue", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_open_today(self):
        """The menu: the aging as of today, titled with its date."""
        return self._dunning_aging_action(fields.Date.context_today(self))

    def action_open_customer(self):
        """Open the customer of this item on its Dunning tab."""
        self.ensure_one()
        return self.partner_id.action_dunning_open_dunning_tab()

    def action_open_move(self):
        """Open the invoice, credit note or payment entry of this item."""
        self.ensure_one()
        return self.move_id._get_records_action()

    def action_open_aging_wizard(self):
        """Header button of the report: choose another aging date."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_aging_wizard"
        )
        action["context"] = {
            "default_aging_date": fields.Date.to_string(aging_date_from_context(self))
        }
        return action

    @api.model
    def _dunning_aging_action(self, aging_date=None, domain=None):
        """The report's window action as of ``aging_date`` (default today)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_aging_report"
        )
        aging_date = fields.Date.to_date(aging_date) if aging_date else None
        context = {"search_default_group_partner": 1}
        if aging_date:
            context["aging_date"] = fields.Date.to_string(aging_date)
            action["name"] = action["display_name"] = self.env._(
                "Receivables Aging as of %s", format_date(self.env, aging_date)
            )
        action["context"] = context
        if domain:
            action["domain"] = domain
        return action

    @api.model
    def _dunning_bucket_labels(self):
        """{bucket: its name in the user's language}, in bucket order."""
        return dict(self._fields["aging_bucket"]._description_selection(self.env))

    # ------------------------------------------------------------------
    # Grouped figures (PDF, tests)
    # ------------------------------------------------------------------

    @api.model
    def _dunning_aging_by_partner(self, domain=None):
        """Aging buckets and total per (company, customer) for the context's
        aging date, from one grouped query.

        :return: list of dicts with ``company``, ``partner`` and one key per
            bucket label plus ``total``, sorted by company and customer name
        """
        fnames = [*AGING_AMOUNT_FIELDS.values(), "amount_total"]
        groups = self._read_group(
            domain or [],
            groupby=["company_id", "partner_id"],
            aggregates=[f"{fname}:sum" for fname in fnames],
        )
        result = []
        for company, partner, *sums in groups:
            row = {"company": company, "partner": partner}
            row.update(zip([*AGING_AMOUNT_FIELDS, "total"], sums, strict=True))
            result.append(row)
        result.sort(
            key=lambda row: (
                row["company"].name or "",
                row["partner"].name or "",
                row["partner"].id,
            )
        )
        return result


class ReportDunningAging(models.AbstractModel):
    """Values of the printed aging: one table per company, a row per customer."""

    _name = "report.dunning_followup.report_dunning_aging"
    _description = "Receivables Aging (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        aging_date = data.get("aging_date") or self.env.context.get("aging_date")
        Report = self.env["dunning.aging.report"]
        if aging_date:
            Report = Report.with_context(aging_date=aging_date)
        domain = (
            [("id", "in", list(docids))] if docids else list(data.get("domain") or [])
        )
        rows = Report._dunning_aging_by_partner(domain)
        companies = []
        for row in rows:
            if not companies or companies[-1]["company"] != row["company"]:
                companies.append(
                    {
                        "company": row["company"],
                        "rows": [],
                        "totals": dict.fromkeys([*AGING_AMOUNT_FIELDS, "total"], 0.0),
                    }
                )
            companies[-1]["rows"].append(row)
            for key in companies[-1]["totals"]:
                companies[-1]["totals"][key] += row[key] or 0.0
        return {
            "doc_ids": docids,
            "doc_model": "dunning.aging.report",
            "docs": Report.browse(docids or []),
            "aging_date": aging_date_from_context(Report),
            "labels": list(AGING_AMOUNT_FIELDS),
            "headers": Report._dunning_bucket_labels(),
            "companies": companies,
        }
