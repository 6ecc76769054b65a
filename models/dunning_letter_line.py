from odoo import fields, models


class DunningLetterLine(models.Model):
    """One overdue item as it stood when the letter was made: a snapshot, so
    the letter keeps saying what was sent even after payments arrive."""

    _name = "dunning.letter.line"
    _description = "Dunning Letter Line"
    _order = "letter_id, days_overdue desc, id"

    letter_id = fields.Many2one(
        "dunning.letter", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")

    # The item
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="restrict"
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Journal Item", index=True, ondelete="set null"
    )
    move_name = fields.Char(string="Number")
    invoice_date = fields.Date()
    date_due = fields.Date(string="Due Date")
    days_overdue = fields.Integer()
    level_id = fields.Many2one("dunning.level", ondelete="restrict")

    # Amounts, in company currency and in the invoice's currency
    amount_original = fields.Monetary(
        string="Original Amount", currency_field="currency_id"
    )
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id")
    move_currency_id = fields.Many2one("res.currency", string="Invoice Currency")
    amount_residual_currency = fields.Monetary(
        string="Amount Due in Invoice Currency", currency_field="move_currency_id"
    )
