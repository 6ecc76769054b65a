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
    "fr_legal_pro": "Taux légal",
    "fr_legal_private": "Taux légal (particuliers)",
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
        help="Technical code; the shipped rules carry the code of the engine's rule "
        "they mirror.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to offer the rule to every company.",
    )
    legal_basis = fields.Text(translate=True)
    customer_kind = fields.Selection(
        CUSTOMER_KINDS,
        string="Applies To",
        required=True,
        default="any",
        help="A rule for businesses charges nothing to consumers, and the reverse: the "
        "reminder then carries a note instead of interest.",
    )
    rate_type = fields.Selection(
        [("reference", "Reference rate + margin"), ("fixed", "Fixed annual rate")],
        string="Rate",
        required=True,
        default="reference",
    )
    reference_series = fields.Selection(
        REFERENCE_SERIES,
        string="Reference Rate",
        help="The published rate series; its history is under Configuration > "
        "Reference Rates.",
    )
    reference_fixing = fields.Selection(
        [
            ("daily", "The rate in force each day"),
            ("semester", "Fixed on 1 January and 1 July"),
            ("uk_semester", "Fixed on 31 December and 30 June"),
        ],
        required=True,
        default="semester",
        help="Which day's reference rate applies: the rate in force each day, or the "
        "one in force on the first day of the half-year (EU directive and its national "
        "laws), or on the last day of the previous half-year (UK Late Payment Act).",
    )
    margin = fields.Float(
        string="Margin (points)",
        digits=(16, 4),
        help="Percentage points added to the reference rate.",
    )
    fixed_rate = fields.Float(string="Annual Rate (%)", digits=(16, 4))
    day_count = fields.Selection(
        [
            ("act/365", "Actual days / 365"),
            ("act/360", "Actual days / 360"),
            ("act/act", "Actual days / days of the year"),
        ],
        required=True,
        default="act/365",
    )
    grace_days = fields.Integer(
        help="Days after the due date that are free of interest."
    )
    compensation_currency_id = fields.Many2one(
        "res.currency",
        help="The currency of the fixed compensation; the company currency when empty.",
    )
    compensation_ids = fields.One2many(
        "dunning.interest.compensation",
        "rule_id",
        string="Fixed Compensation",
        copy=True,
        help="Fixed amounts: charged once per invoice, the amount of the first band "
        "whose threshold the debt is below; a band without threshold takes any debt.\n"
        "Percentage scale: each tier's percentage of the part of the debt up to its "
        "bound (no bound: the rest), on the total of the reminded invoices.",
    )
    compensation_type = fields.Selection(
        [("bands", "Fixed amounts by debt"), ("scale", "Percentage scale")],
        required=True,
        default="bands",
        help="A percentage scale is the Dutch BIK scale's kind: tiers of percentages "
        "with a minimum and a maximum.",
    )
    compensation_minimum = fields.Float(
        string="Minimum Compensation",
        digits=(16, 2),
        help="Percentage scale: the least compensation (0: none).",
    )
    compensation_maximum = fields.Float(
        string="Maximum Compensation",
        digits=(16, 2),
        help="Percentage scale: the most compensation (0: no maximum).",
    )
    compensation_vat = fields.Float(
        string="VAT on Compensation (%)",
        digits=(16, 2),
        help="A VAT rate added to the compensation, for a creditor who cannot deduct "
        "the VAT on its collection costs (BIK). 0: none.",
    )
    compound_yearly = fields.Boolean(
        help="Add the interest of each full year of delay to the sum interest runs on "
        "(Netherlands, art. 6:119(2) and 6:119a(3) BW). German law forbids it "
        "(§ 289 BGB).",
    )
    reference_stale = fields.Boolean(
        string="Reference Rate Out of Date",
        compute="_compute_reference_stale",
        help="The reference rate series has no rate published for the current "
        "half-year: add it under Configuration > Reference Rates.",
    )

    @api.constrains(
        "rate_type",
        "reference_series",
        "margin",
        "fixed_rate",
        "day_count",
        "grace_days",
        "reference_fixing",
        "compensation_type",
        "compensation_minimum",
        "compensation_maximum",
        "compensation_vat",
        "compound_yearly",
    )
    def _check_rule(self):
        for rule in self:
            if rule.rate_type == "reference" and not rule.reference_series:
                raise ValidationError(
                    self.env._(
                        "The interest rule %s uses a reference rate: choose its "
                        "series.",
                        rule.display_name,
                    )
                )
            rule._check_engine()

    @api.depends("rate_type", "reference_series")
    def _compute_reference_stale(self):
        today = fields.Date.context_today(self)
        stale = set(self.env["dunning.interest.rate"]._dunning_stale_series(today))
        for rule in self:
            rule.reference_stale = (
                rule.rate_type == "reference" and rule.reference_series in stale
            )

    @api.model
    def _dunning_shipped_rule(self, code):
        """The shipped rule of engine code ``code`` (an empty recordset when none)."""
        if not code:
            return self.browse()
        return (
            self.env.ref(
                f"dunning_followup.interest_rule_{code}", raise_if_not_found=False
            )
            or self.browse()
        )

    def _check_engine(self):
        try:
            validate_interest_rule(self._dunning_to_engine())
        except DunningConfigError as error:
            raise ValidationError(str(error)) from error

    def _dunning_to_engine(self):
        """This rule as the engine's InterestRule."""
        self.ensure_one()
        bands = self.compensation_ids.sorted(
            lambda band: (not band.threshold, band.threshold, band.sequence, band.id)
        )
        scale = self.compensation_type == "scale"
        return InterestRule(
            code=self.code or self.name or str(self.id),
            margin=_decimal(self.margin)
            if self.rate_type == "reference"
            else Decimal(0),
            day_count=self.day_count,
            fixed_rate=_decimal(self.fixed_rate) if self.rate_type == "fixed" else None,
            grace_days=self.grace_days or 0,
            reference_fixing=self.reference_fixing,
            compensation_bands=()
            if scale
            else tuple(
                (
                    _decimal(band.threshold) if band.threshold else None,
                    _decimal(band.amount),
                )
                for band in bands
            ),
            compensation_scale=tuple(
                (
                    _decimal(band.threshold) if band.threshold else None,
                    _decimal(band.percent),
                )
                for band in bands
            )
            if scale
            else (),
            compensation_minimum=_decimal(self.compensation_minimum)
            if scale and self.compensation_minimum
            else None,
            compensation_maximum=_decimal(self.compensation_maximum)
            if scale and self.compensation_maximum
            else None,
            compensation_vat=_decimal(self.compensation_vat),
            compound_yearly=bool(self.compound_yearly),
            compensation_currency=self.compensation_currency_id.name or None,
            reference_series=self.reference_series
            if self.rate_type == "reference"
            else None,
        )

    def _dunning_series_points(self):
        """The reference rates the engine needs for this rule (none for a fixed
        rate)."""
        self.ensure_one()
        if self.rate_type != "reference" or not self.reference_series:
            return ()
        return self.env["dunning.interest.rate"]._dunning_series_points(
            self.reference_series
        )

    def _dunning_applies_to(self, kind):
        """Whether this rule charges a customer of ``kind`` ('b2b' or 'b2c')."""
        self.ensure_one()
        return self.customer_kind in ("any", kind)

    def _dunning_series_short_name(self):
        self.ensure_one()
        return SERIES_SHORT_NAMES.get(self.reference_series) or dict(
            REFERENCE_SERIES
        ).get(self.reference_series, "")
