from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_escalation = fields.Selection(
        selection=[
            ("stepwise", "One level at a time"),
            ("straight", "Straight to the level the age reaches"),
        ],
        string="Dunning Escalation",
        default="stepwise",
        required=True,
        help="One level at a time: a customer never skips a level, even when an invoice "
        "is already old enough for a later one.\n"
        "Straight: the reminder goes to the level that the invoice's age reaches.",
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

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["dunning.level"].sudo()._create_default_levels(companies)
        return companies
