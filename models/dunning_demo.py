from datetime import timedelta

from odoo import api, fields, models


class DunningLetter(models.Model):
    _inherit = "dunning.letter"

    @api.model
    def _create_demo_invoices(self, specs):
        """Demo ledger: for each (partner id, days overdue, amount, level id
        already sent, days since it was sent), a posted customer invoice due
        that many days ago, with its reminder history."""
        today = fields.Date.context_today(self)
        company = self.env.company
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            return
        for partner_id, overdue, amount, level_id, sent_ago in specs:
            due = today - timedelta(days=overdue)
            invoice = self.env["account.move"].create({
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "journal_id": journal.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [fields.Command.create({
                    "name": "Consulting services",
                    "quantity": 1,
                    "price_unit": amount,
                    "tax_ids": [fields.Command.clear()],
                })],
            })
            invoice.action_post()
            if level_id:
                invoice.write({
                    "dunning_level_id": level_id,
                    "dunning_last_date": today - timedelta(days=sent_ago),
                    "dunning_count": 1,
                })
