from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..dunning_followup.recovery import Attempt, recovery_metrics


class DunningPaymentRecoveryMetrics(models.TransientModel):
    """The payment recovery figures over a period: how much failed, how much
    was recovered, by which attempt, how fast, and how many customers were lost."""

    _name = "dunning.payment.recovery.metrics"
    _description = "Payment Recovery Metrics"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=12),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    failed_amount = fields.Monetary(readonly=True)
    recovered_amount = fields.Monetary(readonly=True)
    recovery_rate = fields.Float(string="Recovery Rate (%)", readonly=True)
    median_days_to_recovery = fields.Float(readonly=True)
    auto_charge_customers = fields.Integer(
        string="Customers with Automatic Charge",
        readonly=True,
        help="Customers with automatic charging now, plus those whose charging "
        "the final action stopped in the period.",
    )
    churned_customers = fields.Integer(
        string="Customers Lost to Failed Payments", compute="_compute_metrics"
    )
    involuntary_churn = fields.Float(string="Involuntary Churn (%)", readonly=True)
    expiry_notices = fields.Integer(
        string="Cards Given an Expiry Notice", readonly=True
    )
    cards_updated = fields.Integer(
        string="New Card Saved After the Notice", readonly=True
    )
    expiry_conversion = fields.Float(
        string="Expiry Notice Conversion (%)", compute="_compute_metrics"
    )
    attempt_line_ids = fields.One2many(
        "dunning.payment.recovery.metrics.line",
        "metrics_id",
        readonly=True,
        string="Per Attempt Number",
        domain=[("kind", "=", "attempt")],
    )
    month_line_ids = fields.One2many(
        "dunning.payment.recovery.metrics.line",
        "metrics_id",
        readonly=True,
        string="Per Month of First Failure",
        domain=[("kind", "=", "month")],
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._fill()
        return wizards

    def _fill(self):
        """Compute the figures (the engine does the arithmetic) and store them."""
        for wizard in self:
            metrics, counts = wizard._metrics()
            wizard.attempt_line_ids.unlink()
            wizard.month_line_ids.unlink()
            wizard.write(
                {
                    "failed_amount": metrics.failed_amount,
                    "recovered_amount": metrics.recovered_amount,
                    "recovery_rate": float(
                        metrics.recovered_amount / metrics.failed_amount * 100
                    )
                    if metrics.failed_amount
                    else 0.0,
                    "median_days_to_recovery": metrics.median_days_to_recovery or 0.0,
                    "involuntary_churn": float(metrics.involuntary_churn),
                    "expiry_conversion": float(metrics.expiry_conversion),
                    "attempt_line_ids": [
                        Command.create(
                            wizard._line_values("attempt", str(row.key), row)
                        )
                        for row in metrics.by_attempt
                    ],
                    "month_line_ids": [
                        Command.create(wizard._line_values("month", row.key, row))
                        for row in metrics.by_month
                    ],
                    **counts,
                }
            )

    def _line_values(self, kind, label, row):
        return {
            "kind": kind,
            "label": label,
            "attempted_amount": float(row.attempted),
            "failed_amount": float(row.failed),
            "recovered_amount": float(row.recovered),
            "recovery_rate": float(row.rate),
        }

    def _metrics(self):
        """Gather the period's attempts and counts, and ask the engine."""
        self.ensure_one()
        company = self.company_id
        rows = self.env["dunning.payment.attempt"].search_read(
            [
                ("company_id", "=", company.id),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("state", "in", ("done", "failed")),
            ],
            ["move_id", "attempt_number", "date", "amount_company", "state"],
            order="date, id",
        )
        attempts = [
            Attempt(
                row["move_id"][0],
                row["attempt_number"],
                row["date"],
                Decimal(str(company.currency_id.round(row["amount_company"]))),
                row["state"] == "done",
            )
            for row in rows
        ]
        Partner = self.env["res.partner"].with_company(company)
        churned = Partner.search_count(
            [
                ("payment_auto_charge_stop_date", ">=", self.date_from),
                ("payment_auto_charge_stop_date", "<=", self.date_to),
            ]
        )
        opted_in = Partner.search_count([("payment_auto_charge", "=", True)]) + churned
        notified, updated = self._expiry_conversion_counts()
        metrics = recovery_metrics(attempts, opted_in, churned, notified, updated)
        return metrics, {
            "auto_charge_customers": opted_in,
            "churned_customers": churned,
            "expiry_notices": notified,
            "cards_updated": updated,
        }

    def _expiry_conversion_counts(self):
        """Cards given a first expiry notice in the period, and how many of their
        customers saved a new payment method after it."""
        Token = self.env["payment.token"].sudo().with_context(active_test=False)
        notified = Token.search(
            [
                ("company_id", "in", (self.company_id.id, False)),
                "|",
                "&",
                ("expiry_notice_30_date", ">=", self.date_from),
                ("expiry_notice_30_date", "<=", self.date_to),
                "&",
                ("expiry_notice_5_date", ">=", self.date_from),
                ("expiry_notice_5_date", "<=", self.date_to),
            ]
        )
        updated = 0
        for token in notified:
            first_notice = min(
                filter(None, (token.expiry_notice_30_date, token.expiry_notice_5_date))
            )
            newer = Token.search_count(
                [
                    (
                        "partner_id",
                        "child_of",
                        token.partner_id.commercial_partner_id.id,
                    ),
                    ("id", ">", token.id),
                    ("create_date", ">=", fields.Datetime.to_datetime(first_notice)),
                ],
                limit=1,
            )
            updated += bool(newer)
        return len(notified), updated

    def action_refresh(self):
        self.ensure_one()
        self._fill()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }


class DunningPaymentRecoveryMetricsLine(models.TransientModel):
    """A row of the recovery metrics: one attempt number, or one month."""

    _name = "dunning.payment.recovery.metrics.line"
    _description = "Payment Recovery Metrics Row"
    _order = "kind, label"

    metrics_id = fields.Many2one("dunning.payment.recovery.metrics", ondelete="cascade")
    kind = fields.Selection([("attempt", "Attempt"), ("month", "Month")], required=True)
    label = fields.Char(string="Attempt / Month")
    currency_id = fields.Many2one(related="metrics_id.currency_id")
    attempted_amount = fields.Monetary(string="Attempted")
    failed_amount = fields.Monetary(string="Failed")
    recovered_amount = fields.Monetary(string="Recovered")
    recovery_rate = fields.Float(string="Recovery Rate (%)")
