from odoo import api, fields, models

FEE_POSTINGS = [
    ("none", "Show on the reminder only"),
    ("draft", "Draft customer invoice"),
    ("posted", "Posted customer invoice"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_dunning_fee_product(self):
        return self.env.ref(
            "dunning_followup.product_dunning_fee", raise_if_not_found=False
        )

    def _default_dunning_interest_product(self):
        return self.env.ref(
            "dunning_followup.product_dunning_interest", raise_if_not_found=False
        )

    dunning_escalation = fields.Selection(
        selection=[
            ("stepwise", "One level at a time"),
            ("straight", "Straight to the level the age reaches"),
        ],
        default="stepwise",
        required=True,
        help="One level at a time: a customer never skips a level, even when an "
        "invoice is already old enough for a later one.\nStraight: the reminder goes "
        "to the level that the invoice's age reaches.",
    )
    dunning_priority_method = fields.Selection(
        selection=[
            ("balance", "Largest overdue balance"),
            ("age", "Oldest debt"),
            ("weighted", "Balance weighted by age"),
        ],
        string="Dunning Priority",
        default="weighted",
        required=True,
        help="How the Dunning worklist orders the customers that need action.",
    )

    # Fees and interest
    dunning_fee_posting = fields.Selection(
        FEE_POSTINGS,
        string="Charge Dunning Fees",
        required=True,
        default="none",
        help="Show on the reminder only: fees and interest are stated, not "
        "charged.\nDraft or posted customer invoice: they are invoiced to the customer "
        "on an invoice of their own, linked to the reminder.",
    )
    dunning_fee_product_id = fields.Many2one(
        "product.product",
        default=lambda self: self._default_dunning_fee_product(),
        help="Product (and so income account) of the dunning fees on fee invoices.",
    )
    dunning_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest Product",
        default=lambda self: self._default_dunning_interest_product(),
        help="Product (and so income account) of late-payment interest and fixed "
        "compensation on fee invoices.",
    )
    dunning_interest_rule_id = fields.Many2one(
        "dunning.interest.rule",
        string="Default Interest Rule",
        help="The interest rule of dunning levels that charge interest without a rule "
        "of their own, for customers without one.",
    )

    # Self-service page of the reminders
    dunning_portal_promise_max_days = fields.Integer(
        string="Longest Promise to Pay (days)",
        default=30,
        help="On a reminder's self-service page, a customer may promise to pay at "
        "most this many days ahead.",
    )
    dunning_portal_paid_days = fields.Integer(
        string="Pause After 'Already Paid' (days)",
        default=5,
        help="When a customer says on the self-service page that it has paid, no "
        "reminder escalates for this many days, the time for the payment to arrive.",
    )

    _dunning_portal_days_positive = models.Constraint(
        "CHECK(dunning_portal_promise_max_days > 0 AND dunning_portal_paid_days >= 0)",
        "The longest promise to pay must be at least a day, the pause after a payment "
        "cannot be negative.",
    )

    # Collection cases
    dunning_collection_agency_id = fields.Many2one(
        "res.partner",
        string="Collection Agency",
        domain=[("dunning_collection_agency", "=", True)],
        help="The agency or lawyer overdue invoices are handed over to by default.",
    )
    dunning_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Account",
        help="Where writing off a collection case posts what is still due.",
    )
    dunning_writeoff_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off Journal",
        domain=[("type", "=", "general")],
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["dunning.level"].sudo()._dunning_create_default_levels(companies)
        return companies

    @api.model
    def _dunning_set_default_fee_products(self):
        """Give the companies that existed before the module the shipped products."""
        fee = self._default_dunning_fee_product()
        interest = self._default_dunning_interest_product()
        missing = self.sudo().search(
            [
                "|",
                ("dunning_fee_product_id", "=", False),
                ("dunning_interest_product_id", "=", False),
            ]
        )
        for company in missing:
            if fee and not company.dunning_fee_product_id:
                company.dunning_fee_product_id = fee
            if interest and not company.dunning_interest_product_id:
                company.dunning_interest_product_id = interest
