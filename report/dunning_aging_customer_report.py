"""Receivables aging per customer, as of a chosen date.

One row per company and customer (commercial partner) that owes something on
the aging date: the same figures as the aging report (``dunning.aging.report``)
grouped by customer, read from the aging stored by the scheduled action
(``dunning.aging.snapshot``) for the customers whose journal items did not
change since, and computed live for the others. The aging report serves its
grouping by customer from here (``dunning.aging.report._read_group``).
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.dunning_aging_snapshot_line import SNAPSHOT_COLUMNS
from .dunning_aging_mixin import (
    AGING_AMOUNTS,
    AGING_CONTEXT,
    aging_date_from_context,
)
from .dunning_aging_report import DunningAgingReport


class DunningAgingCustomerReport(models.Model):
    _name = "dunning.aging.customer.report"
    _inherit = ["dunning.aging.mixin"]
    _description = "Receivables Aging per Customer"
    _auto = False
    _rec_name = "partner_id"
    _order = "partner_id, company_id"

    days_overdue = fields.Integer(
        readonly=True,
        depends_context=AGING_CONTEXT,
        aggregator="max",
        help="Days overdue of the customer's oldest open invoice (payments, "
        "credit notes and disputed items left out).",
    )
    item_count = fields.Integer(
        string="Open Items", readonly=True, depends_context=AGING_CONTEXT
    )

    _depends = {
        **DunningAgingReport._depends,
        "dunning.aging.snapshot": ["aging_date", "snapshot_xid", "company_id"],
        "dunning.aging.snapshot.line": [*SNAPSHOT_COLUMNS, "stale"],
    }

    @property
    def _table_query(self):
        return self._dunning_customer_query(
            aging_date_from_context(self), self.env.companies.ids
        )

    @api.model
    def _dunning_customer_query(self, aging_date, company_ids):
        """The aging per customer as of ``aging_date`` for ``company_ids``."""
        Report = self.env["dunning.aging.report"]
        usable, changed = self._dunning_snapshot_state(aging_date, company_ids)
        live_companies = [cid for cid in company_ids if cid not in usable]
        per_partner = []
        if live_companies:
            per_partner.append(
                Report._dunning_aging_per_partner_query(
                    Report._dunning_aging_items_query(aging_date, live_companies)
                )
            )
        if usable:
            stored = SQL(", ").join(
                SQL.identifier("stored", fname) for fname in SNAPSHOT_COLUMNS
            )
            per_partner.append(
                SQL(
                    """SELECT %(stored)s
                         FROM dunning_aging_snapshot_line stored
                        WHERE stored.company_id = ANY(%(companies)s)
                          AND NOT stored.partner_id = ANY(%(changed)s)""",
                    stored=stored,
                    companies=list(usable),
                    changed=changed,
                )
            )
            # The changed customers, and the items without a partner (the
            # stored aging has none), live.
            per_partner.append(
                Report._dunning_aging_per_partner_query(
                    Report._dunning_aging_items_query(
                        aging_date,
                        list(usable),
                        customer_cond=SQL("line.partner_id = ANY(%s)", changed),
                    )
                )
            )
        sums = SQL(", ").join(
            SQL(
                "SUM(per_partner.%s) AS %s",
                SQL.identifier(fname),
                SQL.identifier(fname),
            )
            for fname in AGING_AMOUNTS
        )

        def company_dependent(column):
            return SQL(
                "(commercial.%s ->> per_partner.company_id::text)::int",
                SQL.identifier(column),
            )

        return SQL(
            """
            SELECT MIN(per_partner.first_line_id) AS id,
                   per_partner.company_id AS company_id,
                   -- (a subquery, not a join: with a join to the company,
                   -- PostgreSQL expects a few hundred rows, not 100,000,
                   -- and picks nested loops)
                   (SELECT company.currency_id FROM res_company company
                     WHERE company.id = per_partner.company_id) AS currency_id,
                   commercial.id AS partner_id,
                   commercial.user_id AS user_id,
                   MAX(responsible.id) AS dunning_responsible_id,
                   MAX(level.id) AS dunning_level_id,
                   commercial.country_id AS country_id,
                   %(aging_date)s::date AS aging_date,
                   COALESCE(MAX(per_partner.days_overdue), 0) AS days_overdue,
                   SUM(per_partner.item_count) AS item_count,
                   %(sums)s
              FROM (%(per_partner)s) per_partner
         LEFT JOIN res_partner partner ON partner.id = per_partner.partner_id
         LEFT JOIN res_partner commercial
                   ON commercial.id
                      = COALESCE(partner.commercial_partner_id, partner.id)
         LEFT JOIN res_users responsible
                   ON responsible.id = %(responsible)s
         LEFT JOIN dunning_level level ON level.id = %(level)s
             GROUP BY per_partner.company_id, commercial.id
            -- Customers whose open items net to zero owe nothing: left out.
            HAVING SUM(per_partner.amount_total) != 0
            """,
            aging_date=aging_date,
            sums=sums,
            per_partner=SQL(" UNION ALL ").join(per_partner),
            responsible=company_dependent("dunning_responsible_id"),
            level=company_dependent("dunning_level_id"),
        )

    @api.model
    def _dunning_snapshot_state(self, aging_date, company_ids):
        """(usable, changed): {company id: snapshot xid} of the companies whose
        stored aging serves ``aging_date``, and the partners whose stored
        aging is out of date in them. Taken from the context key
        ``dunning_aging_state`` (see ``_dunning_snapshot_state_context``) when
        it was found for the same date and companies."""
        key = self._dunning_snapshot_state_key(aging_date, company_ids)
        state = self.env.context.get("dunning_aging_state")
        if state and state[0] == key:
            return dict(state[1]), list(state[2])
        Snapshot = self.env["dunning.aging.snapshot"]
        usable = Snapshot._dunning_usable(aging_date, company_ids)
        return usable, Snapshot._dunning_changed_partners(usable)

    @api.model
    def _dunning_snapshot_state_context(self):
        """The context that lets several reads in a row (a page of groups and
        their number), with nothing written in between, find once which
        customers changed since the stored aging."""
        aging_date = aging_date_from_context(self)
        company_ids = self.env.companies.ids
        usable, changed = self._dunning_snapshot_state(aging_date, company_ids)
        key = self._dunning_snapshot_state_key(aging_date, company_ids)
        return {"dunning_aging_state": (key, tuple(usable.items()), tuple(changed))}

    @api.model
    def _dunning_snapshot_state_key(self, aging_date, company_ids):
        """What ``dunning_aging_state`` was found for."""
        return (fields.Date.to_string(aging_date), tuple(company_ids))

    @api.model
    def _dunning_count_groups(self, domain, groupby):
        """The number of groups of ``_read_group(domain, groupby)``, counted
        in SQL instead of read."""
        self.browse().check_access("read")
        query = self._search(domain)
        if query.is_empty():
            return 0
        query.groupby = SQL(", ").join(
            self._read_group_groupby(self._table, spec, query) for spec in groupby
        )
        return self.env.execute_query(
            SQL("SELECT COUNT(*) FROM (%s) grp", query.select(SQL("1")))
        )[0][0]

    def action_open_customer(self):
        """Open the customer on its Dunning tab."""
        self.ensure_one()
        return self.partner_id.action_dunning_open_dunning_tab()
