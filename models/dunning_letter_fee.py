from odoo import fields, models

FEE_TYPES = [
    ("fee", "Dunning Fee"),
    ("interest", "Interest"),
    ("compensation", "Fixed Compensation"),
]


class DunningLetterFee(models.Model):
    """A fee, interest or compensation line of a reminder."""

    _name = "dunning.letter.fee"
    _description = "Dunning Letter Fee"
    _order = "letter_id, sequence, id"

    letter_id = fields.Many2one(
        "dunning.letter", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    letter_currency_id = fields.Many2one(
        related="letter_id.currency_id", string="Company Currency"
    )
    sequence = fields.Integer(default=10)
    fee_type = fields.Selection(FEE_TYPES, string="Type", required=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        ondelete="restrict",
        help="The overdue invoice the interest or compensation is about; empty for the "
        "level's fee.",
    )
    name = fields.Char(string="Description", required=True)
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    rate = fields.Float(string="Annual Rate (%)", digits=(16, 4))
    amount = fields.Monetary(
        currency_field="letter_currency_id", help="In company currency."
    )
    currency_id = fields.Many2one(
        "res.currency",
        help="The currency of the invoice (or of the fee invoice).",
    )
    amount_currency = fields.Monetary(
        string="Amount in Currency", currency_field="currency_id"
    )
