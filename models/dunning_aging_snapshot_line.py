"""One partner's receivables aging in one company, as of its snapshot's date
(see dunning_aging_snapshot.py)."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..dunning_followup import DEFAULT_AGING_EDGES, bucket_labels

# The columns the refresh fills from the aging per partner, in the order of
# dunning.aging.report._dunning_aging_per_partner_query.
SNAPSHOT_COLUMNS = [
    "company_id",
    "partner_id",
    "first_line_id",
    "item_count",
    "days_overdue",
    *(f"amount_{label}" for label in bucket_labels(DEFAULT_AGING_EDGES)),
    "amount_total",
]


class DunningAgingSnapshotLine(models.Model):
    _name = "dunning.aging.snapshot.line"
    _description = "Receivables Aging Snapshot Line"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    first_line_id = fields.Integer(
        required=True, help="The partner's lowest journal item id, the report's row id"
    )
    item_count = fields.Integer(string="Open Items")
    days_overdue = fields.Integer(
        help="Days overdue of the partner's oldest open invoice (payments, credit "
        "notes and disputed items left out); empty when none is due."
    )
    amount_not_due = fields.Float(string="Not Due")
    amount_1_30 = fields.Float(string="1-30")
    amount_31_60 = fields.Float(string="31-60")
    amount_61_90 = fields.Float(string="61-90")
    amount_91_120 = fields.Float(string="91-120")
    amount_120_plus = fields.Float(string="Over 120")
    amount_total = fields.Float(string="Total")
    stale = fields.Boolean(
        help="A journal item of the partner was deleted or moved to another "
        "partner after the refresh: its aging is computed live."
    )

    @api.model
    def _dunning_mark_stale(self, pairs):
        """Mark the rows of ``pairs`` ((company id, partner id)) stale: their
        journal items are deleted or moved to another partner."""
        pairs = {(company, partner) for company, partner in pairs if partner}
        if not pairs:
            return
        values = SQL(", ").join(SQL("(%s, %s)", *pair) for pair in pairs)
        self.env.cr.execute(
            SQL(
                """UPDATE dunning_aging_snapshot_line line SET stale = TRUE
                     FROM (VALUES %s) AS pair(company_id, partner_id)
                    WHERE line.company_id = pair.company_id
                      AND line.partner_id = pair.partner_id
                      AND NOT line.stale""",
                values,
            )
        )
        if self.env.cr.rowcount:
            self.invalidate_model(["stale"])
