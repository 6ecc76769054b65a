from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _write_multi(self, vals_list):
        # A journal item moved to another partner leaves its old partner's
        # stored aging wrong, and nothing of the old partner changed: mark it
        # (the ORM's write and its recomputations, e.g. of an invoice's
        # partner, both end here, with the old value still in the table).
        if any("partner_id" in vals for vals in vals_list):
            self._dunning_aging_mark_stale()
        return super()._write_multi(vals_list)

    def unlink(self):
        self._dunning_aging_mark_stale()
        return super().unlink()

    def _dunning_aging_mark_stale(self):
        """Mark the stored aging of these journal items' partners (as the
        table has them) out of date."""
        ids = [line_id for line_id in self.ids if line_id]
        if ids:
            self.env["dunning.aging.snapshot.line"]._dunning_mark_stale(ids)
