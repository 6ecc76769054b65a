from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..dunning_followup import DunningConfigError
from ..dunning_followup.recovery import (
    MAX_WINDOW_DAYS,
    RetryPolicy,
    parse_offsets,
    validate_policy,
)


class DunningPaymentPolicy(models.Model):
    """How a company recovers failed automatic charges: when it retries, how
    often a payment method may be charged, and what happens when it gives up."""

    _name = "dunning.payment.policy"
    _description = "Payment Recovery Policy"
    _order = "company_id"

    name = fields.Char(
        required=True,
        translate=True,
        default=lambda self: self.env._("Payment Recovery"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # When to charge and retry
    precharge_notice_days = fields.Integer(
        string="Pre-charge Notice (days)",
        default=5,
        help="Days before an automatic charge on which the customer is told about it "
        "(SEPA direct debits require such a pre-notification).",
    )
    retry_days = fields.Char(
        required=True,
        default="1,3,7,14",
        help="Days after the first failed charge on which it is retried, "
        "separated by commas.",
    )
    final_action_day = fields.Integer(
        default=15,
        help="Day after the first failure on which the final action is taken if the "
        "invoice is still unpaid.",
    )
    window_days = fields.Integer(
        string="Recovery Window (days)",
        default=MAX_WINDOW_DAYS,
        help="No attempt is made later than this many days after the due date or the "
        f"first failure (at most {MAX_WINDOW_DAYS}).",
    )
    max_attempts_per_day = fields.Integer(
        string="Attempts per Payment Method and Day",
        default=3,
        help="Card networks penalise merchants that charge a card too often.",
    )
    max_attempts_per_30_days = fields.Integer(
        string="Attempts per Payment Method in 30 Days",
        default=15,
    )

    # When retries are exhausted
    final_stop_auto_charge = fields.Boolean(
        string="Stop Automatic Charging",
        default=True,
        help="Stop charging the customer automatically and hand the invoice over "
        "to the ordinary dunning levels (letters, fees, interest).",
    )
    final_activity = fields.Boolean(
        string="Schedule an Activity",
        default=True,
        help="Schedule an activity for the customer's dunning responsible.",
    )

    _company_unique = models.UniqueIndex(
        "(company_id)", "A company has one payment recovery policy."
    )

    @api.constrains(
        "retry_days",
        "final_action_day",
        "window_days",
        "max_attempts_per_day",
        "max_attempts_per_30_days",
        "precharge_notice_days",
    )
    def _check_engine_policy(self):
        for policy in self:
            try:
                policy._engine_policy()
            except DunningConfigError as error:
                raise ValidationError(
                    self.env._("Payment recovery policy: %s", error)
                ) from error

    def _engine_policy(self):
        self.ensure_one()
        return validate_policy(
            RetryPolicy(
                retry_offsets=parse_offsets(self.retry_days),
                final_offset=self.final_action_day,
                window_days=self.window_days,
                max_per_token_day=self.max_attempts_per_day,
                max_per_token_30_days=self.max_attempts_per_30_days,
                precharge_notice_days=self.precharge_notice_days,
            )
        )

    @api.model
    def _policy_for(self, company):
        """The company's policy, created with the defaults on first use."""
        policy = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return policy or self.sudo().create({"company_id": company.id})
