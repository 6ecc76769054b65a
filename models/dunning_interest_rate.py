import logging

from odoo import api, fields, models

from ..dunning_followup import RatePoint, half_year_start
from .dunning_interest_rule import REFERENCE_SERIES, SERIES_SHORT_NAMES, _decimal

_logger = logging.getLogger(__name__)


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

    @api.model
    def _dunning_stale_series(self, today, rules=None):
        """The series used by ``rules`` (default: every active rule) that have no
        rate for the half-year of ``today`` (see ``rates.series_is_current``),
        sorted."""
        if rules is None:
            rules = (
                self.env["dunning.interest.rule"]
                .sudo()
                .search([("rate_type", "=", "reference")])
            )
        used = {
            rule.reference_series
            for rule in rules
            if rule.rate_type == "reference" and rule.reference_series
        }
        if not used:
            return ()
        latest = dict(
            self.sudo()._read_group(
                [("series", "in", list(used))], ["series"], ["date_from:max"]
            )
        )
        # The UK rule fixes its rate on the last day of the previous half-year.
        threshold = fields.Date.subtract(half_year_start(today), days=1)
        return tuple(
            sorted(
                series
                for series in used
                if not latest.get(series) or latest[series] < threshold
            )
        )

    @api.model
    def _dunning_warn_stale_series(self, today, rules=None, company=None):
        """Log a warning per series of ``rules`` without a rate for the half-year
        of ``today``; return those series."""
        names = dict(REFERENCE_SERIES)
        stale = self._dunning_stale_series(today, rules)
        for series in stale:
            _logger.warning(
                "Dunning%s: the reference rate series %s has no rate published for "
                "the half-year of %s; add it under Configuration > Reference Rates.",
                f" ({company.name})" if company else "",
                names.get(series, series),
                today,
            )
        return stale
