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
    def _dunning_mark_stale(self, move_line_ids):
        """Mark stale the rows of the partners of the journal items
        ``move_line_ids`` (as the table has them, before the change): the
        items are being deleted or moved to another partner."""
        self.env.cr.execute(
            SQL(
                """UPDATE dunning_aging_snapshot_line stored SET stale = TRUE
                     FROM account_move_line line
                    WHERE line.id = ANY(%s)
                      AND stored.company_id = line.company_id
                      AND stored.partner_id = line.partner_id
                      AND NOT stored.stale""",
                list(move_line_ids),
            )
        )
        if self.env.cr.rowcount:
            self.invalidate_model(["stale"])
