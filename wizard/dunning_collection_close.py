from odoo import fields, models
from odoo.exceptions import UserError

CLOSE_MODES = [
    ("return", "Return to Internal Dunning"),
    ("write_off", "Write Off"),
]


class DunningCollectionClose(models.TransientModel):
    """Close a collection case: return it to internal dunning (the agency
    gave up) or write its residual off as bad debt, with the reason."""

    _name = "dunning.collection.close"
    _description = "Close a Collection Case"

    case_id = fields.Many2one("dunning.collection.case", required=True, readonly=True)
    mode = fields.Selection(CLOSE_MODES, required=True, readonly=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    amount_residual = fields.Monetary(related="case_id.amount_residual")
    reason = fields.Text(required=True)
    date = fields.Date(string="Write-off Date", default=fields.Date.context_today)
    writeoff_account_id = fields.Many2one(
        related="case_id.company_id.dunning_writeoff_account_id"
    )
    writeoff_journal_id = fields.Many2one(
        related="case_id.company_id.dunning_writeoff_journal_id"
    )

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason."))
        if self.mode == "return":
            self.case_id._dunning_return(self.reason)
        else:
            self.case_id._dunning_write_off(self.reason, self.date)
        return {"type": "ir.actions.act_window_close"}
