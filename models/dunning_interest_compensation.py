from odoo import api, fields, models


class DunningInterestCompensation(models.Model):
    """A band of the fixed compensation for recovery costs: its amount for a
    debt below the threshold (the UK charges 40, 70 or 100 GBP by debt size)."""

    _name = "dunning.interest.compensation"
    _description = "Fixed Compensation Band"
    _order = "rule_id, sequence, threshold, id"

    rule_id = fields.Many2one(
        "dunning.interest.rule", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="rule_id.compensation_currency_id")
    threshold = fields.Monetary(
        string="Debt Below",
        currency_field="currency_id",
        help="The band applies to a debt strictly below this amount; 0: to any debt "
        "(the last band).",
    )
    amount = fields.Monetary(
        string="Compensation", required=True, currency_field="currency_id"
    )
    percent = fields.Float(
        string="Percentage",
        digits=(16, 4),
        help="Percentage scale only: the percentage of the part of the debt up to "
        "this band's threshold (no threshold: the rest).",
    )

    _amounts_positive = models.Constraint(
        "CHECK(threshold >= 0 AND amount >= 0 AND percent >= 0)",
        "The threshold and the amount of a compensation band cannot be negative.",
    )

    @api.constrains("threshold", "amount", "percent", "rule_id")
    def _check_bands(self):
        for rule in self.rule_id:
            rule._check_engine()
