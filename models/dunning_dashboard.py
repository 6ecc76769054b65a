"""The collections dashboard: the figures a collection manager starts the day
with, each one opening the list behind it.

Every figure is one grouped query over the current company; nothing is
computed per customer or per invoice in Python, so the dashboard loads in the
same time on ten invoices or on fifty thousand (see scripts/benchmark_dashboard.py).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..dunning_followup import DEFAULT_AGING_EDGES, bucket_labels

TOP_CUSTOMERS = 10
DSO_MONTHS = 12


class DunningDashboard(models.AbstractModel):
    """Figures of the collections dashboard (no records of its own)."""

    _name = "dunning.dashboard"
    _description = "Collections Dashboard"

    @api.model
    def get_dashboard_data(self):
        """All figures of the dashboard for the current company, as plain
        values for the client action."""
        company = self.env.company
        today = fields.Date.context_today(self)
        currency = company.currency_id
        return {
            "currency": {
                "symbol": currency.symbol,
                "position": currency.position,
                "digits": currency.decimal_places,
            },
            "aging": self._dashboard_aging(company, today),
            "trend": self._dashboard_trend(company, today),
            "counts": self._dashboard_counts(company, today),
            "top_customers": self._dashboard_top_customers(company),
            "stale_rates": self._dashboard_stale_rates(company, today),
        }

    @api.model
    def _dashboard_stale_rates(self, company, today):
        """The names of the reference rate series the company's interest rules
        use that have no rate published for the half-year of ``today``."""
        Rate = self.env["dunning.interest.rate"]
        names = dict(Rate._fields["series"]._description_selection(self.env))
        stale = Rate._dunning_stale_series(
            today, company._dunning_interest_rules_in_use()
        )
        return [names.get(series, series) for series in stale]

    @api.model
    def _dashboard_aging(self, company, today):
        """Open receivables per aging bucket (disputed items left out)."""
        labels = bucket_labels(DEFAULT_AGING_EDGES)
        edges = DEFAULT_AGING_EDGES
        cases = [
            SQL("WHEN %s - COALESCE(line.date_maturity, line.date) <= 0 THEN 0", today)
        ]
        cases += [
            SQL(
                "WHEN %s - COALESCE(line.date_maturity, line.date) <= %s THEN %s",
                today,
                edge,
                index,
            )
            for index, edge in enumerate(edges, start=1)
        ]
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT CASE %(cases)s ELSE %(last)s END AS bucket, SUM(line.amount_residual)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE line.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND NOT line.reconciled
               AND NOT COALESCE(line.no_followup, FALSE)
          GROUP BY 1
            """,
                cases=SQL(" ").join(cases),
                last=len(edges) + 1,
                company=company.id,
            )
        )
        amounts = dict(rows)
        names = self._dashboard_bucket_names(edges)
        return [
            {"key": label, "label": names[index], "amount": amounts.get(index, 0.0)}
            for index, label in enumerate(labels)
        ]

    def _dashboard_bucket_names(self, edges):
        names = [self.env._("Not due")]
        low = 1
        for edge in edges:
            names.append(self.env._("%(low)s-%(high)s days", low=low, high=edge))
            low = edge + 1
        names.append(self.env._("Over %s days", edges[-1]))
        return names

    @api.model
    def _dashboard_trend(self, company, today):
        """DSO and overdue ratio at the end of each of the last 12 months
        (0 for the months before the first receivable)."""
        first = today.replace(day=1) - relativedelta(months=DSO_MONTHS - 1)
        rows = (
            self.env["dunning.dso.report"]
            .with_context(allowed_company_ids=[company.id])
            .search_read(
                [("company_id", "=", company.id), ("date", ">=", first)],
                ["date", "dso", "overdue_ratio"],
                order="date",
            )
        )
        by_month = {row["date"]: row for row in rows}
        trend = []
        for index in range(DSO_MONTHS):
            month = first + relativedelta(months=index)
            row = by_month.get(month, {})
            trend.append(
                {
                    "month": fields.Date.to_string(month),
                    "dso": row.get("dso", 0.0),
                    "overdue_ratio": row.get("overdue_ratio", 0.0),
                }
            )
        return trend

    @api.model
    def _dashboard_counts(self, company, today):
        Letter = self.env["dunning.letter"]
        letters = dict(
            Letter._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("to_approve", "failed")),
                ],
                groupby=["state"],
                aggregates=["__count"],
            )
        )
        Partner = self.env["res.partner"].with_company(company)
        Case = self.env["dunning.collection.case"]
        [(open_count, handed_over)] = Case._read_group(
            self._dashboard_domain("open_cases", company, today),
            aggregates=["__count", "amount_handed_over:sum"],
        )
        [(recovered,)] = self.env["dunning.collection.case.payment"]._read_group(
            self._dashboard_domain("recovered_month", company, today),
            aggregates=["amount:sum"],
        )
        return {
            "to_approve": letters.get("to_approve", 0),
            "failed": letters.get("failed", 0),
            "promises_today": Partner.search_count(
                self._dashboard_domain("promises_today", company, today)
            ),
            "promises_broken": Partner.search_count(
                self._dashboard_domain("promises_broken", company, today)
            ),
            "open_cases": open_count,
            "open_cases_amount": handed_over or 0.0,
            "recovered_month": recovered or 0.0,
        }

    @api.model
    def _dashboard_top_customers(self, company):
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search(
                self._dashboard_domain("top_customers", company, None),
                order="dunning_priority desc, id",
                limit=TOP_CUSTOMERS,
            )
        )
        status = dict(
            partners._fields["dunning_status"]._description_selection(self.env)
        )
        return [
            {
                "id": partner.id,
                "name": partner.display_name,
                "status": status.get(partner.dunning_status, ""),
                "overdue": partner.dunning_overdue_amount,
                "days": partner.dunning_max_days_overdue,
                "priority": partner.dunning_priority,
            }
            for partner in partners
        ]

    @api.model
    def _dashboard_domain(self, figure, company, today):
        """The records behind a figure of the dashboard."""
        company_domain = [("company_id", "=", company.id)]
        domains = {
            "to_approve": company_domain + [("state", "=", "to_approve")],
            "failed": company_domain + [("state", "=", "failed")],
            "promises_today": [("dunning_promise_date", "=", today)],
            "promises_broken": [
                ("dunning_promise_date", "<", today),
                ("dunning_status", "in", ("waiting", "action_needed")),
            ],
            "open_cases": company_domain + [("state", "in", ("open", "partial"))],
            "recovered_month": company_domain
            + [("date", ">=", today.replace(day=1) if today else False)],
            "top_customers": [("dunning_priority", ">", 0)],
        }
        return domains[figure]

    @api.model
    def action_open_figure(self, figure, key=None):
        """The list behind a figure (``key``: the aging bucket or the customer)."""
        company = self.env.company
        today = fields.Date.context_today(self)
        if figure in ("to_approve", "failed"):
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "dunning_followup.action_dunning_letter"
            )
            action["domain"] = self._dashboard_domain(figure, company, today)
            action["context"] = {}
            return action
        if figure in ("promises_today", "promises_broken", "top_customers"):
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "dunning_followup.action_dunning_worklist"
            )
            action["domain"] = self._dashboard_domain(figure, company, today)
            action["context"] = {"res_partner_search_mode": "customer"}
            return action
        if figure == "customer":
            return self.env["res.partner"].browse(int(key))._get_records_action()
        if figure in ("open_cases", "recovered_month"):
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "dunning_followup.dunning_collection_case_action"
            )
            if figure == "recovered_month":
                payments = self.env["dunning.collection.case.payment"].search(
                    self._dashboard_domain(figure, company, today)
                )
                action["domain"] = [("id", "in", payments.case_id.ids)]
                action["context"] = {}
            return action
        if figure == "aging":
            return self._dashboard_aging_action(company, today, key)
        if figure == "trend":
            return self.env["ir.actions.act_window"]._for_xml_id(
                "dunning_followup.action_dunning_dso_report"
            )
        raise ValueError(figure)

    def _dashboard_aging_action(self, company, today, key):
        """The open invoices of one aging bucket."""
        labels = bucket_labels(DEFAULT_AGING_EDGES)
        index = labels.index(key)
        edges = (0, *DEFAULT_AGING_EDGES)
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        if index < len(edges):
            domain.append(
                ("invoice_date_due", ">=", today - relativedelta(days=edges[index]))
            )
        if index > 0:
            domain.append(
                ("invoice_date_due", "<", today - relativedelta(days=edges[index - 1]))
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = domain
        action["context"] = {"create": False}
        return action
