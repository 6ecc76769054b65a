from odoo import api, fields, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # The aging as of a past date reads the reconciliations made after it.
    max_date = fields.Date(index=True)

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # Payments reaching invoices handed over to collection count on their case.
        self.env["dunning.collection.case"]._dunning_recognise_partials(partials)
        return partials

    def unlink(self):
        # An unreconciled payment no longer counts: its case reopens if need be.
        cases = (
            self.env["dunning.collection.case.payment"]
            .sudo()
            .search([("partial_id", "in", self.ids)])
            .case_id
        )
        result = super().unlink()
        cases._dunning_reopen_unpaid()
        return result
