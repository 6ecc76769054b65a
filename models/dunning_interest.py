"""Statutory late-payment interest in Odoo: the rules, their compensation bands
and the published reference rates, as records an administrator can edit and
extend. The computation itself is the engine's (``dunning_followup.interest``);
these models only turn records into its dataclasses."""

from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..dunning_followup import (
    REFERENCE_RATE_NAMES,
    DunningConfigError,
    InterestRule,
    RatePoint,
    to_decimal,
    validate_interest_rule,
)

REFERENCE_SERIES = list(REFERENCE_RATE_NAMES.items())

# Short names of the reference rates in the description of an interest line,
# e.g. "Interest 8.00 % + ECB 2.15 % from ...".
SERIES_SHORT_NAMES = {
    "ecb_mro": "ECB",
    "de_base": "Basiszinssatz",
    "at_base": "OeNB base rate",
    "boe_base": "BoE Bank Rate",
}

CUSTOMER_KINDS = [
    ("b2b", "Businesses (B2B)"),
    ("b2c", "Consumers (B2C)"),
    ("any", "Any customer"),
]


def _decimal(value):
    """An Odoo float as the Decimal the user typed (0.1 -> Decimal('0.1'))."""
    return to_decimal(value or 0.0)


class DunningInterestRule(models.Model):
    """How late-payment interest and the fixed compensation for recovery costs
    are charged: a reference rate series plus a margin, or a fixed rate."""

    _name = "dunning.interest.rule"
    _description = "Late-Payment Interest Rule"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical code; the shipped rules carry the code of the engine's rule they mirror.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        help="Leave empty to offer the rule to every company.",
    )
    legal_basis = fields.Text(translate=True)
    customer_kind = fields.Selection(
        CUSTOMER_KINDS, string="Applies To", required=True, default="any",
        help="A rule for businesses charges nothing to consumers, and the reverse: the "
        "reminder then carries a note instead of interest.",
    )
    rate_type = fields.Selection(
        [("reference", "Reference rate + margin"), ("fixed", "Fixed annual rate")],
        string="Rate", required=True, default="reference",
    )
    reference_series = fields.Selection(
        REFERENCE_SERIES, string="Reference Rate",
        help="The published rate series; its history is under Configuration > Reference Rates.",
    )
    reference_fixing = fields.Selection(
        [
            ("daily", "The rate in force each day"),
            ("semester", "Fixed on 1 January and 1 July"),
            ("uk_semester", "Fixed on 31 December and 30 June"),
        ],
        string="Reference Fixing", required=True, default="semester",
        help="Which day's reference rate applies: the rate in force each day, or the one "
        "in force on the first day of the half-year (EU directive and its national laws), "
        "or on the last day of the previous half-year (UK Late Payment Act).",
    )
    margin = fields.Float(
        string="Margin (points)", digits=(16, 4),
        help="Percentage points added to the reference rate.",
    )
    fixed_rate = fields.Float(string="Annual Rate (%)", digits=(16, 4))
    day_count = fields.Selection(
        [
            ("act/365", "Actual days / 365"),
            ("act/360", "Actual days / 360"),
            ("act/act", "Actual days / days of the year"),
        ],
        string="Day Count", required=True, default="act/365",
    )
    grace_days = fields.Integer(
        string="Grace Days", help="Days after the due date that are free of interest."
    )
    compensation_currency_id = fields.Many2one(
        "res.currency", string="Compensation Currency",
        help="The currency of the fixed compensation; the company currency when empty.",
    )
    compensation_ids = fields.One2many(
        "dunning.interest.compensation", "rule_id", string="Fixed Compensation", copy=True,
        help="Charged once per invoice: the amount of the first band whose threshold the "
        "debt is below; a band without threshold takes any debt.",
    )

    @api.constrains(
        "rate_type", "reference_series", "margin", "fixed_rate", "day_count", "grace_days",
        "reference_fixing",
    )
    def _check_rule(self):
        for rule in self:
            if rule.rate_type == "reference" and not rule.reference_series:
                raise ValidationError(self.env._(
                    "The interest rule %s uses a reference rate: choose its series.",
                    rule.display_name))
            rule._check_engine()

    def _check_engine(self):
        try:
            validate_interest_rule(self._to_engine())
        except DunningConfigError as error:
            raise ValidationError(str(error)) from error

    def _to_engine(self):
        """This rule as the engine's InterestRule."""
        self.ensure_one()
        bands = self.compensation_ids.sorted(
            lambda band: (not band.threshold, band.threshold, band.sequence, band.id))
        return InterestRule(
            code=self.code or self.name or str(self.id),
            margin=_decimal(self.margin) if self.rate_type == "reference" else Decimal(0),
            day_count=self.day_count,
            fixed_rate=_decimal(self.fixed_rate) if self.rate_type == "fixed" else None,
            grace_days=self.grace_days or 0,
            reference_fixing=self.reference_fixing,
            compensation_bands=tuple(
                (_decimal(band.threshold) if band.threshold else None, _decimal(band.amount))
                for band in bands
            ),
            compensation_currency=self.compensation_currency_id.name or None,
            reference_series=self.reference_series if self.rate_type == "reference" else None,
        )

    def _series_points(self):
        """The reference rates the engine needs for this rule (none for a fixed rate)."""
        self.ensure_one()
        if self.rate_type != "reference" or not self.reference_series:
            return ()
        return self.env["dunning.interest.rate"]._series_points(self.reference_series)

    def _applies_to(self, kind):
        """Whether this rule charges a customer of ``kind`` ('b2b' or 'b2c')."""
        self.ensure_one()
        return self.customer_kind in ("any", kind)

    def _series_short_name(self):
        self.ensure_one()
        return SERIES_SHORT_NAMES.get(self.reference_series) or dict(REFERENCE_SERIES).get(
            self.reference_series, "")


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
        string="Debt Below", currency_field="currency_id",
        help="The band applies to a debt strictly below this amount; 0: to any debt "
        "(the last band).",
    )
    amount = fields.Monetary(string="Compensation", required=True, currency_field="currency_id")

    _amounts_positive = models.Constraint(
        "CHECK(threshold >= 0 AND amount >= 0)",
        "The threshold and the amount of a compensation band cannot be negative.",
    )

    @api.constrains("threshold", "amount", "rule_id")
    def _check_bands(self):
        for rule in self.rule_id:
            rule._check_engine()


class DunningInterestRate(models.Model):
    """A published reference rate: in force from its date until the next one of
    its series. Extended by an administrator as new rates are published."""

    _name = "dunning.interest.rate"
    _description = "Reference Interest Rate"
    _order = "series, date_from desc"

    series = fields.Selection(REFERENCE_SERIES, required=True, index=True)
    date_from = fields.Date(string="In Force From", required=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)

    _series_date_unique = models.Constraint(
        "UNIQUE(series, date_from)",
        "A reference rate series has one rate per date.",
    )

    @api.depends("series", "date_from", "rate")
    def _compute_display_name(self):
        names = dict(REFERENCE_SERIES)
        for record in self:
            record.display_name = self.env._(
                "%(series)s from %(date)s: %(rate)s %%",
                series=SERIES_SHORT_NAMES.get(record.series) or names.get(record.series, ""),
                date=record.date_from, rate=f"{record.rate:.2f}",
            )

    @api.model
    def _series_points(self, series):
        """The rates of ``series`` as the engine's RatePoints, by date."""
        records = self.sudo().search_fetch([("series", "=", series)], ["date_from", "rate"],
                                           order="date_from")
        return tuple(RatePoint(record.date_from, _decimal(record.rate)) for record in records)
