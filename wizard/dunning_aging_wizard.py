from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class DunningAgingWizard(models.TransientModel):
    """Choose the date of the receivables aging, then open or print it."""

    _name = "dunning.aging.wizard"
    _description = "Receivables Aging as of"

    period = fields.Selection(
        selection=[
            ("today", "Today"),
            ("last_month", "End of Last Month"),
            ("custom", "Another Date"),
        ],
        default="today",
        required=True,
    )
    aging_date = fields.Date(
        string="Aging as of",
        required=True,
        default=fields.Date.context_today,
        help="Invoices, credit notes and payments dated after this day are left out; "
        "payments and reconciliations made after it do not reduce what was open on it.",
    )

    @api.onchange("period")
    def _onchange_period(self):
        today = fields.Date.context_today(self)
        if self.period == "today":
            self.aging_date = today
        elif self.period == "last_month":
            self.aging_date = today.replace(day=1) - relativedelta(days=1)

    def action_open(self):
        """The aging report as of the chosen date, grouped by customer."""
        self.ensure_one()
        return self.env["dunning.aging.report"]._dunning_aging_action(self.aging_date)

    def action_print(self):
        """The printable aging (one row per customer) as of the chosen date, for
        the companies selected in the company switcher."""
        self.ensure_one()
        return self.env.ref(
            "dunning_followup.action_report_dunning_aging"
        ).report_action(
            None,
            data={
                "aging_date": fields.Date.to_string(self.aging_date),
            },
        )
