from odoo import api, fields, models

from ..dunning_followup import RatePoint
from .dunning_interest_rule import REFERENCE_SERIES, SERIES_SHORT_NAMES, _decimal


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
                series=SERIES_SHORT_NAMES.get(record.series)
                or names.get(record.series, ""),
                date=record.date_from,
                rate=f"{record.rate:.2f}",
            )

    @api.model
    def _dunning_series_points(self, series):
        """The rates of ``series`` as the engine's RatePoints, by date."""
        records = self.sudo().search_fetch(
            [("series", "=", series)], ["date_from", "rate"], order="date_from"
        )
        return tuple(
            RatePoint(record.date_from, _decimal(record.rate)) for record in records
        )
